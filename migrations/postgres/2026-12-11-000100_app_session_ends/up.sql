-- The app sessions still open, by when they run out (idle, or at their
-- maximum age): the back-channel logout sender looks each second for those
-- that ran out, so that their apps are told, as for any other end.
CREATE INDEX sessions_of_apps_idle_end ON sessions (idle_expires_at)
    WHERE client_id IS NOT NULL AND revoked_at IS NULL;
CREATE INDEX sessions_of_apps_max_end ON sessions (expires_at)
    WHERE client_id IS NOT NULL AND revoked_at IS NULL;
