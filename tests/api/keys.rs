//! Signing keys, Ed25519 (access tokens) and RSA (ID tokens), each on its
//! own schedule: made, rotated on a schedule (the next one published before
//! it signs) and by `sesame keys rotate`, published in the JWKS until their
//! last token has expired, revoked at once by `sesame keys revoke`, and
//! listed.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::*;
use crate::process::run;

/// The JWKS's keys of `alg`.
async fn published(app: &TestApp, alg: &str) -> Vec<Value> {
    let jwks: Value = app.jwks().await.json().await.expect("JWKS JSON");
    let keys = jwks["keys"].as_array().expect("keys");
    keys.iter().filter(|k| k["alg"] == alg).cloned().collect()
}

/// The kids of the JWKS's keys of `alg`.
async fn kids_of(app: &TestApp, alg: &str) -> Vec<String> {
    let keys = published(app, alg).await;
    keys.iter()
        .map(|k| k["kid"].as_str().expect("a kid").to_owned())
        .collect()
}

/// The kid of the JWKS's one RSA key, once it has one: the ring makes it
/// within a second of an app's registration; panics after 5 s.
async fn first_rsa_kid(app: &TestApp) -> String {
    if kids_of(app, "RS256").await.is_empty() {
        app.confidential_client(&[]).await;
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        if let [kid] = &kids_of(app, "RS256").await[..] {
            return kid.clone();
        }
        assert!(Instant::now() < deadline, "no RSA key after 5 s");
        sleep_ms(50).await;
    }
}

/// The kids of the access tokens' keys (Ed25519) in the JWKS.
async fn published_kids(app: &TestApp) -> Vec<String> {
    kids_of(app, "EdDSA").await
}

/// The kid `sesame keys rotate` or `revoke` printed for its new `alg` key.
fn new_kid(output: &std::process::Output, alg: &str) -> String {
    let printed = String::from_utf8_lossy(&output.stdout);
    let prefix = format!("new {alg} signing key ");
    printed
        .lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no new {alg} key in {printed:?}"))
        .to_owned()
}

/// `sesame keys list`'s lines of the keys of `alg`.
async fn listed_lines(app: &TestApp, alg: &str) -> Vec<String> {
    let listed = keys(app, &["list"]).await;
    assert!(listed.status.success(), "{listed:?}");
    let listed = String::from_utf8_lossy(&listed.stdout).into_owned();
    let column = format!("  {alg}  ");
    listed
        .lines()
        .filter(|l| l.contains(&column))
        .map(str::to_owned)
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

#[derive(diesel::QueryableByName)]
struct Private {
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Binary>)]
    private_key: Option<Vec<u8>>,
    #[diesel(sql_type = diesel::sql_types::Text)]
    alg: String,
}

/// The key's stored private half (PKCS#8 DER) and algorithm.
fn stored_private(app: &TestApp, kid: &str) -> (Vec<u8>, String) {
    let row: Private = app.database().row(&format!(
        "SELECT private_key, alg FROM signing_keys WHERE kid = '{kid}'"
    ));
    (row.private_key.expect("a private half"), row.alg)
}

