//! Changing the password with the profile's form.

use super::*;

#[actix_web::test]
async fn the_profile_has_the_change_password_and_delete_account_forms() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let page = profile_page(&app, &user.access_token).await;
    let change = page.form("change-password");
    assert!(change.contains(r#"action="/auth/password""#), "{change}");
    assert!(change.contains(r#"method="post""#), "{change}");
    for field in ["current_password", "new_password", "csrf"] {
        assert!(change.contains(&format!(r#"name="{field}""#)), "{change}");
    }
    let delete = page.form("delete-account");
    assert!(delete.contains(r#"action="/profile/delete""#), "{delete}");
    assert!(delete.contains(r#"method="post""#), "{delete}");
    for field in ["password", "csrf"] {
        assert!(delete.contains(&format!(r#"name="{field}""#)), "{delete}");
    }
}

#[actix_web::test]
async fn the_change_password_form_redirects_to_the_profile_with_a_notice() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let laptop = app.sign_in(&user.email).await;
    let page = profile_page(&app, &user.access_token).await;
    let cookies = format!("{}; accessToken={}", page.forms_cookie(), user.access_token);
    let form = [
        ("current_password", PASSWORD),
        ("new_password", NEW_PASSWORD),
        ("csrf", &page.csrf()),
    ];
    let answer = Page::of(app.change_password_form(&cookies, &form).await).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.html);
    assert_eq!(answer.location.as_deref(), Some("/profile"));

    // The notice, on the profile it leads to (kept in the form session).
    let forms = answer.forms_cookie.unwrap_or_else(|| page.forms_cookie());
    let headers = Headers::new().cookie(&format!("{forms}; accessToken={}", user.access_token));
    let shown = Page::of(app.profile(headers).await).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(
        shown.html.contains("Your password was changed"),
        "{}",
        shown.html
    );
    assert_ended(&app, &laptop, "another session").await;
    assert_alive(&app, &user, "this session").await;
    assert_login(&app, &user.email, NEW_PASSWORD, StatusCode::OK).await;
}

#[actix_web::test]
async fn the_change_password_form_shows_its_errors_in_its_own_form() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let page = profile_page(&app, &user.access_token).await;
    let cookies = format!("{}; accessToken={}", page.forms_cookie(), user.access_token);
    let csrf = page.csrf();
    let cases = [
        ("wrong-guess-7Xq", NEW_PASSWORD, StatusCode::UNAUTHORIZED),
        (PASSWORD, "sh0rt!", StatusCode::UNPROCESSABLE_ENTITY),
    ];
    for (current, new, status) in cases {
        let form = [
            ("current_password", current),
            ("new_password", new),
            ("csrf", &csrf),
        ];
        let answer = Page::of(app.change_password_form(&cookies, &form).await).await;
        assert_eq!(answer.status, status, "{}", answer.html);
        let change = answer.form("change-password");
        assert!(
            has_error(change),
            "{status}: no error in the form: {change}"
        );
        let delete = answer.form("delete-account");
        assert!(
            !has_error(delete),
            "{status}: the other form shows the error: {delete}"
        );
        if status == StatusCode::UNPROCESSABLE_ENTITY {
            assert!(
                change.contains(r#"<p class="field-error" id="new_password-error">"#)
                    && change
                        .contains(r#"aria-describedby="new_password-hint new_password-error""#),
                "the new password's error is not beside it: {change}"
            );
        }
        // No password is written back into the page.
        assert!(!answer.html.contains(current), "{status}");
        assert!(!answer.html.contains(new), "{status}");
    }
    assert_login(&app, &user.email, PASSWORD, StatusCode::OK).await;
}

#[actix_web::test]
async fn the_change_password_form_past_the_login_limit_is_429() {
    let app = spawn_app_with(|s| s.login_max_failures = 1).await;
    let user = app.new_user().await;
    app.login(&user.email, "a wrong guess").await;
    let page = profile_page(&app, &user.access_token).await;
    let cookies = format!("{}; accessToken={}", page.forms_cookie(), user.access_token);
    let form = [
        ("current_password", PASSWORD),
        ("new_password", NEW_PASSWORD),
        ("csrf", &page.csrf()),
    ];
    let response = app.change_password_form(&cookies, &form).await;
    assert!(retry_after(&response) >= 1);
    let answer = Page::of(response).await;
    assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(has_error(answer.form("change-password")), "{}", answer.html);
}

#[actix_web::test]
async fn the_change_password_form_without_its_csrf_token_is_403_and_changes_nothing() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let laptop = app.sign_in(&user.email).await;
    let page = profile_page(&app, &user.access_token).await;
    let cookies = format!("{}; accessToken={}", page.forms_cookie(), user.access_token);
    for csrf in [None, Some("forged")] {
        let mut form = vec![
            ("current_password", PASSWORD),
            ("new_password", NEW_PASSWORD),
        ];
        if let Some(csrf) = csrf {
            form.push(("csrf", csrf));
        }
        let response = app.change_password_form(&cookies, &form).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{csrf:?}");
    }
    assert_alive(&app, &laptop, "another session").await;
    assert_login(&app, &user.email, PASSWORD, StatusCode::OK).await;
}

#[actix_web::test]
async fn the_change_password_form_signed_out_sends_to_sign_in() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let (forms, csrf) = form_session(app.login_page()).await;
    let form = [
        ("current_password", PASSWORD),
        ("new_password", NEW_PASSWORD),
        ("csrf", csrf.as_str()),
    ];
    let response = app.change_password_form(&forms, &form).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/login?next=/profile");
    assert_login(&app, &user.email, PASSWORD, StatusCode::OK).await;
}

#[actix_web::test]
async fn a_wrong_current_password_on_the_profile_says_so_in_either_form() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let page = profile_page(&app, &user.access_token).await;
    let cookies = format!("{}; accessToken={}", page.forms_cookie(), user.access_token);
    let csrf = page.csrf();
    let change = [
        ("current_password", "wrong-guess-7Xq"),
        ("new_password", NEW_PASSWORD),
        ("csrf", &csrf),
    ];
    let changed = Page::of(app.change_password_form(&cookies, &change).await).await;
    let delete = [("password", "wrong-guess-7Xq"), ("csrf", &csrf)];
    let deleted = Page::of(app.delete_account_form(&cookies, &delete).await).await;
    for (answer, form) in [(&changed, "change-password"), (&deleted, "delete-account")] {
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{}", answer.html);
        let shown = answer.form(form);
        assert!(
            shown.contains("Your current password is incorrect."),
            "{form}: {shown}"
        );
        assert!(!answer.html.contains("email or password"), "{form}");
    }
}
