//! Back-channel logout (OpenID Connect Back-Channel Logout 1.0): an app
//! with a `--backchannel-logout-uri` gets a signed `logout_token` when a
//! session it signed in ends, whatever ended it.

use std::time::{Duration, Instant};

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use reqwest::{Method, StatusCode};
use serde_json::Value;

use super::receiver::{Delivery, Receiver};
use crate::helpers::*;

pub(super) const WITHIN: Duration = Duration::from_secs(5);
/// How long a test waits to be sure nothing (more) comes.
pub(super) const QUIET: Duration = Duration::from_millis(1500);

async fn issuer(app: &TestApp) -> String {
    let response = app
        .send_raw(
            Method::GET,
            "/.well-known/openid-configuration",
            Headers::new(),
            None,
        )
        .await;
    let document: Value = response.json().await.unwrap();
    document["issuer"].as_str().unwrap().to_owned()
}

/// An app that listens at `receiver`, and a user signed in to it: the
/// user, the app's tokens and its session's id (the ID token's `sid`).
pub(super) async fn signed_in_app(
    app: &TestApp,
    receiver: &Receiver,
    scope: &str,
) -> (TestClient, TestUser, AppTokens, String) {
    let client = app
        .confidential_client(&["--backchannel-logout-uri", &receiver.uri])
        .await;
    let user = app.new_user().await;
    let (tokens, _) = app.sign_app_in(&user, &client, scope).await;
    let sid = claims_of(&tokens.id_token)["sid"]
        .as_str()
        .unwrap()
        .to_owned();
    (client, user, tokens, sid)
}

/// The token's claims, its signature checked with the key the JWKS
/// publishes under its `kid`.
async fn verified_claims(app: &TestApp, token: &str) -> Value {
    let header = header_of(token);
    let kid = header["kid"].as_str().expect("a kid");
    let jwks: Value = app.jwks().await.json().await.unwrap();
    let jwk = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == kid)
        .unwrap_or_else(|| panic!("{kid} is not in the JWKS: {jwks}"));
    let (key, alg) = match jwk["kty"].as_str().unwrap() {
        "OKP" => (
            DecodingKey::from_ed_components(jwk["x"].as_str().unwrap()).unwrap(),
            Algorithm::EdDSA,
        ),
        _ => (
            DecodingKey::from_rsa_components(
                jwk["n"].as_str().unwrap(),
                jwk["e"].as_str().unwrap(),
            )
            .unwrap(),
            Algorithm::RS256,
        ),
    };
    let mut validation = Validation::new(alg);
    validation.validate_aud = false;
    jsonwebtoken::decode::<Value>(token, &key, &validation)
        .unwrap_or_else(|e| panic!("the logout token does not verify: {e}"))
        .claims
}

/// The logout token says who and which session, as the standard asks.
pub(super) async fn assert_logout_of(
    app: &TestApp,
    delivery: &Delivery,
    client: &TestClient,
    user: &TestUser,
    sid: &str,
) {
    assert_eq!(delivery.content_type, "application/x-www-form-urlencoded");
    assert_eq!(header_of(&delivery.logout_token)["typ"], "logout+jwt");
    let claims = verified_claims(app, &delivery.logout_token).await;
    assert_eq!(claims["iss"], issuer(app).await.as_str());
    assert_eq!(claims["aud"], client.id.as_str());
    assert_eq!(claims["sub"], user.id.as_str());
    assert_eq!(claims["sid"], sid);
    assert!(claims["jti"].as_str().is_some_and(|j| !j.is_empty()));
    let iat = claims["iat"].as_i64().unwrap();
    assert_eq!(claims["exp"].as_i64().unwrap(), iat + 120);
    assert_eq!(
        claims["events"],
        serde_json::json!({"http://schemas.openid.net/event/backchannel-logout": {}})
    );
    assert!(claims.get("nonce").is_none(), "{claims}");
}

