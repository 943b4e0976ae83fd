// sesame as an OpenID Connect provider, in real headless Chromium, for a
// relying party built on npm's openid-client (oidc-rp.mjs), registered with
// the real `sesame clients add`: sign-in with a password and an
// authenticator code, consent, the callback's ID token verified by
// openid-client through the discovered JWKS, userinfo, refresh, and
// RP-initiated logout, and `prompt=login` asking a signed-in user to sign in
// again. A screenshot of the consent page.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { generate } from "otplib";
import * as client from "openid-client";
import { launchBrowser, newContext, PASSWORD, screenshot, signInOnPage, startServer } from "./helpers.mjs";
import { addClient, headerOf, SCOPE, startRelyingParty } from "./oidc-rp.mjs";

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

async function postJson(path, body, accessToken) {
  const headers = { "Content-Type": "application/json" };
  if (accessToken) headers.Authorization = `Bearer ${accessToken}`;
  const response = await fetch(server.url + path, { method: "POST", headers, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json().catch(() => null) };
}

/** A user registered through the JSON API: { id, email, accessToken }. */
async function newUser() {
  const email = `ada-${Math.random().toString(36).slice(2)}@example.com`;
  const { status, body } = await postJson("/auth/register", { name: "Ada Lovelace", email, password: PASSWORD });
  assert.equal(status, 201);
  return { id: body.user.id, email, accessToken: body.accessToken };
}

/** TOTP code of `secret` `offset` seconds from now, by npm's otplib. */
const totpCode = (secret, offset = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + offset });

/** Turns TOTP on through the JSON API; resolves { secret, recoveryCodes }. */
async function enrolTotp(user) {
  const started = await postJson("/auth/totp", { password: PASSWORD }, user.accessToken);
  assert.equal(started.status, 200, JSON.stringify(started.body));
  const { secret } = started.body;
  const confirmed = await postJson("/auth/totp/confirm", { code: await totpCode(secret) }, user.accessToken);
  assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
  return { secret, recoveryCodes: confirmed.body.recoveryCodes };
}

/** The second step of sign-in (the page is on it): a code or a recovery code. */
async function secondStep(page, code) {
  await page.waitForURL(server.url + "/login/second-factor");
  await page.fill("#code", code);
  await page.click('form[action="/auth/login/second-factor"] button[type=submit]');
}

/** sesame's answers to the page's navigations from now on: "401 /oauth/authorize", … */
function sesameNavigationsOf(page) {
  const seen = [];
  page.on("response", (response) => {
    const url = new URL(response.url());
    if (response.request().isNavigationRequest() && url.origin === server.url) {
      seen.push(`${response.status()} ${url.pathname}`);
    }
  });
  return seen;
}

/** Waits for the page to reach an address starting with `prefix`; says where it is if not. */
async function reach(page, prefix, watch) {
  await page.waitForURL((url) => url.href.startsWith(prefix)).catch(async (error) => {
    const text = (await page.textContent("body").catch(() => "")).replace(/\s+/g, " ").slice(0, 400);
    const console = watch.consoleErrors.join("\n");
    throw new Error(`not at ${prefix} but at ${page.url()}: ${text}\nconsole errors:\n${console}\n${error.message}`);
  });
}

/** Waits for the relying party's answer and returns its verified claims and userinfo. */
async function relyingPartyPage(page, rp, watch) {
  await reach(page, rp.url, watch);
  await page.waitForSelector("#app, #rp-error");
  assert.deepEqual(rp.errors, [], "openid-client accepted everything sesame sent");
  return {
    claims: JSON.parse(await page.textContent("#claims")),
    userinfo: JSON.parse(await page.textContent("#userinfo")),
    alg: await page.textContent("#alg"),
  };
}

/** The JWKS key that signed `jwt`, fetched apart from openid-client. */
async function signingKeyOf(jwt) {
  const { keys } = await (await fetch(server.url + "/.well-known/jwks.json")).json();
  return keys.find((key) => key.kid === headerOf(jwt).kid);
}

/**
 * An ID token is no access token: its header says so (`typ` is never
 * RFC 9068's `at+jwt`), and sesame's API refuses it as a Bearer token.
 */
async function assertNotAnAccessToken(idToken) {
  assert.notEqual(headerOf(idToken).typ, "at+jwt", JSON.stringify(headerOf(idToken)));
  const me = await fetch(server.url + "/api/me", { headers: { Authorization: `Bearer ${idToken}` } });
  assert.equal(me.status, 401, "the ID token refused as an access token");
}

