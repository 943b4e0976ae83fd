// A relying party for the OpenID Connect browser test: a small web app that
// signs its users in through sesame with npm's openid-client (a certified
// relying-party library), as any team's own app would. Everything it checks
// (state, nonce, PKCE, the ID token's signature through the discovered JWKS)
// is openid-client's doing, not the test's. It also registers itself with the
// real `sesame clients add`.

import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { join } from "node:path";
import { promisify } from "node:util";
import * as client from "openid-client";
import { projectRoot } from "./helpers.mjs";

const sesamePath = process.env.SESAME_BIN || join(projectRoot, "target/debug/sesame");

export const SCOPE = "openid email profile offline_access";

/**
 * `sesame clients add NAME …flags` on the server's database; resolves
 * { clientId, clientSecret } as it printed them (no secret for --public).
 */
export async function addClient(server, name, flags) {
  const { stdout } = await promisify(execFile)(
    sesamePath,
    ["clients", "add", name, ...flags, "--database-url", join(server.folder, "sesame.db")],
    { cwd: server.folder, env: { PATH: process.env.PATH }, timeout: 30000 },
  );
  const printed = (label) => stdout.match(new RegExp(`^${label}: (\\S+)$`, "m"))?.[1];
  const clientId = printed("client_id");
  if (!clientId) throw new Error("no client_id printed:\n" + stdout);
  return { clientId, clientSecret: printed("client_secret") };
}

/** The JOSE header of a compact JWT (which algorithm signed it). */
export const headerOf = (jwt) => JSON.parse(Buffer.from(jwt.split(".")[0], "base64url").toString());

/** An error and its causes, each as name, message and OAuth error code. */
function causes(error) {
  const chain = [];
  for (let at = error; at && chain.length < 5; at = at.cause) {
    const line = [at.name, at.message, at.error, at.error_description, at.code].filter(Boolean).join(": ");
    chain.push(line || JSON.stringify(at));
  }
  return chain;
}

const escape = (text) =>
  String(text).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

const page = (body) => `<!doctype html><meta charset="utf-8"><title>Relying party</title>${body}`;

/** The page after sign-in or refresh: the claims as openid-client verified them. */
function signedInPage(session) {
  return page(
    `<h1 id="app">Signed in</h1>` +
      `<pre id="claims">${escape(JSON.stringify(session.claims))}</pre>` +
      `<pre id="userinfo">${escape(JSON.stringify(session.userinfo))}</pre>` +
      `<p>ID token signed with <code id="alg">${escape(headerOf(session.tokens.id_token).alg)}</code>;` +
      ` refreshed <span id="refreshes">${session.refreshes}</span> times</p>` +
      `<a id="refresh" href="/refresh">Refresh</a> <a id="logout" href="/logout">Sign out</a>`,
  );
}

/**
 * Starts the relying party on 127.0.0.1 (a host apart from sesame's
 * `localhost`, so neither sees the other's cookies); resolves { url,
 * callback, signedOut, discover, sessions, errors, stop }. Call
 * `discover(issuer, { clientId, clientSecret }, alg)` once registered.
 * Routes: `/login` (to sesame; `/login?prompt=login` asks it for a new
 * sign-in), `/callback`, `/refresh`, `/logout`
 * (sesame's end-session endpoint), `/signed-out`.
 */
