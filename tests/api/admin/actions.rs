//! What an admin does to an account, through the JSON API and the pages,
//! and what they may not do to their own.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::*;

#[actix_web::test]
async fn an_admin_cannot_remove_their_own_admin_role_or_disable_or_delete_themselves() {
    let app = spawn_app().await;
    let admin = app.new_admin().await;
    let own = format!("/api/admin/users/{}", admin.id);
    let token = &admin.access_token;

    let body = json!({"roles": ["editor"]});
    let refusals = [
        app.admin_api(Method::PUT, &format!("{own}/roles"), token, Some(&body)),
        app.admin_api(Method::POST, &format!("{own}/disable"), token, None),
        app.admin_api(Method::DELETE, &own, token, None),
    ];
    for refusal in refusals {
        let answer = json_of(refusal.await, StatusCode::CONFLICT).await;
        assert_eq!(answer["error"], "self_lockout");
    }
    // Still an admin, still signed in; other roles beside `admin` are fine.
    let body = json!({"roles": ["admin", "editor"]});
    let response = app
        .admin_api(Method::PUT, &format!("{own}/roles"), token, Some(&body))
        .await;
    let answer = json_of(response, StatusCode::OK).await;
    assert_eq!(answer["roles"], json!(["admin", "editor"]));
    let response = app.admin_api(Method::GET, &own, token, None).await;
    assert_eq!(response.status(), StatusCode::OK);

    // The pages refuse it the same way, the page shown again with why.
    let page = app
        .admin_page(&format!("/admin/users/{}", admin.id), &admin)
        .await;
    assert!(!page.html.contains(r#"id="admin-delete""#), "{}", page.html);
    let path = format!("/admin/users/{}/roles", admin.id);
    let csrf = page.csrf();
    let response = app
        .admin_form(
            &path,
            &admin,
            &page,
            &[("csrf", &csrf), ("roles", "editor")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let html = response.text().await.unwrap();
    assert!(html.contains("admin-roles-error"), "{html}");
    let path = format!("/admin/users/{}/delete", admin.id);
    let form = [("csrf", csrf.as_str()), ("email", admin.email.as_str())];
    let response = app.admin_form(&path, &admin, &page, &form).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert_eq!(app.me(token).await.status(), StatusCode::OK);
}

#[actix_web::test]
async fn roles_set_by_an_admin_are_in_the_users_next_access_token() {
    let app = spawn_app().await;
    let admin = app.new_admin().await;
    let user = app.new_user().await;
    let path = format!("/api/admin/users/{}/roles", user.id);

    let bad = json!({"roles": ["Editor"]});
    let response = app
        .admin_api(Method::PUT, &path, &admin.access_token, Some(&bad))
        .await;
    let answer = json_of(response, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(answer["error"], "invalid_roles");

    let body = json!({"roles": ["editor", "billing-read"]});
    let response = app
        .admin_api(Method::PUT, &path, &admin.access_token, Some(&body))
        .await;
    let answer = json_of(response, StatusCode::OK).await;
    assert_eq!(answer["roles"], json!(["editor", "billing-read"]));

    let refreshed = app.refresh_with_body(&user.refresh_token).await;
    let body: SignInBody = refreshed.json().await.unwrap();
    assert_eq!(
        claims_of(&body.access_token)["roles"],
        json!(["editor", "billing-read"])
    );
    // The form does the same.
    let page = app
        .admin_page(&format!("/admin/users/{}", user.id), &admin)
        .await;
    let path = format!("/admin/users/{}/roles", user.id);
    let csrf = page.csrf();
    let form = [("csrf", csrf.as_str()), ("roles", "viewer")];
    let response = app.admin_form(&path, &admin, &page, &form).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let detail = app
        .admin_api(
            Method::GET,
            &format!("/api/admin/users/{}", user.id),
            &admin.access_token,
            None,
        )
        .await;
    assert_eq!(
        json_of(detail, StatusCode::OK).await["user"]["roles"],
        json!(["viewer"])
    );
}

#[actix_web::test]
async fn disabling_a_user_ends_every_session_and_refuses_sign_in_until_enabled() {
    let app = spawn_app().await;
    let admin = app.new_admin().await;
    let user = app.new_user().await;
    let second = app.sign_in(&user.email).await;

    let path = format!("/api/admin/users/{}/disable", user.id);
    let response = app
        .admin_api(Method::POST, &path, &admin.access_token, None)
        .await;
    assert_eq!(json_of(response, StatusCode::OK).await["disabled"], true);
    for session in [&user, &second] {
        assert_eq!(
            app.me(&session.access_token).await.status(),
            StatusCode::UNAUTHORIZED
        );
        let refresh = app.refresh_with_body(&session.refresh_token).await;
        assert_eq!(refresh.status(), StatusCode::UNAUTHORIZED);
    }
    let login = app.login(&user.email, PASSWORD).await;
    let answer = json_of(login, StatusCode::FORBIDDEN).await;
    assert_eq!(answer["error"], "account_disabled");

    // Enabled again from the page: signing in works.
    let page = app
        .admin_page(&format!("/admin/users/{}", user.id), &admin)
        .await;
    assert!(page.html.contains(r#"id="admin-enable""#), "{}", page.html);
    let path = format!("/admin/users/{}/enable", user.id);
    let response = app
        .admin_form(&path, &admin, &page, &[("csrf", &page.csrf())])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.login(&user.email, PASSWORD).await.status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn revoking_one_session_ends_it_alone_and_revoking_all_ends_the_rest() {
    let app = spawn_app().await;
    let admin = app.new_admin().await;
    let user = app.new_user().await;
    let second = app.sign_in(&user.email).await;
    let third = app.sign_in(&user.email).await;

    let page = app
        .admin_page(&format!("/admin/users/{}", user.id), &admin)
        .await;
    let session = session_of(&second.access_token);
    assert!(page.html.contains(&session), "{}", page.html);
    let path = format!("/admin/users/{}/sessions/{session}/revoke", user.id);
    let response = app
        .admin_form(&path, &admin, &page, &[("csrf", &page.csrf())])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.me(&second.access_token).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(app.me(&user.access_token).await.status(), StatusCode::OK);

    // Another user's session is not this user's: 404, nothing ended.
    let other = app.new_user().await;
    let path = format!(
        "/admin/users/{}/sessions/{}/revoke",
        user.id,
        session_of(&other.access_token)
    );
    let response = app
        .admin_form(&path, &admin, &page, &[("csrf", &page.csrf())])
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.me(&other.access_token).await.status(), StatusCode::OK);

    let path = format!("/api/admin/users/{}/sessions", user.id);
    let response = app
        .admin_api(Method::DELETE, &path, &admin.access_token, None)
        .await;
    assert_eq!(json_of(response, StatusCode::OK).await["ended"], 2);
    for gone in [&user, &third] {
        assert_eq!(
            app.me(&gone.access_token).await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(app.me(&admin.access_token).await.status(), StatusCode::OK);
}

#[actix_web::test]
async fn deleting_from_the_page_needs_the_accounts_exact_email() {
    let app = spawn_app().await;
    let admin = app.new_admin().await;
    let user = app.new_user().await;
    let page = app
        .admin_page(&format!("/admin/users/{}", user.id), &admin)
        .await;
    let path = format!("/admin/users/{}/delete", user.id);
    let csrf = page.csrf();

    for wrong in ["", "someone@example.com", &user.email.to_uppercase()] {
        let form = [("csrf", csrf.as_str()), ("email", wrong)];
        let response = app.admin_form(&path, &admin, &page, &form).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{wrong}"
        );
        let html = response.text().await.unwrap();
        assert!(html.contains("admin-delete-error"), "{html}");
        assert_eq!(app.me(&user.access_token).await.status(), StatusCode::OK);
    }
    let form = [("csrf", csrf.as_str()), ("email", user.email.as_str())];
    let response = app.admin_form(&path, &admin, &page, &form).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.me(&user.access_token).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let login = app.login(&user.email, PASSWORD).await;
    assert_eq!(login.status(), StatusCode::UNAUTHORIZED);
    let detail = format!("/api/admin/users/{}", user.id);
    let response = app
        .admin_api(Method::GET, &detail, &admin.access_token, None)
        .await;
    assert_eq!(
        json_of(response, StatusCode::NOT_FOUND).await["error"],
        "not_found"
    );
}

#[actix_web::test]
async fn an_unknown_user_is_404_on_every_route_that_names_one() {
    let app = spawn_app().await;
    let admin = app.new_admin().await;
    let id = "no-such-user";
    let body = json!({"roles": []});
    let requests = [
        (Method::GET, format!("/api/admin/users/{id}")),
        (Method::PUT, format!("/api/admin/users/{id}/roles")),
        (Method::POST, format!("/api/admin/users/{id}/disable")),
        (Method::POST, format!("/api/admin/users/{id}/enable")),
        (Method::DELETE, format!("/api/admin/users/{id}")),
        (Method::DELETE, format!("/api/admin/users/{id}/sessions")),
    ];
    for (method, path) in requests {
        let response = app
            .admin_api(method.clone(), &path, &admin.access_token, Some(&body))
            .await;
        let answer = json_of(response, StatusCode::NOT_FOUND).await;
        assert_eq!(answer["error"], "not_found", "{method} {path}");
    }
    let page = app.admin_page(&format!("/admin/users/{id}"), &admin).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn an_admin_sends_a_reset_link_to_the_accounts_address() {
    let smtp = SmtpServer::start().await;
    let app = spawn_app_with(|s| smtp.configure(s)).await;
    let admin = app.new_admin().await;
    let user = app.new_user().await;
    let page = app
        .admin_page(&format!("/admin/users/{}", user.id), &admin)
        .await;
    let path = format!("/admin/users/{}/reset", user.id);
    let response = app
        .admin_form(&path, &admin, &page, &[("csrf", &page.csrf())])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    let mail = smtp
        .next_mail_to(&user.email, std::time::Duration::from_secs(10))
        .await;
    let reset = app
        .reset_password(&mail.token(), "a brand new password")
        .await;
    assert_eq!(reset.status(), StatusCode::NO_CONTENT);
}