#[actix_web::test]
async fn a_revoke_from_the_profile_sends_the_app_a_signed_logout_token() {
    let app = spawn_app().await;
    let mut receiver = Receiver::start(0).await;
    let (client, user, _, sid) = signed_in_app(&app, &receiver, "openid").await;
    let started = Instant::now();
    let revoked = app.delete_session(&user.access_token, &sid).await;
    assert_eq!(revoked.status(), StatusCode::NO_CONTENT);
    let delivery = receiver.next(WITHIN).await.expect("a logout");
    eprintln!(
        "delivered {:?} after the revoke was sent",
        started.elapsed()
    );
    assert_logout_of(&app, &delivery, &client, &user, &sid).await;
    assert!(receiver.next(QUIET).await.is_none(), "sent twice");
}

#[actix_web::test]
async fn log_out_everywhere_a_password_change_and_a_deletion_each_send_the_logout() {
    let app = spawn_app().await;
    let mut receiver = Receiver::start(0).await;
    let (client, user, _, sid) = signed_in_app(&app, &receiver, "openid").await;
    let ended = app
        .logout_all(Headers::new().bearer(&user.access_token))
        .await;
    assert_eq!(ended.status(), StatusCode::NO_CONTENT);
    let delivery = receiver.next(WITHIN).await.expect("a logout");
    assert_logout_of(&app, &delivery, &client, &user, &sid).await;

    let user = app.new_user().await;
    let (tokens, _) = app.sign_app_in(&user, &client, "openid").await;
    let sid = claims_of(&tokens.id_token)["sid"]
        .as_str()
        .unwrap()
        .to_owned();
    let changed = app
        .change_password(
            Headers::new().bearer(&user.access_token),
            PASSWORD,
            "another long password",
        )
        .await;
    assert!(changed.status().is_success(), "{}", changed.status());
    let delivery = receiver.next(WITHIN).await.expect("a logout");
    assert_logout_of(&app, &delivery, &client, &user, &sid).await;

    let user = app.new_user().await;
    let (tokens, _) = app.sign_app_in(&user, &client, "openid").await;
    let sid = claims_of(&tokens.id_token)["sid"]
        .as_str()
        .unwrap()
        .to_owned();
    let deleted = app
        .delete_account(Headers::new().bearer(&user.access_token), PASSWORD)
        .await;
    assert!(deleted.status().is_success(), "{}", deleted.status());
    let delivery = receiver.next(WITHIN).await.expect("a logout");
    assert_logout_of(&app, &delivery, &client, &user, &sid).await;
}

#[actix_web::test]
async fn a_reused_refresh_token_of_the_app_sends_the_logout() {
    let app = spawn_app_with(|s| s.reuse_grace = Duration::ZERO).await;
    let mut receiver = Receiver::start(0).await;
    let (client, user, tokens, sid) = signed_in_app(&app, &receiver, "openid offline_access").await;
    let first = tokens.refresh_token.expect("a refresh token");
    let rotated = app.refresh_app(&client, &first).await;
    assert_eq!(rotated.status(), StatusCode::OK);
    let reused = app.refresh_app(&client, &first).await;
    assert_ne!(reused.status(), StatusCode::OK);
    let delivery = receiver.next(WITHIN).await.expect("a logout");
    assert_logout_of(&app, &delivery, &client, &user, &sid).await;
}

#[actix_web::test]
async fn only_the_apps_with_a_uri_get_a_logout_never_for_sesame_own_sessions() {
    let app = spawn_app().await;
    let mut receiver = Receiver::start(0).await;
    let deaf = app.confidential_client(&[]).await;
    let (client, user, _, sid) = signed_in_app(&app, &receiver, "openid").await;
    app.sign_app_in(&user, &deaf, "openid").await;
    // Ends sesame's own session, the deaf app's and the listening one's.
    let ended = app
        .logout_all(Headers::new().bearer(&user.access_token))
        .await;
    assert_eq!(ended.status(), StatusCode::NO_CONTENT);
    let delivery = receiver.next(WITHIN).await.expect("a logout");
    assert_logout_of(&app, &delivery, &client, &user, &sid).await;
    assert!(receiver.next(QUIET).await.is_none(), "more than the one");
}

