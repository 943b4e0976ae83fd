// Silent refresh in a real headless Chromium, with a 4 s access token.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import {
  launchBrowser, newContext, registerThroughForm, signInOnPage, sleep, startServer,
} from "./helpers.mjs";

const ACCESS_TTL_MS = 4000;
let browser;
let server;

before(async () => {
  browser = await launchBrowser();
  server = await startServer(["--access-ttl", "4s"]);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** A signed-in context whose page has been closed, so no timer refreshes. */
async function signedInContext() {
  const watched = await newContext(browser);
  const page = await watched.context.newPage();
  await registerThroughForm(page, server);
  await page.close();
  return watched;
}

test("reloading after the access token expired shows the profile again, with exactly one refresh", async () => {
  const { context, watch } = await signedInContext();
  await sleep(ACCESS_TTL_MS + 700);
  const page = await context.newPage();
  watch.refreshes = 0;
  await page.goto(server.url + "/profile");
  await page.waitForSelector("#profile-name");
  assert.equal(new URL(page.url()).pathname, "/profile");
  assert.equal(watch.refreshes, 1);
  assert.deepEqual(watch.consoleErrors.filter((e) => !/401/.test(e)), []);
  await context.close();
});

test("five authFetch calls after expiry cause one refresh and all succeed", async () => {
  const { context, watch } = await signedInContext();
  const page = await context.newPage();
  await page.goto(server.url + "/login"); // loads auth.js, schedules nothing
  await sleep(ACCESS_TTL_MS + 700);
  watch.refreshes = 0;
  const statuses = await page.evaluate(() =>
    Promise.all([1, 2, 3, 4, 5].map(() => window.sesame.authFetch("/api/me").then((r) => r.status))),
  );
  assert.deepEqual(statuses, [200, 200, 200, 200, 200]);
  assert.equal(watch.refreshes, 1);
  await context.close();
});

test("two tabs refreshing at once both stay signed in", async () => {
  const { context } = await signedInContext();
  const tabA = await context.newPage();
  const tabB = await context.newPage();
  await tabA.goto(server.url + "/login");
  await tabB.goto(server.url + "/login");
  await sleep(ACCESS_TTL_MS + 700);
  const check = (tab) => tab.evaluate(() => window.sesame.authFetch("/api/me").then((r) => r.status));
  assert.deepEqual(await Promise.all([check(tabA), check(tabB)]), [200, 200]);

  for (const tab of [tabA, tabB]) {
    await tab.goto(server.url + "/profile");
    await tab.waitForSelector("#profile-name");
    assert.equal(await tab.locator(".session").count(), 1, "the session was not revoked");
  }
  await context.close();
});

test("the page refreshes ahead of expiry, so an active user never sees a 401", async () => {
  const { context, watch } = await newContext(browser);
  const page = await context.newPage();
  const unauthorized = [];
  page.on("response", (r) => { if (r.status() === 401) unauthorized.push(r.url()); });
  await registerThroughForm(page, server);
  watch.refreshes = 0;
  for (let i = 0; i < 5; i++) {
    await sleep(1500);
    // A plain fetch, not authFetch: only the refresh ahead keeps it working.
    assert.equal(await page.evaluate(() => fetch("/api/me").then((r) => r.status)), 200);
  }
  assert.ok(watch.refreshes >= 2, `refreshed ${watch.refreshes} times in 7.5 s`);
  assert.deepEqual(unauthorized, []);

  await page.click("#check-session");
  await page.waitForFunction(() => /Signed in as/.test(document.querySelector("#session-answer").textContent));
  assert.match(await page.textContent("#access-expiry"), /refreshed silently/);
  await context.close();
});

test("an expired session sends the user to sign in, and back to the profile after", async () => {
  const shortServer = await startServer(["--access-ttl", "2s", "--refresh-ttl", "3s"]);
  try {
    const { context } = await newContext(browser);
    const page = await context.newPage();
    const user = await registerThroughForm(page, shortServer);
    await page.goto("about:blank");
    await sleep(3700);
    await page.goto(shortServer.url + "/profile");
    await page.waitForURL(shortServer.url + "/login?next=/profile");
    await signInOnPage(page, user.email);
    await page.waitForURL(shortServer.url + "/profile");
    await page.waitForSelector("#profile-name");
    await context.close();
  } finally {
    await shortServer.stop();
  }
});

test("a tab that holds the refresh lock forever does not block another", async () => {
  const { context, watch } = await signedInContext();
  const stuck = await context.newPage();
  const tab = await context.newPage();
  await stuck.goto(server.url + "/login");
  await tab.goto(server.url + "/login");
  await stuck.evaluate(() => {
    navigator.locks.request("sesame-refresh", () => new Promise(() => {}));
  });
  await sleep(ACCESS_TTL_MS + 700);
  watch.refreshes = 0;
  const started = Date.now();
  const status = await tab.evaluate(() => window.sesame.authFetch("/api/me").then((r) => r.status));
  assert.equal(status, 200);
  assert.equal(watch.refreshes, 1);
  assert.ok(Date.now() - started < 9000, "it waited at most the lock timeout");
  await context.close();
});

test("a 401 from /auth/* is never answered with a refresh, and a refused refresh leads to sign-in", async () => {
  const { context, watch } = await newContext(browser);
  const page = await context.newPage();
  await page.goto(server.url + "/login");
  watch.refreshes = 0;
  const status = await page.evaluate(() =>
    window.sesame.authFetch("/auth/logout-all", { method: "POST" }).then((r) => r.status),
  );
  assert.equal(status, 401);
  assert.equal(watch.refreshes, 0);

  // Not signed in at all: the one refresh is refused, and the page goes to sign in.
  await page.goto(server.url + "/register");
  await Promise.all([
    page.waitForURL(server.url + "/login?next=/register"),
    page.evaluate(() => { window.sesame.authFetch("/api/me"); }),
  ]);
  assert.equal(watch.refreshes, 1);
  await context.close();
});
