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

/// A server that signs with a key the test holds, a user of it, and the
/// key's header (`EdDSA`, `at+jwt`, its `kid`) as the server writes it.
async fn app_with_our_key(
    adjust: impl FnOnce(&mut sesame::config::Settings),
) -> (TestApp, TestSigningKey, TestUser, Value) {
    let key = TestSigningKey::generate();
    let der = key.der();
    let app = spawn_app_with(|s| {
        s.signing_key = Some(sesame::config::Secret::new(der));
        adjust(s);
    })
    .await;
    let user = app.new_user().await;
    let head = header_of(&user.access_token);
    (app, key, user, head)
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
    assert_eq!(head["alg"], "EdDSA");
    assert_eq!(head["typ"], "at+jwt");
    let kid = head["kid"].as_str().expect("a kid");
    let jwks: Value = app.jwks().await.json().await.unwrap();
    assert!(jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .any(|k| k["kid"] == kid));
    let claims = claims_of(&user.access_token);
    for claim in [
        "iss", "aud", "sub", "sid", "email", "roles", "jti", "iat", "exp",
    ] {
        assert!(!claims[claim].is_null(), "{claim} missing from {claims}");
    }
    assert_eq!(claims["sub"], user.id.as_str());
    assert_eq!(claims["email"], user.email.as_str());
    assert_eq!(claims["roles"], json!([]));
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
async fn other_algorithms_are_refused_even_with_the_public_key_as_their_secret() {
    let (app, key, user, head) = app_with_our_key(|_| {}).await;
    let claims = claims_of(&user.access_token);
    // The classic confusion: HS256 keyed with the public key's bytes (what
    // a verifier that trusts the header's `alg` would check it with).
    for alg in ["HS256", "HS384", "HS512"] {
        let mut forged_head = head.clone();
        forged_head["alg"] = json!(alg);
        let jwt_alg: jsonwebtoken::Algorithm = alg.parse().unwrap();
        let mut jwt_head = jsonwebtoken::Header::new(jwt_alg);
        jwt_head.typ = Some("at+jwt".into());
        jwt_head.kid = head["kid"].as_str().map(str::to_owned);
        let token = jsonwebtoken::encode(
            &jwt_head,
            &claims,
            &jsonwebtoken::EncodingKey::from_secret(&key.public_bytes()),
        )
        .unwrap();
        assert_refused(app.me(&token).await).await;
        let raw = forge_jwt(&forged_head, &claims, Some(&key.public_bytes()));
        assert_refused(app.me(&raw).await).await;
    }
}

#[actix_web::test]
async fn a_token_signed_with_our_key_is_accepted_so_forged_variants_below_are_meaningful() {
    let (app, key, user, head) = app_with_our_key(|_| {}).await;
    let token = key.sign(&head, &claims_of(&user.access_token));
    assert_eq!(app.me(&token).await.status(), StatusCode::OK);
}

#[actix_web::test]
async fn a_token_without_a_kid_or_with_an_unknown_one_is_refused() {
    let (app, key, user, head) = app_with_our_key(|_| {}).await;
    let claims = claims_of(&user.access_token);
    let mut no_kid = head.clone();
    no_kid.as_object_mut().unwrap().remove("kid");
    assert_refused(app.me(&key.sign(&no_kid, &claims)).await).await;
    let mut unknown = head.clone();
    unknown["kid"] = json!("not-a-key-of-ours");
    assert_refused(app.me(&key.sign(&unknown, &claims)).await).await;
}

#[actix_web::test]
async fn the_jwks_ed25519_keys_are_exactly_the_given_key_and_never_a_private_part() {
    let (app, key, _, head) = app_with_our_key(|_| {}).await;
    let response = app.jwks().await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "public, max-age=300");
    let jwks: Value = response.json().await.unwrap();
    let keys = jwks["keys"].as_array().unwrap();
    // Its Ed25519 keys are that key alone (the RSA key signs ID tokens).
    let ed25519: Vec<&Value> = keys.iter().filter(|k| k["kty"] == "OKP").collect();
    assert_eq!(ed25519.len(), 1, "{jwks}");
    for private in ["d", "p", "q", "dp", "dq", "qi"] {
        assert!(keys.iter().all(|k| k.get(private).is_none()), "{private}");
    }
    let jwk = ed25519[0];
    use base64::Engine;
    let x = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key.public_bytes());
    assert_eq!(jwk["x"], x.as_str());
    assert_eq!(jwk["kid"], head["kid"]);
    for (member, value) in [
        ("kty", "OKP"),
        ("crv", "Ed25519"),
        ("alg", "EdDSA"),
        ("use", "sig"),
    ] {
        assert_eq!(jwk[member], value, "{member}");
    }
    assert!(jwk.get("d").is_none());
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
    // Another key, under our key's kid.
    let forged = TestSigningKey::generate().sign(
        &header_of(&user.access_token),
        &claims_of(&user.access_token),
    );
    assert_refused(app.me(&forged).await).await;
}

