//! Deleting the account with the profile's form.

use super::*;

#[actix_web::test]
async fn the_delete_form_signs_out_to_the_login_page_with_a_notice() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let laptop = app.sign_in(&user.email).await;
    let page = profile_page(&app, &user.access_token).await;
    let cookies = format!(
        "{}; accessToken={}; refreshToken={}",
        page.forms_cookie(),
        user.access_token,
        user.refresh_token
    );
    let form = [("password", PASSWORD), ("csrf", &page.csrf())];
    let response = app.delete_account_form(&cookies, &form).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/login");
    assert_clears_cookies(response.headers());
    let answer = Page::of(response).await;

    let forms = answer.forms_cookie.unwrap_or_else(|| page.forms_cookie());
    let login = Page::of(
        app.send_raw(
            reqwest::Method::GET,
            "/login",
            Headers::new().cookie(&forms),
            None,
        )
        .await,
    )
    .await;
    assert!(
        login.html.contains("Your account was deleted."),
        "{}",
        login.html
    );
    assert_ended(&app, &user, "this session").await;
    assert_ended(&app, &laptop, "another session").await;
    assert_login(&app, &user.email, PASSWORD, StatusCode::UNAUTHORIZED).await;
}

#[actix_web::test]
async fn the_delete_form_with_a_wrong_password_shows_the_error_in_its_own_form() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let page = profile_page(&app, &user.access_token).await;
    let cookies = format!("{}; accessToken={}", page.forms_cookie(), user.access_token);
    let form = [("password", "wrong-guess-7Xq"), ("csrf", &page.csrf())];
    let answer = Page::of(app.delete_account_form(&cookies, &form).await).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{}", answer.html);
    assert!(has_error(answer.form("delete-account")), "{}", answer.html);
    assert!(
        !has_error(answer.form("change-password")),
        "{}",
        answer.html
    );
    assert!(!answer.html.contains("wrong-guess-7Xq"));
    assert_alive(&app, &user, "the account's session").await;
}

#[actix_web::test]
async fn the_delete_form_without_its_csrf_token_is_403_and_deletes_nothing() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let page = profile_page(&app, &user.access_token).await;
    let (_, other_browsers_csrf) = form_session(app.login_page()).await;
    let cookies = format!("{}; accessToken={}", page.forms_cookie(), user.access_token);
    for csrf in [None, Some("forged"), Some(other_browsers_csrf.as_str())] {
        let mut form = vec![("password", PASSWORD)];
        if let Some(csrf) = csrf {
            form.push(("csrf", csrf));
        }
        let response = app.delete_account_form(&cookies, &form).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{csrf:?}");
    }
    assert_alive(&app, &user, "the account's session").await;
}
