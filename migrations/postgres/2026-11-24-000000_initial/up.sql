-- The same tables as on SQLite (migrations/sqlite), plus what instances
-- share on PostgreSQL: the generated keys and the limits' counts.
-- Times are Unix time in milliseconds (BIGINT).

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
    idle_expires_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT
);

CREATE INDEX sessions_user_id ON sessions (user_id);

-- Every refresh token issued, by the SHA-256 of its text: never the text itself.
CREATE TABLE refresh_tokens (
    token_hash BYTEA PRIMARY KEY NOT NULL,
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    generation BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    spent_at BIGINT,
    UNIQUE (session_id, generation)
);

-- The keys generated on first start (SQLite keeps them in a file beside the
-- database), shared by every instance.
CREATE TABLE secrets (
    name TEXT PRIMARY KEY NOT NULL,
    value BYTEA NOT NULL
);

-- The login and register limits' state, shared by every instance: per keyed
-- hash of what is counted, its GCRA "theoretical arrival time" in ms.
CREATE TABLE rate_limits (
    key BIGINT PRIMARY KEY NOT NULL,
    tat BIGINT NOT NULL
);
