//! Signing keys: made, rotated on a schedule (the next one published before
//! it signs) and by `sesame keys rotate`, published in the JWKS until their
//! last token has expired, revoked at once by `sesame keys revoke`, and
//! listed.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::*;
use crate::process::run;

async fn published_kids(app: &TestApp) -> Vec<String> {
    let jwks: Value = app.jwks().await.json().await.expect("JWKS JSON");
    jwks["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .map(|k| k["kid"].as_str().expect("a kid").to_owned())
        .collect()
}

fn kid_of(token: &str) -> String {
    header_of(token)["kid"].as_str().expect("a kid").to_owned()
}

/// `sesame keys …` with the app's database, and `list` with its
/// access-token lifetime (the only one of them that uses it).
async fn keys(app: &TestApp, command: &[&str]) -> std::process::Output {
    let access_ttl = format!("{}s", app.settings.access_ttl.as_secs());
    let mut args = vec!["--database-url", app.database_url(), "keys"];
    args.extend_from_slice(command);
    if command.first() == Some(&"list") {
        args.extend(["--access-ttl", &access_ttl]);
    }
    run(app.folder.path(), &args, &[]).await
}

/// `sesame keys list`'s line for `kid`.
async fn listed_line(app: &TestApp, kid: &str) -> String {
    let listed = keys(app, &["list"]).await;
    assert!(listed.status.success(), "{listed:?}");
    let listed = String::from_utf8_lossy(&listed.stdout).into_owned();
    listed
        .lines()
        .find(|l| l.starts_with(kid))
        .unwrap_or_else(|| panic!("{kid} is not listed: {listed}"))
        .to_owned()
}

#[derive(diesel::QueryableByName)]
struct Halves {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    private: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    public: i64,
}

/// How many of the key's private and public halves the database holds (0 or 1 each).
fn halves_stored(app: &TestApp, kid: &str) -> (i64, i64) {
    let halves: Halves = app.database().row(&format!(
        "SELECT count(private_key) AS private, count(public_key) AS public \
         FROM signing_keys WHERE kid = '{kid}'"
    ));
    (halves.private, halves.public)
}

/// Until `app` publishes no `kid` and refuses `token`; panics after 5 s.
async fn until_refused(app: &TestApp, kid: &str, token: &str) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let published = published_kids(app).await;
        let status = app.me(token).await.status();
        if !published.iter().any(|k| k == kid) && status == StatusCode::UNAUTHORIZED {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "after 5 s: published {published:?}, /api/me {status}"
        );
        sleep_ms(100).await;
    }
}

#[actix_web::test]
async fn keys_rotate_makes_the_running_server_sign_with_a_new_key_within_5_s() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let old = kid_of(&user.access_token);
    assert_eq!(published_kids(&app).await, std::slice::from_ref(&old));

    let rotated = keys(&app, &["rotate"]).await;
    assert!(rotated.status.success(), "{rotated:?}");
    let printed = String::from_utf8_lossy(&rotated.stdout);
    let new = printed
        .trim()
        .rsplit(' ')
        .next()
        .expect("the new kid")
        .to_owned();
    assert_ne!(new, old);

    let deadline = Instant::now() + Duration::from_secs(5);
    let mut refresh_token = user.refresh_token.clone();
    loop {
        let response = app.refresh_with_body(&refresh_token).await;
        let body: SignInBody = response.json().await.expect("sign-in JSON");
        refresh_token = body.refresh_token().to_owned();
        if kid_of(&body.access_token) == new {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "still signing with the old key after 5 s"
        );
        sleep_ms(100).await;
    }
    // The old key stays published, and its tokens accepted, until they expire.
    let published = published_kids(&app).await;
    assert!(
        published.contains(&old) && published.contains(&new),
        "{published:?}"
    );
    assert_eq!(app.me(&user.access_token).await.status(), StatusCode::OK);

    let listed = keys(&app, &["list"]).await;
    assert!(listed.status.success(), "{listed:?}");
    let listed = String::from_utf8_lossy(&listed.stdout);
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(lines.len(), 2, "{listed}");
    assert!(
        lines[0].starts_with(&old) && lines[0].ends_with("retired"),
        "{listed}"
    );
    assert!(
        lines[1].starts_with(&new) && lines[1].ends_with("signs"),
        "{listed}"
    );
}

