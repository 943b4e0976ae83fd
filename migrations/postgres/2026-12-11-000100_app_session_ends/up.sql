-- When an app's session runs out unless refreshed (the earlier of its idle
-- end and its maximum age), in a column of its own: NULL for sesame's own
-- sessions, so that their refreshes leave every indexed column as it was
-- (PostgreSQL then updates the row in place). The back-channel logout
-- sender looks each half second, on the index below, for the app sessions
-- that ran out, so that their apps are told as for any other end.
ALTER TABLE sessions ADD COLUMN app_ends_at BIGINT;
UPDATE sessions SET app_ends_at = LEAST(idle_expires_at, expires_at) WHERE client_id IS NOT NULL;
CREATE INDEX sessions_of_apps_by_end ON sessions (app_ends_at)
    WHERE app_ends_at IS NOT NULL AND revoked_at IS NULL;
