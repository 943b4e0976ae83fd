// The account's whole life in a real headless Chromium: a forgotten password
// reset through the link a real SMTP server received, a password change that
// signs out another browser, and the account deleted.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import {
  PASSWORD, freePort, launchBrowser, newContext, registerThroughForm, resetLinkIn, screenshot, signInOnPage,
  signedInTwice,
  startServer, startSmtpServer,
} from "./helpers.mjs";

const NEW_PASSWORD = "a brand new passphrase";
let browser;
let smtp;
let server;

before(async () => {
  browser = await launchBrowser();
  smtp = await startSmtpServer();
  // Links in mail lead to the address the browser uses (localhost, a
  // secure context for the Secure cookies), so the port is chosen first.
  const port = await freePort();
  server = await startServer(["--smtp-url", smtp.url, "--public-url", `http://localhost:${port}`], { port });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await smtp?.stop();
});

test("a forgotten password is reset through the mailed link, its token out of the address bar", async () => {
  const { context, watch } = await newContext(browser);
  const page = await context.newPage();
  const user = await registerThroughForm(page, server);
  await Promise.all([page.waitForURL(server.url + "/login"), page.click("#logout")]);

  await Promise.all([page.waitForURL(server.url + "/password/forgot"), page.click('a[href="/password/forgot"]')]);
  await page.fill("input[name=email]", user.email);
  await Promise.all([page.waitForURL(server.url + "/password/forgot/sent"), page.click("button[type=submit]")]);
  await screenshot(page, "forgot-sent.png");

  const mail = await smtp.nextMailTo(user.email);
  assert.equal(mail.subject, "Reset your sesame password");
  const link = resetLinkIn(mail.text);
  assert.ok(link.startsWith(server.url + "/password/reset?token="), link);
  assert.ok(mail.html.includes(link), "the same link in the HTML part");

  const response = await page.goto(link);
  assert.equal(response.status(), 200);
  assert.equal(page.url(), server.url + "/password/reset", "the token is out of the address bar");
  assert.doesNotMatch(page.url(), /token/);
  await screenshot(page, "reset.png");
  await page.fill("input[name=password]", NEW_PASSWORD);
  await Promise.all([page.waitForURL(server.url + "/login"), page.click("button[type=submit]")]);
  assert.match(await page.textContent(".flash"), /password was reset/i);

  // The old password no longer opens the account; the new one does.
  await signInOnPage(page, user.email);
  await page.waitForSelector("#form-error");
  await page.goto(server.url + "/login");
  await page.fill("#email", user.email);
  await page.fill("#password", NEW_PASSWORD);
  await Promise.all([page.waitForURL(server.url + "/profile"), page.click("button[type=submit]")]);
  await page.waitForSelector("#profile-name");

  // Used: the link now shows the page of a link that does not work.
  const again = await page.goto(link);
  assert.equal(again.status(), 400);
  assert.equal(await page.locator('a[href="/password/forgot"]').count() > 0, true);
  assert.deepEqual(watch.consoleErrors.filter((e) => !/40[01]/.test(e)), []);
  await context.close();
});

test("changing the password in one browser signs out another, and keeps this one", async () => {
  const { first, second, pageA, pageB } = await signedInTwice(browser, server);
  assert.equal(await pageA.locator(".session").count(), 2);
  await pageA.fill("#change-password input[name=current_password]", PASSWORD);
  await pageA.fill("#change-password input[name=new_password]", NEW_PASSWORD);
  const [changed] = await Promise.all([
    pageA.waitForNavigation(),
    pageA.click("#change-password button[type=submit]"),
  ]);
  assert.equal(changed.status(), 200);
  assert.equal(pageA.url(), server.url + "/profile");
  assert.match(await pageA.textContent(".flash"), /password was changed/i);
  assert.equal(await pageA.locator(".session").count(), 1, "only this device is left");
  await screenshot(pageA, "password-changed.png");

  await pageB.goto(server.url + "/profile");
  await pageB.waitForURL(server.url + "/login?next=/profile");

  await pageA.reload();
  await pageA.waitForSelector("#profile-name");
  assert.equal(new URL(pageA.url()).pathname, "/profile");
  await first.context.close();
  await second.context.close();
});

test("a wrong current password is shown in the change-password form", async () => {
  const { context } = await newContext(browser);
  const page = await context.newPage();
  await registerThroughForm(page, server);
  await page.fill("#change-password input[name=current_password]", "not my password");
  await page.fill("#change-password input[name=new_password]", NEW_PASSWORD);
  const [failed] = await Promise.all([page.waitForNavigation(), page.click("#change-password button[type=submit]")]);
  assert.equal(failed.status(), 401);
  assert.ok(await page.isVisible("#change-password .form-error"));
  assert.equal(await page.locator("#delete-account .form-error").count(), 0);
  assert.equal(await page.inputValue("#change-password input[name=current_password]"), "");
  await context.close();
});

test("deleting the account lands on the sign-in page, and the account is gone", async () => {
  const { context } = await newContext(browser);
  const page = await context.newPage();
  const user = await registerThroughForm(page, server);
  await page.fill("#delete-account input[name=password]", PASSWORD);
  await Promise.all([page.waitForURL(server.url + "/login"), page.click("#delete-account button[type=submit]")]);
  assert.match(await page.textContent(".flash"), /account was deleted/i);

  await page.goto(server.url + "/profile");
  await page.waitForURL(server.url + "/login?next=/profile");
  await signInOnPage(page, user.email);
  await page.waitForSelector("#form-error");
  await context.close();
});
