//! The command line's flags, defaults and one-line errors.

use super::*;

fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
    Cli::try_parse_from(std::iter::once("sesame").chain(args.iter().copied()))
}

#[test]
fn flags_override_defaults() {
    let cli = parse(&[
        "--access-ttl",
        "2s",
        "--bcrypt-cost",
        "4",
        "--cookie-secure",
        "false",
    ])
    .unwrap();
    assert_eq!(cli.access_ttl, Duration::from_secs(2));
    assert_eq!(cli.bcrypt_cost, 4);
    assert!(!cli.cookie_secure);
}

#[test]
fn bad_values_name_the_setting_in_one_line() {
    let error = parse(&["--bcrypt-cost", "3"]).unwrap_err();
    let line = crate::config::load::first_line(&error.to_string());
    assert!(line.contains("--bcrypt-cost"), "{line}");
    let error = parse(&["--reuse-grace", "later"]).unwrap_err();
    assert!(crate::config::load::first_line(&error.to_string()).contains("--reuse-grace"));
}

#[test]
fn the_defaults_are_the_documented_ones_and_ignore_the_environment() {
    let defaults = Cli::defaults();
    assert_eq!(defaults.bind, "127.0.0.1:8080");
    assert_eq!(defaults.database, Database::sqlite("data/sesame.db"));
    assert_eq!(defaults.access_ttl, Duration::from_secs(15 * 60));
    assert_eq!(defaults.refresh_ttl, Duration::from_secs(7 * 86400));
    assert_eq!(defaults.session_max_age, Duration::from_secs(30 * 86400));
    assert_eq!(defaults.reuse_grace, Duration::from_secs(10));
    assert_eq!(defaults.bcrypt_cost, 12);
    assert_eq!(
        (
            defaults.login_max_failures,
            defaults.login_max_failures_per_account,
            defaults.login_max_failures_per_ip,
            defaults.register_max_per_ip
        ),
        (5, 100, 50, 20)
    );
    assert_eq!(defaults.login_window, Duration::from_secs(15 * 60));
    assert!(defaults.cookie_secure);
    assert_eq!(defaults.purge_interval, Duration::from_secs(3600));
    assert_eq!(defaults.public_url, None);
    assert_eq!(defaults.smtp_url, None);
    assert_eq!(defaults.mail_from, "sesame <no-reply@localhost>");
    assert_eq!(defaults.reset_ttl, Duration::from_secs(30 * 60));
    assert_eq!(defaults.mail_retry_for, Duration::from_secs(24 * 3600));
    assert_eq!(Settings::default(), defaults);
}

#[test]
fn mail_settings_are_checked_at_start() {
    let cli = parse(&[
        "--public-url",
        "https://id.example.com/",
        "--mail-from",
        "Ada <ada@example.com>",
    ])
    .unwrap();
    assert_eq!(cli.public_url.as_deref(), Some("https://id.example.com"));
    for bad in [
        ["--public-url", "ftp://id.example.com"],
        ["--public-url", "https://id.example.com/?a=b"],
        ["--mail-from", "not a mailbox"],
    ] {
        let error = parse(&bad).unwrap_err();
        let line = crate::config::load::first_line(&error.to_string());
        assert!(line.contains(bad[0]), "{line}");
    }
    let bad_smtp = parse(&["--smtp-url", "smtp://me:s3cret@mail.example.com/path"]).unwrap();
    let error = bad_smtp.into_settings(None).unwrap_err().to_string();
    assert!(
        error.contains("--smtp-url") && !error.contains("s3cret"),
        "{error}"
    );
    let good = parse(&["--smtp-url", "smtps://me:s3cret@mail.example.com"]).unwrap();
    let settings = good.into_settings(None).unwrap();
    assert_eq!(settings.smtp_url.map(|url| url.port), Some(465));
}

#[test]
fn a_database_url_is_parsed_once_into_a_file() {
    let cli = parse(&["--database-url", "sqlite://x/y.db"]).unwrap();
    assert_eq!(cli.database_url, Database::sqlite("x/y.db"));
    let error = parse(&["--database-url", "file:y.db"]).unwrap_err();
    assert!(crate::config::load::first_line(&error.to_string()).contains("--database-url"));
}

#[test]
fn a_kid_that_begins_with_a_hyphen_is_a_kid_not_a_flag() {
    let cli = parse(&["keys", "revoke", "-y3Pq_x"]).unwrap();
    assert!(matches!(
        cli.command,
        Some(Command::Keys(KeysCommand::Revoke { kid })) if kid == "-y3Pq_x"
    ));
}

#[test]
fn mail_retry_for_takes_zero_for_one_attempt_and_refuses_what_is_no_duration() {
    assert_eq!(
        parse(&["--mail-retry-for", "0s"]).unwrap().mail_retry_for,
        Duration::ZERO
    );
    assert_eq!(
        parse(&["--mail-retry-for", "3d"]).unwrap().mail_retry_for,
        Duration::from_secs(3 * 86400)
    );
    for bad in ["soon", "1 fortnight", "200years"] {
        let error = parse(&["--mail-retry-for", bad]).unwrap_err();
        let line = crate::config::load::first_line(&error.to_string());
        assert!(line.contains("--mail-retry-for"), "{bad}: {line}");
    }
}
