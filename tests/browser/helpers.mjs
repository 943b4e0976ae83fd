// Shared by the browser tests: start the real sesame binary on port 0 with a
// fresh SQLite database, and Debian's headless Chromium through playwright-core.

import { spawn } from "node:child_process";
import { mkdtemp, mkdir, rm } from "node:fs/promises";
import { createServer } from "node:net";
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
 * Starts sesame with extra flags; resolves { url, port, folder, log, printed,
 * nextPrintedLink, kill, stop }. `printed` is its standard output (where the
 * mail goes without --smtp-url), line by line.
 * `port` and `folder` (a killed server's) start it again at the same address
 * with the same database and keys.
 */
export async function startServer(flags = [], { port = 0, folder } = {}) {
  folder = folder || (await mkdtemp(join(tmpdir(), "sesame-browser-")));
  const child = spawn(
    binary,
    ["--bind", `127.0.0.1:${port}`, "--database-url", join(folder, "sesame.db"), "--bcrypt-cost", "4", ...flags],
    { cwd: folder, env: { PATH: process.env.PATH, RUST_LOG: "info" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  const exited = new Promise((done) => child.once("exit", done));
  const log = [];
  // Standard output: the mail, printed whole without --smtp-url.
  const printed = [];
  createInterface({ input: child.stdout }).on("line", (line) => printed.push(line));
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
    printed,
    /**
     * The link to `path` (`/email/verify`) in the next mail printed on its
     * standard output whose link it is, that mail taken whole; rejects after
     * `timeout` ms.
     */
    async nextPrintedLink(path, timeout = 15000) {
      const deadline = Date.now() + timeout;
      const pattern = new RegExp(`https?://[^\\s"<>]*${path.replace(/[/.?]/g, "\\$&")}\\?token=[A-Za-z0-9_-]+`);
      for (;;) {
        const at = printed.findIndex((line) => pattern.test(line));
        const end = printed.findIndex((line, n) => n > at && line.startsWith("======== end of mail"));
        if (at >= 0 && end >= 0) {
          // The whole mail is taken: its HTML part carries the link again.
          const link = printed[at].match(pattern)[0];
          printed.splice(0, end + 1);
          return link;
        }
        if (Date.now() > deadline) throw new Error(`no ${path} link printed within ${timeout} ms:\n` + printed.join("\n"));
        await sleep(50);
      }
    },
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

/** One user signed in on two browsers (contexts): signed up in the first,
 * signed in on the second, the first's profile reloaded to show both
 * sessions. `firstOptions` go to the first context (e.g. no script). */
export async function signedInTwice(browser, server, firstOptions = {}) {
  const first = await newContext(browser, firstOptions);
  const second = await newContext(browser);
  const pageA = await first.context.newPage();
  const pageB = await second.context.newPage();
  const user = await registerThroughForm(pageA, server);
  await pageB.goto(server.url + "/login");
  await signInOnPage(pageB, user.email);
  await pageB.waitForURL(server.url + "/profile");
  await pageA.reload();
  return { first, second, pageA, pageB, user };
}

export const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

export async function screenshot(page, name) {
  const folder = join(projectRoot, "target/screenshots");
  await mkdir(folder, { recursive: true });
  await page.screenshot({ path: join(folder, name), fullPage: true });
}

/** A port that was free a moment ago (to start sesame on a known address). */
export async function freePort() {
  const probe = createServer();
  await new Promise((listening) => probe.listen(0, "127.0.0.1", listening));
  const { port } = probe.address();
  await new Promise((closed) => probe.close(closed));
  return port;
}

const smtpScript = join(projectRoot, "tests/smtp/server.py");

/**
 * The test SMTP server (tests/smtp/server.py, aiosmtpd with Debian's
 * Python) on a free port; resolves { port, url, mails, nextMailTo, stop }.
 * `mails` are the messages received and not yet taken, as its JSON lines
 * give them ({ envelope_from, rcpt_tos, from, to, subject, text, html,
 * content_type }). `failFirst`: answer the first N messages with 451.
 */
export async function startSmtpServer({ failFirst = 0 } = {}) {
  const child = spawn("/usr/bin/python3", [smtpScript, "--port", "0", "--fail-first", String(failFirst)], {
    // Its stdin stays open while it runs: it stops when the pipe closes.
    stdio: ["pipe", "pipe", "pipe"],
  });
  const exited = new Promise((done) => child.once("exit", done));
  const mails = [];
  const errors = [];
  createInterface({ input: child.stderr }).on("line", (line) => errors.push(line));
  const lines = createInterface({ input: child.stdout });
  const port = await new Promise((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error("the SMTP server did not start in 20 s:\n" + errors.join("\n"))), 20000);
    lines.on("line", (line) => {
      const listening = line.match(/^listening (\d+)$/);
      if (listening) {
        clearTimeout(timer);
        resolvePort(Number(listening[1]));
        return;
      }
      try {
        mails.push(JSON.parse(line));
      } catch (error) {
        errors.push(`(a stdout line not read as a mail: ${error}: ${line})`);
      }
    });
    child.on("exit", (code) => reject(new Error(`the SMTP server exited with ${code}:\n` + errors.join("\n"))));
  });
  return {
    port,
    /** As `--smtp-url` takes it. */
    url: `smtp://127.0.0.1:${port}`,
    mails,
    /**
     * Takes the next mail to `email` (its envelope's recipient); rejects after
     * `timeout` ms. The verification mail every sign-up sends is left for
     * `nextVerificationTo`, unless `verification` is true.
     */
    async nextMailTo(email, timeout = 15000, verification = false) {
      const deadline = Date.now() + timeout;
      for (;;) {
        const at = mails.findIndex(
          (mail) =>
            mail.rcpt_tos.some((to) => to.toLowerCase() === email.toLowerCase()) &&
            (mail.text || "").includes("/email/verify?token=") === verification,
        );
        if (at >= 0) return mails.splice(at, 1)[0];
        if (Date.now() > deadline) {
          throw new Error(`no mail to ${email} within ${timeout} ms; the SMTP server's stderr:\n` + errors.join("\n"));
        }
        await sleep(50);
      }
    },
    /** Takes the next verification mail to `email`. */
    async nextVerificationTo(email, timeout = 15000) {
      return this.nextMailTo(email, timeout, true);
    },
    async stop() {
      child.stdin.end();
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** The reset link (`http…/password/reset?token=…`) in a mail's text. */
export function resetLinkIn(text) {
  const link = text.match(/https?:\/\/[^\s"<>]*\/password\/reset\?token=[A-Za-z0-9_-]+/);
  if (!link) throw new Error("no reset link in:\n" + text);
  return link[0];
}
