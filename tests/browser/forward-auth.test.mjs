// Forward auth in real headless Chromium: real nginx, running the README's
// configuration (only its ports changed), in front of sesame and a sample app
// that shows the user headers it received.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser, newContext, PASSWORD, signInOnPage, sleep, startServer } from "./helpers.mjs";
import { setRoles, startApp, startNginx } from "./forward-auth.mjs";
import { execFileSync } from "node:child_process";

let browser;
let stack;

/** sesame behind nginx (trusting it for X-Forwarded-For), with the app. */
async function startStack(flags = []) {
  const sesame = await startServer(["--trusted-proxies", "127.0.0.1", ...flags]);
  const app = await startApp();
  const nginx = await startNginx({ sesamePort: sesame.port, appPort: app.port }).catch(async (error) => {
    await app.stop();
    await sesame.stop();
    throw error;
  });
  return {
    sesame,
    app,
    nginx,
    url: nginx.url,
    /** sesame itself, not through nginx: what another program would call. */
    direct: `http://127.0.0.1:${sesame.port}`,
    async stop() {
      await nginx.stop();
      await app.stop();
      await sesame.stop();
    },
  };
}

before(async () => {
  browser = await launchBrowser();
  stack = await startStack();
});

after(async () => {
  await browser?.close();
  await stack?.stop();
});

/** A user registered through the JSON API: { id, name, email }. */
async function newUser(on, name = "Ada Lovelace") {
  const email = `ada-${Math.random().toString(36).slice(2)}@example.com`;
  const response = await fetch(on.direct + "/auth/register", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ name, email, password: PASSWORD }),
  });
  assert.equal(response.status, 201);
  const body = await response.json();
  return { id: body.user.id, name, email };
}

/** The statuses of the answers to page loads of `path` (with its query). */
function statusesOf(page, on, path) {
  const statuses = [];
  page.on("response", (response) => {
    if (response.url() === on.url + path && response.request().isNavigationRequest()) {
      statuses.push(response.status());
    }
  });
  return statuses;
}

/** Signs in through a guarded page: it leads to sign-in, then back to it. */
async function signInThroughGuardedPage(page, on, user, path) {
  await page.goto(on.url + path);
  await page.waitForURL(/\/login\?next=/);
  await signInOnPage(page, user.email);
  await page.waitForURL(on.url + path);
  await page.waitForSelector("#app");
}

/** The session of a browser context: the `sid` of its access token. */
async function sessionOf(context) {
  const cookie = (await context.cookies()).find((c) => c.name === "accessToken");
  return JSON.parse(Buffer.from(cookie.value.split(".")[1], "base64url")).sid;
}

const text = (page, selector) => page.textContent(selector);
const refreshPosts = async (on) => (await on.nginx.accessLog()).split("\n").filter((l) => l.includes('"POST /auth/refresh ')).length;
const only401s = (errors) => errors.filter((e) => !/401/.test(e));

test("signed out, a guarded page leads to sign-in and, once signed in, back to that page", async () => {
  const user = await newUser(stack);
  const { context, watch } = await newContext(browser);
  const page = await context.newPage();
  const path = "/reports/2026?view=all&q=a%20b";
  const statuses = statusesOf(page, stack, path);
  const appRequests = stack.app.requests.length;

  await page.goto(stack.url + path);
  await page.waitForURL(/\/login\?next=/);
  assert.equal(new URL(page.url()).searchParams.get("next"), path);
  assert.equal(statuses[0], 401, "nginx answered with sesame's 401 page at the page's address");
  assert.equal(watch.refreshes, 1, "one refresh, refused");
  assert.equal(stack.app.requests.length, appRequests, "the app saw nothing");

  await signInOnPage(page, user.email);
  await page.waitForURL(stack.url + path);
  await page.waitForSelector("#app");
  assert.equal(await text(page, "#request"), "GET " + path);
  assert.equal(await text(page, "#remote-user"), user.id);
  assert.equal(await text(page, "#remote-email"), user.email);
  // No roles: nginx sends no empty Remote-Groups at all.
  assert.equal(await page.getAttribute("#remote-groups", "data-sent"), "false");
  assert.deepEqual(statuses, [401, 200]);
  assert.deepEqual(only401s(watch.consoleErrors), []);
  await context.close();
});