/** The relying party's session in this browser (its latest). */
const latestSession = (rp) => [...rp.sessions.values()].at(-1);

test("an app on openid-client signs a user in with a password and an authenticator code, refreshes, and signs out through sesame", async () => {
  const rp = await startRelyingParty();
  const { context, watch } = await newContext(browser);
  try {
    const user = await newUser();
    const { secret, recoveryCodes } = await enrolTotp(user);
    const registered = await addClient(server, "Team Wiki", [
      "--redirect-uri",
      rp.callback,
      "--post-logout-redirect-uri",
      rp.signedOut,
    ]);
    assert.ok(registered.clientSecret, "a confidential client is given its secret");
    await rp.discover(server.url, registered, "RS256");
    const metadata = rp.config.serverMetadata();
    assert.equal(metadata.issuer, server.url);
    assert.ok(metadata.supportsPKCE("S256"));

    // Not signed in at sesame: its sign-in page, both steps, then back to authorize.
    const page = await context.newPage();
    page.setDefaultTimeout(15000);
    await page.goto(rp.url + "/login");
    await reach(page, server.url + "/login?next=", watch);
    const next = new URL(page.url()).searchParams.get("next");
    assert.ok(next.startsWith("/oauth/authorize?"), next);
    await signInOnPage(page, user.email);
    // The next step's code: the confirming one's step counts as used.
    await secondStep(page, await totpCode(secret, 30));

    // The consent page names the app; Allow sends the browser back with a code.
    await page.waitForSelector("form#consent");
    assert.ok(page.url().startsWith(server.url + "/oauth/authorize"), page.url());
    assert.match(await page.textContent("section:has(form#consent) h1"), /Team Wiki/);
    await screenshot(page, "oidc-consent.png");
    await page.click('form#consent button[name=decision][value=allow]');
    const first = await relyingPartyPage(page, rp, watch);
    assert.equal(first.claims.iss, server.url);
    assert.equal(first.claims.sub, user.id);
    assert.deepEqual([first.claims.aud].flat(), [registered.clientId]);
    assert.equal(first.claims.email, user.email);
    assert.equal(first.claims.email_verified, false);
    assert.ok(first.claims.amr.includes("otp") && first.claims.amr.includes("mfa"), JSON.stringify(first.claims.amr));
    assert.ok(first.claims.sid, "the ID token names its session");
    assert.equal(first.userinfo.sub, user.id);
    assert.equal(first.userinfo.email, user.email);
    // RS256, with a key of sesame's JWKS (the one openid-client fetched and used).
    assert.equal(first.alg, "RS256");
    const session = latestSession(rp);
    assert.equal((await signingKeyOf(session.tokens.id_token))?.kty, "RSA");
    await assertNotAnAccessToken(session.tokens.id_token);
    assert.ok(session.tokens.refresh_token, "offline_access gives a refresh token");
    assert.deepEqual(session.tokens.scope.split(" ").sort(), SCOPE.split(" ").sort());

    // The app refreshes: a new refresh token each time, the same user.
    const before = session.tokens.refresh_token;
    await page.click("#refresh");
    await page.waitForSelector("#refreshes:text-is('1'), #rp-error");
    const refreshed = await relyingPartyPage(page, rp, watch);
    assert.equal(refreshed.userinfo.sub, user.id);
    assert.notEqual(session.tokens.refresh_token, before, "rotated");

    // The app's sign-in is a sesame session, named with the app on the profile.
    await page.goto(server.url + "/profile");
    assert.match(await page.textContent("ul.sessions"), /Team Wiki/);

    // A second visit: still signed in at sesame and consent remembered, so
    // sesame sends the browser straight back.
    const navigations = sesameNavigationsOf(page);
    await page.goto(rp.url + "/login");
    const second = await relyingPartyPage(page, rp, watch);
    assert.equal(second.claims.sub, user.id);
    assert.equal(navigations.length, 1, navigations.join(", "));
    assert.match(navigations[0], /^30[23] \/oauth\/authorize$/, "no sesame page shown: no sign-in, no consent");

    // The app's logout: sesame's end-session endpoint ends the app's session
    // and this browser's, then comes back to the app with its state.
    const ended = latestSession(rp);
    await page.click("#logout");
    await reach(page, rp.signedOut, watch);
    assert.equal(await page.getAttribute("#signed-out", "data-state-matched"), "true");
    await assert.rejects(client.refreshTokenGrant(rp.config, ended.tokens.refresh_token), (error) => {
      assert.equal(error.error, "invalid_grant");
      return true;
    });
    await assert.rejects(client.fetchUserInfo(rp.config, ended.tokens.access_token, user.id), (error) => {
      assert.equal(error.status, 401);
      return true;
    });

    // The browser's sesame session ended with it: signing in to the app again
    // asks for both steps (a recovery code here), but not for consent.
    await page.goto(rp.url + "/login");
    await reach(page, server.url + "/login?next=", watch);
    await signInOnPage(page, user.email);
    await secondStep(page, recoveryCodes[0]);
    const again = await relyingPartyPage(page, rp, watch);
    assert.equal(again.claims.sub, user.id);
    assert.ok(again.claims.amr.includes("mfa"));
    assert.notEqual(again.claims.sid, first.claims.sid, "a new session");
    assert.deepEqual(
      watch.consoleErrors.filter((e) => !/401/.test(e)),
      [],
      "only the 401 of the signed-out authorize page",
    );
  } finally {
    await context.close();
    await rp.stop();
  }
});

