//! The sign-in form in two steps: `/login`, then `/login/second-factor`
//! (the ticket kept in the form session), as a browser posts them.

use super::*;

/// The sign-in form posted with the right password (from
/// `/login{query}`): asserts the 303 to the second step and no session
/// cookie; gives the second step's page, opened as a browser follows the
/// redirect, and the form session cookie to post its form with.
async fn second_step_page(app: &Api, email: &str, query: &str) -> (Page, String) {
    let login_page = if query.is_empty() {
        app.login_page()
    } else {
        app.login_page_with_next(query)
    };
    let (cookie, csrf) = form_session(login_page).await;
    let mut form = vec![("email", email), ("password", PASSWORD), ("csrf", &csrf)];
    if !query.is_empty() {
        form.push(("next", query));
    }
    let posted = Page::of(app.login_form(&cookie, &form).await).await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", posted.html);
    assert_eq!(posted.location.as_deref(), Some("/login/second-factor"));
    let cookie = posted.forms_cookie.clone().unwrap_or(cookie);
    let page = Page::of(app.second_step_page(&cookie).await).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    let cookie = page.forms_cookie.clone().unwrap_or(cookie);
    (page, cookie)
}

/// The HTML of the page's form that posts the second step.
fn code_form(page: &Page) -> &str {
    let action = r#"action="/auth/login/second-factor""#;
    let at = page
        .html
        .find(action)
        .unwrap_or_else(|| panic!("no form with {action} in:\n{}", page.html));
    let start = page.html[..at]
        .rfind("<form")
        .expect("the form's start tag");
    let end = page.html[at..].find("</form>").expect("the form's end tag");
    &page.html[start..at + end]
}

/// Asserts that a response set both session cookies.
fn assert_signed_in(response: &Response) {
    let cookies = set_cookies(response.headers());
    for name in ["accessToken", "refreshToken"] {
        let line = cookies
            .get(name)
            .unwrap_or_else(|| panic!("{name} is set: {cookies:?}"));
        assert!(!cookie_value(line).is_empty(), "{line}");
    }
}

#[actix_web::test]
async fn a_form_sign_in_asks_for_the_code_on_its_own_page_then_lands_on_the_profile() {
    let app = spawn_app().await;
    let enrolled = user_with_totp(&app).await;
    let (cookie, csrf) = form_session(app.login_page()).await;
    let form = [
        ("email", enrolled.user.email.as_str()),
        ("password", PASSWORD),
        ("csrf", &csrf),
    ];
    let response = app.login_form(&cookie, &form).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let cookies = set_cookies(response.headers());
    assert!(!cookies.contains_key("accessToken"), "{cookies:?}");
    assert!(!cookies.contains_key("refreshToken"), "{cookies:?}");

    let (page, cookie) = second_step_page(&app, &enrolled.user.email, "").await;
    let form = code_form(&page);
    assert!(form.contains(r#"name="code""#), "{form}");
    let code = enrolled.next_code().await;
    let response = app
        .second_step_form(&cookie, &[("csrf", &page.csrf()), ("code", &code)])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/profile");
    assert_signed_in(&response);
    let access = cookie_value(&set_cookies(response.headers())["accessToken"]);
    let profile = app.profile(Headers::new().access_cookie(&access)).await;
    assert_eq!(profile.status(), StatusCode::OK);
}

#[actix_web::test]
async fn the_second_step_lands_on_next() {
    let app = spawn_app().await;
    let enrolled = user_with_totp(&app).await;
    let (page, cookie) = second_step_page(&app, &enrolled.user.email, "/app/inbox").await;
    let code = &enrolled.recovery_codes[0];
    let response = app
        .second_step_form(&cookie, &[("csrf", &page.csrf()), ("code", code)])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/app/inbox");
    assert_signed_in(&response);
}

#[actix_web::test]
async fn a_wrong_code_in_the_form_shows_the_page_again_with_the_error() {
    let app = spawn_app().await;
    let enrolled = user_with_totp(&app).await;
    let (page, cookie) = second_step_page(&app, &enrolled.user.email, "").await;
    let code = enrolled.next_code().await;
    let response = app
        .second_step_form(&cookie, &[("csrf", &page.csrf()), ("code", &wrong(&code))])
        .await;
    assert!(!set_cookies(response.headers()).contains_key("accessToken"));
    let again = Page::of(response).await;
    assert_eq!(again.status, StatusCode::UNAUTHORIZED, "{}", again.html);
    assert!(
        again.html.contains(r#"class="form-error""#),
        "{}",
        again.html
    );
    let form = code_form(&again);
    assert!(form.contains(r#"name="code""#), "{form}");
    // The same ticket, the right code.
    let cookie = again.forms_cookie.clone().unwrap_or(cookie);
    let response = app
        .second_step_form(&cookie, &[("csrf", &again.csrf()), ("code", &code)])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_signed_in(&response);
}

#[actix_web::test]
async fn the_second_step_form_needs_its_csrf_token() {
    let app = spawn_app().await;
    let enrolled = user_with_totp(&app).await;
    let (_, cookie) = second_step_page(&app, &enrolled.user.email, "").await;
    let code = enrolled.next_code().await;
    let response = app.second_step_form(&cookie, &[("code", &code)]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(!set_cookies(response.headers()).contains_key("accessToken"));
}