#[actix_web::test]
async fn an_app_that_fails_twice_gets_the_logout_on_the_third_attempt() {
    let app = spawn_app().await;
    let mut receiver = Receiver::start(2).await;
    let (client, user, _, sid) = signed_in_app(&app, &receiver, "openid").await;
    app.delete_session(&user.access_token, &sid).await;
    let started = Instant::now();
    for accepted in [false, false, true] {
        let delivery = receiver.next(WITHIN).await.expect("an attempt");
        assert_eq!(delivery.accepted, accepted);
        assert_logout_of(&app, &delivery, &client, &user, &sid).await;
    }
    // Pauses of 1 s then 2 s.
    assert!(
        started.elapsed() >= Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert!(receiver.next(QUIET).await.is_none(), "sent after a 200");
}

/// PostgreSQL, two instances: the one that did not end the session may be
/// the one that sends; either way, once, within the second.
#[actix_web::test]
async fn with_two_instances_a_logout_arrives_within_a_second_exactly_once() {
    // A bound in time: not while a flood next door holds the CPU.
    let _cpu = cpu_to_myself().await;
    let url = fresh_database();
    // One issuer for both, as every instance behind one address has.
    let public =
        |s: &mut sesame::config::Settings| s.public_url = Some("https://sesame.example".into());
    let a = spawn_app_at(&url, public).await;
    let b = spawn_app_at(&url, public).await;
    let mut receiver = Receiver::start(0).await;
    let (client, user, _, sid) = signed_in_app(&a, &receiver, "openid").await;
    wait_for_listeners(&url, 2).await;
    // The first RSA key was made by `a` just now; `b` installs it at its
    // next look at the keys (each second). Either may send the logout (RS256):
    // this measures the delivery, not that first key's way to `b`.
    wait_for_an_rsa_key(&b).await;
    let started = Instant::now();
    let revoked = a.delete_session(&user.access_token, &sid).await;
    assert_eq!(revoked.status(), StatusCode::NO_CONTENT);
    let delivery = receiver.next(WITHIN).await.expect("a logout");
    let took = started.elapsed();
    eprintln!("delivered {took:?} after the revoke was sent");
    assert!(took < Duration::from_secs(1), "took {took:?}");
    assert_logout_of(&a, &delivery, &client, &user, &sid).await;
    assert!(receiver.next(QUIET).await.is_none(), "sent twice");
}

/// Until `n` instances' listeners are connected to the database.
pub(super) async fn wait_for_listeners(url: &str, n: i64) {
    use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl};
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        count: i64,
    }
    let mut conn = PgConnection::establish(url).expect("the test database");
    let sql = "SELECT count(*) AS count FROM pg_stat_activity \
               WHERE datname = current_database() AND application_name = 'sesame-listener'";
    let deadline = Instant::now() + Duration::from_secs(10);
    while diesel::sql_query(sql)
        .get_result::<Count>(&mut conn)
        .unwrap()
        .count
        < n
    {
        assert!(Instant::now() < deadline, "the listeners did not connect");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // A listener hears right after it is seen connected.
    tokio::time::sleep(Duration::from_millis(50)).await;
}

/// Until `app` publishes an RSA key (it signs with what it publishes).
async fn wait_for_an_rsa_key(app: &TestApp) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let jwks: Value = app.jwks().await.json().await.unwrap();
        let keys = jwks["keys"].as_array().cloned().unwrap_or_default();
        if keys.iter().any(|k| k["kty"] == "RSA") {
            return;
        }
        assert!(Instant::now() < deadline, "no RSA key published: {jwks}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
