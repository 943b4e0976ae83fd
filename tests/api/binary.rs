//! The real binary: settings errors, the `listening on` line, `.env`.

use reqwest::Method;

use crate::helpers::{cookie_value, set_cookies, spawn_app, Headers, SignInBody};
use crate::process::{run, Running};

/// Flags, environment, and the setting the error must name.
type BadSetting = (
    &'static [&'static str],
    &'static [(&'static str, &'static str)],
    &'static str,
);

#[actix_web::test]
async fn a_bad_setting_stops_it_with_status_2_and_a_first_line_naming_it() {
    let folder = tempfile::tempdir().unwrap();
    let cases: [BadSetting; 8] = [
        (&["--access-ttl", "soon"], &[], "--access-ttl"),
        (&[], &[("SESAME_REFRESH_TTL", "0s")], "--refresh-ttl"),
        (&["--reuse-grace=-1s"], &[], "--reuse-grace"),
        (&["--bcrypt-cost", "32"], &[], "--bcrypt-cost"),
        (&[], &[("SESAME_COOKIE_SECURE", "maybe")], "--cookie-secure"),
        (&["--bind", "not an address"], &[], "--bind"),
        (
            &[],
            &[("SESAME_REFRESH_SECRET", "too short")],
            "SESAME_REFRESH_SECRET",
        ),
        (&["--no-such-flag"], &[], "--no-such-flag"),
    ];
    for (args, env, named) in cases {
        let output = run(folder.path(), args, env).await;
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?} {env:?}: {stderr}");
        // clap's message goes on with the usage or a tip; ours is one line.
        let first = stderr.lines().next().unwrap_or_default();
        assert!(first.contains(named), "{stderr}");
    }
    assert!(
        !folder.path().join("data").exists(),
        "nothing is created on a bad setting"
    );
}

#[actix_web::test]
async fn it_logs_the_real_address_when_bound_to_port_0_and_reads_dot_env() {
    let folder = tempfile::tempdir().unwrap();
    std::fs::write(
        folder.path().join(".env"),
        "SESAME_BIND=127.0.0.1:0\nDATABASE_URL=db/test.db\n",
    )
    .unwrap();
    let server = Running::start(folder.path(), &[], &[("RUST_LOG", "info")]).await;
    let address = server.address.clone();
    assert!(!address.ends_with(":0"), "{address}");

    let body = server.healthz().await.text().await.unwrap();
    assert_eq!(body, "ok");
    assert!(
        folder.path().join("db/test.db").exists(),
        "DATABASE_URL from .env"
    );
    server.kill().await;
}

#[actix_web::test]
async fn no_token_password_or_key_reaches_the_log_even_at_trace_level() {
    let folder = tempfile::tempdir().unwrap();
    let signing_key = crate::helpers::TestSigningKey::generate().pem();
    let refresh_secret = "refresh-secret-that-must-never-be-logged";
    let server = Running::start(
        folder.path(),
        &["--bind", "127.0.0.1:0", "--bcrypt-cost", "4"],
        &[
            ("RUST_LOG", "trace"),
            ("SESAME_SIGNING_KEY", signing_key.as_str()),
            ("SESAME_REFRESH_SECRET", refresh_secret),
        ],
    )
    .await;
    let password = "a password never logged";
    let sign_up: SignInBody = server
        .register("Ada", "ada@example.com", password)
        .await
        .json()
        .await
        .unwrap();
    let access = sign_up.access_token.clone();
    let refresh = sign_up.refresh_token().to_owned();
    server.login("ada@example.com", "a wrong password").await;
    // The token in the query string too, where a careless log would show it.
    server
        .send_raw(
            Method::GET,
            &format!("/api/me?token={access}"),
            Headers::new().bearer(&access),
            None,
        )
        .await;
    let rotated = server.refresh_with_cookie(&refresh).await;
    let rotated_refresh = cookie_value(&set_cookies(rotated.headers())["refreshToken"]);
    let rotated: SignInBody = rotated.json().await.unwrap();
    server.logout(Headers::new().refresh_cookie(&refresh)).await;

    let log = server.kill().await;
    assert!(
        log.contains("POST /auth/refresh"),
        "the access log is on: {log}"
    );
    let secrets = [
        password,
        "a wrong password",
        refresh_secret,
        &access,
        &refresh,
        &rotated.access_token,
        &rotated_refresh,
    ];
    for secret in secrets {
        assert!(!log.contains(secret), "the log shows a secret");
    }
    // Nor the signing key's private part (its PEM's base64 line).
    for line in signing_key.lines().filter(|l| !l.starts_with("-----")) {
        assert!(!log.contains(line), "the log shows the signing key");
    }
}

