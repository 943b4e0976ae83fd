-- Administration (issue 23): disabled accounts, the last sign-in, and the
-- audit events kept in the database (docs/API.md "Audit events").

-- When the account was disabled (ms; NULL: enabled), and when a sign-in
-- last opened a session for it.
ALTER TABLE users ADD COLUMN disabled_at BIGINT;
ALTER TABLE users ADD COLUMN last_sign_in_at BIGINT;

-- No foreign key to users: an event outlives the user it is about, so the
-- email is kept too. address is the client's address (for events with no
-- user: its IPv4 address or IPv6 /64, aggregated a minute at a time in
-- count); device is the name sesame gives a device, never a User-Agent;
-- detail is short key=value text, never a secret.
CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    at BIGINT NOT NULL,
    event TEXT NOT NULL,
    user_id TEXT,
    email TEXT,
    actor_id TEXT,
    address TEXT,
    device TEXT,
    detail TEXT,
    count INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_of_user ON audit_events (user_id, at);
CREATE INDEX audit_events_by_event ON audit_events (event, at);
