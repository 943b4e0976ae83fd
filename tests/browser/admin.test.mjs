// The admin console in a real headless Chromium: an admin (made with
// `sesame users set-roles EMAIL admin`, as the docs say) finds a user,
// disables them, and the user's open profile, in another browser, goes to
// sign-in at its next request.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { launchBrowser, newContext, projectRoot, registerThroughForm, startServer } from "./helpers.mjs";

const binary = process.env.SESAME_BIN || join(projectRoot, "target/debug/sesame");

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

/** `sesame users set-roles EMAIL ROLES` on the running server's database. */
async function setRoles(email, roles) {
  await promisify(execFile)(
    binary,
    ["users", "set-roles", email, roles, "--database-url", join(server.folder, "sesame.db")],
    { cwd: server.folder, env: { PATH: process.env.PATH } },
  );
}

test("an admin finds a user, disables them, and the user's open page goes to sign-in", async () => {
  // The console works without script: the admin's browser runs none.
  const adminSide = await newContext(browser, { javaScriptEnabled: false });
  const userSide = await newContext(browser);
  const adminPage = await adminSide.context.newPage();
  const userPage = await userSide.context.newPage();

  const admin = await registerThroughForm(adminPage, server, { name: "Grace Admin" });
  await setRoles(admin.email, "admin");
  const user = await registerThroughForm(userPage, server, { name: "Ada Target" });

  // The console reads the role from the database at each request.
  await adminPage.goto(server.url + "/admin");

  await adminPage.fill("#admin-query", user.email.slice(0, 12).toUpperCase());
  await Promise.all([adminPage.waitForURL(/\/admin\?query=/), adminPage.click("#admin-search")]);
  const found = adminPage.locator(".admin-user-link");
  assert.equal(await found.count(), 1);
  assert.equal(await found.textContent(), user.email);
  await Promise.all([adminPage.waitForURL(/\/admin\/users\//), found.click()]);
  assert.equal(await adminPage.textContent("#admin-user-email"), user.email);
  assert.equal(await adminPage.locator(".session").count(), 1);

  await Promise.all([
    adminPage.waitForURL(/\/admin\/users\//),
    adminPage.click("#admin-disable-submit"),
  ]);
  assert.match(await adminPage.textContent(".flash"), /disabled/i);
  assert.equal(await adminPage.locator(".session").count(), 0);

  // The user's page, still open, asks the server again: its refresh is
  // refused, and it goes to sign in.
  await Promise.all([
    userPage.waitForURL(server.url + "/login?next=/profile"),
    userPage.click("#check-session"),
  ]);
  assert.deepEqual(adminSide.watch.consoleErrors, []);
  await adminSide.context.close();
  await userSide.context.close();
});