#[actix_web::test]
async fn an_unusable_address_or_database_stops_it_with_one_line_and_status_2() {
    let folder = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let taken = taken.local_addr().unwrap().to_string();
    let file_not_folder = folder.path().join("file");
    std::fs::write(&file_not_folder, "").unwrap();
    let inside_a_file = file_not_folder.join("sesame.db").display().to_string();
    let cases: [(Vec<&str>, &str); 3] = [
        (vec!["--bind", &taken], "--bind"),
        (
            vec![
                "--bind",
                "127.0.0.1:0",
                "--database-url",
                // No PostgreSQL there; the password must not be shown.
                "postgres://sesame:s3cret@127.0.0.1:1/sesame",
            ],
            "--database-url",
        ),
        (
            vec!["--bind", "127.0.0.1:0", "--database-url", &inside_a_file],
            "--database-url",
        ),
    ];
    for (args, named) in cases {
        let output = run(folder.path(), &args, &[]).await;
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
        assert!(stderr.contains(named), "{stderr}");
        assert!(!stderr.contains("s3cret"), "{stderr}");
    }
}

#[actix_web::test]
async fn a_second_server_on_the_same_database_is_refused_until_the_first_exits() {
    let folder = tempfile::tempdir().unwrap();
    let args = ["--bind", "127.0.0.1:0", "--database-url", "one.db"];
    let first = Running::start(folder.path(), &args, &[]).await;

    let started = std::time::Instant::now();
    let second = run(folder.path(), &args, &[]).await;
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(2), "{stderr}");
    let last = stderr.trim_end().lines().last().unwrap_or_default();
    assert!(
        last.contains("--database-url") && last.contains("another sesame server"),
        "{stderr}"
    );
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(30),
        "it waited for the first to exit, as long as that may take"
    );
    let healthz = first.healthz().await;
    assert_eq!(
        healthz.status(),
        reqwest::StatusCode::OK,
        "the first serves on"
    );

    // Killed, and restarted at once on the same file: the kernel frees it.
    first.kill().await;
    let again = Running::start(folder.path(), &args, &[]).await;
    let healthz = again.healthz().await;
    assert_eq!(healthz.status(), reqwest::StatusCode::OK);
    again.kill().await;
}

/// Its stderr, after asserting it is one line and status 2.
fn one_line_status_2(output: &std::process::Output, case: &str) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(2), "{case}: {stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{case}: {stderr}");
    stderr
}

#[actix_web::test]
async fn a_dot_env_that_cannot_be_read_is_named_by_line_and_variable_never_by_its_value() {
    let folder = tempfile::tempdir().unwrap();
    let pem = crate::helpers::TestSigningKey::generate().pem();
    // The closing quote forgotten: the key runs to the end of the file.
    std::fs::write(
        folder.path().join(".env"),
        format!("SESAME_BIND=127.0.0.1:0\nSESAME_SIGNING_KEY=\"{pem}"),
    )
    .unwrap();
    for args in [&["keys", "list"][..], &[]] {
        let output = run(folder.path(), args, &[]).await;
        let stderr = one_line_status_2(&output, &format!("{args:?}"));
        assert!(
            stderr.contains(".env") && stderr.contains("line 2"),
            "{stderr}"
        );
        assert!(stderr.contains("SESAME_SIGNING_KEY"), "{stderr}");
        assert!(!stderr.contains("PRIVATE KEY"), "{stderr}");
        for line in pem.lines().filter(|l| !l.starts_with("-----")) {
            assert!(!stderr.contains(line), "the key is shown: {stderr}");
        }
    }
}

#[actix_web::test]
async fn a_postgresql_url_that_cannot_be_used_never_shows_its_password() {
    let folder = tempfile::tempdir().unwrap();
    let urls = [
        // A host that cannot be, a bad percent-escape, a password holding a
        // `/` (libpq then reads a piece of it as the port), one in the query.
        "postgres://sesame:pw1secret@bad_host!/sesame",
        "postgres://sesame:pw2secret%zz@127.0.0.1:1/sesame",
        "postgres://sesame:pw3/secret@127.0.0.1:1/sesame",
        "postgres://sesame@127.0.0.1:1/sesame?password=pw4secret",
    ];
    for url in urls {
        let output = run(folder.path(), &["keys", "list", "--database-url", url], &[]).await;
        let stderr = one_line_status_2(&output, url);
        assert!(stderr.contains("--database-url"), "{stderr}");
        assert!(
            !stderr.contains("secret") && !stderr.contains("pw"),
            "{stderr}"
        );
    }
}

