-- Whether the account's address is proven: false at sign-up (and for the
-- accounts made before this), true once a link mailed to it is opened.
ALTER TABLE users ADD COLUMN email_verified BOOLEAN NOT NULL DEFAULT FALSE;

-- The links that prove an address: at most one open per user and purpose
-- ('verify': the account's own address; 'change': a new address, which
-- becomes the account's when its link is opened). `email` is the address
-- the link was sent to. Only the SHA-256 of the link's token is kept.
CREATE TABLE email_links (
    token_hash BYTEA PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    email TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX email_links_one_per_purpose ON email_links (user_id, purpose);
CREATE INDEX email_links_expiry ON email_links (expires_at);

-- What a mail is about beyond its recipient (a user's or a session's id;
-- '' for none), so that two mails of one kind to one address about
-- different things (two sign-ins) both wait.
ALTER TABLE mail_outbox ADD COLUMN subject TEXT NOT NULL DEFAULT '';
DROP INDEX mail_outbox_one_waiting;
CREATE UNIQUE INDEX mail_outbox_one_waiting ON mail_outbox (kind, recipient, subject)
    WHERE claimed_until IS NULL;
