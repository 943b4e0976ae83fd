DROP TABLE sign_in_tickets;
DROP TABLE passkeys;
DROP TABLE recovery_codes;
DROP TABLE totp_secrets;
ALTER TABLE sessions DROP COLUMN amr;
ALTER TABLE users DROP COLUMN recovery_codes_left;
ALTER TABLE users DROP COLUMN passkey_count;
ALTER TABLE users DROP COLUMN totp_on;
