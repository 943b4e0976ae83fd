//! The token endpoint: a code works once, with its redirect URI and PKCE
//! verifier, for its client; refresh tokens rotate with reuse detection;
//! clients authenticate; errors are RFC 6749 5.2's.

use reqwest::{Method, Response, StatusCode};
use serde_json::Value;

use crate::helpers::*;

async fn oauth_error(response: Response, status: StatusCode) -> String {
    assert_eq!(response.status(), status);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body: Value = response.json().await.unwrap();
    body["error"].as_str().unwrap().to_owned()
}

fn exchange<'a>(code: &'a str, verifier: &'a str) -> [(&'a str, &'a str); 4] {
    [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", REDIRECT_URI),
        ("code_verifier", verifier),
    ]
}

#[actix_web::test]
async fn a_code_works_once_and_its_second_use_ends_what_the_first_gave() {
    let app = spawn_app().await;
    let client = app.confidential_client(&["--skip-consent"]).await;
    let user = app.new_user().await;
    let (code, verifier) = app
        .code_for(&user, &client, "openid offline_access", "n")
        .await;
    let first = AppTokens::of(app.token(&client, &exchange(&code, &verifier)).await).await;
    assert_eq!(app.me(&first.access_token).await.status(), StatusCode::OK);

    let again = app.token(&client, &exchange(&code, &verifier)).await;
    assert_eq!(
        oauth_error(again, StatusCode::BAD_REQUEST).await,
        "invalid_grant"
    );
    assert_eq!(
        app.me(&first.access_token).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let refresh = app
        .refresh_app(&client, first.refresh_token.as_deref().unwrap())
        .await;
    assert_eq!(
        oauth_error(refresh, StatusCode::BAD_REQUEST).await,
        "invalid_grant"
    );
}

#[actix_web::test]
async fn one_code_sent_five_times_at_once_gives_one_session_and_that_one_ends() {
    let app = spawn_app().await;
    let client = app.confidential_client(&["--skip-consent"]).await;
    let user = app.new_user().await;
    let (code, verifier) = app.code_for(&user, &client, "openid", "n").await;
    let form = exchange(&code, &verifier);
    let tries = (0..5).map(|_| app.token(&client, &form));
    let answers = futures::future::join_all(tries).await;
    let mut issued = Vec::new();
    for answer in answers {
        if answer.status() == StatusCode::OK {
            issued.push(AppTokens::of(answer).await);
        } else {
            assert_eq!(
                oauth_error(answer, StatusCode::BAD_REQUEST).await,
                "invalid_grant"
            );
        }
    }
    assert!(issued.len() <= 1, "{} sessions from one code", issued.len());
    for tokens in issued {
        assert_eq!(
            app.me(&tokens.access_token).await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
}

#[actix_web::test]
async fn the_code_needs_its_verifier_its_redirect_uri_and_its_client() {
    let app = spawn_app().await;
    let client = app.confidential_client(&["--skip-consent"]).await;
    let other = app.confidential_client(&["--skip-consent"]).await;
    let user = app.new_user().await;
    let (code, verifier) = app.code_for(&user, &client, "openid", "n").await;
    let wrong_verifier = Pkce::new().verifier;
    for form in [
        exchange(&code, &wrong_verifier),
        [
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", "https://app.example/other"),
            ("code_verifier", &verifier),
        ],
    ] {
        let answer = app.token(&client, &form).await;
        assert_eq!(
            oauth_error(answer, StatusCode::BAD_REQUEST).await,
            "invalid_grant"
        );
    }
    let answer = app.token(&other, &exchange(&code, &verifier)).await;
    assert_eq!(
        oauth_error(answer, StatusCode::BAD_REQUEST).await,
        "invalid_grant"
    );
    // None of those used it up.
    AppTokens::of(app.token(&client, &exchange(&code, &verifier)).await).await;
}

#[actix_web::test]
async fn a_public_client_authenticates_with_its_id_and_must_use_pkce() {
    let app = spawn_app().await;
    let client = app
        .add_client(
            "SPA",
            &["--redirect-uri", REDIRECT_URI, "--public", "--skip-consent"],
        )
        .await;
    assert!(client.secret.is_none());
    let user = app.new_user().await;
    let (tokens, _) = app.sign_app_in(&user, &client, "openid").await;
    assert_eq!(claims_of(&tokens.id_token)["aud"], client.id);

    let without_pkce = app
        .authorize(
            Some(&user),
            &[
                ("response_type", "code"),
                ("client_id", &client.id),
                ("redirect_uri", REDIRECT_URI),
                ("scope", "openid"),
                ("state", "st"),
            ],
        )
        .await;
    assert_eq!(without_pkce.status(), StatusCode::SEE_OTHER);
    let location = without_pkce.headers()["location"].to_str().unwrap();
    assert_eq!(
        query_param(location, "error").as_deref(),
        Some("invalid_request")
    );
    assert_eq!(query_param(location, "state").as_deref(), Some("st"));
}

#[actix_web::test]
async fn a_client_that_cannot_prove_itself_gets_invalid_client_with_a_challenge() {
    let app = spawn_app().await;
    let client = app.confidential_client(&[]).await;
    let public = app
        .add_client("SPA", &["--redirect-uri", REDIRECT_URI, "--public"])
        .await;
    let form = [("grant_type", "refresh_token"), ("refresh_token", "x")];
    let cases = [
        TestClient {
            id: client.id.clone(),
            secret: Some("wrong".into()),
        },
        TestClient {
            id: "no-such-client".into(),
            secret: Some("wrong".into()),
        },
        // A confidential client without its secret.
        TestClient {
            id: client.id.clone(),
            secret: None,
        },
        // A public client with a secret.
        TestClient {
            id: public.id.clone(),
            secret: Some("anything".into()),
        },
    ];
    for case in cases {
        let answer = app.token(&case, &form).await;
        assert_eq!(
            answer.headers()["www-authenticate"],
            "Basic realm=\"sesame\""
        );
        assert_eq!(
            oauth_error(answer, StatusCode::UNAUTHORIZED).await,
            "invalid_client"
        );
    }
    // client_secret_post works too; basic and post at once does not.
    let secret = client.secret.clone().unwrap();
    let post = app
        .send_raw(
            Method::POST,
            "/oauth/token",
            Headers::new().header("content-type", "application/x-www-form-urlencoded"),
            Some(
                format!(
                    "grant_type=refresh_token&refresh_token=x&client_id={}&client_secret={secret}",
                    client.id
                )
                .into(),
            ),
        )
        .await;
    assert_eq!(
        oauth_error(post, StatusCode::BAD_REQUEST).await,
        "invalid_grant"
    );
}

#[actix_web::test]
async fn bad_token_requests_get_rfc_6749_errors() {
    let app = spawn_app().await;
    let client = app.confidential_client(&[]).await;
    let answer = app.token(&client, &[("grant_type", "password")]).await;
    assert_eq!(
        oauth_error(answer, StatusCode::BAD_REQUEST).await,
        "unsupported_grant_type"
    );
    let answer = app.token(&client, &[("code", "x")]).await;
    assert_eq!(
        oauth_error(answer, StatusCode::BAD_REQUEST).await,
        "invalid_request"
    );
    let answer = app
        .token(&client, &[("grant_type", "authorization_code")])
        .await;
    assert_eq!(
        oauth_error(answer, StatusCode::BAD_REQUEST).await,
        "invalid_request"
    );
    let answer = app
        .token(
            &client,
            &[("grant_type", "authorization_code"), ("code", "not-a-code")],
        )
        .await;
    assert_eq!(
        oauth_error(answer, StatusCode::BAD_REQUEST).await,
        "invalid_grant"
    );
    let json = app
        .send_raw(
            Method::POST,
            "/oauth/token",
            Headers::new().header("content-type", "application/json"),
            Some(r#"{"grant_type":"authorization_code"}"#.into()),
        )
        .await;
    assert_eq!(
        oauth_error(json, StatusCode::BAD_REQUEST).await,
        "invalid_request"
    );
}

#[actix_web::test]
async fn refresh_tokens_rotate_and_a_replayed_one_ends_the_apps_session() {
    let app = spawn_app_with(|s| s.reuse_grace = std::time::Duration::ZERO).await;
    let client = app.confidential_client(&["--skip-consent"]).await;
    let user = app.new_user().await;
    let (tokens, _) = app
        .sign_app_in(&user, &client, "openid email offline_access")
        .await;
    let first = tokens.refresh_token.clone().unwrap();
    let next = AppTokens::of(app.refresh_app(&client, &first).await).await;
    let second = next.refresh_token.clone().unwrap();
    assert_ne!(first, second);
    let id = claims_of(&next.id_token);
    assert_eq!(id["sub"], user.id);
    assert_eq!(id["aud"], client.id);
    assert!(id.get("nonce").is_none());
    assert_eq!(id["auth_time"], claims_of(&tokens.id_token)["auth_time"]);
    assert_eq!(next.scope, "openid email offline_access");

    let replayed = app.refresh_app(&client, &first).await;
    assert_eq!(
        oauth_error(replayed, StatusCode::BAD_REQUEST).await,
        "invalid_grant"
    );
    let after = app.refresh_app(&client, &second).await;
    assert_eq!(
        oauth_error(after, StatusCode::BAD_REQUEST).await,
        "invalid_grant"
    );
    assert_eq!(
        app.me(&next.access_token).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[actix_web::test]
async fn an_apps_refresh_token_and_sesames_own_do_not_cross() {
    let app = spawn_app().await;
    let client = app.confidential_client(&["--skip-consent"]).await;
    let other = app.confidential_client(&["--skip-consent"]).await;
    let user = app.new_user().await;
    let (tokens, _) = app
        .sign_app_in(&user, &client, "openid offline_access")
        .await;
    let app_refresh = tokens.refresh_token.clone().unwrap();

    // sesame's own refresh endpoint refuses the app's token, untouched…
    let own = app.refresh_with_body(&app_refresh).await;
    assert_eq!(own.status(), StatusCode::UNAUTHORIZED);
    // …another app cannot use it…
    let stolen = app.refresh_app(&other, &app_refresh).await;
    assert_eq!(
        oauth_error(stolen, StatusCode::BAD_REQUEST).await,
        "invalid_grant"
    );
    // …nor can the app use sesame's own.
    let browser = app.refresh_app(&client, &user.refresh_token).await;
    assert_eq!(
        oauth_error(browser, StatusCode::BAD_REQUEST).await,
        "invalid_grant"
    );
    // Both still work for their owners.
    AppTokens::of(app.refresh_app(&client, &app_refresh).await).await;
    app.rotate(&user.refresh_token).await;
}
