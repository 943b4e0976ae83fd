DROP INDEX sessions_of_apps_idle_end;
DROP INDEX sessions_of_apps_max_end;
