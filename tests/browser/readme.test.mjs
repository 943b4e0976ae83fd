// The README's quick start and its recipe for checking an access token, run as
// written: their blocks are read out of README.md, and only the port changes
// (8080 may be taken; the server gets a free one).

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { access, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";
import { PASSWORD, launchBrowser, newContext, projectRoot, startServer } from "./helpers.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const binary = process.env.SESAME_BIN || join(projectRoot, "target/debug/sesame");
const readme = await readFile(join(projectRoot, "README.md"), "utf8");

/** The README's text between `<!-- NAME: begin -->` and `<!-- NAME: end -->`. */
function marked(name) {
  const found = readme.match(new RegExp(`<!-- ${name}: begin -->\\n([\\s\\S]*?)<!-- ${name}: end -->`));
  if (!found) throw new Error(`README.md has no block between the ${name} markers`);
  return found[1];
}

/** The one fenced block of `language` in `text`. */
function fenced(text, language) {
  const found = text.match(new RegExp("^```" + language + "\\n([\\s\\S]*?)^```$", "m"));
  if (!found) throw new Error(`no \`\`\`${language} block in:\n${text}`);
  return found[1];
}

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

/**
 * The binary as `cargo run` starts it: no flag but the port, in an empty
 * folder (its database goes to data/sesame.db there).
 */
async function startAsCargoRunDoes() {
  const folder = await mkdtemp(join(tmpdir(), "sesame-readme-"));
  const child = spawn(binary, ["--bind", "127.0.0.1:0"], {
    cwd: folder,
    env: { PATH: process.env.PATH },
    stdio: ["ignore", "pipe", "pipe"],
  });
  // Standard output: the mail, printed whole (no --smtp-url).
  const printed = [];
  createInterface({ input: child.stdout }).on("line", (line) => printed.push(line));
  const exited = new Promise((done) => child.once("exit", done));
  const log = [];
  const port = await new Promise((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error("no `listening on` in 30 s:\n" + log.join("\n"))), 30000);
    createInterface({ input: child.stderr }).on("line", (line) => {
      log.push(line);
      const match = line.match(/listening on http:\/\/127\.0\.0\.1:(\d+)/);
      if (match) {
        clearTimeout(timer);
        resolvePort(Number(match[1]));
      }
    });
    child.on("exit", (code) => reject(new Error(`sesame exited with ${code}:\n` + log.join("\n"))));
  });
  return {
    port,
    folder,
    log,
    printed,
    async stop() {
      child.kill("SIGTERM");
      await exited;
      await rm(folder, { recursive: true, force: true });
    },
  };
}

test("the quick start, as written: cargo run, open the address it gives, register, land on the profile, open the printed link", async () => {
  const quickStart = marked("quick-start");
  assert.equal(fenced(quickStart, "sh").trim(), "cargo run", "the quick start is `cargo run` alone");
  const [address] = quickStart.match(/http:\/\/localhost:8080\/register/) ?? [];
  assert.ok(address, "the quick start says which address to open");

  const server = await startAsCargoRunDoes();
  try {
    await access(join(server.folder, "data", "sesame.db"));
    const { context } = await newContext(browser);
    const page = await context.newPage();
    await page.goto(address.replace(":8080", `:${server.port}`));
    const email = `ada-${Math.random().toString(36).slice(2)}@example.com`;
    await page.fill("#name", "Ada Lovelace");
    await page.fill("#email", email);
    await page.fill("#password", PASSWORD);
    await Promise.all([page.waitForURL(/\/profile$/), page.click("button[type=submit]")]);
    assert.equal(await page.textContent("#profile-email"), email);
    assert.equal(await page.textContent("#email-status"), "not verified");

    // The link the quick start says to look for in the terminal.
    const [, linkPath] = quickStart.match(/http:\/\/localhost:8080(\/email\/verify)\?token=…/) ?? [];
    assert.equal(linkPath, "/email/verify", "the quick start names the link to open");
    const pattern = new RegExp(`http://localhost:${server.port}/email/verify\\?token=[A-Za-z0-9_-]{43}`);
    const deadline = Date.now() + 15000;
    let link;
    while (!(link = server.printed.map((line) => line.match(pattern)?.[0]).find(Boolean))) {
      if (Date.now() > deadline) throw new Error("no verification link printed:\n" + server.printed.join("\n"));
      await new Promise((done) => setTimeout(done, 50));
    }
    await page.goto(link);
    await Promise.all([page.waitForNavigation(), page.click("#verify-email button[type=submit]")]);
    await page.goto(`http://localhost:${server.port}/profile`);
    assert.equal(await page.textContent("#email-status"), "verified");
    await context.close();
  } finally {
    await server.stop();
  }
});

test("the recipe that checks an access token with the JWKS, as written, accepts sesame's and refuses others", async () => {
  const server = await startServer();
  // Beside this file, so that its `import "jose"` finds tests/browser/node_modules.
  const recipe = join(here, `.readme-verify-${process.pid}.mjs`);
  try {
    const code = fenced(marked("recipe-verify-token"), "js");
    assert.match(code, /const sesame = "http:\/\/localhost:8080";/);
    await writeFile(recipe, code.replace("http://localhost:8080", server.url));
    const { userOf } = await import(pathToFileURL(recipe).href);

    const email = `ada-${Math.random().toString(36).slice(2)}@example.com`;
    const response = await fetch(server.url + "/auth/register", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: "Ada", email, password: PASSWORD }),
    });
    assert.equal(response.status, 201);
    const body = await response.json();
    assert.deepEqual(await userOf(body.accessToken), { id: body.user.id, email, emailVerified: false, roles: [] });

    // A token whose payload was changed, and one signed by no key of sesame's.
    const [header, payload, signature] = body.accessToken.split(".");
    const claims = JSON.parse(Buffer.from(payload, "base64url"));
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: "someone-else" })).toString("base64url");
    await assert.rejects(userOf(`${header}.${forged}.${signature}`));
    await assert.rejects(userOf(`${header}.${payload}.${"A".repeat(signature.length)}`));
  } finally {
    await rm(recipe, { force: true });
    await server.stop();
  }
});
