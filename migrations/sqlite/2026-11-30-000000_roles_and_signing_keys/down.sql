DROP TABLE signing_keys;
ALTER TABLE users DROP COLUMN roles;
