-- What a session's sign-in proved (RFC 8176 `amr` values, space-separated):
-- carried into every access token the session issues, refreshes included.
ALTER TABLE sessions ADD COLUMN amr TEXT NOT NULL DEFAULT 'pwd';

-- What the user's second factors are, kept on the user's row by the same
-- transactions that change them (below), so that the sign-in and every
-- page that shows the user read them with the row at no extra cost.
ALTER TABLE users ADD COLUMN totp_on BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN passkey_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN recovery_codes_left INTEGER NOT NULL DEFAULT 0;

-- One TOTP secret per account: pending (confirmed_at NULL) until a code
-- confirms it. last_step is the newest 30-second step a code was accepted
-- for: no code of that step or an older one is accepted again (no replay),
-- and it is one number per account whatever is sent.
CREATE TABLE totp_secrets (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    secret BLOB NOT NULL,
    created_at BIGINT NOT NULL,
    confirmed_at BIGINT,
    last_step BIGINT NOT NULL DEFAULT 0
);

-- Recovery codes: ten per account, each works once; only their SHA-256 is kept.
CREATE TABLE recovery_codes (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash BLOB NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, code_hash)
);

-- Passkeys (WebAuthn credentials): id is the credential id (base64url),
-- credential the library's stored form of it (public key, counter).
CREATE TABLE passkeys (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    credential TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT
);
CREATE INDEX passkeys_of_user ON passkeys (user_id, created_at);

-- Sign-in tickets: a right password on an account with a second factor
-- gets one; it works once, for 5 minutes, and dies after 5 wrong codes.
-- Only the SHA-256 of the ticket is kept; at most 5 live ones per account.
CREATE TABLE sign_in_tickets (
    token_hash BLOB PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    failures INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sign_in_tickets_of_user ON sign_in_tickets (user_id, created_at);
CREATE INDEX sign_in_tickets_expiry ON sign_in_tickets (expires_at);
