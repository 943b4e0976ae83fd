// A refresh that fails for another reason than a 401 is retried with growing
// pauses, never in a tight loop: the real server is killed under a signed-in
// page (so refreshes fail at the network level), then started again on the
// same port and database.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser, newContext, registerThroughForm, sleep, startServer } from "./helpers.mjs";

const FLAGS = ["--access-ttl", "4s"]; // the profile refreshes ahead every 2 s
const OUTAGE_MS = 24000; // how long the failed refreshes are watched
let browser;
let server;

before(async () => {
  browser = await launchBrowser();
  server = await startServer(FLAGS);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const isRefresh = (request) => new URL(request.url()).pathname === "/auth/refresh";
const gapsOf = (times) => times.slice(1).map((at, i) => at - times[i]);
const seconds = (gaps) => gaps.map((ms) => (ms / 1000).toFixed(2) + " s").join(", ");

/** Resolves once `times` holds `count` entries (polling), or rejects after `ms`. */
async function waitForCount(times, count, ms) {
  const deadline = Date.now() + ms;
  while (times.length < count) {
    if (Date.now() > deadline) throw new Error(`only ${times.length} of ${count} failed refreshes in ${ms} ms`);
    await sleep(50);
  }
}

test("failed refreshes back off while the server is down, and the page recovers when it is back", async () => {
  const { context } = await newContext(browser);
  const page = await context.newPage();
  await registerThroughForm(page, server);
  const failures = []; // when each POST /auth/refresh failed (Date.now())
  page.on("requestfailed", (request) => {
    if (isRefresh(request)) failures.push(Date.now());
  });

  // 1. The server dies: every refresh now fails with a network error.
  await server.kill();
  await waitForCount(failures, 1, 5000);
  await sleep(OUTAGE_MS - (Date.now() - failures[0]));
  const outage = failures.slice();
  const gaps = gapsOf(outage);
  console.log(`server down: ${outage.length} failed refreshes in ${OUTAGE_MS / 1000} s; gaps: ${seconds(gaps)}`);
  assert.ok(outage.length >= 3, `${outage.length} failed refreshes: the page stopped retrying`);
  assert.ok(outage.length <= 5, `${outage.length} failed refreshes in ${OUTAGE_MS / 1000} s (gaps ${seconds(gaps)})`);
  assert.ok(gaps[0] >= 1500, `the first retry came after ${gaps[0]} ms`);
  gaps.slice(1).forEach((gap, i) => {
    assert.ok(gap >= 1.5 * gaps[i], `gap ${i + 2} (${gap} ms) is not 1.5 times gap ${i + 1} (${gaps[i]} ms)`);
  });
  assert.equal(new URL(page.url()).pathname, "/profile", "a network failure does not sign the user out");

  // 2. The server is back on the same port and database: a later retry succeeds.
  server = await startServer(FLAGS, { port: server.port, folder: server.folder });
  const restartedAt = Date.now();
  const recovered = await page.waitForResponse((r) => isRefresh(r.request()) && r.status() === 200, { timeout: 60000 });
  assert.ok(recovered.ok());
  const lastFailure = failures[failures.length - 1];
  console.log(
    `server back: refreshed ${((Date.now() - restartedAt) / 1000).toFixed(2)} s after the restart, ` +
      `${((Date.now() - lastFailure) / 1000).toFixed(2)} s after the last of ${failures.length} failed refreshes`,
  );
  assert.equal(new URL(page.url()).pathname, "/profile");
  // A plain fetch (no authFetch): it only works if the page's refresh did.
  assert.equal(await page.evaluate(() => fetch("/api/me").then((r) => r.status)), 200);

  // 3. A success resets the back-off: the next outage starts again with a short pause.
  await server.kill();
  const seen = failures.length;
  await waitForCount(failures, seen + 2, 10000);
  const again = gapsOf(failures.slice(seen, seen + 2))[0];
  console.log(`server down again: first gap ${seconds([again])}`);
  assert.ok(again <= 1.5 * gaps[0], `after a success the first pause was ${again} ms, not about ${gaps[0]} ms`);
  await context.close();
});