#[actix_web::test]
async fn keys_rotate_on_their_schedule_and_a_retired_key_goes_once_its_tokens_expired() {
    let app = spawn_app_with(|s| {
        s.key_rotation = Duration::from_secs(2);
        s.access_ttl = Duration::from_secs(1);
    })
    .await;
    let user = app.new_user().await;
    let first = kid_of(&user.access_token);
    // Retired 2 to 3 s from now (keys are looked at every second), gone a
    // second later.
    sleep_ms(4200).await;
    let published = published_kids(&app).await;
    assert!(
        !published.is_empty() && !published.contains(&first),
        "{published:?}"
    );
    // Its token expired with it.
    let refused = app.me(&user.access_token).await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let signed_in = app.sign_in(&user.email).await;
    assert_ne!(kid_of(&signed_in.access_token), first);
    let listed = keys(&app, &["list"]).await;
    assert!(listed.status.success(), "{listed:?}");
    let listed = String::from_utf8_lossy(&listed.stdout);
    let first_line = listed
        .lines()
        .find(|l| l.starts_with(&first))
        .expect("listed");
    assert!(first_line.ends_with("gone"), "{listed}");
}

#[actix_web::test]
async fn a_retired_key_keeps_only_its_public_half() {
    let app = spawn_app().await;
    let old = published_kids(&app).await.remove(0);
    assert_eq!(halves_stored(&app, &old), (1, 1));
    let rotated = keys(&app, &["rotate"]).await;
    assert!(rotated.status.success(), "{rotated:?}");
    let published = published_kids(&app).await;
    assert!(published.contains(&old), "still published: {published:?}");
    assert_eq!(
        halves_stored(&app, &old),
        (0, 1),
        "the private half deleted"
    );
    let printed = String::from_utf8_lossy(&rotated.stdout);
    let new = printed.trim().rsplit(' ').next().expect("the new kid");
    assert_eq!(halves_stored(&app, new), (1, 1));
}

#[actix_web::test]
async fn a_scheduled_rotation_publishes_the_next_key_before_it_signs_with_it() {
    // Rotated every 3 s: the next key is published as soon as the one before
    // it signs (a rotation shorter than the lead time), 3 s ahead.
    let app = spawn_app_with(|s| s.key_rotation = Duration::from_secs(3)).await;
    let published = published_kids(&app).await;
    let published_at = Instant::now();
    assert_eq!(
        published.len(),
        2,
        "the one that signs and the next: {published:?}"
    );
    let user = app.new_user().await;
    assert_eq!(kid_of(&user.access_token), published[0]);
    let listed = keys(&app, &["list"]).await;
    let listed = String::from_utf8_lossy(&listed.stdout);
    let states: Vec<&str> = listed
        .lines()
        .filter_map(|l| l.rsplit(' ').next())
        .collect();
    assert_eq!(states, ["signs", "next"], "{listed}");
    assert!(listed.starts_with(&published[0]), "{listed}");

    let deadline = Instant::now() + Duration::from_secs(8);
    let mut refresh_token = user.refresh_token.clone();
    let signs_at = loop {
        let response = app.refresh_with_body(&refresh_token).await;
        let body: SignInBody = response.json().await.expect("sign-in JSON");
        refresh_token = body.refresh_token().to_owned();
        if kid_of(&body.access_token) != published[0] {
            assert_eq!(kid_of(&body.access_token), published[1]);
            break Instant::now();
        }
        assert!(Instant::now() < deadline, "no new key signs after 8 s");
        sleep_ms(100).await;
    };
    let ahead = signs_at.duration_since(published_at);
    assert!(
        ahead >= Duration::from_secs(2),
        "published only {ahead:?} before it signed"
    );
}