#[actix_web::test]
async fn an_unknown_database_scheme_stops_it_with_one_line_and_creates_nothing() {
    let folder = tempfile::tempdir().unwrap();
    for url in [
        "postgress://user:secretpw@db.example.com/sesame",
        "mysql://user:secretpw@db.example.com/sesame",
    ] {
        let by_flag = run(
            folder.path(),
            &["--bind", "127.0.0.1:0", "--database-url", url],
            &[],
        )
        .await;
        let by_variable = run(folder.path(), &["keys", "list"], &[("DATABASE_URL", url)]).await;
        for output in [by_flag, by_variable] {
            let stderr = one_line_status_2(&output, url);
            assert!(
                stderr.contains("--database-url") && stderr.contains("DATABASE_URL"),
                "{stderr}"
            );
            assert!(!stderr.contains("secretpw"), "{stderr}");
        }
    }
    let created: Vec<_> = std::fs::read_dir(folder.path()).unwrap().collect();
    assert!(created.is_empty(), "created: {created:?}");
}

#[actix_web::test]
async fn users_keys_and_purge_never_create_a_database_they_stop_on_a_missing_file() {
    let folder = tempfile::tempdir().unwrap();
    let commands: [&[&str]; 5] = [
        &["users", "show", "ada@example.com"],
        &["users", "set-roles", "ada@example.com", "admin"],
        &["keys", "list"],
        &["keys", "rotate"],
        &["purge"],
    ];
    for command in commands {
        let args: Vec<&str> = command
            .iter()
            .copied()
            .chain(["--database-url", "missing/sesame.db"])
            .collect();
        let output = run(folder.path(), &args, &[]).await;
        let stderr = one_line_status_2(&output, &format!("{command:?}"));
        assert_eq!(
            stderr.trim_end(),
            "error: no database at missing/sesame.db: run the server first, or pass \
             --database-url"
        );
    }
    let created: Vec<_> = std::fs::read_dir(folder.path()).unwrap().collect();
    assert!(created.is_empty(), "created: {created:?}");
}

#[actix_web::test]
async fn the_help_shows_what_each_setting_means_and_no_code_comment() {
    let folder = tempfile::tempdir().unwrap();
    let output = run(folder.path(), &["--help"], &[]).await;
    assert!(output.status.success(), "{output:?}");
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(help.contains("--smtp-url"), "{help}");
    assert!(
        !help.contains("into_settings") && !help.contains("clap"),
        "{help}"
    );
}

#[actix_web::test]
async fn a_missing_argument_prints_clap_s_whole_message_with_the_usage_and_status_2() {
    let folder = tempfile::tempdir().unwrap();
    let output = run(folder.path(), &["users", "show"], &[]).await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(stderr.contains("<EMAIL>"), "what is missing: {stderr}");
    assert!(
        stderr.contains("Usage: sesame users show"),
        "the usage: {stderr}"
    );
    assert!(
        stderr.contains("For more information, try '--help'."),
        "{stderr}"
    );
}

#[actix_web::test]
async fn a_misspelt_command_or_flag_gets_clap_s_tip_naming_the_right_one() {
    let folder = tempfile::tempdir().unwrap();
    let cases: [(&[&str], &str); 3] = [
        (&["userz", "show", "ada@example.com"], "'users'"),
        (
            &["users", "show", "--databse-url", "x.db", "ada@example.com"],
            "'--database-url'",
        ),
        (&["--acess-ttl", "1m"], "'--access-ttl'"),
    ];
    for (args, right) in cases {
        let output = run(folder.path(), args, &[]).await;
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        let tip = stderr
            .lines()
            .find(|line| line.trim_start().starts_with("tip: "))
            .unwrap_or_else(|| panic!("{args:?}: no tip: {stderr}"));
        assert!(tip.contains("similar") && tip.contains(right), "{stderr}");
    }
}

