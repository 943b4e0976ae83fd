//! The profile's two-step section, as a browser without script uses it:
//! the QR code (an inline image made by sesame) and the key in text, the
//! confirm form, the recovery codes shown once, how many are left.

use super::*;

/// A signed-in browser on its profile: the page, and the cookies to post
/// its forms with (the form session's and the access token's).
async fn on_profile(app: &Api, access_token: &str) -> (Page, String) {
    let page = Page::of(
        app.profile(Headers::new().access_cookie(access_token))
            .await,
    )
    .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    let cookies = format!("{}; accessToken={access_token}", page.forms_cookie());
    (page, cookies)
}

/// The cookies for the next post, with the form session `page` set (if
/// it set one).
fn next_cookies(page: &Page, cookies: &str, access_token: &str) -> String {
    match &page.forms_cookie {
        Some(forms) => format!("{forms}; accessToken={access_token}"),
        None => cookies.to_owned(),
    }
}

/// The text of the element `id="{id}"` up to its first tag.
fn text_of<'a>(html: &'a str, id: &str) -> Option<&'a str> {
    let marker = format!(r#"id="{id}""#);
    let at = html.find(&marker)? + marker.len();
    let start = at + html[at..].find('>')? + 1;
    let end = start + html[start..].find('<')?;
    Some(html[start..end].trim())
}

/// The HTML of the element `id="{id}"`, up to the closing `tag`.
fn element<'a>(html: &'a str, id: &str, tag: &str) -> &'a str {
    let marker = format!(r#"id="{id}""#);
    let at = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {marker} in:\n{html}"));
    let end = html[at..]
        .find(&format!("</{tag}>"))
        .expect("the closing tag");
    &html[at..at + end]
}

/// The recovery codes the page shows (`<code>` in `#recovery-codes`).
fn codes_shown(html: &str) -> Vec<String> {
    let list = element(html, "recovery-codes", "div");
    list.split("<code>")
        .skip(1)
        .filter_map(|rest| rest.split("</code>").next())
        .map(|code| code.trim().to_owned())
        .collect()
}

/// Sets TOTP up from the profile: the page with the QR code, its key,
/// and the cookies to go on with.
async fn start_on_profile(app: &Api, user: &TestUser) -> (Page, String) {
    let (page, cookies) = on_profile(app, &user.access_token).await;
    let form = [("csrf", page.csrf()), ("password", PASSWORD.to_owned())];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let started = Page::of(app.start_totp_form(&cookies, &form).await).await;
    assert_eq!(started.status, StatusCode::OK, "{}", started.html);
    let cookies = next_cookies(&started, &cookies, &user.access_token);
    (started, cookies)
}

#[actix_web::test]
async fn the_profile_sets_totp_up_with_an_inline_qr_code_and_the_key_in_text() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let (started, _) = start_on_profile(&app, &user).await;
    let qr = element(&started.html, "totp-qr", "figure");
    assert!(qr.contains("<svg"), "an inline SVG: {qr}");
    for outside in ["src=\"http", "href=\"http", "url(http", "src=\"//"] {
        assert!(!qr.contains(outside), "nothing from outside: {qr}");
    }
    let secret = text_of(&started.html, "totp-secret").expect("the key in text");
    // The key typed into an app (pyotp) makes codes sesame takes.
    let code = totp_code(&secret.replace(' ', ""), unix_now()).await;
    confirm(&app, &user.access_token, &code).await;
}

#[actix_web::test]
async fn the_profile_shows_the_recovery_codes_once_then_how_many_are_left() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let (started, cookies) = start_on_profile(&app, &user).await;
    let secret = text_of(&started.html, "totp-secret").expect("the key");
    let code = totp_code(&secret.replace(' ', ""), unix_now()).await;
    let form = [("csrf", started.csrf()), ("code", code)];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let confirmed = Page::of(app.confirm_totp_form(&cookies, &form).await).await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.html);
    let codes = codes_shown(&confirmed.html);
    assert_eq!(codes.len(), 10, "{codes:?}");
    sign_in_with_code(&app, &user.email, &codes[0]).await;

    let (again, _) = on_profile(&app, &user.access_token).await;
    assert!(
        !again.html.contains(&codes[1]),
        "shown only when made: {}",
        again.html
    );
    assert_eq!(text_of(&again.html, "recovery-codes-left"), Some("9"));
}

#[actix_web::test]
async fn a_wrong_code_on_the_profile_shows_the_qr_code_again_with_the_error() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let (started, cookies) = start_on_profile(&app, &user).await;
    let secret = text_of(&started.html, "totp-secret")
        .expect("the key")
        .to_owned();
    let code = totp_code(&secret.replace(' ', ""), unix_now()).await;
    let form = [("csrf", started.csrf()), ("code", wrong(&code))];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let failed = Page::of(app.confirm_totp_form(&cookies, &form).await).await;
    assert_eq!(failed.status, StatusCode::BAD_REQUEST, "{}", failed.html);
    assert!(
        failed.html.contains(r#"class="form-error""#),
        "{}",
        failed.html
    );
    assert!(element(&failed.html, "totp-qr", "figure").contains("<svg"));
    assert_eq!(text_of(&failed.html, "totp-secret"), Some(secret.as_str()));
    let factors = second_factor_in_me(&app, &user.access_token).await;
    assert_eq!(factors["totp"], serde_json::json!(false), "{factors}");
}

#[actix_web::test]
async fn turning_totp_off_from_the_profile_needs_the_password() {
    let app = spawn_app().await;
    let enrolled = user_with_totp(&app).await;
    let access = &enrolled.user.access_token;
    let (page, cookies) = on_profile(&app, access).await;
    let wrong_password = [("csrf", page.csrf()), ("password", "not it".to_owned())];
    let form: Vec<(&str, &str)> = wrong_password
        .iter()
        .map(|(k, v)| (*k, v.as_str()))
        .collect();
    let refused = Page::of(app.disable_totp_form(&cookies, &form).await).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{}", refused.html);
    ticket_for(&app, &enrolled.user.email, PASSWORD).await;

    let cookies = next_cookies(&refused, &cookies, access);
    let right = [("csrf", refused.csrf()), ("password", PASSWORD.to_owned())];
    let form: Vec<(&str, &str)> = right.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let response = app.disable_totp_form(&cookies, &form).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_login(&app, &enrolled.user.email, PASSWORD, StatusCode::OK).await;
}

#[actix_web::test]
async fn new_recovery_codes_from_the_profile_are_shown_once_and_the_old_ones_die() {
    let app = spawn_app().await;
    let enrolled = user_with_totp(&app).await;
    let access = &enrolled.user.access_token;
    let (page, cookies) = on_profile(&app, access).await;
    let form = [("csrf", page.csrf()), ("password", PASSWORD.to_owned())];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let made = Page::of(app.new_recovery_codes_form(&cookies, &form).await).await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.html);
    let codes = codes_shown(&made.html);
    assert_eq!(codes.len(), 10, "{codes:?}");
    assert!(codes.iter().all(|c| !enrolled.recovery_codes.contains(c)));
    let ticket = ticket_for(&app, &enrolled.user.email, PASSWORD).await;
    let response = app.second_step(&ticket, &enrolled.recovery_codes[0]).await;
    assert_error(response, StatusCode::UNAUTHORIZED, "invalid_code").await;
    signed_in_with(&app, &ticket, &codes[0]).await;
}
