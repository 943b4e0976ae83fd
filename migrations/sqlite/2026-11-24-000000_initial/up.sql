-- Times are Unix time in milliseconds (BIGINT), so the schema reads the same
-- on SQLite and PostgreSQL.

CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    -- trimmed and lower-cased, so the unique index compares case-insensitively
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- One login on one device.
CREATE TABLE sessions (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    user_agent TEXT,
    -- generation of the session's current refresh token; bumped by each rotation
    generation BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT NOT NULL,
    -- the session ends at the earlier of these: idle (refresh-ttl after last use)
    -- and absolute (session-max-age after login)
    idle_expires_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT
);

CREATE INDEX sessions_user_id ON sessions (user_id);

-- Every refresh token issued, by the SHA-256 of its text: never the text itself.
CREATE TABLE refresh_tokens (
    token_hash BLOB PRIMARY KEY NOT NULL,
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    generation BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    -- set when the token is rotated away
    spent_at BIGINT,
    UNIQUE (session_id, generation)
);
