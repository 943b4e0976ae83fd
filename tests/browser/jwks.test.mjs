// Another service verifies sesame's access tokens offline, through its JWKS,
// with an independent JOSE implementation (`jose`, not sesame's code), before
// and after a key rotation (`sesame keys rotate`, run beside the server).

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { createLocalJWKSet, createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { PASSWORD, sleep, startServer } from "./helpers.mjs";

const run = promisify(execFile);
const binary = process.env.SESAME_BIN || join(import.meta.dirname, "../../target/debug/sesame");

async function register(server, email) {
  const response = await fetch(`${server.url}/auth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: "Ada", email, password: PASSWORD }),
  });
  assert.equal(response.status, 201);
  return response.json();
}

async function refresh(server, refreshToken) {
  const response = await fetch(`${server.url}/auth/refresh`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ refreshToken }),
  });
  assert.equal(response.status, 200);
  return response.json();
}

/** What another service does: fetch the JWKS (cached) and verify. */
async function verify(server, token) {
  const keys = createRemoteJWKSet(new URL(`${server.url}/.well-known/jwks.json`));
  const { payload, protectedHeader } = await jwtVerify(token, keys, {
    issuer: "sesame",
    audience: "sesame",
    algorithms: ["EdDSA"],
    typ: "at+jwt",
  });
  return { payload, protectedHeader };
}

test("jose verifies sesame's access tokens through the JWKS, before and after a rotation", async () => {
  const server = await startServer();
  try {
    const signedUp = await register(server, "jose@example.com");
    const before = await verify(server, signedUp.accessToken);
    assert.equal(before.payload.sub, signedUp.user.id);
    assert.equal(before.payload.email, "jose@example.com");
    assert.deepEqual(before.payload.roles, []);
    assert.equal(before.protectedHeader.alg, "EdDSA");
    const oldKid = before.protectedHeader.kid;

    const { stdout } = await run(binary, ["--database-url", join(server.folder, "sesame.db"), "keys", "rotate"], {
      cwd: server.folder,
    });
    // One line per algorithm rotated: the access tokens' key is the EdDSA one.
    const newKid = stdout
      .split("\n")
      .find((line) => line.includes("EdDSA"))
      .trim()
      .split(" ")
      .pop();
    assert.notEqual(newKid, oldKid);

    // Within 5 s the server signs with the new key.
    let rotated;
    let refreshToken = signedUp.refreshToken;
    for (let tries = 0; ; tries++) {
      const body = await refresh(server, refreshToken);
      refreshToken = body.refreshToken;
      if (decodeProtectedHeader(body.accessToken).kid === newKid) {
        rotated = body.accessToken;
        break;
      }
      assert.ok(tries < 50, "still the old key after 5 s");
      await sleep(100);
    }
    const after = await verify(server, rotated);
    assert.equal(after.protectedHeader.kid, newKid);
    // The old token still verifies: its key stays published until it expires.
    const old = await verify(server, signedUp.accessToken);
    assert.equal(old.protectedHeader.kid, oldKid);

    // A token signed by anyone else is refused by the same check.
    const jwks = await (await fetch(`${server.url}/.well-known/jwks.json`)).json();
    const onlyNew = createLocalJWKSet({ keys: jwks.keys.filter((k) => k.kid === newKid) });
    await assert.rejects(jwtVerify(signedUp.accessToken, onlyNew, { algorithms: ["EdDSA"] }));
  } finally {
    await server.stop();
  }
});
