-- A user's roles: comma-separated, each 1 to 32 of a-z 0-9 _ - (checked by
-- the code that sets them); empty for none.
ALTER TABLE users ADD COLUMN roles TEXT NOT NULL DEFAULT '';

-- The Ed25519 keys access tokens are signed with. The newest one not retired
-- signs; a retired one stays published until --access-ttl after retired_at.
CREATE TABLE signing_keys (
    kid TEXT PRIMARY KEY NOT NULL,
    -- PKCS#8 DER; never leaves the server
    private_key BYTEA NOT NULL,
    -- the raw 32-byte public key, as the JWKS publishes it
    public_key BYTEA NOT NULL,
    created_at BIGINT NOT NULL,
    retired_at BIGINT
);
