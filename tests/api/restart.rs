//! The keys a server generates are kept in a file beside its SQLite
//! database, and outlive a restart: SQLite only.

use reqwest::StatusCode;

use crate::helpers::*;

#[actix_web::test]
async fn a_restart_keeps_every_session_and_access_token_valid() {
    let app = spawn_sqlite_app().await;
    let user = app.new_user().await;
    let keys = std::fs::read(app.secrets_file()).unwrap();
    let app = app.restart().await;

    assert_eq!(app.me(&user.access_token).await.status(), StatusCode::OK);
    let response = app.refresh_with_body(&user.refresh_token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: SignInBody = response.json().await.unwrap();
    assert_eq!(app.me(&body.access_token).await.status(), StatusCode::OK);
    assert_eq!(
        app.login(&user.email, PASSWORD).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        std::fs::read(app.secrets_file()).unwrap(),
        keys,
        "the same keys"
    );
}

#[cfg(unix)]
#[actix_web::test]
async fn generated_keys_are_kept_beside_the_database_with_mode_0600() {
    use std::os::unix::fs::PermissionsExt;
    let app = spawn_sqlite_app().await;
    let meta = std::fs::metadata(app.secrets_file()).expect("the secrets file exists");
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    assert!(app.refresh_key().len() >= 32);
}

#[actix_web::test]
async fn keys_from_the_environment_are_used_and_no_file_is_written() {
    let key = TestSigningKey::generate();
    let der = key.der();
    let app = spawn_sqlite_app_with(|s| {
        s.signing_key = Some(sesame::config::Secret::new(der));
        s.refresh_secret = Some(sesame::config::Secret::new(
            b"a refresh key of at least 32 bytes!!".to_vec(),
        ));
    })
    .await;
    let user = app.new_user().await;
    assert!(!app.secrets_file().exists());
    // The token is signed with exactly the given key.
    let token = key.sign(
        &header_of(&user.access_token),
        &claims_of(&user.access_token),
    );
    assert_eq!(app.me(&token).await.status(), StatusCode::OK);
}
