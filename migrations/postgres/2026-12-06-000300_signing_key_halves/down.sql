-- Revoked keys go; retired keys get an empty private half back (the code
-- before this migration never reads a retired key's).
DELETE FROM signing_keys WHERE revoked_at IS NOT NULL;
ALTER TABLE signing_keys DROP COLUMN revoked_at;
ALTER TABLE signing_keys DROP COLUMN signs_from;
UPDATE signing_keys SET private_key = ''::bytea WHERE private_key IS NULL;
ALTER TABLE signing_keys ALTER COLUMN private_key SET NOT NULL;
