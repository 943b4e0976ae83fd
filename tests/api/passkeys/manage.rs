use reqwest::StatusCode;
use serde_json::{json, Value};

use super::{forms_cookie, stored_passkey};
use crate::helpers::*;

#[actix_web::test]
async fn every_passkey_route_of_an_account_needs_a_signed_in_user() {
    let app = spawn_app().await;
    let none = Headers::new;
    for response in [
        app.passkey_options(none(), PASSWORD, "Laptop").await,
        app.add_passkey(none(), &json!({"credential": {}})).await,
        app.passkeys(none()).await,
        app.rename_passkey(none(), "abc", "Laptop").await,
        app.remove_passkey(none(), "abc", PASSWORD).await,
    ] {
        assert_error(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    }
}

#[actix_web::test]
async fn the_options_ask_for_a_discoverable_passkey_of_this_host_for_the_account() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let response = app
        .passkey_options(
            Headers::new().bearer(&user.access_token),
            PASSWORD,
            " Laptop ",
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = forms_cookie(&response);
    let options: Value = response.json().await.unwrap();
    let public_key = &options["publicKey"];
    assert_eq!(public_key["rp"]["id"], "localhost", "{options}");
    assert_eq!(public_key["rp"]["name"], "sesame");
    assert_eq!(public_key["user"]["name"], user.email.as_str());
    let handle = uuid::Uuid::parse_str(&user.id).unwrap();
    use base64::Engine;
    let expected = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(handle.as_bytes());
    assert_eq!(public_key["user"]["id"], expected.as_str());
    let selection = &public_key["authenticatorSelection"];
    assert_eq!(selection["residentKey"], "required", "{options}");
    assert_eq!(selection["requireResidentKey"], true);
    assert_eq!(selection["userVerification"], "required");
    assert!(!cookie.contains(&user.id), "the state is sealed");

    // What answers them must be a credential; a refused one is not kept.
    let headers = Headers::new().bearer(&user.access_token).cookie(&cookie);
    let body = json!({"credential": {"id": "nope"}});
    let response = app.add_passkey(headers.clone(), &body).await;
    assert_error(response, StatusCode::BAD_REQUEST, "malformed_body").await;
    let list: Vec<Value> = app
        .passkeys(Headers::new().bearer(&user.access_token))
        .await
        .json()
        .await
        .unwrap();
    assert!(list.is_empty());
}

#[actix_web::test]
async fn adding_a_passkey_without_asking_for_options_first_is_refused() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let body = json!({"credential": registration_shaped()});
    let response = app
        .add_passkey(Headers::new().bearer(&user.access_token), &body)
        .await;
    assert_error(response, StatusCode::BAD_REQUEST, "no_passkey_challenge").await;
}

/// A registration answer in shape, with nothing true in it.
fn registration_shaped() -> Value {
    json!({
        "id": "AAAA",
        "rawId": "AAAA",
        "type": "public-key",
        "response": {"attestationObject": "AAAA", "clientDataJSON": "AAAA"},
        "extensions": {},
    })
}

#[actix_web::test]
async fn a_passkey_answer_to_options_it_was_not_made_for_is_refused() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let response = app
        .passkey_options(Headers::new().bearer(&user.access_token), PASSWORD, "Key")
        .await;
    let cookie = forms_cookie(&response);
    let headers = Headers::new().bearer(&user.access_token).cookie(&cookie);
    let body = json!({"credential": registration_shaped()});
    let response = app.add_passkey(headers, &body).await;
    assert_error(response, StatusCode::UNAUTHORIZED, "invalid_passkey").await;
}

#[actix_web::test]
async fn a_wrong_password_gets_no_options_and_counts_against_the_login_limits() {
    let app = spawn_app_with(|s| s.login_max_failures = 2).await;
    let user = app.new_user().await;
    let bearer = || Headers::new().bearer(&user.access_token);
    for _ in 0..2 {
        let response = app.passkey_options(bearer(), "wrong password", "Key").await;
        assert_error(response, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    }
    let response = app.passkey_options(bearer(), PASSWORD, "Key").await;
    assert_error(response, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;
    let response = app.remove_passkey(bearer(), "abc", PASSWORD).await;
    assert_error(response, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;
}

#[actix_web::test]
async fn a_passkey_name_is_one_to_sixty_four_characters() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let bearer = || Headers::new().bearer(&user.access_token);
    for name in ["", "   ", &"k".repeat(65), "tab\there"] {
        let response = app.passkey_options(bearer(), PASSWORD, name).await;
        assert_error(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_passkey_name",
        )
        .await;
        let response = app.rename_passkey(bearer(), "abc", name).await;
        assert_error(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_passkey_name",
        )
        .await;
    }
    let response = app.passkey_options(bearer(), "", "Key").await;
    assert_error(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_password",
    )
    .await;
}

#[actix_web::test]
async fn another_users_passkey_is_not_found_to_rename_or_remove() {
    let app = spawn_app().await;
    let owner = app.new_user().await;
    let other = app.new_user().await;
    stored_passkey(&app, &owner.id, "b3duZXJzLWtleQ");
    let theirs = || Headers::new().bearer(&other.access_token);
    let response = app.rename_passkey(theirs(), "b3duZXJzLWtleQ", "Mine").await;
    assert_error(response, StatusCode::NOT_FOUND, "not_found").await;
    let response = app
        .remove_passkey(theirs(), "b3duZXJzLWtleQ", PASSWORD)
        .await;
    assert_error(response, StatusCode::NOT_FOUND, "not_found").await;
    let list: Vec<Value> = app.passkeys(theirs()).await.json().await.unwrap();
    assert!(list.is_empty());

    // The owner's own: listed, renamed, removed with the password, and the
    // account's count follows.
    let own = || Headers::new().bearer(&owner.access_token);
    let list: Vec<Value> = app.passkeys(own()).await.json().await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["id"], "b3duZXJzLWtleQ");
    assert_eq!(list[0]["name"], "Old key");
    assert_eq!(list[0]["createdAt"], "1970-01-01T00:00:00Z");
    assert_eq!(list[0]["lastUsedAt"], Value::Null);
    let renamed: Value = app
        .rename_passkey(own(), "b3duZXJzLWtleQ", "  Phone ")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(renamed["name"], "Phone");
    let me: Value = app.me(&owner.access_token).await.json().await.unwrap();
    assert_eq!(me["secondFactor"]["passkeys"], 1);
    let response = app.remove_passkey(own(), "b3duZXJzLWtleQ", "wrong").await;
    assert_error(response, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    let response = app.remove_passkey(own(), "b3duZXJzLWtleQ", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let me: Value = app.me(&owner.access_token).await.json().await.unwrap();
    assert_eq!(me["secondFactor"]["passkeys"], 0);
    let response = app.remove_passkey(own(), "b3duZXJzLWtleQ", PASSWORD).await;
    assert_error(response, StatusCode::NOT_FOUND, "not_found").await;
}
