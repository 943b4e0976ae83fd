//! Every way an access token must be refused, and the two ways it is accepted.

use std::time::Duration;

use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

use crate::helpers::*;

async fn assert_refused(response: Response) {
    assert_eq!(
        response.headers()["www-authenticate"],
        r#"Bearer error="invalid_token""#
    );
    assert_error(response, StatusCode::UNAUTHORIZED, "invalid_token").await;
}

fn header(alg: &str, typ: &str) -> Value {
    json!({"alg": alg, "typ": typ})
}

#[actix_web::test]
async fn a_valid_token_works_as_bearer_and_as_cookie() {
    let app = spawn_app().await;
    let user = app.new_user().await;

    let response = app.me(&user.access_token).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    // `createdAt` is a string, or the body does not read as a `UserBody`.
    let body: UserBody = response.json().await.unwrap();
    assert_eq!(body.id, user.id);
    assert_eq!(body.email, user.email);
    assert_eq!(body.name, "Test User");

    let by_cookie = app
        .me_with(Headers::new().access_cookie(&user.access_token))
        .await;
    assert_eq!(by_cookie.status(), StatusCode::OK);
}

#[actix_web::test]
async fn its_header_and_claims_are_as_the_contract_says() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let head: Value = {
        use base64::Engine;
        let part = user.access_token.split('.').next().unwrap();
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(part)
            .unwrap();
        serde_json::from_slice(&bytes).unwrap()
    };
    assert_eq!(head["alg"], "HS256");
    assert_eq!(head["typ"], "at+jwt");
    let claims = claims_of(&user.access_token);
    for claim in ["iss", "aud", "sub", "sid", "jti", "iat", "exp"] {
        assert!(!claims[claim].is_null(), "{claim} missing from {claims}");
    }
    assert_eq!(claims["sub"], user.id.as_str());
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        900
    );
}

#[actix_web::test]
async fn no_token_gets_401_with_a_bare_bearer_challenge() {
    let app = spawn_app().await;
    let response = app.me_with(Headers::new()).await;
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    assert_error(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

#[actix_web::test]
async fn alg_none_is_refused() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let claims = claims_of(&user.access_token);
    for alg in ["none", "None", "NONE"] {
        let token = forge_jwt(&header(alg, "at+jwt"), &claims, None);
        assert_refused(app.me(&token).await).await;
    }
}

#[actix_web::test]
async fn other_algorithms_are_refused_even_with_the_right_key() {
    // SQLite: the key is read from the keys file beside the database.
    let app = spawn_sqlite_app().await;
    let user = app.new_user().await;
    let key = app.access_key();
    let claims = claims_of(&user.access_token);
    for alg in [
        jsonwebtoken::Algorithm::HS384,
        jsonwebtoken::Algorithm::HS512,
    ] {
        let mut head = jsonwebtoken::Header::new(alg);
        head.typ = Some("at+jwt".into());
        let token = jsonwebtoken::encode(
            &head,
            &claims,
            &jsonwebtoken::EncodingKey::from_secret(&key),
        )
        .unwrap();
        assert_refused(app.me(&token).await).await;
    }
}

#[actix_web::test]
async fn a_token_signed_with_our_key_is_accepted_so_forged_variants_below_are_meaningful() {
    // SQLite: the key is read from the keys file beside the database.
    let app = spawn_sqlite_app().await;
    let user = app.new_user().await;
    let token = forge_jwt(
        &header("HS256", "at+jwt"),
        &claims_of(&user.access_token),
        Some(&app.access_key()),
    );
    assert_eq!(app.me(&token).await.status(), StatusCode::OK);
}

#[actix_web::test]
async fn a_tampered_token_is_refused() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let other = app.new_user().await;
    // Someone else's claims under this token's signature.
    let mut parts: Vec<String> = user.access_token.split('.').map(str::to_owned).collect();
    let mut claims = claims_of(&user.access_token);
    claims["sub"] = json!(other.id);
    use base64::Engine;
    parts[1] = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(claims.to_string());
    assert_refused(app.me(&parts.join(".")).await).await;
    // A flipped signature character.
    let mut token = user.access_token.clone();
    let last = token.pop().unwrap();
    token.push(if last == 'A' { 'B' } else { 'A' });
    assert_refused(app.me(&token).await).await;
    // Another key.
    let forged = forge_jwt(
        &header("HS256", "at+jwt"),
        &claims_of(&user.access_token),
        Some(&[7u8; 64]),
    );
    assert_refused(app.me(&forged).await).await;
}

#[actix_web::test]
async fn wrong_typ_iss_or_aud_is_refused() {
    // SQLite: the key is read from the keys file beside the database.
    let app = spawn_sqlite_app().await;
    let user = app.new_user().await;
    let key = app.access_key();
    let claims = claims_of(&user.access_token);

    for typ in ["JWT", "rt+jwt", ""] {
        let token = forge_jwt(&header("HS256", typ), &claims, Some(&key));
        assert_refused(app.me(&token).await).await;
    }
    let untyped = forge_jwt(&json!({"alg": "HS256"}), &claims, Some(&key));
    assert_refused(app.me(&untyped).await).await;

    for (claim, value) in [("iss", "someone-else"), ("aud", "another-app")] {
        let mut changed = claims.clone();
        changed[claim] = json!(value);
        let token = forge_jwt(&header("HS256", "at+jwt"), &changed, Some(&key));
        assert_refused(app.me(&token).await).await;
    }
}

#[actix_web::test]
async fn key_location_headers_are_never_followed() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let attacker_key = [5u8; 32];
    let head = json!({
        "alg": "HS256", "typ": "at+jwt", "kid": "attacker",
        "jku": "http://127.0.0.1:9/keys", "x5u": "http://127.0.0.1:9/cert",
        "jwk": {"kty": "oct", "k": "BQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQU"}
    });
    let token = forge_jwt(&head, &claims_of(&user.access_token), Some(&attacker_key));
    assert_refused(app.me(&token).await).await;
}

#[actix_web::test]
async fn an_expired_token_is_refused() {
    // SQLite: the key is read from the keys file beside the database.
    let app = spawn_sqlite_app_with(|s| s.access_ttl = Duration::from_secs(3)).await;
    let user = app.new_user().await;
    assert_eq!(app.me(&user.access_token).await.status(), StatusCode::OK);
    sleep_ms(3100).await;
    assert_refused(app.me(&user.access_token).await).await;

    // Also one we sign ourselves with an `exp` just past.
    let mut claims = claims_of(&user.access_token);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    claims["exp"] = json!(now - 1);
    let token = forge_jwt(&header("HS256", "at+jwt"), &claims, Some(&app.access_key()));
    assert_refused(app.me(&token).await).await;
}

#[actix_web::test]
async fn a_refresh_token_is_not_an_access_token() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    assert_refused(app.me(&user.refresh_token).await).await;
}

#[actix_web::test]
async fn a_revoked_sessions_access_token_is_refused_at_once() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let logout = app.logout(Headers::new().bearer(&user.access_token)).await;
    assert_eq!(logout.status(), StatusCode::NO_CONTENT);
    assert_refused(app.me(&user.access_token).await).await;
}
