-- Revoked keys go; retired keys get an empty private half back (the code
-- before this migration never reads a retired key's).
CREATE TABLE signing_keys_old (
    kid TEXT PRIMARY KEY NOT NULL,
    private_key BLOB NOT NULL,
    public_key BLOB NOT NULL,
    created_at BIGINT NOT NULL,
    retired_at BIGINT
);
INSERT INTO signing_keys_old (kid, private_key, public_key, created_at, retired_at)
SELECT kid, COALESCE(private_key, X''), public_key, created_at, retired_at
FROM signing_keys
WHERE revoked_at IS NULL;
DROP TABLE signing_keys;
ALTER TABLE signing_keys_old RENAME TO signing_keys;
