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
    let lines_of = |event: &str| -> Vec<usize> {
        let field = format!("event={event}");
        audit
            .iter()
            .enumerate()
            .filter(|(_, l)| l.split_whitespace().any(|word| word == field))
            .map(|(at, _)| at)
            .collect()
    };
    for event in [
        "totp_enabled",
        "second_factor_failed",
        "recovery_code_used",
        "totp_disabled",
    ] {
        let lines = lines_of(event);
        assert_eq!(lines.len(), 1, "{event}: {audit:#?}");
        assert!(audit[lines[0]].contains(&user), "{}", audit[lines[0]]);
    }
    // Made at confirmation (maybe) and on request (surely, after one was used).
    let made = lines_of("recovery_codes_made");
    let used = lines_of("recovery_code_used")[0];
    assert!(made.iter().any(|&at| at > used), "{audit:#?}");
    assert!(
        made.iter().all(|&at| audit[at].contains(&user)),
        "{audit:#?}"
    );
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
