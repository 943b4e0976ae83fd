//! A change of name: `PATCH /api/me`, and the profile's form.

use super::*;

#[actix_web::test]
async fn patching_me_renames_the_user_at_once_everywhere() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    // Read once, so the session is remembered with the old name.
    assert_eq!(me_body(&app, &user).await["name"], "Test User");
    let verified = app.verify(Headers::new().bearer(&user.access_token)).await;
    assert_eq!(verified.headers()["remote-name"], "Test User");

    let response = rename(&app, &user, "  Zoë Lovelace ").await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.expect("a JSON body");
    assert_eq!(body["name"], "Zoë Lovelace");
    assert_eq!(body["email"], user.email.as_str());
    assert_eq!(body["id"], user.id.as_str());
    assert!(body["roles"].is_array() && body["emailVerified"].is_boolean());

    assert_eq!(me_body(&app, &user).await["name"], "Zoë Lovelace");
    let verified = app.verify(Headers::new().bearer(&user.access_token)).await;
    assert_eq!(verified.headers()["remote-name"], "Zo%C3%AB Lovelace");
    let signed_in = app.sign_in(&user.email).await;
    assert_eq!(me_body(&app, &signed_in).await["name"], "Zoë Lovelace");
}

#[actix_web::test]
async fn a_bad_name_is_422_and_changes_nothing() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let long = "n".repeat(101);
    for bad in ["", "   ", long.as_str(), "line\nbreak"] {
        let response = rename(&app, &user, bad).await;
        assert_error(response, StatusCode::UNPROCESSABLE_ENTITY, "invalid_name").await;
    }
    assert_eq!(me_body(&app, &user).await["name"], "Test User");
}

#[actix_web::test]
async fn patching_me_needs_a_session_and_patch_is_in_the_allow_list() {
    let app = spawn_app().await;
    let body = json!({ "name": "Nobody" });
    let response = json_request(&app, Method::PATCH, "/api/me", Headers::new(), &body).await;
    assert_error(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    let response = app
        .send_raw(Method::PUT, "/api/me", Headers::new(), None)
        .await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.headers()["allow"], "GET, HEAD, PATCH, DELETE");
}

#[actix_web::test]
async fn the_name_form_renames_and_comes_back_with_a_notice() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let page = profile_page(&app, &user.access_token).await;
    let form = page.form("change-name");
    assert!(form.contains(r#"action="/profile/name""#), "{form}");
    assert!(form.contains(r#"value="Test User""#), "{form}");
    let cookies = format!("{}; accessToken={}", page.forms_cookie(), user.access_token);

    let fields = [("name", "Ada <b>Lovelace</b>"), ("csrf", &page.csrf())];
    let answer = Page::of(post_form(&app, "/profile/name", &cookies, &fields).await).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.html);
    assert_eq!(answer.location.as_deref(), Some("/profile"));
    assert_eq!(me_body(&app, &user).await["name"], "Ada <b>Lovelace</b>");

    let forms = answer.forms_cookie.unwrap_or_else(|| page.forms_cookie());
    let headers = Headers::new().cookie(&format!("{forms}; accessToken={}", user.access_token));
    let shown = Page::of(app.profile(headers).await).await;
    assert!(
        shown.html.contains("Your name was changed"),
        "{}",
        shown.html
    );
    assert!(shown.html.contains("Ada &#60;b&#62;Lovelace&#60;/b&#62;"));
    assert!(
        !shown.html.contains("<b>Lovelace"),
        "the name is not escaped"
    );
}

#[actix_web::test]
async fn the_name_form_shows_its_error_beside_the_name_and_keeps_what_was_typed() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let page = profile_page(&app, &user.access_token).await;
    let cookies = format!("{}; accessToken={}", page.forms_cookie(), user.access_token);
    let typed = format!("Typed {}", "x".repeat(100));
    let fields = [("name", typed.as_str()), ("csrf", &page.csrf())];
    let answer = Page::of(post_form(&app, "/profile/name", &cookies, &fields).await).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    let form = answer.form("change-name");
    assert!(form.contains(r#"id="new-name-error""#), "{form}");
    assert!(form.contains(&typed), "{form}");
    assert!(!has_error(answer.form("change-email")));
    assert!(!has_error(answer.form("change-password")));
    assert_eq!(me_body(&app, &user).await["name"], "Test User");

    // Without the CSRF token: 403, nothing changed.
    let answer = post_form(&app, "/profile/name", &cookies, &[("name", "Forged")]).await;
    assert_eq!(answer.status(), StatusCode::FORBIDDEN);
    assert_eq!(me_body(&app, &user).await["name"], "Test User");
}