#[actix_web::test]
async fn keys_revoke_takes_a_key_out_of_the_jwks_and_refuses_its_tokens_within_5_s() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let kid = kid_of(&user.access_token);
    // Verified once, and remembered.
    assert_eq!(app.me(&user.access_token).await.status(), StatusCode::OK);

    let unknown = keys(&app, &["revoke", "no-such-kid"]).await;
    assert_eq!(unknown.status.code(), Some(2), "{unknown:?}");
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("no-such-kid"), "{stderr}");

    let revoked = keys(&app, &["revoke", &kid]).await;
    assert!(revoked.status.success(), "{revoked:?}");
    until_refused(&app, &kid, &user.access_token).await;
    assert_eq!(
        halves_stored(&app, &kid),
        (0, 1),
        "the private half deleted"
    );
    assert!(listed_line(&app, &kid).await.ends_with("  revoked"));

    // It signed: another key signs at once, and its tokens work.
    let signed_in = app.sign_in(&user.email).await;
    let new = kid_of(&signed_in.access_token);
    assert_ne!(new, kid);
    assert_eq!(published_kids(&app).await, [new]);
    assert_eq!(
        app.me(&signed_in.access_token).await.status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn keys_revoke_reaches_every_instance_within_5_s() {
    let url = fresh_database();
    let one = spawn_app_at(&url, |_| {}).await;
    let two = spawn_app_at(&url, |_| {}).await;
    let user = one.new_user().await;
    let kid = kid_of(&user.access_token);
    for app in [&one, &two] {
        assert_eq!(app.me(&user.access_token).await.status(), StatusCode::OK);
    }
    let revoked = keys(&one, &["revoke", &kid]).await;
    assert!(revoked.status.success(), "{revoked:?}");
    for app in [&one, &two] {
        until_refused(app, &kid, &user.access_token).await;
    }
}

#[actix_web::test]
async fn a_given_signing_key_is_the_only_one_and_cannot_be_rotated() {
    let key = TestSigningKey::generate();
    let folder = tempfile::tempdir().unwrap();
    let database = folder.path().join("sesame.db").display().to_string();
    let pem = key.pem();
    let env = [("SESAME_SIGNING_KEY", pem.as_str())];
    let server = crate::process::Running::start(
        folder.path(),
        &[
            "--bind",
            "127.0.0.1:0",
            "--database-url",
            &database,
            "--bcrypt-cost",
            "4",
        ],
        &env,
    )
    .await;
    let user = server.new_user().await;
    let jwks: Value = server.jwks().await.json().await.unwrap();
    assert_eq!(jwks["keys"].as_array().unwrap().len(), 1);
    assert_eq!(jwks["keys"][0]["kid"], kid_of(&user.access_token).as_str());
    let forged = key.sign(
        &header_of(&user.access_token),
        &claims_of(&user.access_token),
    );
    assert_eq!(server.me(&forged).await.status(), StatusCode::OK);

    let refused = run(
        folder.path(),
        &["--database-url", &database, "keys", "rotate"],
        &env,
    )
    .await;
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("SESAME_SIGNING_KEY"), "{stderr}");
    let kid = kid_of(&user.access_token);
    let refused = run(
        folder.path(),
        &["--database-url", &database, "keys", "revoke", &kid],
        &env,
    )
    .await;
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("SESAME_SIGNING_KEY"), "{stderr}");
    assert_eq!(server.me(&user.access_token).await.status(), StatusCode::OK);
    let bad = run(
        folder.path(),
        &["--database-url", &database, "keys", "list"],
        &[("SESAME_SIGNING_KEY", "not a key")],
    )
    .await;
    assert_eq!(bad.status.code(), Some(2));
    server.kill().await;
}
