-- Mail waiting to be sent: a row per mail accepted, kept until it is sent,
-- refused, or given up at `give_up_at` (created + --mail-retry-for). It
-- holds no link: the one sending makes it. `claimed_until` is the lease of
-- the instance sending it now (NULL: waiting), so one instance sends it.
-- At most one waiting row per kind and recipient: another request while
-- one waits adds nothing.
CREATE TABLE mail_outbox (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    recipient TEXT NOT NULL,
    recipient_domain TEXT NOT NULL,
    requested_from TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    give_up_at BIGINT NOT NULL,
    claimed_until BIGINT
);
CREATE UNIQUE INDEX mail_outbox_one_waiting ON mail_outbox (kind, recipient)
    WHERE claimed_until IS NULL;
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at);