#[actix_web::test]
async fn each_command_s_help_lists_its_own_flags_and_refuses_the_others() {
    let folder = tempfile::tempdir().unwrap();
    let help = |args: &'static [&'static str]| {
        let folder = folder.path().to_owned();
        async move {
            let output = run(&folder, args, &[]).await;
            assert!(output.status.success(), "{args:?}: {output:?}");
            String::from_utf8_lossy(&output.stdout).into_owned()
        }
    };
    let users = help(&["users", "show", "--help"]).await;
    assert!(users.contains("--database-url"), "{users}");
    for server_only in ["--bind", "--access-ttl", "--smtp-url", "--reuse-grace"] {
        assert!(!users.contains(server_only), "{server_only}: {users}");
    }
    let keys = help(&["keys", "list", "--help"]).await;
    assert!(keys.contains("--access-ttl") && keys.contains("--database-url"));
    assert!(
        !keys.contains("--bind") && !keys.contains("--bcrypt-cost"),
        "{keys}"
    );
    let purge = help(&["purge", "--help"]).await;
    assert!(purge.contains("--reuse-grace") && purge.contains("--refresh-ttl"));
    assert!(
        !purge.contains("--bind") && !purge.contains("--mail-from"),
        "{purge}"
    );
    let server = help(&["--help"]).await;
    for flag in [
        "--bind",
        "--database-url",
        "--access-ttl",
        "--reuse-grace",
        "--smtp-url",
    ] {
        assert!(server.contains(flag), "{flag}: {server}");
    }

    // Given anyway, after the command or before it: a mistake, status 2.
    let refused: [(&[&str], &str); 3] = [
        (
            &["users", "show", "ada@example.com", "--bind", "127.0.0.1:0"],
            "'--bind'",
        ),
        (
            &["--bind", "127.0.0.1:0", "users", "show", "ada@example.com"],
            "'--bind'",
        ),
        (&["keys", "rotate", "--access-ttl", "1m"], "'--access-ttl'"),
    ];
    for (args, flag) in refused {
        let output = run(folder.path(), args, &[]).await;
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        let first = stderr.lines().next().unwrap_or_default();
        assert!(first.contains(flag), "{args:?}: {stderr}");
        assert!(stderr.contains("--help"), "{stderr}");
    }
    let created: Vec<_> = std::fs::read_dir(folder.path()).unwrap().collect();
    assert!(created.is_empty(), "created: {created:?}");
}

#[actix_web::test]
async fn the_commands_run_with_every_server_variable_set_reading_only_their_own() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    // A systemd unit's env file, shared with the server.
    let shared = [
        ("DATABASE_URL", app.database_url()),
        ("SESAME_BIND", "0.0.0.0:9999"),
        ("SESAME_ACCESS_TTL", "5m"),
        ("SESAME_REFRESH_TTL", "1d"),
        ("SESAME_SESSION_MAX_AGE", "7d"),
        ("SESAME_REUSE_GRACE", "5s"),
        ("SESAME_BCRYPT_COST", "4"),
        ("SESAME_LOGIN_MAX_FAILURES", "3"),
        ("SESAME_LOGIN_MAX_FAILURES_PER_ACCOUNT", "50"),
        ("SESAME_LOGIN_MAX_FAILURES_PER_IP", "20"),
        ("SESAME_REGISTER_MAX_PER_IP", "5"),
        ("SESAME_TRUSTED_PROXIES", "10.0.0.0/8"),
        ("SESAME_LOGIN_WINDOW", "10m"),
        ("SESAME_COOKIE_SECURE", "true"),
        ("SESAME_PURGE_INTERVAL", "30m"),
        ("SESAME_KEY_ROTATION", "7d"),
        ("SESAME_PUBLIC_URL", "https://id.example.com"),
        ("SESAME_SMTP_URL", "smtp://u:secret@mail.example.com"),
        ("SESAME_MAIL_FROM", "Sesame <no-reply@example.com>"),
        ("SESAME_RESET_TTL", "1h"),
        ("SESAME_MAIL_RETRY_FOR", "1h"),
        ("RUST_LOG", "warn"),
    ];
    // The same file with a server setting the server itself would refuse
    // (a port that is no number): no command sends mail, none reads it.
    let mut mistaken = shared;
    mistaken[17].1 = "smtp://u:secret@mail.example.com:port";
    let commands: [&[&str]; 4] = [
        &["keys", "list"],
        &["users", "show", &user.email],
        &["purge"],
        &["keys", "rotate"],
    ];
    for env in [shared, mistaken] {
        for args in commands {
            let output = run(app.folder.path(), args, &env).await;
            let stdout = String::from_utf8_lossy(&output.stdout);
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(0), "{args:?} {env:?}: {stderr}");
            assert!(!stdout.contains("secret") && !stderr.contains("secret"));
        }
    }
}

#[actix_web::test]
async fn a_command_line_mistake_never_shows_a_password_given_with_it() {
    let folder = tempfile::tempdir().unwrap();
    let smtp = "--smtp-url=smtp://me:pw1secret@mail.example.com";
    let cases: [&[&str]; 4] = [
        &["users", "show", "ada@example.com", smtp],
        &[smtp, "users", "show", "ada@example.com"],
        &[
            "purge",
            "--databse-url=postgres://me:pw2secret@db.example.com/x",
        ],
        &[
            "keys",
            "list",
            "--database-url",
            "postgress://me:pw3secret@db/x",
        ],
    ];
    for args in cases {
        let output = run(folder.path(), args, &[]).await;
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("'--"), "a flag is named: {stderr}");
        assert!(!stderr.contains("secret"), "{stderr}");
        assert!(
            !stderr.contains("no database"),
            "a command-line mistake: {stderr}"
        );
    }
}
