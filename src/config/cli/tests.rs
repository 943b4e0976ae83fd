//! The command line's flags, defaults and errors.

use std::time::Duration;

use super::*;
use crate::config::Database;

fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
    Cli::try_parse_from(std::iter::once("sesame").chain(args.iter().copied()))
}

/// The line of clap's message that names what is wrong.
fn first_line(error: &clap::Error) -> String {
    error
        .to_string()
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
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
    assert_eq!(cli.server.access.access_ttl, Duration::from_secs(2));
    assert_eq!(cli.server.bcrypt_cost, 4);
    assert!(!cli.server.cookie_secure);
}

#[test]
fn bad_values_name_the_setting_in_the_first_line() {
    let error = parse(&["--bcrypt-cost", "3"]).unwrap_err();
    let line = first_line(&error);
    assert!(line.contains("--bcrypt-cost"), "{line}");
    let error = parse(&["--reuse-grace", "later"]).unwrap_err();
    assert!(first_line(&error).contains("--reuse-grace"));
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
    assert_eq!(
        cli.server.public_url.as_deref(),
        Some("https://id.example.com")
    );
    for bad in [
        ["--public-url", "ftp://id.example.com"],
        ["--public-url", "https://id.example.com/?a=b"],
        ["--mail-from", "not a mailbox"],
    ] {
        let error = parse(&bad).unwrap_err();
        let line = first_line(&error);
        assert!(line.contains(bad[0]), "{line}");
    }
    let bad_smtp = parse(&["--smtp-url", "smtp://me:s3cret@mail.example.com/path"]).unwrap();
    let error = bad_smtp
        .server
        .into_settings(Database::sqlite("x.db"))
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("--smtp-url") && !error.contains("s3cret"),
        "{error}"
    );
    let good = parse(&["--smtp-url", "smtps://me:s3cret@mail.example.com"]).unwrap();
    let settings = good.server.into_settings(Database::sqlite("x.db")).unwrap();
    assert_eq!(settings.smtp_url.map(|url| url.port), Some(465));
}

#[test]
fn a_database_url_is_parsed_once_into_a_file() {
    let cli = parse(&["--database-url", "sqlite://x/y.db"]).unwrap();
    assert_eq!(cli.database.database_url, Database::sqlite("x/y.db"));
    let error = parse(&["--database-url", "file:y.db"]).unwrap_err();
    assert!(first_line(&error).contains("--database-url"));
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
        parse(&["--mail-retry-for", "0s"])
            .unwrap()
            .server
            .mail_retry_for,
        Duration::ZERO
    );
    assert_eq!(
        parse(&["--mail-retry-for", "3d"])
            .unwrap()
            .server
            .mail_retry_for,
        Duration::from_secs(3 * 86400)
    );
    for bad in ["soon", "1 fortnight", "200years"] {
        let error = parse(&["--mail-retry-for", bad]).unwrap_err();
        let line = first_line(&error);
        assert!(line.contains("--mail-retry-for"), "{bad}: {line}");
    }
}

/// Every argument of `sesame` and of its commands, at any depth.
fn all_arguments(command: &clap::Command) -> Vec<clap::Arg> {
    let mut arguments: Vec<clap::Arg> = command.get_arguments().cloned().collect();
    for sub in command.get_subcommands() {
        arguments.extend(all_arguments(sub));
    }
    arguments
}

#[test]
fn no_flag_reads_a_key_variable_and_a_password_is_never_quoted_in_clap_s_message() {
    // The keys are read from the environment only (`load.rs`), never
    // through clap, whose message would quote a value it refuses.
    for arg in all_arguments(&Cli::command()) {
        let env = arg.get_env().and_then(|e| e.to_str()).unwrap_or_default();
        assert!(
            !matches!(env, "SESAME_SIGNING_KEY" | "SESAME_REFRESH_SECRET"),
            "{arg}"
        );
    }
    // The flags a URL password may be in: refused without their value.
    for args in [
        &["--database-url", "postgress://me:s3cret@db.example.com/x"][..],
        &[
            "users",
            "show",
            "a@b.c",
            "--database-url",
            "mysql://me:s3cret@h/x",
        ],
    ] {
        let error = parse(args).unwrap_err().to_string();
        assert!(error.contains("--database-url"), "{error}");
        assert!(!error.contains("s3cret"), "{error}");
    }
    let smtp = parse(&["--smtp-url", "smtp://me:s3cret@mail.example.com:port"]).unwrap();
    let error = smtp
        .server
        .into_settings(Database::sqlite("x.db"))
        .unwrap_err();
    assert!(!error.to_string().contains("s3cret"), "{error}");
}

#[test]
fn each_command_takes_only_the_flags_it_uses() {
    assert!(parse(&["users", "show", "a@b.c", "--bind", "127.0.0.1:0"]).is_err());
    assert!(parse(&["keys", "rotate", "--access-ttl", "1m"]).is_err());
    assert!(parse(&["purge", "--access-ttl", "1m"]).is_err());
    let cli = parse(&["keys", "list", "--access-ttl", "1m"]).unwrap();
    assert!(matches!(
        cli.command,
        Some(Command::Keys(KeysCommand::List(access))) if access.access_ttl == Duration::from_secs(60)
    ));
    let cli = parse(&["--database-url", "x.db", "purge", "--reuse-grace", "0s"]).unwrap();
    assert_eq!(cli.database.database_url, Database::sqlite("x.db"));
    assert!(matches!(
        cli.command,
        Some(Command::Purge(lifetimes)) if lifetimes.reuse_grace == Duration::ZERO
    ));
}
