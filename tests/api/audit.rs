//! The audit trail: one `sesame::audit` line per security event.

use reqwest::StatusCode;

use crate::helpers::{session_of, Headers, SignInBody, PASSWORD};
use crate::process::Running;

/// The binary on a fresh database in `folder`, logging only the audit trail.
async fn audited(folder: &tempfile::TempDir, extra: &[&str]) -> Running {
    let db = folder.path().join("sesame.db");
    let mut args = vec![
        "--bind",
        "127.0.0.1:0",
        "--database-url",
        db.to_str().unwrap(),
        "--bcrypt-cost",
        "4",
    ];
    args.extend_from_slice(extra);
    Running::start(folder.path(), &args, &[("RUST_LOG", "sesame::audit=info")]).await
}

#[actix_web::test]
async fn every_security_event_leaves_one_audit_line() {
    let folder = tempfile::tempdir().unwrap();
    let server = audited(
        &folder,
        &["--reuse-grace", "0s", "--login-max-failures", "1"],
    )
    .await;

    let sign_up: SignInBody = server
        .register("Ada", "ada@example.com", PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    let session = session_of(&sign_up.access_token);
    let login: SignInBody = server
        .login("ada@example.com", PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    let second_session = session_of(&login.access_token);

    // Reuse: the first token, spent, presented again (grace 0 s).
    let first = sign_up.refresh_token();
    assert_eq!(
        server.refresh_with_body(first).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        server.refresh_with_body(first).await.status(),
        StatusCode::UNAUTHORIZED
    );

    let access = login.access_token.as_str();
    let third: SignInBody = server
        .login("ada@example.com", PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    let third_session = session_of(&third.access_token);
    let revoked = server.delete_session(access, &third_session).await;
    assert_eq!(revoked.status(), StatusCode::NO_CONTENT);
    let all = server.logout_all(Headers::new().bearer(access)).await;
    assert_eq!(all.status(), StatusCode::NO_CONTENT);

    // Last, as it locks the account: a failure, then the limit.
    assert_eq!(
        server
            .login("ada@example.com", "a wrong one")
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        server
            .login("ada@example.com", "a wrong one")
            .await
            .status(),
        StatusCode::TOO_MANY_REQUESTS
    );

    let log = server.kill().await;
    let audit: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("sesame::audit"))
        .collect();
    let count = |needle: &str| audit.iter().filter(|l| l.contains(needle)).count();
    assert_eq!(count("event=sign_up "), 1, "{audit:#?}");
    assert_eq!(count("event=sign_in "), 2, "{audit:#?}");
    assert_eq!(
        count(&format!(
            "event=sign_in user={} session={second_session}",
            sign_up.user.id
        )),
        1
    );
    assert_eq!(count("event=sign_in_failed "), 1, "{audit:#?}");
    assert_eq!(count("event=rate_limited "), 1, "{audit:#?}");
    assert_eq!(count("event=refresh_reuse_detected user="), 1, "{audit:#?}");
    assert_eq!(
        count(&format!("session={session}")),
        3,
        "sign-up, reuse detected, revoked: {audit:#?}"
    );
    assert_eq!(
        count(&format!("event=session_revoked user={}", sign_up.user.id)),
        2,
        "{audit:#?}"
    );
    assert_eq!(
        count(&format!("session={third_session} reason=revoked")),
        1,
        "{audit:#?}"
    );
    assert_eq!(count("event=logout_all "), 1, "{audit:#?}");
    assert!(audit
        .iter()
        .all(|l| !l.contains(first) && !l.contains(access) && !l.contains(PASSWORD)));
}

#[actix_web::test]
async fn a_grace_window_resend_leaves_an_audit_line() {
    let folder = tempfile::tempdir().unwrap();
    let server = audited(&folder, &[]).await;
    let sign_up: SignInBody = server
        .register("Ada", "ada@example.com", PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    let first = sign_up.refresh_token();
    for _ in 0..2 {
        assert_eq!(
            server.refresh_with_body(first).await.status(),
            StatusCode::OK
        );
    }
    let log = server.kill().await;
    let session = session_of(&sign_up.access_token);
    let resends: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("event=refresh_grace_resend"))
        .collect();
    assert_eq!(resends.len(), 1, "{log}");
    assert!(resends[0].contains(&format!("user={} session={session}", sign_up.user.id)));
    assert!(!resends[0].contains(first));
}
