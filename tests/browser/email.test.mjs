// Verifying the address in a real headless Chromium: signed up on /register,
// the link taken from the mail sesame prints on its standard output (no
// --smtp-url), opened, its token out of the address bar, and "verified" on
// the profile; and, with --require-verified-email, the sign-in refused until
// then, with a button that sends a new link.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { PASSWORD, freePort, launchBrowser, newContext, registerThroughForm, screenshot, signInOnPage, startServer } from "./helpers.mjs";

let browser;
let server;
let requiring;

before(async () => {
  browser = await launchBrowser();
  // Links in mail lead to the address the browser uses (localhost), so the
  // ports are chosen first.
  const port = await freePort();
  server = await startServer(["--public-url", `http://localhost:${port}`], { port });
  const other = await freePort();
  requiring = await startServer(["--public-url", `http://localhost:${other}`, "--require-verified-email", "true"], {
    port: other,
  });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await requiring?.stop();
});

test("the link printed after signing up verifies the address shown on the profile", async () => {
  const { context, watch } = await newContext(browser);
  const page = await context.newPage();
  const user = await registerThroughForm(page, server);
  assert.equal(await page.textContent("#email-status"), "not verified");
  assert.ok(await page.isVisible("#resend-verification"), "a button for a new link");

  const link = await server.nextPrintedLink("/email/verify");
  assert.ok(link.startsWith(server.url + "/email/verify?token="), link);
  const response = await page.goto(link);
  assert.equal(response.status(), 200);
  assert.equal(page.url(), server.url + "/email/verify", "the token is out of the address bar");
  // Opening the link changes nothing (mail scanners open links): its button does.
  assert.equal(await page.textContent("#link-email"), user.email);
  await page.reload();
  await page.goto(server.url + "/profile");
  assert.equal(await page.textContent("#email-status"), "not verified", "verified by opening the link");
  await page.goto(link);
  const [verified] = await Promise.all([page.waitForNavigation(), page.click("#verify-email button[type=submit]")]);
  assert.equal(verified.status(), 200);
  assert.equal(page.url(), server.url + "/email/verify");
  assert.match(await page.textContent("#email-verified"), new RegExp(`${user.email.replace(".", "\\.")} is verified`));
  await screenshot(page, "email-verified.png");

  await Promise.all([page.waitForURL(server.url + "/profile"), page.click("#to-profile")]);
  assert.equal(await page.textContent("#email-status"), "verified");
  assert.equal(await page.locator("#resend-verification").count(), 0, "no button once verified");

  assert.deepEqual(watch.consoleErrors, []);

  // The same link again: it worked once.
  const again = await page.goto(link);
  assert.equal(again.status(), 400);
  assert.match(await page.textContent("#form-error"), /unknown, was already used/);
  await context.close();
});

test("with --require-verified-email sign-up says to check the mail and sign-in waits for the link", async () => {
  const { context, watch } = await newContext(browser);
  const page = await context.newPage();
  const email = `ada-${Math.random().toString(36).slice(2)}@example.com`;
  await page.goto(requiring.url + "/register");
  await page.fill("#name", "Ada Lovelace");
  await page.fill("#email", email);
  await page.fill("#password", PASSWORD);
  await Promise.all([page.waitForURL(requiring.url + "/register/sent"), page.click("button[type=submit]")]);
  assert.match(await page.textContent("#register-sent"), /sent a mail/);
  const first = await requiring.nextPrintedLink("/email/verify");

  await Promise.all([page.waitForURL(requiring.url + "/login"), page.click("#back-to-sign-in")]);
  await signInOnPage(page, email);
  await page.waitForSelector("#resend-verification");
  // The 403 answer is the page that says so, not a failure of the script.
  const refused = watch.consoleErrors.splice(0);
  assert.ok(refused.every((error) => /status of 403/.test(error)), refused.join("\n"));
  assert.match(await page.textContent("#form-error"), /not verified/);
  await screenshot(page, "email-not-verified.png");
  await Promise.all([page.waitForURL(requiring.url + "/login"), page.click("#resend-verification")]);
  assert.match(await page.textContent(".flash"), /new link is on its way/);
  const second = await requiring.nextPrintedLink("/email/verify");
  assert.notEqual(second, first, "a new link");

  const response = await page.goto(second);
  assert.equal(response.status(), 200);
  const [verified] = await Promise.all([page.waitForNavigation(), page.click("#verify-email button[type=submit]")]);
  assert.equal(verified.status(), 200);
  await page.goto(requiring.url + "/login");
  await signInOnPage(page, email);
  await page.waitForURL(requiring.url + "/profile");
  assert.equal(await page.textContent("#email-status"), "verified");
  assert.deepEqual(watch.consoleErrors, []);
  await context.close();
});
