DROP TABLE rate_limits;
DROP TABLE secrets;
DROP TABLE refresh_tokens;
DROP TABLE sessions;
DROP TABLE users;
