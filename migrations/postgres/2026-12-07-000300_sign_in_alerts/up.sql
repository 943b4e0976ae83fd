-- The devices (browser and system, as sesame names them) and networks (an
-- IPv4 /24, an IPv6 /64) each account signed in from, and when last: a
-- sign-in from a device or a network not seen in 90 days mails an alert.
-- At most 20 rows a user (the oldest goes); rows older than 90 days are
-- deleted by the periodic tidy.
CREATE TABLE known_devices (
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    device TEXT NOT NULL,
    network TEXT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, device, network)
);
CREATE INDEX known_devices_last_seen ON known_devices (last_seen_at);

-- The "this wasn't me" links of sign-in alerts: opening one ends that
-- session and opens the reset page. One per session (a retried mail
-- replaces it), at most 20 a user; only the SHA-256 of the token is kept.
CREATE TABLE sign_in_alerts (
    token_hash BYTEA PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    session_id TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sign_in_alerts_of_user ON sign_in_alerts (user_id, created_at);
CREATE INDEX sign_in_alerts_expiry ON sign_in_alerts (expires_at);
