DROP INDEX sessions_of_apps_by_end;
ALTER TABLE sessions DROP COLUMN app_ends_at;
