DROP INDEX mail_outbox_one_waiting;
ALTER TABLE mail_outbox DROP COLUMN subject;
CREATE UNIQUE INDEX mail_outbox_one_waiting ON mail_outbox (kind, recipient)
    WHERE claimed_until IS NULL;
DROP TABLE email_links;
ALTER TABLE users DROP COLUMN email_verified;
