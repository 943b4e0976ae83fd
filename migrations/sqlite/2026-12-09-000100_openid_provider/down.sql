ALTER TABLE signing_keys DROP COLUMN alg;
DROP TABLE backchannel_logouts;
DROP INDEX sessions_of_client;
ALTER TABLE sessions DROP COLUMN auth_time;
ALTER TABLE sessions DROP COLUMN scope;
ALTER TABLE sessions DROP COLUMN client_id;
DROP TABLE oauth_codes;
DROP TABLE oauth_consents;
DROP TABLE oauth_clients;