#[actix_web::test]
async fn wrong_typ_iss_or_aud_is_refused() {
    let (app, key, user, head) = app_with_our_key(|_| {}).await;
    let claims = claims_of(&user.access_token);

    for typ in ["JWT", "rt+jwt", ""] {
        let mut typed = head.clone();
        typed["typ"] = json!(typ);
        assert_refused(app.me(&key.sign(&typed, &claims)).await).await;
    }
    let mut untyped = head.clone();
    untyped.as_object_mut().unwrap().remove("typ");
    assert_refused(app.me(&key.sign(&untyped, &claims)).await).await;

    for (claim, value) in [("iss", "someone-else"), ("aud", "another-app")] {
        let mut changed = claims.clone();
        changed[claim] = json!(value);
        assert_refused(app.me(&key.sign(&head, &changed)).await).await;
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
    let (app, key, user, head) = app_with_our_key(|s| s.access_ttl = Duration::from_secs(3)).await;
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
    assert_refused(app.me(&key.sign(&head, &claims)).await).await;
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

/// The headers every answer gets (docs/API.md, "Headers on every answer").
fn assert_every_answers_headers(response: &Response) {
    let headers = response.headers();
    for (name, value) in [
        ("cache-control", "no-store"),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "same-origin"),
        ("x-frame-options", "DENY"),
        (
            "content-security-policy",
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
             connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    ] {
        assert_eq!(headers[name], value, "{name}");
    }
}

#[actix_web::test]
async fn me_answered_from_memory_keeps_its_body_and_every_header_by_bearer_or_cookie() {
    let app = spawn_app().await;
    let email = "ada@example.com";
    let response = app.register("Ada \"the\" Countess", email, PASSWORD).await;
    let user = TestUser::from_sign_in(email, response).await;
    // The first request reads the session; the next ones find it in memory.
    for request in [
        app.me(&user.access_token),
        app.me(&user.access_token),
        app.me_with(Headers::new().cookie(&format!("accessToken={}", user.access_token))),
    ] {
        let response = request.await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_every_answers_headers(&response);
        assert_eq!(response.headers()["content-type"], "application/json");
        let body: Value = response.json().await.unwrap();
        let created_at = body["createdAt"].as_str().expect("createdAt").to_owned();
        assert_eq!(
            body,
            json!({
                "id": user.id,
                "name": "Ada \"the\" Countess",
                "email": email,
                "createdAt": created_at,
                "roles": [],
                "emailVerified": false,
                "secondFactor": {"totp": false, "passkeys": 0, "recoveryCodesLeft": 0},
            })
        );
    }
    // A remembered token with another payload under its signature is no token.
    let (head, signature) = user.access_token.rsplit_once('.').unwrap();
    let (header, _) = head.split_once('.').unwrap();
    let forged = format!("{header}.e30.{signature}");
    let response = app.me(&forged).await;
    assert_every_answers_headers(&response);
    assert_refused(response).await;
}
