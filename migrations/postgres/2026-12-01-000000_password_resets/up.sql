-- The one password-reset link a user may have open: a newer request
-- replaces the row, so older links stop working. Only the SHA-256 of the
-- link's token is kept, never the token.
CREATE TABLE password_resets (
    user_id TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash BYTEA NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
