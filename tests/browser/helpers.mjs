// Shared by the browser tests: start the real sesame binary on port 0 with a
// fresh SQLite database, and Debian's headless Chromium through playwright-core.

import { spawn } from "node:child_process";
import { mkdtemp, mkdir, rm } from "node:fs/promises";
import { createInterface } from "node:readline";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
export const projectRoot = resolve(here, "../..");
const binary = process.env.SESAME_BIN || join(projectRoot, "target/debug/sesame");
const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";

export const PASSWORD = "correct horse battery";

/**
 * Starts sesame with extra flags; resolves { url, port, folder, log, kill, stop }.
 * `port` and `folder` (a killed server's) start it again at the same address
 * with the same database and keys.
 */
export async function startServer(flags = [], { port = 0, folder } = {}) {
  folder = folder || (await mkdtemp(join(tmpdir(), "sesame-browser-")));
  const child = spawn(
    binary,
    ["--bind", `127.0.0.1:${port}`, "--database-url", join(folder, "sesame.db"), "--bcrypt-cost", "4", ...flags],
    { cwd: folder, env: { PATH: process.env.PATH, RUST_LOG: "info" }, stdio: ["ignore", "ignore", "pipe"] },
  );
  const exited = new Promise((done) => child.once("exit", done));
  const log = [];
  const lines = createInterface({ input: child.stderr });
  const boundPort = await new Promise((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error("sesame did not start in 30 s:\n" + log.join("\n"))), 30000);
    lines.on("line", (line) => {
      log.push(line);
      const match = line.match(/listening on http:\/\/[^:]+:(\d+)/);
      if (match) {
        clearTimeout(timer);
        resolvePort(Number(match[1]));
      }
    });
    child.on("exit", (code) => reject(new Error(`sesame exited with ${code}:\n` + log.join("\n"))));
  });
  return {
    // `localhost` is a secure context, so the default Secure cookies work over http.
    url: `http://localhost:${boundPort}`,
    port: boundPort,
    folder,
    log,
    /** Ends the process at once (SIGKILL), keeping its database for a restart. */
    async kill() {
      child.kill("SIGKILL");
      await exited;
    },
    async stop() {
      child.kill("SIGTERM");
      await exited;
      await rm(folder, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * A new browser context that counts its requests to /auth/refresh and
 * records every console error (a CSP violation shows up there).
 */
export async function newContext(browser, options = {}) {
  const context = await browser.newContext(options);
  const watch = { refreshes: 0, consoleErrors: [] };
  context.on("request", (request) => {
    if (new URL(request.url()).pathname === "/auth/refresh") watch.refreshes += 1;
  });
  context.on("page", (page) => watchPage(page, watch));
  return { context, watch };
}

function watchPage(page, watch) {
  page.on("console", (message) => {
    if (message.type() === "error") watch.consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => watch.consoleErrors.push(String(error)));
}

/** Registers through the form; the page ends on the profile. */
export async function registerThroughForm(page, server, { name = "Ada Lovelace", email } = {}) {
  email = email || `ada-${Math.random().toString(36).slice(2)}@example.com`;
  await page.goto(server.url + "/register");
  await page.fill("#name", name);
  await page.fill("#email", email);
  await page.fill("#password", PASSWORD);
  await Promise.all([page.waitForURL(server.url + "/profile"), page.click("button[type=submit]")]);
  await page.waitForSelector("#profile-name");
  return { name, email };
}

/** Signs in through the form (the page must be on a sign-in page). */
export async function signInOnPage(page, email) {
  await page.fill("#email", email);
  await page.fill("#password", PASSWORD);
  await page.click("button[type=submit]");
}

export const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

export async function screenshot(page, name) {
  const folder = join(projectRoot, "target/screenshots");
  await mkdir(folder, { recursive: true });
  await page.screenshot({ path: join(folder, name), fullPage: true });
}
