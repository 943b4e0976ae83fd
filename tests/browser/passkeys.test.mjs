// Passkeys in a real headless Chromium, with its virtual authenticator
// (the DevTools protocol's WebAuthn domain: a CTAP2 authenticator built
// in, with resident keys and user verification, that answers at once):
// a passkey added on the profile, then signing in with it alone (no email
// typed), removed and then refused; and a passkey as the second step on an
// account with TOTP (its codes computed by npm's otplib). Screenshots of
// the profile's passkeys section.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { generate } from "otplib";
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

/**
 * A page whose browser has a platform passkey authenticator. That
 * authenticator answers at once, so it would answer /login's conditional
 * UI request (the autofill one) as soon as the page loads: that is left
 * on only for an address with `?autofill`, where the test wants it.
 */
async function pageWithAuthenticator() {
  const { context, watch } = await newContext(browser);
  await context.addInitScript(() => {
    if (!new URLSearchParams(location.search).has("autofill") && window.PublicKeyCredential) {
      PublicKeyCredential.isConditionalMediationAvailable = () => Promise.resolve(false);
    }
  });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  const credentials = async () => (await cdp.send("WebAuthn.getCredentials", { authenticatorId })).credentials;
  return { context, page, watch, credentials };
}

/** The `amr` claim of the access token in the browser's cookie. */
async function amrOf(context) {
  const cookie = (await context.cookies(server.url)).find((c) => c.name === "accessToken");
  assert.ok(cookie, "an access token cookie");
  const payload = JSON.parse(Buffer.from(cookie.value.split(".")[1], "base64url").toString());
  return payload.amr;
}

async function signOut(page) {
  await Promise.all([page.waitForURL(/\/login/), page.click("#logout")]);
}

async function addPasskey(page, name) {
  await page.fill("#passkey-name", name);
  await page.fill("#passkey-password", PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click("#add-passkey-submit")]);
  await page.waitForSelector(`#passkey-list .passkey-name:text-is("${name}")`);
}

async function sectionShot(page, name) {
  const folder = join(projectRoot, "target/screenshots");
  await mkdir(folder, { recursive: true });
  await (await page.$("#passkeys")).screenshot({ path: join(folder, name) });
}

/** The code of `secret` (base32) now, by npm's otplib. */
function totpCode(secret) {
  return generate({ secret });
}

/** JSON from the page, with its cookies. */
async function postJson(page, url, body) {
  return page.evaluate(
    async ([url, body]) => {
      const response = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: await response.json().catch(() => null) };
    },
    [url, body],
  );
}

test("a passkey added on the profile signs in alone, with no email typed, until it is removed", async () => {
  const { context, page, watch, credentials } = await pageWithAuthenticator();
  await registerThroughForm(page, server);
  assert.ok(await page.$("#no-passkeys"), "no passkey yet");
  await page.fill("#passkey-name", "Wrong");
  await page.fill("#passkey-password", "not my password");
  await page.click("#add-passkey-submit");
  await page.waitForSelector("#add-passkey-error:not([hidden])");
  assert.equal(await page.textContent("#add-passkey-error"), "Your password is incorrect.");
  assert.equal((await credentials()).length, 0, "no passkey made without the password");

  await addPasskey(page, "This laptop");
  const made = await credentials();
  assert.equal(made.length, 1);
  assert.equal(made[0].isResidentCredential, true, "a discoverable credential");
  assert.match(await page.textContent("#passkeys"), /never used/);
  await sectionShot(page, "profile-passkeys.png");

  // Signed out, "Sign in with a passkey" signs in without an email.
  await signOut(page);
  assert.equal(await page.getAttribute("#email", "autocomplete"), "username webauthn");
  await Promise.all([page.waitForURL(server.url + "/profile"), page.click("#sign-in-with-passkey")]);
  assert.deepEqual(await amrOf(context), ["hwk", "mfa"]);
  const me = await page.evaluate(async () => (await fetch("/api/me")).json());
  assert.equal(me.secondFactor.passkeys, 1);
  assert.match(await page.textContent("#passkeys"), /last used/);
  await sectionShot(page, "profile-passkeys-used.png");

  // Conditional UI: /login asks for a passkey as soon as it loads (here
  // the authenticator answers by itself, as a user picking it would).
  await signOut(page);
  await Promise.all([page.waitForURL(server.url + "/profile"), page.goto(server.url + "/login?autofill")]);
  assert.deepEqual(await amrOf(context), ["hwk", "mfa"]);

  // Renamed, then removed with the password.
  const row = "#passkey-list li";
  await page.click(`${row} [data-show=rename]`);
  await page.fill(`${row} [data-passkey-rename] input`, "Old laptop");
  await Promise.all([page.waitForNavigation(), page.click(`${row} [data-passkey-rename] button`)]);
  assert.equal(await page.textContent(`${row} .passkey-name`), "Old laptop");
  await page.click(`${row} [data-show=remove]`);
  await page.fill(`${row} [data-passkey-remove] input`, PASSWORD);
  await Promise.all([page.waitForNavigation(), page.click(`${row} [data-passkey-remove] button`)]);
  assert.ok(await page.$("#no-passkeys"), "removed");

  // The authenticator still has it; the server no longer takes it.
  await signOut(page);
  await Promise.all([page.waitForNavigation(), page.click("#sign-in-with-passkey")]);
  assert.match(new URL(page.url()).pathname, /^\/login/);
  assert.match(await page.textContent("main"), /passkey is unknown, was removed/);
  assert.equal((await context.cookies(server.url)).find((c) => c.name === "accessToken"), undefined);
  assert.deepEqual(watch.consoleErrors.filter((e) => !/status of 401/.test(e)), []);
});

test("on an account with TOTP, a passkey is accepted as the second step", async () => {
  const { context, page, watch } = await pageWithAuthenticator();
  const user = await registerThroughForm(page, server);
  await addPasskey(page, "Security key");

  const started = await postJson(page, "/auth/totp", { password: PASSWORD });
  assert.equal(started.status, 200, JSON.stringify(started));
  const confirmed = await postJson(page, "/auth/totp/confirm", { code: await totpCode(started.body.secret) });
  assert.equal(confirmed.status, 200, JSON.stringify(confirmed));

  await signOut(page);
  await signInOnPage(page, user.email);
  await page.waitForURL(server.url + "/login/second-factor");
  await Promise.all([page.waitForURL(server.url + "/profile"), page.click("#use-passkey")]);
  assert.deepEqual(await amrOf(context), ["pwd", "hwk", "mfa"]);
  await page.reload();
  await sectionShot(page, "profile-passkeys-with-totp.png");
  assert.deepEqual(watch.consoleErrors, []);
});