export async function startRelyingParty() {
  let config;
  // Per browser (the `rp` cookie): the flow under way, then the signed-in session.
  const flows = new Map();
  const sessions = new Map();
  const errors = [];

  async function handle(request, url, respond) {
    const id = (request.headers.cookie || "").match(/(?:^|;\s*)rp=([\w-]+)/)?.[1];
    switch (url.pathname) {
      case "/login": {
        const flow = {
          codeVerifier: client.randomPKCECodeVerifier(),
          state: client.randomState(),
          nonce: client.randomNonce(),
        };
        const flowId = randomBytes(16).toString("base64url");
        flows.set(flowId, flow);
        const to = client.buildAuthorizationUrl(config, {
          redirect_uri: rp.callback,
          scope: SCOPE,
          code_challenge: await client.calculatePKCECodeChallenge(flow.codeVerifier),
          code_challenge_method: "S256",
          state: flow.state,
          nonce: flow.nonce,
          ...(url.searchParams.get("prompt") === "login" ? { prompt: "login" } : {}),
        });
        return respond(302, "", { Location: to.href, "Set-Cookie": `rp=${flowId}; Path=/; HttpOnly; SameSite=Lax` });
      }
      case "/callback": {
        const flow = flows.get(id);
        if (!flow) return respond(400, "no sign-in under way in this browser");
        flows.delete(id);
        // Checks the state, swaps the code with the verifier, verifies the
        // ID token (signature through the JWKS, iss, aud, exp, nonce).
        const tokens = await client.authorizationCodeGrant(config, url, {
          pkceCodeVerifier: flow.codeVerifier,
          expectedState: flow.state,
          expectedNonce: flow.nonce,
          idTokenExpected: true,
        });
        const claims = tokens.claims();
        const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
        const session = { tokens, claims, userinfo, refreshes: 0 };
        sessions.set(id, session);
        return respond(200, signedInPage(session));
      }
      case "/refresh": {
        const session = sessions.get(id);
        if (!session) return respond(401, "not signed in");
        const tokens = await client.refreshTokenGrant(config, session.tokens.refresh_token);
        Object.assign(session, { tokens, refreshes: session.refreshes + 1 });
        // A refreshed ID token, when sent, is verified too; its claims replace the shown ones.
        if (tokens.id_token) session.claims = tokens.claims();
        session.userinfo = await client.fetchUserInfo(config, tokens.access_token, session.claims.sub);
        return respond(200, signedInPage(session));
      }
      case "/logout": {
        const session = sessions.get(id);
        if (!session) return respond(401, "not signed in");
        session.logoutState = client.randomState();
        const to = client.buildEndSessionUrl(config, {
          id_token_hint: session.tokens.id_token,
          post_logout_redirect_uri: rp.signedOut,
          state: session.logoutState,
        });
        return respond(302, "", { Location: to.href });
      }
      case "/signed-out": {
        const session = sessions.get(id);
        const state = url.searchParams.get("state");
        const matched = Boolean(session?.logoutState) && state === session.logoutState;
        if (matched) sessions.delete(id);
        return respond(matched ? 200 : 400, page(`<h1 id="signed-out" data-state-matched="${matched}">Signed out</h1>`));
      }
      case "/favicon.ico":
        // What the browser asks every page's host for: no 404 in the console.
        return respond(204, "");
      default:
        return respond(404, "not found");
    }
  }

  const server = createServer((request, response) => {
    const url = new URL(request.url, rp.url);
    const respond = (status, body, headers = {}) => {
      response.writeHead(status, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store", ...headers });
      response.end(body);
    };
    handle(request, url, respond).catch((error) => {
      // Shown on the page and kept for the test's message: what openid-client refused.
      const detail = causes(error).join(" ← ");
      errors.push(`${url.pathname}: ${detail}`);
      respond(500, page(`<pre id="rp-error">${escape(detail)}</pre>`));
    });
  });
  await new Promise((listening) => server.listen(0, "127.0.0.1", listening));
  const base = `http://127.0.0.1:${server.address().port}`;

  const rp = {
    url: base,
    callback: base + "/callback",
    signedOut: base + "/signed-out",
    sessions,
    errors,
    /** openid-client's configuration from sesame's discovery document. */
    get config() {
      return config;
    },
    /**
     * Discovery at `issuer` (plain http on localhost: allowInsecureRequests),
     * for a confidential client (client_secret_basic) or a public one (PKCE
     * and its id alone); `alg`: the only ID token algorithm accepted.
     */
    async discover(issuer, { clientId, clientSecret }, alg) {
      const auth = clientSecret ? client.ClientSecretBasic(clientSecret) : client.None();
      config = await client.discovery(new URL(issuer), clientId, { id_token_signed_response_alg: alg }, auth, {
        execute: [client.allowInsecureRequests],
        timeout: 15,
      });
    },
    async stop() {
      server.closeAllConnections();
      await new Promise((closed) => server.close(closed));
    },
  };
  return rp;
}
