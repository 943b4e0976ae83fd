// Two-step sign-in with an authenticator app in a real headless Chromium:
// set up on the profile (the key read off the page, its codes computed by
// an independent TOTP implementation, Python's pyotp), the recovery codes
// shown once, then a sign-in that asks for the code, one with a recovery
// code, and turning it off. Screenshots of the profile's section.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { PASSWORD, projectRoot, launchBrowser, newContext, registerThroughForm, signInOnPage, startServer } from "./helpers.mjs";

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

/** The code of `secret` (base32, spaces allowed) `offset` seconds from now, by pyotp. */
function totpCode(secret, offset = 0) {
  const program = "import pyotp, sys, time; print(pyotp.TOTP(sys.argv[1]).at(time.time() + int(sys.argv[2])))";
  return execFileSync("/usr/bin/python3", ["-c", program, secret.replace(/\s+/g, ""), String(offset)]).toString().trim();
}

/** A screenshot of the profile's two-step section alone. */
async function sectionShot(page, name) {
  const folder = join(projectRoot, "target/screenshots");
  await mkdir(folder, { recursive: true });
  await (await page.$("#second-factor")).screenshot({ path: join(folder, name) });
}

async function signOut(page) {
  await Promise.all([page.waitForURL(/\/login/), page.click("#logout")]);
}

test("an authenticator app is set up on the profile, then asked for at sign-in; a recovery code works once", async () => {
  const { context, watch } = await newContext(browser);
  const page = await context.newPage();
  const user = await registerThroughForm(page, server);
  assert.equal(await page.textContent("#totp-status"), "off");

  await page.fill("#totp-password", PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click("#start-totp-submit")]);
  assert.equal(page.url(), server.url + "/profile", "the key is not in the address bar");
  const svg = await page.$("#totp-qr svg");
  assert.ok(svg, "the QR code is an inline SVG");
  const box = await svg.boundingBox();
  assert.ok(box.width >= 200 && box.height >= 200, JSON.stringify(box));
  const secret = await page.textContent("#totp-secret");
  assert.match(secret, /^[A-Z2-7 ]{32,}$/);
  await sectionShot(page, "profile-totp-setup.png");

  // A wrong code shows the QR code again, with the error.
  await page.fill("#totp-code", "000000" === totpCode(secret) ? "111111" : "000000");
  const [wrong] = await Promise.all([page.waitForNavigation(), page.click("#confirm-totp-submit")]);
  assert.equal(wrong.status(), 400);
  assert.match(await page.textContent("#totp-error"), /code is wrong/);
  assert.equal(await page.textContent("#totp-secret"), secret, "the same key again");

  await page.fill("#totp-code", totpCode(secret));
  await Promise.all([page.waitForNavigation(), page.click("#confirm-totp-submit")]);
  const codes = await page.$$eval("#recovery-codes code", (nodes) => nodes.map((n) => n.textContent));
  assert.equal(codes.length, 10);
  assert.equal(await page.textContent("#totp-status"), "on");
  assert.equal(await page.textContent("#recovery-codes-left"), "10");
  await sectionShot(page, "profile-totp-codes.png");
  await page.reload();
  await sectionShot(page, "profile-totp-on.png");
  assert.equal(await page.$("#recovery-codes"), null, "the codes are shown once");

  // Signing in now asks for the code; the next step's code (no replay of the confirming one).
  await signOut(page);
  await signInOnPage(page, user.email);
  await page.waitForURL(server.url + "/login/second-factor");
  await page.fill("#code", totpCode(secret, 30));
  await Promise.all([page.waitForURL(server.url + "/profile"), page.click("button[type=submit]")]);
  const me = await page.evaluate(async () => (await fetch("/api/me")).json());
  assert.deepEqual(me.secondFactor, { totp: true, passkeys: 0, recoveryCodesLeft: 10 });

  // A recovery code, typed in lower case, signs in once.
  await signOut(page);
  await signInOnPage(page, user.email);
  await page.waitForURL(server.url + "/login/second-factor");
  await page.fill("#code", codes[0].toLowerCase());
  await Promise.all([page.waitForURL(server.url + "/profile"), page.click("button[type=submit]")]);
  assert.equal(await page.textContent("#recovery-codes-left"), "9");
  await signOut(page);
  await signInOnPage(page, user.email);
  await page.waitForURL(server.url + "/login/second-factor");
  await page.fill("#code", codes[0]);
  const [again] = await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
  assert.equal(again.status(), 401, "a used recovery code is refused");
  assert.match(await page.textContent("#form-error"), /wrong, or was used/);

  // Turned off (with the password), the password alone signs in again.
  await page.fill("#code", codes[1]);
  await Promise.all([page.waitForURL(server.url + "/profile"), page.click("button[type=submit]")]);
  await page.fill("#disable-totp-password", PASSWORD);
  await Promise.all([page.waitForURL(server.url + "/profile"), page.click("#disable-totp-submit")]);
  assert.equal(await page.textContent("#totp-status"), "off");
  await signOut(page);
  await signInOnPage(page, user.email);
  await page.waitForURL(server.url + "/profile");
  // Only the wrong code's 400 and the used recovery code's 401, as answered.
  const unexpected = watch.consoleErrors.filter((e) => !/status of (400|401)/.test(e));
  assert.deepEqual(unexpected, []);
});