test("signed in, the page shows and nginx passed the user in the Remote-* headers, not what the browser sent", async () => {
  const user = await newUser(stack, "Zoë Ångström");
  await setRoles(stack.sesame, user.email, "admin,editors");
  const { context, watch } = await newContext(browser, {
    extraHTTPHeaders: {
      "Remote-User": "intruder",
      "Remote-Groups": "root",
      "Remote-Name": "Mallory",
      "Remote-Email-Verified": "true",
      "Remote-Amr": "pwd,otp,mfa",
    },
  });
  const page = await context.newPage();
  await page.goto(stack.url + "/login");
  await signInOnPage(page, user.email);
  await page.waitForURL(stack.url + "/profile");
  await page.waitForSelector("#profile-name");

  watch.refreshes = 0;
  const response = await page.goto(stack.url + "/notes");
  assert.equal(response.status(), 200);
  await page.waitForSelector("#app");
  assert.equal(await text(page, "#remote-user"), user.id);
  assert.equal(await text(page, "#remote-email"), user.email);
  assert.equal(await text(page, "#remote-name"), "Zo%C3%AB %C3%85ngstr%C3%B6m");
  assert.equal(decodeURIComponent(await text(page, "#remote-name")), user.name);
  assert.equal(await text(page, "#remote-groups"), "admin,editors");
  // Nobody opened the link mailed at sign-up: what the browser claimed is replaced.
  assert.equal(await text(page, "#remote-email-verified"), "false");
  assert.equal(await text(page, "#remote-amr"), "pwd", "signed in with a password alone");
  assert.equal(watch.refreshes, 0);

  // Any method is checked the same way; the body still reaches the app.
  const posted = await page.evaluate(() =>
    fetch("/notes/new", { method: "POST", headers: { "Content-Type": "text/plain" }, body: "hello" }).then((r) => r.status),
  );
  assert.equal(posted, 200);
  const post = stack.app.requests.find((r) => r.method === "POST" && r.url === "/notes/new");
  assert.equal(post.headers["remote-user"], user.id);
  assert.equal(post.headers["content-length"], "5");
  await context.close();
});

test("after the access token expired, the guarded page comes back after exactly one silent refresh", async () => {
  const short = await startStack(["--access-ttl", "2s"]);
  try {
    const user = await newUser(short);
    const { context, watch } = await newContext(browser);
    const page = await context.newPage();
    await signInThroughGuardedPage(page, short, user, "/dashboard?tab=2");
    await page.goto("about:blank");
    await sleep(2700);

    watch.refreshes = 0;
    const refreshesLogged = await refreshPosts(short);
    const statuses = statusesOf(page, short, "/dashboard?tab=2");
    await page.goto(short.url + "/dashboard?tab=2");
    await page.waitForSelector("#app");
    assert.equal(page.url(), short.url + "/dashboard?tab=2");
    assert.deepEqual(statuses, [401, 200], "the 401 page, then the page after the refresh");
    assert.equal(watch.refreshes, 1);
    assert.equal((await refreshPosts(short)) - refreshesLogged, 1, "nginx passed one POST /auth/refresh");
    assert.equal(await text(page, "#remote-user"), user.id);
    assert.deepEqual(only401s(watch.consoleErrors), []);
    await context.close();
  } finally {
    await short.stop();
  }
});

test("a session revoked elsewhere: the next guarded request leads to sign-in", async () => {
  const user = await newUser(stack);
  const { context, watch } = await newContext(browser);
  const page = await context.newPage();
  await signInThroughGuardedPage(page, stack, user, "/inbox");

  // Another device of the same user revokes this browser's session.
  const other = await (await fetch(stack.direct + "/auth/login", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: user.email, password: PASSWORD }),
  })).json();
  const revoked = await fetch(`${stack.direct}/api/sessions/${await sessionOf(context)}`, {
    method: "DELETE",
    headers: { Authorization: `Bearer ${other.accessToken}` },
  });
  assert.equal(revoked.status, 204);

  watch.refreshes = 0;
  const appRequests = stack.app.requests.length;
  await page.goto(stack.url + "/inbox?page=3");
  await page.waitForURL(stack.url + "/login?next=/inbox%3Fpage%3D3");
  assert.equal(watch.refreshes, 1, "one refresh, refused");
  assert.equal(stack.app.requests.length, appRequests, "the app saw nothing");
  await context.close();
});

test("sesame's own pages work through nginx: signing out on the profile closes the guarded pages", async () => {
  const user = await newUser(stack);
  const { context } = await newContext(browser);
  const page = await context.newPage();
  await signInThroughGuardedPage(page, stack, user, "/wiki");
  await page.goto(stack.url + "/profile");
  await page.waitForSelector("#profile-name");
  await Promise.all([page.waitForURL(stack.url + "/login"), page.click("#logout")]);
  await page.goto(stack.url + "/wiki");
  await page.waitForURL(stack.url + "/login?next=/wiki");
  await context.close();
});

test("on /auth/required itself, the page to come back to is its next", async () => {
  const user = await newUser(stack);
  const { context, watch } = await newContext(browser);
  const page = await context.newPage();
  await signInThroughGuardedPage(page, stack, user, "/start");

  // Signed in: a refresh, then the page named by next.
  watch.refreshes = 0;
  await page.goto(stack.url + "/auth/required?next=/after%3Fx%3D1");
  await page.waitForURL(stack.url + "/after?x=1");
  await page.waitForSelector("#app");
  assert.equal(watch.refreshes, 1);

  // Signed out: sign in, for the page named by next.
  await context.clearCookies();
  await page.goto(stack.url + "/auth/required?next=/after%3Fx%3D1");
  await page.waitForURL(stack.url + "/login?next=/after%3Fx%3D1");
  await signInOnPage(page, user.email);
  await page.waitForURL(stack.url + "/after?x=1");
  await context.close();
});

