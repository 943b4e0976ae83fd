//! The audit trail (the real binary's log).

use super::*;

#[actix_web::test]
async fn a_password_change_and_an_account_deletion_leave_audit_lines_without_passwords() {
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
    let ada = server.register("Ada", "ada@example.com", PASSWORD).await;
    let ada = TestUser::from_sign_in("ada@example.com", ada).await;
    let laptop = server.sign_in(&ada.email).await;
    let changed = server
        .change_password(
            Headers::new().bearer(&ada.access_token),
            PASSWORD,
            NEW_PASSWORD,
        )
        .await;
    assert_eq!(changed.status(), StatusCode::NO_CONTENT);
    let wrong = server
        .delete_account(Headers::new().bearer(&ada.access_token), PASSWORD)
        .await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let deleted = server
        .delete_account(Headers::new().bearer(&ada.access_token), NEW_PASSWORD)
        .await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);

    let log = server.kill().await;
    let audit: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("sesame::audit"))
        .collect();
    let session = session_of(&ada.access_token);
    let changes: Vec<&&str> = audit
        .iter()
        .filter(|l| l.contains("event=password_changed "))
        .collect();
    assert_eq!(changes.len(), 1, "{audit:#?}");
    assert!(
        changes[0].contains(&format!("user={} session={session}", ada.id)),
        "{}",
        changes[0]
    );
    assert!(changes[0].contains("ip="), "{}", changes[0]);
    assert!(
        changes[0].contains("sessions_ended=1"),
        "the laptop's: {}",
        changes[0]
    );
    let deletions: Vec<&&str> = audit
        .iter()
        .filter(|l| l.contains("event=account_deleted "))
        .collect();
    assert_eq!(deletions.len(), 1, "{audit:#?}");
    assert!(
        deletions[0].contains(&format!("user={}", ada.id)),
        "{}",
        deletions[0]
    );
    assert!(deletions[0].contains("ip="), "{}", deletions[0]);
    let secrets = [
        PASSWORD,
        NEW_PASSWORD,
        &ada.access_token,
        &ada.refresh_token,
        &laptop.access_token,
        &laptop.refresh_token,
    ];
    for line in &audit {
        for secret in secrets {
            assert!(!line.contains(secret), "a secret in the log: {line}");
        }
    }
}
