-- A retired or revoked key keeps only its public half: private_key becomes
-- NULL (SQLite cannot drop a NOT NULL, so the table is rebuilt). A key signs
-- from signs_from: a scheduled rotation makes the next key ahead of time, so
-- that it is published before it signs. A revoked key (revoked_at) is
-- neither published nor accepted; its row stays, for `sesame keys list`.
CREATE TABLE signing_keys_new (
    kid TEXT PRIMARY KEY NOT NULL,
    -- PKCS#8 DER; never leaves the server; NULL once retired or revoked
    private_key BLOB,
    -- the raw 32-byte public key, as the JWKS publishes it
    public_key BLOB NOT NULL,
    created_at BIGINT NOT NULL,
    retired_at BIGINT,
    signs_from BIGINT NOT NULL,
    revoked_at BIGINT
);
INSERT INTO signing_keys_new (kid, private_key, public_key, created_at, retired_at, signs_from)
SELECT kid, CASE WHEN retired_at IS NULL THEN private_key END, public_key, created_at,
       retired_at, created_at
FROM signing_keys;
DROP TABLE signing_keys;
ALTER TABLE signing_keys_new RENAME TO signing_keys;
