DROP TABLE sign_in_alerts;
DROP TABLE known_devices;
