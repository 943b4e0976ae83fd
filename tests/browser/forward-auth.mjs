// For the forward-auth tests: real nginx running the configuration in the
// README (only its ports changed), in front of sesame and a sample app.

import { execFile, spawn } from "node:child_process";
import { mkdtemp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { createServer as createTcpServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { projectRoot, sleep } from "./helpers.mjs";

const nginxPath = process.env.NGINX_BIN || "/usr/sbin/nginx";
const sesamePath = process.env.SESAME_BIN || join(projectRoot, "target/debug/sesame");

/** `sesame users set-roles EMAIL ROLES` on a running server's database. */
export async function setRoles(server, email, roles) {
  const database = join(server.folder, "sesame.db");
  await promisify(execFile)(sesamePath, ["users", "set-roles", email, roles, "--database-url", database], {
    cwd: server.folder,
    env: { PATH: process.env.PATH },
  });
}

// The placeholders of the README's block, and what each stands for.
const SESAME_ADDRESS = "127.0.0.1:8080";
const APP_ADDRESS = "127.0.0.1:9000";
const LISTEN = "listen 8000;";
const ACCESS_LOG = "/var/log/nginx/access.log";

/** The nginx block of README.md, between its two marker comments. */
export async function readmeNginxConfig() {
  const readme = await readFile(join(projectRoot, "README.md"), "utf8");
  const marked = readme.match(/<!-- forward-auth nginx: begin -->\n([\s\S]*?)<!-- forward-auth nginx: end -->/);
  if (!marked) throw new Error("README.md has no forward-auth nginx block between its markers");
  const fenced = marked[1].match(/^```nginx\n([\s\S]*?)^```\n$/m);
  if (!fenced) throw new Error("the README's forward-auth block is not one ```nginx fence");
  return fenced[1];
}

/** The second-factor blocks of docs/FORWARD_AUTH.md, between their markers. */
export async function mfaNginxBlocks() {
  const doc = await readFile(join(projectRoot, "docs/FORWARD_AUTH.md"), "utf8");
  const marked = doc.match(/<!-- forward-auth mfa nginx: begin -->\n```nginx\n([\s\S]*?)^```\n<!-- forward-auth mfa nginx: end -->/m);
  if (!marked) throw new Error("docs/FORWARD_AUTH.md has no second-factor nginx blocks between their markers");
  return marked[1];
}

/** The README's `server` with `blocks` added inside it, at its end. */
export function withBlocks(config, blocks) {
  const end = config.lastIndexOf("}");
  return config.slice(0, end) + "\n" + blocks + config.slice(end);
}

/** The README's block with these ports instead of its placeholders. */
export function withPorts(config, { sesamePort, appPort, nginxPort, accessLog }) {
  for (const placeholder of [SESAME_ADDRESS, APP_ADDRESS, LISTEN, ACCESS_LOG]) {
    if (!config.includes(placeholder)) throw new Error(`the README's nginx block lost ${placeholder}`);
  }
  return config
    .replaceAll(SESAME_ADDRESS, `127.0.0.1:${sesamePort}`)
    .replaceAll(APP_ADDRESS, `127.0.0.1:${appPort}`)
    .replaceAll(LISTEN, `listen ${nginxPort};`)
    .replaceAll(ACCESS_LOG, accessLog);
}

/** A port free right now (nginx cannot listen on port 0 and say which it got). */
async function freePort() {
  const server = createTcpServer();
  await new Promise((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address();
  await new Promise((done) => server.close(done));
  return port;
}

/**
 * nginx with the README's configuration (and the second-factor blocks of
 * docs/FORWARD_AUTH.md inside its server), in a folder of its own, in the
 * foreground, unprivileged or as root; resolves { url, accessLog(), stop() }.
 */
export async function startNginx({ sesamePort, appPort }) {
  const prefix = await mkdtemp(join(tmpdir(), "sesame-nginx-"));
  await mkdir(join(prefix, "temp"));
  const nginxPort = await freePort();
  const accessLog = join(prefix, "access.log");
  const readme = withBlocks(await readmeNginxConfig(), await mfaNginxBlocks());
  const config = withPorts(readme, { sesamePort, appPort, nginxPort, accessLog });
  // Only what running it in a temporary folder needs is added around it. As
  // root, workers would otherwise run as nobody, who cannot enter this folder.
  const temp = (name) => `${name}_temp_path ${join(prefix, "temp", name)};`;
  await writeFile(join(prefix, "nginx.conf"), [
    process.getuid?.() === 0 ? "user root;" : "",
    "daemon off;",
    "worker_processes 1;",
    `pid ${join(prefix, "nginx.pid")};`,
    `error_log ${join(prefix, "error.log")} warn;`,
    "events { worker_connections 256; }",
    "http {",
    `    access_log ${accessLog};`,
    `    ${["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map(temp).join("\n    ")}`,
    config,
    "}",
    "",
  ].join("\n"));

  // nginx reads `NGINX` as sockets handed over by an upgrade: never pass one on.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== "NGINX"));
  const child = spawn(nginxPath, ["-p", prefix + "/", "-c", join(prefix, "nginx.conf"), "-e", join(prefix, "error.log")], {
    env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  const stderr = [];
  child.stderr.on("data", (chunk) => stderr.push(chunk));
  const exited = new Promise((done) => child.once("exit", done));
  let exitCode = null;
  exited.then((code) => { exitCode = code; });
  const errorLog = () => readFile(join(prefix, "error.log"), "utf8").catch(() => "");

  const url = `http://localhost:${nginxPort}`;
  const deadline = Date.now() + 10000;
  for (;;) {
    if (exitCode !== null) {
      throw new Error(`nginx exited with ${exitCode}:\n${Buffer.concat(stderr)}${await errorLog()}`);
    }
    try {
      await fetch(url + "/static/style.css");
      break;
    } catch {
      if (Date.now() > deadline) throw new Error("nginx did not answer in 10 s:\n" + (await errorLog()));
      await sleep(50);
    }
  }
  return {
    url,
    /** nginx's access log, one line per request the browser made. */
    accessLog: () => readFile(accessLog, "utf8"),
    errorLog,
    async stop() {
      if (exitCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
      await rm(prefix, { recursive: true, force: true });
    },
  };
}

const USER_HEADERS = ["Remote-User", "Remote-Email", "Remote-Email-Verified", "Remote-Name", "Remote-Groups", "Remote-Amr"];

const escapeHtml = (text) =>
  String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The sample app behind nginx: any path is a page that shows the user
 * headers it received (`#remote-user`, …; `data-sent="false"` when absent).
 * Resolves { port, requests, stop() }; `requests` lists what reached it.
 */
export async function startApp() {
  const requests = [];
  const server = createServer((req, res) => {
    requests.push({ method: req.method, url: req.url, headers: req.headers });
    const rows = USER_HEADERS.map((name) => {
      const value = req.headers[name.toLowerCase()];
      return `<dt>${name}</dt><dd id="${name.toLowerCase()}" data-sent="${value !== undefined}">${escapeHtml(value ?? "")}</dd>`;
    });
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" });
    res.end(`<!doctype html><html><head><meta charset="utf-8"><title>The app</title><link rel="icon" href="data:,"></head><body>
<h1 id="app">The app</h1>
<p id="request">${escapeHtml(req.method + " " + req.url)}</p>
<dl>${rows.join("")}</dl>
</body></html>`);
  });
  await new Promise((done) => server.listen(0, "127.0.0.1", done));
  return {
    port: server.address().port,
    requests,
    async stop() {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    },
  };
}