/// Until `app`'s JWKS's keys of `alg` are `want` (in any order); panics
/// after 5 s.
async fn until_published(app: &TestApp, alg: &str, want: &[&str]) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let mut published = kids_of(app, alg).await;
        let mut want: Vec<String> = want.iter().map(|&k| k.to_owned()).collect();
        published.sort();
        want.sort();
        if published == want {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "after 5 s: {alg} keys {published:?}, not {want:?}"
        );
        sleep_ms(100).await;
    }
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
async fn the_jwks_publishes_one_rsa_key_with_n_and_e_and_no_private_part() {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let app = spawn_app().await;
    first_rsa_kid(&app).await;
    let rsa = published(&app, "RS256").await;
    assert_eq!(rsa.len(), 1, "{rsa:?}");
    let jwk = rsa[0].as_object().expect("a JWK");
    let mut members: Vec<&str> = jwk.keys().map(String::as_str).collect();
    members.sort_unstable();
    assert_eq!(members, ["alg", "e", "kid", "kty", "n", "use"], "{jwk:?}");
    assert_eq!(
        (jwk["kty"].as_str(), jwk["use"].as_str()),
        (Some("RSA"), Some("sig"))
    );
    let (n, e) = (jwk["n"].as_str().unwrap(), jwk["e"].as_str().unwrap());
    let modulus = URL_SAFE_NO_PAD.decode(n).expect("n in base64url");
    assert!(modulus.len() == 256 && modulus[0] >= 0x80, "2048 bits");
    assert_eq!(e, "AQAB");
    // Its kid is its RFC 7638 thumbprint.
    let canonical = format!(r#"{{"e":"{e}","kty":"RSA","n":"{n}"}}"#);
    let thumbprint = URL_SAFE_NO_PAD.encode(Sha256::digest(canonical));
    assert_eq!(jwk["kid"], thumbprint.as_str());
    assert_eq!(stored_private(&app, &thumbprint).1, "RS256");
    // Beside the access tokens' Ed25519 key, which stays alone of its kind.
    assert_eq!(published_kids(&app).await.len(), 1);
}

#[actix_web::test]
async fn a_token_signed_rs256_by_sesame_s_own_rsa_key_is_no_access_token() {
    use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
    use rsa::pkcs1::EncodeRsaPrivateKey;
    use rsa::pkcs8::DecodePrivateKey;
    let app = spawn_app().await;
    let user = app.new_user().await;
    let claims = claims_of(&user.access_token);
    let sign = |alg: Algorithm, kid: &str, key: &EncodingKey| {
        let header = Header {
            typ: Some("at+jwt".into()),
            kid: Some(kid.into()),
            ..Header::new(alg)
        };
        encode(&header, &claims, key).expect("a JWT")
    };
    let rsa_kid = first_rsa_kid(&app).await;
    let private =
        rsa::RsaPrivateKey::from_pkcs8_der(&stored_private(&app, &rsa_kid).0).expect("an RSA key");
    let rsa_key = EncodingKey::from_rsa_der(private.to_pkcs1_der().unwrap().as_bytes());
    let rs256 = sign(Algorithm::RS256, &rsa_kid, &rsa_key);
    assert_eq!(app.me(&rs256).await.status(), StatusCode::UNAUTHORIZED);
    // The same claims, signed EdDSA by the access tokens' key: accepted.
    let ed_kid = kid_of(&user.access_token);
    let ed_key = EncodingKey::from_ed_der(&stored_private(&app, &ed_kid).0);
    let eddsa = sign(Algorithm::EdDSA, &ed_kid, &ed_key);
    assert_eq!(app.me(&eddsa).await.status(), StatusCode::OK);
}

#[actix_web::test]
async fn keys_rotate_and_revoke_of_the_rsa_key_reach_the_jwks_within_5_s() {
    let app = spawn_app().await;
    let ed25519 = published_kids(&app).await;
    let first = first_rsa_kid(&app).await;

    let rotated = keys(&app, &["rotate", "--alg", "RS256"]).await;
    assert!(rotated.status.success(), "{rotated:?}");
    assert_eq!(String::from_utf8_lossy(&rotated.stdout).lines().count(), 1);
    let second = new_kid(&rotated, "RS256");
    until_published(&app, "RS256", &[&first, &second]).await;
    assert_eq!(halves_stored(&app, &first), (0, 1), "retired");
    let lines = listed_lines(&app, "RS256").await;
    assert!(
        lines[0].starts_with(&first) && lines[0].ends_with("retired"),
        "{lines:?}"
    );
    assert!(
        lines[1].starts_with(&second) && lines[1].ends_with("signs"),
        "{lines:?}"
    );

    // Revoking the RSA key that signs: another signs in its place.
    let revoked = keys(&app, &["revoke", &second]).await;
    assert!(revoked.status.success(), "{revoked:?}");
    let third = new_kid(&revoked, "RS256");
    until_published(&app, "RS256", &[&first, &third]).await;
    assert_eq!(
        halves_stored(&app, &second),
        (0, 1),
        "the private half deleted"
    );
    assert!(listed_line(&app, &second).await.ends_with("  revoked"));
    // And a retired one can be revoked too.
    let revoked = keys(&app, &["revoke", &first]).await;
    assert!(revoked.status.success(), "{revoked:?}");
    until_published(&app, "RS256", &[&third]).await;

    // The Ed25519 keys never moved.
    assert_eq!(published_kids(&app).await, ed25519);
    assert_eq!(listed_lines(&app, "EdDSA").await.len(), 1);
}

#[actix_web::test]
async fn keys_rotate_makes_the_running_server_sign_with_a_new_key_within_5_s() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let old = kid_of(&user.access_token);
    assert_eq!(published_kids(&app).await, std::slice::from_ref(&old));

    let old_rsa = [first_rsa_kid(&app).await];
    let rotated = keys(&app, &["rotate"]).await;
    assert!(rotated.status.success(), "{rotated:?}");
    let new = new_kid(&rotated, "EdDSA");
    assert_ne!(new, old);
    // Both algorithms: a new RSA key too, the old one still published.
    let new_rsa = new_kid(&rotated, "RS256");
    until_published(&app, "RS256", &[&old_rsa[0], &new_rsa]).await;

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

    let lines = listed_lines(&app, "EdDSA").await;
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines[0].starts_with(&old) && lines[0].ends_with("retired"),
        "{lines:?}"
    );
    assert!(
        lines[1].starts_with(&new) && lines[1].ends_with("signs"),
        "{lines:?}"
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
    assert!(listed_line(&app, &first).await.ends_with("gone"));
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
    let new = new_kid(&rotated, "EdDSA");
    assert_eq!(halves_stored(&app, &new), (1, 1));
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
    let lines = listed_lines(&app, "EdDSA").await;
    let states: Vec<&str> = lines.iter().filter_map(|l| l.rsplit(' ').next()).collect();
    assert_eq!(states, ["signs", "next"], "{lines:?}");
    assert!(lines[0].starts_with(&published[0]), "{lines:?}");

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
    let of = |jwks: &Value, alg: &str| -> Vec<Value> {
        let keys = jwks["keys"].as_array().unwrap().iter();
        keys.filter(|k| k["alg"] == alg)
            .map(|k| k["kid"].clone())
            .collect()
    };
    assert_eq!(of(&jwks, "EdDSA"), [kid_of(&user.access_token).as_str()]);
    // The RSA key (ID tokens) is the ring's, kept in the database, made
    // once an app is registered.
    let added = crate::process::run(
        folder.path(),
        &[
            "clients",
            "add",
            "App",
            "--redirect-uri",
            REDIRECT_URI,
            "--database-url",
            &database,
        ],
        &[],
    )
    .await;
    assert!(added.status.success(), "{added:?}");
    let deadline = Instant::now() + Duration::from_secs(5);
    while of(&server.jwks().await.json().await.unwrap(), "RS256").is_empty() {
        assert!(Instant::now() < deadline, "no RSA key after 5 s");
        sleep_ms(50).await;
    }
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
    // The RSA key is rotated when asked for by name.
    let rotated = run(
        folder.path(),
        &[
            "--database-url",
            &database,
            "keys",
            "rotate",
            "--alg",
            "RS256",
        ],
        &env,
    )
    .await;
    assert!(rotated.status.success(), "{rotated:?}");
    let new = new_kid(&rotated, "RS256");
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let jwks: Value = server.jwks().await.json().await.unwrap();
        if of(&jwks, "RS256").contains(&Value::from(new.as_str())) {
            assert_eq!(of(&jwks, "EdDSA"), [kid_of(&user.access_token).as_str()]);
            break;
        }
        assert!(Instant::now() < deadline, "not published after 5 s: {jwks}");
        sleep_ms(100).await;
    }
    let bad = run(
        folder.path(),
        &["--database-url", &database, "keys", "list"],
        &[("SESAME_SIGNING_KEY", "not a key")],
    )
    .await;
    assert_eq!(bad.status.code(), Some(2));
    server.kill().await;
}

#[actix_web::test]
async fn no_rsa_key_is_made_until_an_app_is_registered() {
    let app = spawn_app().await;
    // Past the ring's first looks at the keys (every second).
    sleep_ms(1500).await;
    assert!(kids_of(&app, "RS256").await.is_empty());
    first_rsa_kid(&app).await;
}