test("a public app asking for EdDSA ID tokens gets them, verified by openid-client, with no consent page when registered to skip it", async () => {
  const rp = await startRelyingParty();
  const { context, watch } = await newContext(browser);
  try {
    const user = await newUser();
    const registered = await addClient(server, "Notes", [
      "--redirect-uri",
      rp.callback,
      "--public",
      "--skip-consent",
      "--id-token-alg",
      "EdDSA",
    ]);
    assert.equal(registered.clientSecret, undefined, "a public client has no secret");
    await rp.discover(server.url, registered, "EdDSA");
    assert.ok(rp.config.serverMetadata().id_token_signing_alg_values_supported.includes("EdDSA"));

    const page = await context.newPage();
    page.setDefaultTimeout(15000);
    const navigations = sesameNavigationsOf(page);
    await page.goto(rp.url + "/login");
    await reach(page, server.url + "/login?next=", watch);
    await signInOnPage(page, user.email);
    const signedIn = await relyingPartyPage(page, rp, watch);
    assert.equal(signedIn.alg, "EdDSA");
    assert.equal(signedIn.claims.sub, user.id);
    assert.deepEqual(signedIn.claims.amr, ["pwd"]);
    const { id_token: idToken } = latestSession(rp).tokens;
    const key = await signingKeyOf(idToken);
    assert.deepEqual([key?.kty, key?.crv], ["OKP", "Ed25519"]);
    await assertNotAnAccessToken(idToken);
    const authorize = navigations.filter((n) => n.endsWith(" /oauth/authorize"));
    // The signed-out page, then (signed in) straight back: never a consent page.
    assert.equal(authorize.length, 2, navigations.join(", "));
    assert.match(authorize[0], /^401 /);
    assert.match(authorize[1], /^30[23] /);

    // A public client refreshes with its id alone.
    await page.click("#refresh");
    await page.waitForSelector("#refreshes:text-is('1'), #rp-error");
    const refreshed = await relyingPartyPage(page, rp, watch);
    assert.equal(refreshed.alg, "EdDSA");
  } finally {
    await context.close();
    await rp.stop();
  }
});

test("an app on openid-client asking prompt=login gets sesame's sign-in page again, then an ID token with the new auth_time", async () => {
  const rp = await startRelyingParty();
  const { context, watch } = await newContext(browser);
  try {
    const user = await newUser();
    const registered = await addClient(server, "Payroll", ["--redirect-uri", rp.callback, "--skip-consent"]);
    await rp.discover(server.url, registered, "RS256");
    const page = await context.newPage();
    page.setDefaultTimeout(15000);
    await page.goto(rp.url + "/login");
    await reach(page, server.url + "/login?next=", watch);
    await signInOnPage(page, user.email);
    const first = await relyingPartyPage(page, rp, watch);

    // Signed in at sesame, yet asked again; a new second, so auth_time (whole seconds) shows it.
    await new Promise((later) => setTimeout(later, 1010 - (Date.now() % 1000)));
    await page.goto(rp.url + "/login?prompt=login");
    await reach(page, server.url + "/login?next=", watch);
    assert.match(new URL(page.url()).searchParams.get("next"), /[?&]prompt=login(&|$)/);
    await signInOnPage(page, user.email);
    const again = await relyingPartyPage(page, rp, watch);
    assert.equal(again.claims.sub, user.id);
    assert.ok(again.claims.auth_time > first.claims.auth_time, `${again.claims.auth_time} after ${first.claims.auth_time}`);
  } finally {
    await context.close();
    await rp.stop();
  }
});
