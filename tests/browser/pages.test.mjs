// The pages in a real headless Chromium: forms, profile, sign-out.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import {
  PASSWORD, launchBrowser, newContext, registerThroughForm, screenshot, signInOnPage, signedInTwice,
  startServer,
} from "./helpers.mjs";

let browser;
let server;

before(async () => {
  browser = await launchBrowser();
  server = await startServer();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test("registering through the form lands on the profile", async () => {
  const { context, watch } = await newContext(browser);
  const page = await context.newPage();
  await page.goto(server.url + "/login");
  await screenshot(page, "login.png");

  const user = await registerThroughForm(page, server);
  assert.equal(await page.textContent("#profile-name"), user.name);
  assert.equal(await page.textContent("#profile-email"), user.email);
  // The day, in the browser's time zone and words (the UTC instant in its datetime).
  assert.match(await page.textContent(".facts"), /Member since\s*\S.*\d{4}/);
  assert.match(await page.getAttribute(".facts time[data-show=date]", "datetime"), /^\d{4}-\d{2}-\d{2}T/);
  assert.match(await page.getAttribute("#access-expiry", "datetime"), /^\d{4}-\d{2}-\d{2}T/);
  assert.equal(await page.locator(".session").count(), 1);
  assert.equal(await page.textContent(".session .badge"), "this device");
  await screenshot(page, "profile.png");

  assert.deepEqual(watch.consoleErrors, [], "no console error (a CSP violation would be one)");
  await context.close();
});

test("every page sends the security headers and no-store", async () => {
  const { context } = await newContext(browser);
  const page = await context.newPage();
  const check = (response, path) => {
    const headers = response.headers();
    const csp = headers["content-security-policy"];
    assert.match(csp, /script-src 'self'/, path);
    assert.match(csp, /style-src 'self'/, path);
    assert.match(csp, /frame-ancestors 'none'/, path);
    assert.doesNotMatch(csp, /unsafe-inline/, path);
    assert.equal(headers["x-content-type-options"], "nosniff", path);
    assert.equal(headers["x-frame-options"], "DENY", path);
    assert.equal(headers["referrer-policy"], "same-origin", path);
    assert.equal(headers["cache-control"], "no-store", path);
  };
  const unauthorized = await page.request.get(server.url + "/profile");
  assert.equal(unauthorized.status(), 401);
  check(unauthorized, "the 401 page");
  for (const path of ["/login", "/register"]) {
    check(await page.goto(server.url + path), path);
  }
  await registerThroughForm(page, server);
  check(await page.reload(), "/profile");
  const css = await page.request.get(server.url + (await page.getAttribute("link[rel=stylesheet]", "href")));
  assert.match(css.headers()["cache-control"], /max-age=31536000/);
  await context.close();
});

test("the pages fit a 360 px wide screen", async () => {
  const { context } = await newContext(browser, { viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  for (const path of ["/login", "/register"]) {
    await page.goto(server.url + path);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 360, `${path} is ${width} px wide`);
  }
  await registerThroughForm(page, server);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `the profile is ${width} px wide`);
  await screenshot(page, "profile-360.png");
  await context.close();
});

test("form errors show next to their field with the name and email kept, never the password", async () => {
  const { context } = await newContext(browser);
  const page = await context.newPage();
  await page.goto(server.url + "/register");
  await page.fill("#name", "Grace");
  await page.fill("#email", "not-an-email");
  await page.fill("#password", "short");
  const [response] = await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
  assert.equal(response.status(), 422);
  assert.equal(await page.inputValue("#name"), "Grace");
  assert.equal(await page.inputValue("#email"), "not-an-email");
  assert.equal(await page.inputValue("#password"), "");
  assert.ok(await page.isVisible("#email-error"));
  assert.ok(await page.isVisible("#password-error"));
  assert.equal(await page.getAttribute("#email", "aria-invalid"), "true");

  await page.goto(server.url + "/login");
  await page.fill("#email", "nobody@example.com");
  await page.fill("#password", PASSWORD);
  const [failed] = await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
  assert.equal(failed.status(), 401);
  assert.match(await page.textContent("#form-error"), /incorrect/);
  assert.equal(await page.inputValue("#email"), "nobody@example.com");
  await context.close();
});

test("log out: the profile then answers with the sign-in page", async () => {
  const { context } = await newContext(browser);
  const page = await context.newPage();
  await registerThroughForm(page, server);
  await Promise.all([page.waitForURL(server.url + "/login"), page.click("#logout")]);
  assert.match(await page.textContent(".flash"), /signed out/i);

  await page.goto(server.url + "/profile");
  await page.waitForURL(server.url + "/login?next=/profile");
  await page.waitForSelector("#email");
  await context.close();
});

test("log out everywhere in one browser signs out another", async () => {
  const { first, second, pageA, pageB } = await signedInTwice(browser, server);
  assert.equal(await pageA.locator(".session").count(), 2);
  await Promise.all([pageA.waitForURL(server.url + "/login"), pageA.click("#logout-all")]);

  await pageB.goto(server.url + "/profile");
  await pageB.waitForURL(server.url + "/login?next=/profile");
  await first.context.close();
  await second.context.close();
});

test("the revoke button ends another session, without script too", async () => {
  const { first, second, pageA, pageB } = await signedInTwice(browser, server, { javaScriptEnabled: false });
  const other = pageA.locator(".session:not(.current) button");
  await Promise.all([pageA.waitForURL(server.url + "/profile"), other.click()]);
  assert.match(await pageA.textContent(".flash"), /revoked/i);
  assert.equal(await pageA.locator(".session").count(), 1);

  await pageB.goto(server.url + "/profile");
  await pageB.waitForURL(server.url + "/login?next=/profile");
  await first.context.close();
  await second.context.close();
});

test("without script, a signed-out profile sends the user to sign in", async () => {
  const { context } = await newContext(browser, { javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(server.url + "/profile");
  await page.waitForURL(server.url + "/login?next=/profile");
  await context.close();
});

test("next survives from sign-in to 'Create an account', and signing up lands there", async () => {
  const { context } = await newContext(browser);
  const page = await context.newPage();
  await page.goto(server.url + "/login?next=" + encodeURIComponent("/profile?from=next"));
  await page.click("text=Create an account");
  await page.waitForURL(/\/register\?next=/);
  const email = `ada-${Math.random().toString(36).slice(2)}@example.com`;
  await page.fill("#name", "Ada Lovelace");
  await page.fill("#email", email);
  await page.fill("#password", PASSWORD);
  await Promise.all([page.waitForURL(server.url + "/profile?from=next"), page.click("button[type=submit]")]);
  assert.equal(await page.textContent("#profile-email"), email);
  await context.close();
});

test("reloading after a failed sign-in shows the sign-in form and posts nothing again", async () => {
  const { context } = await newContext(browser);
  const page = await context.newPage();
  const posts = [];
  page.on("request", (request) => {
    const path = new URL(request.url()).pathname;
    // The passkeys' script asks for autofill options as the page loads: no form.
    if (request.method() === "POST" && path !== "/auth/passkey/login/options") posts.push(path);
  });
  await page.goto(server.url + "/login?next=" + encodeURIComponent("/profile"));
  await page.fill("#email", "nobody@example.com");
  await page.fill("#password", PASSWORD);
  const [failed] = await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
  assert.equal(failed.status(), 401);
  assert.deepEqual(posts, ["/auth/login"]);
  // The script gives the entry the sign-in page's address, so a reload GETs it.
  await page.waitForURL((url) => url.pathname === "/login");
  const reloaded = await page.reload();
  assert.equal(reloaded.request().method(), "GET");
  assert.equal(reloaded.status(), 200);
  assert.deepEqual(posts, ["/auth/login"], "the reload posted the form again");
  await page.waitForSelector("form[action='/auth/login'] #email");
  assert.equal(await page.inputValue("form[action='/auth/login'] input[name=next]"), "/profile");
  assert.equal(await page.locator("#form-error").count(), 0);
  await context.close();
});

test("the profile shows its times in the browser's time zone, with UTC in their title", async () => {
  const { context, watch } = await newContext(browser, { timezoneId: "Asia/Tokyo", locale: "en-GB" });
  const page = await context.newPage();
  await registerThroughForm(page, server);
  await page.waitForFunction(() => [...document.querySelectorAll("time[datetime]")].every((t) => t.title));
  const times = await page.$$eval("time[datetime]", (all) =>
    all.map((time) => ({ datetime: time.getAttribute("datetime"), text: time.textContent, title: time.title })),
  );
  assert.ok(times.length >= 4, "member since, a session's two times and the expiry: " + JSON.stringify(times));
  for (const time of times) {
    assert.doesNotMatch(time.text, /UTC/, JSON.stringify(time));
    assert.match(time.title, /UTC$/, JSON.stringify(time));
  }
  const at = new Date(await page.getAttribute("#access-expiry", "datetime"));
  const tokyo = new Date(at.getTime() + 9 * 3600 * 1000); // Tokyo has no summer time
  const hhmm = `${String(tokyo.getUTCHours()).padStart(2, "0")}:${String(tokyo.getUTCMinutes()).padStart(2, "0")}`;
  const shown = await page.textContent("#access-expiry");
  assert.ok(shown.includes(hhmm), `the expiry ${shown} is not ${hhmm} Tokyo time`);
  assert.deepEqual(watch.consoleErrors, []);
  await context.close();
});

test("a form's explanation stands apart from its first label", async () => {
  const { context } = await newContext(browser);
  const page = await context.newPage();
  const gapBefore = (id) =>
    page.evaluate((id) => {
      const form = document.getElementById(id);
      let explanation = form.previousElementSibling;
      while (explanation && explanation.tagName !== "P") explanation = explanation.previousElementSibling;
      return form.querySelector("label").getBoundingClientRect().top - explanation.getBoundingClientRect().bottom;
    }, id);
  await registerThroughForm(page, server);
  for (const id of ["change-password", "delete-account"]) {
    const gap = await gapBefore(id);
    assert.ok(gap >= 12, `${id}: ${gap} px between the explanation and the first label`);
  }
  await context.close();
});

test("reloading after a failed password change shows the profile and posts nothing again", async () => {
  const { context } = await newContext(browser);
  const page = await context.newPage();
  await registerThroughForm(page, server);
  const posts = [];
  page.on("request", (request) => {
    if (request.method() === "POST") posts.push(new URL(request.url()).pathname);
  });
  await page.fill("#current_password", "wrong-guess-7Xq");
  await page.fill("#new_password", "another good password");
  const [failed] = await Promise.all([page.waitForNavigation(), page.click("#change-password-submit")]);
  assert.equal(failed.status(), 401);
  assert.match(await page.textContent("#change-password-error"), /Your current password is incorrect\./);
  await page.waitForURL(server.url + "/profile");
  const reloaded = await page.reload();
  assert.equal(reloaded.request().method(), "GET");
  assert.equal(reloaded.status(), 200);
  assert.deepEqual(posts.filter((path) => path !== "/auth/refresh"), ["/auth/password"]);
  await page.waitForSelector("#profile-name");
  assert.equal(await page.locator("#change-password-error").count(), 0);
  await context.close();
});
