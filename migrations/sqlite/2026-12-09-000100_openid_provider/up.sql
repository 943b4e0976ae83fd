-- sesame as an OpenID Connect provider (docs/OIDC.md).

-- The apps that sign users in through sesame, registered by `sesame clients
-- add`. secret_hash is the SHA-256 of the client secret (NULL: a public
-- client, which must use PKCE). URIs are matched exactly; lists hold one URI
-- per line. id_token_alg is RS256 or EdDSA.
CREATE TABLE oauth_clients (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    secret_hash BLOB,
    redirect_uris TEXT NOT NULL,
    post_logout_redirect_uris TEXT NOT NULL DEFAULT '',
    backchannel_logout_uri TEXT,
    skip_consent BOOLEAN NOT NULL DEFAULT 0,
    id_token_alg TEXT NOT NULL DEFAULT 'RS256',
    created_at BIGINT NOT NULL
);

-- What a user allowed an app to know: asked again only for a scope not in
-- the set (space-separated) already granted.
CREATE TABLE oauth_consents (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    client_id TEXT NOT NULL REFERENCES oauth_clients (id) ON DELETE CASCADE,
    scope TEXT NOT NULL,
    granted_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, client_id)
);

-- Authorization codes: only their SHA-256 is kept; 60 seconds, once.
-- session_id is the app's session the first use opened: a second use of the
-- code ends it (RFC 6749 4.1.2). auth_time and amr are the browser sign-in's.
CREATE TABLE oauth_codes (
    code_hash BLOB PRIMARY KEY NOT NULL,
    client_id TEXT NOT NULL REFERENCES oauth_clients (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    redirect_uri TEXT NOT NULL,
    scope TEXT NOT NULL,
    nonce TEXT,
    code_challenge TEXT,
    auth_time BIGINT NOT NULL,
    amr TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    session_id TEXT
);
CREATE INDEX oauth_codes_expiry ON oauth_codes (expires_at);

-- An app's sign-in is a session of its own: client_id names the app (NULL:
-- sesame's own sign-in), scope what it was granted, auth_time when the user
-- signed in (ID tokens carry it; NULL: created_at).
ALTER TABLE sessions ADD COLUMN client_id TEXT;
ALTER TABLE sessions ADD COLUMN scope TEXT;
ALTER TABLE sessions ADD COLUMN auth_time BIGINT;
CREATE INDEX sessions_of_client ON sessions (client_id) WHERE client_id IS NOT NULL;

-- Back-channel logouts waiting to be delivered (OpenID Connect Back-Channel
-- Logout 1.0), written in the transaction that ends the session; claimed,
-- sent and retried like the mail outbox.
CREATE TABLE backchannel_logouts (
    id TEXT PRIMARY KEY NOT NULL,
    client_id TEXT NOT NULL REFERENCES oauth_clients (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    give_up_at BIGINT NOT NULL,
    claimed_until BIGINT
);
CREATE INDEX backchannel_logouts_due ON backchannel_logouts (next_attempt_at);

-- The ID-token key (RS256) lives in the key ring beside the Ed25519 ones.
-- public_key: Ed25519's 32 bytes, or an RSA key's PKCS#1 DER.
ALTER TABLE signing_keys ADD COLUMN alg TEXT NOT NULL DEFAULT 'EdDSA';