test("without script, the 401 page in place of a guarded page sends the browser to sign in", async () => {
  const { context } = await newContext(browser, { javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(stack.url + "/reports");
  await page.waitForURL(stack.url + "/login");
  await context.close();
});

/** The TOTP code of base32 `secret` `offset` seconds from now, by pyotp (not sesame's code). */
function totpCode(secret, offset = 0) {
  const program = "import pyotp, sys, time; print(pyotp.TOTP(sys.argv[1]).at(time.time() + int(sys.argv[2])))";
  return execFileSync("/usr/bin/python3", ["-c", program, secret, String(offset)]).toString().trim();
}

/** Turns TOTP on for `user` through the JSON API; gives the secret. */
async function withTotp(on, user) {
  const post = async (path, body, token) => {
    const response = await fetch(on.direct + path, {
      method: "POST",
      headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  };
  const signedIn = await post("/auth/login", { email: user.email, password: PASSWORD });
  assert.equal(signedIn.status, 200);
  const token = signedIn.body.accessToken;
  const started = await post("/auth/totp", { password: PASSWORD }, token);
  assert.equal(started.status, 200);
  const confirmed = await post("/auth/totp/confirm", { code: totpCode(started.body.secret) }, token);
  assert.equal(confirmed.status, 200);
  return started.body.secret;
}

test("a path that asks for a second factor: a password-only session gets sesame's page, signing in again with TOTP opens it", async () => {
  const user = await newUser(stack);
  const { context, watch } = await newContext(browser);
  const page = await context.newPage();
  const path = "/admin/settings";
  const appRequests = () => stack.app.requests.filter((r) => r.url === path).length;
  await page.goto(stack.url + "/login");
  await signInOnPage(page, user.email);
  await page.waitForURL(stack.url + "/profile");

  // Signed in with a password alone: the page says a second factor is needed,
  // after one silent refresh that cannot cure it, and stays (no loop).
  watch.refreshes = 0;
  const statuses = statusesOf(page, stack, path);
  await page.goto(stack.url + path);
  await page.waitForFunction(() => history.state === null && document.querySelector("#unauthorized[data-mfa]"));
  await sleep(500);
  assert.equal(page.url(), stack.url + path, "it stays, at the page's address");
  assert.match(await text(page, "h1"), /needs a second factor/);
  assert.deepEqual(statuses, [401, 401], "one reload after one refresh, then it stays");
  assert.equal(watch.refreshes, 1);
  assert.equal(appRequests(), 0, "the app saw nothing");
  // Elsewhere, the same session still opens the app.
  assert.equal((await page.goto(stack.url + "/notes")).status(), 200);

  // Back on the page; then TOTP is turned on (elsewhere, which also ends
  // this password-only session): the page's link signs in again, password
  // then code, and comes back.
  await page.goto(stack.url + path);
  await page.waitForFunction(() => history.state === null && document.querySelector("#unauthorized[data-mfa]"));
  const secret = await withTotp(stack, user);
  await Promise.all([page.waitForURL(/\/login\?next=/), page.click("#sign-in-with-second-factor")]);
  assert.equal(new URL(page.url()).searchParams.get("next"), path);
  await signInOnPage(page, user.email);
  await page.waitForURL(stack.url + "/login/second-factor");
  await page.fill("#code", totpCode(secret, 30));
  await Promise.all([page.waitForURL(stack.url + path), page.click("button[type=submit]")]);
  await page.waitForSelector("#app");
  assert.equal(await text(page, "#remote-user"), user.id);
  assert.equal(await text(page, "#remote-amr"), "pwd,otp,mfa");
  assert.equal(appRequests(), 1);
  assert.deepEqual(only401s(watch.consoleErrors), []);
  await context.close();
});

test("nginx logged no error while the tests above ran", async () => {
  const problems = (await stack.nginx.errorLog()).split("\n").filter((line) => /\[(error|crit|alert|emerg)\]/.test(line));
  assert.deepEqual(problems, []);
});

test("a reset link's token, opened through nginx, stays out of nginx's access log", async () => {
  const token = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
  const response = await fetch(`${stack.url}/password/reset?token=${token}`, { redirect: "manual" });
  // sesame took the token out of the address (or showed the dead link's page).
  assert.ok([303, 400].includes(response.status), `status ${response.status}`);
  // nginx writes the line once the answer is sent, which may be just after
  // fetch has the headers: wait for it (5 s at most).
  const line = /"GET \/password\/reset HTTP\/1\.1" (303|400) /;
  let log = await stack.nginx.accessLog();
  for (let tries = 0; !line.test(log) && tries < 50; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    log = await stack.nginx.accessLog();
  }
  assert.match(log, line);
  assert.ok(!log.includes(token), "the token is in nginx's access log");
  assert.ok(!log.includes("token="), "a query string is in nginx's access log");
});
