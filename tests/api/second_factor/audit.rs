//! The audit trail of second factors (the real binary's log, on SQLite:
//! in `tests/run.sh`'s `sqlite_only` list).

use crate::process::Running;

use super::*;

#[actix_web::test]
async fn second_factors_leave_their_audit_lines_without_secrets_or_codes() {
    let folder = tempfile::tempdir().unwrap();
    let db = folder.path().join("sesame.db");
    let server = Running::start(
        folder.path(),
        &[
            "--bind",
            "127.0.0.1:0",
            "--database-url",
            db.to_str().unwrap(),
            "--bcrypt-cost",
            "4",
        ],
        &[("RUST_LOG", "sesame::audit=info")],
    )
    .await;
    let enrolled = user_with_totp(&server).await;
    let access = &enrolled.user.access_token;
    let email = &enrolled.user.email;
    let ticket = ticket_for(&server, email, PASSWORD).await;
    let code = enrolled.next_code().await;
    let response = server.second_step(&ticket, &wrong(&code)).await;
    assert_error(response, StatusCode::UNAUTHORIZED, "invalid_code").await;
    signed_in_with(&server, &ticket, &enrolled.recovery_codes[0]).await;
    let response = server.new_recovery_codes(access, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    let new_codes = recovery_codes_in(response).await;
    let response = server.disable_totp(access, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

    let log = server.kill().await;
    let audit: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("sesame::audit"))
        .collect();
    let user = format!("user={}", enrolled.user.id);
    for event in [
        "totp_enabled",
        "second_factor_failed",
        "recovery_code_used",
        "recovery_codes_made",
        "totp_disabled",
    ] {
        let lines: Vec<&&str> = audit
            .iter()
            .filter(|l| {
                l.contains(&format!("event={event} ")) || l.ends_with(&format!("event={event}"))
            })
            .collect();
        assert_eq!(lines.len(), 1, "{event}: {audit:#?}");
        assert!(lines[0].contains(&user), "{event}: {}", lines[0]);
    }
    // (Not the 6-digit codes: any number in a line could hold them.)
    let mut secrets: Vec<&str> = vec![PASSWORD, &enrolled.secret, &ticket];
    secrets.extend(enrolled.recovery_codes.iter().map(String::as_str));
    secrets.extend(new_codes.iter().map(String::as_str));
    for line in log.lines() {
        for secret in &secrets {
            assert!(!line.contains(secret), "a secret in the log: {line}");
        }
    }
}
