-- A retired or revoked key keeps only its public half: private_key becomes
-- NULL. A key signs from signs_from: a scheduled rotation makes the next key
-- ahead of time, so that it is published before it signs. A revoked key
-- (revoked_at) is neither published nor accepted; its row stays, for
-- `sesame keys list`.
ALTER TABLE signing_keys ALTER COLUMN private_key DROP NOT NULL;
UPDATE signing_keys SET private_key = NULL WHERE retired_at IS NOT NULL;
ALTER TABLE signing_keys ADD COLUMN signs_from BIGINT;
UPDATE signing_keys SET signs_from = created_at;
ALTER TABLE signing_keys ALTER COLUMN signs_from SET NOT NULL;
ALTER TABLE signing_keys ADD COLUMN revoked_at BIGINT;
