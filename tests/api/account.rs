//! The account's own life (issue 13): changing the password, which ends
//! every other session, and deleting the account, which ends them all and
//! frees the email. JSON and forms; wrong passwords count with the login
//! limits; the audit trail; and, on PostgreSQL, another instance refusing
//! the ended sessions within 1 s.

use std::time::{Duration, Instant};

use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl};
use reqwest::StatusCode;
use serde_json::json;
use sesame::config::Settings;

use crate::helpers::*;
use crate::process::Running;

const NEW_PASSWORD: &str = "a brand new passphrase";

/// Asserts that a session is ended: its access token and its refresh token
/// are both refused.
async fn assert_ended(app: &Api, session: &TestUser, what: &str) {
    assert_eq!(
        app.me(&session.access_token).await.status(),
        StatusCode::UNAUTHORIZED,
        "{what}: its access token"
    );
    assert_eq!(
        app.refresh_with_body(&session.refresh_token).await.status(),
        StatusCode::UNAUTHORIZED,
        "{what}: its refresh token"
    );
}

/// Asserts that a session still works, access and refresh (which rotates
/// it: the returned user holds the new refresh token).
async fn assert_alive(app: &Api, session: &TestUser, what: &str) -> TestUser {
    assert_eq!(
        app.me(&session.access_token).await.status(),
        StatusCode::OK,
        "{what}: its access token"
    );
    let refreshed = app.refresh_with_body(&session.refresh_token).await;
    assert_eq!(refreshed.status(), StatusCode::OK, "{what}: its refresh");
    let body: SignInBody = refreshed.json().await.expect("sign-in JSON");
    TestUser {
        refresh_token: body.refresh_token().to_owned(),
        access_token: body.access_token,
        ..session.clone()
    }
}

/// The profile page, signed in with `access_token`: its form session and
/// its forms.
async fn profile_page(app: &Api, access_token: &str) -> Page {
    let page = Page::of(
        app.profile(Headers::new().access_cookie(access_token))
            .await,
    )
    .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    page
}

/// Whether a form's HTML shows an error (a whole-form or a field's).
fn has_error(form: &str) -> bool {
    form.contains(r#"class="form-error""#) || form.contains(r#"class="field-error""#)
}

// Changing the password (JSON)

#[actix_web::test]
async fn changing_the_password_keeps_this_session_and_ends_every_other_at_once() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let laptop = app.sign_in(&user.email).await;
    let phone = app.sign_in(&user.email).await;
    let stranger = app.new_user().await;

    let response = app
        .change_password(
            Headers::new().bearer(&user.access_token),
            PASSWORD,
            NEW_PASSWORD,
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

    assert_eq!(
        app.login(&user.email, PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED,
        "the old password"
    );
    assert_eq!(
        app.login(&user.email, NEW_PASSWORD).await.status(),
        StatusCode::OK,
        "the new password"
    );
    // Checked at once, without waiting: "at once".
    assert_ended(&app, &laptop, "another session").await;
    assert_ended(&app, &phone, "a third session").await;
    assert_alive(&app, &user, "the session that changed it").await;
    assert_alive(&app, &stranger, "another user's session").await;
}

#[actix_web::test]
async fn the_access_cookie_is_enough_to_change_the_password() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let laptop = app.sign_in(&user.email).await;
    let response = app
        .change_password(
            Headers::new().access_cookie(&user.access_token),
            PASSWORD,
            NEW_PASSWORD,
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_ended(&app, &laptop, "another session").await;
    assert_eq!(
        app.login(&user.email, NEW_PASSWORD).await.status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn a_wrong_current_password_is_401_and_changes_nothing() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let laptop = app.sign_in(&user.email).await;
    let response = app
        .change_password(
            Headers::new().bearer(&user.access_token),
            "not my password",
            NEW_PASSWORD,
        )
        .await;
    assert_error(response, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    assert_alive(&app, &laptop, "another session").await;
    assert_eq!(
        app.login(&user.email, NEW_PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login(&user.email, PASSWORD).await.status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn wrong_current_passwords_count_with_the_login_limits() {
    let app = spawn_app_with(|s| s.login_max_failures = 2).await;
    let user = app.new_user().await;
    let laptop = app.sign_in(&user.email).await;
    let bearer = || Headers::new().bearer(&user.access_token);
    for _ in 0..2 {
        let response = app
            .change_password(bearer(), "a wrong guess", NEW_PASSWORD)
            .await;
        assert_error(response, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    }
    // Even the right one now, before any password work.
    let response = app.change_password(bearer(), PASSWORD, NEW_PASSWORD).await;
    let wait = retry_after(&response);
    assert!(wait >= 1, "Retry-After: {wait}");
    assert_error(response, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;
    // They are the login's own count.
    let login = app.login(&user.email, PASSWORD).await;
    assert_eq!(login.status(), StatusCode::TOO_MANY_REQUESTS);
    // Nothing changed.
    assert_alive(&app, &laptop, "another session").await;
}

#[actix_web::test]
async fn past_the_login_limit_a_password_change_is_refused_even_with_the_right_password() {
    let app = spawn_app_with(|s| s.login_max_failures = 2).await;
    let user = app.new_user().await;
    for _ in 0..2 {
        let wrong = app.login(&user.email, "a wrong guess").await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    }
    let response = app
        .change_password(
            Headers::new().bearer(&user.access_token),
            PASSWORD,
            NEW_PASSWORD,
        )
        .await;
    assert!(retry_after(&response) >= 1);
    assert_error(response, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;
}

#[actix_web::test]
async fn a_new_password_that_breaks_the_rules_is_422_and_changes_nothing() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let laptop = app.sign_in(&user.email).await;
    let too_long = "x".repeat(73);
    for weak in ["short", "", too_long.as_str()] {
        let response = app
            .change_password(Headers::new().bearer(&user.access_token), PASSWORD, weak)
            .await;
        assert_error(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_password",
        )
        .await;
    }
    assert_alive(&app, &laptop, "another session").await;
    assert_eq!(
        app.login(&user.email, PASSWORD).await.status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn an_empty_current_password_is_422() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let response = app
        .change_password(Headers::new().bearer(&user.access_token), "", NEW_PASSWORD)
        .await;
    assert_error(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_password",
    )
    .await;
    assert_eq!(
        app.login(&user.email, PASSWORD).await.status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn changing_the_password_needs_a_valid_access_token() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let response = app
        .change_password(Headers::new(), PASSWORD, NEW_PASSWORD)
        .await;
    assert_error(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    let response = app
        .change_password(Headers::new().bearer("not-a-token"), PASSWORD, NEW_PASSWORD)
        .await;
    assert_error(response, StatusCode::UNAUTHORIZED, "invalid_token").await;
    // Nor does a refresh token stand in for it.
    let response = app
        .change_password(
            Headers::new().refresh_cookie(&user.refresh_token),
            PASSWORD,
            NEW_PASSWORD,
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.login(&user.email, PASSWORD).await.status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn an_ended_sessions_access_token_cannot_change_the_password() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let laptop = app.sign_in(&user.email).await;
    app.change_password(
        Headers::new().bearer(&user.access_token),
        PASSWORD,
        NEW_PASSWORD,
    )
    .await;
    // The laptop's token was valid a moment ago; its session is over.
    let response = app
        .change_password(
            Headers::new().bearer(&laptop.access_token),
            NEW_PASSWORD,
            "the laptop's own choice",
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.login(&user.email, NEW_PASSWORD).await.status(),
        StatusCode::OK
    );
}

// Changing the password (the profile's form)

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
    assert_eq!(
        app.login(&user.email, NEW_PASSWORD).await.status(),
        StatusCode::OK
    );
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
        // No password is written back into the page.
        assert!(!answer.html.contains(current), "{status}");
        assert!(!answer.html.contains(new), "{status}");
    }
    assert_eq!(
        app.login(&user.email, PASSWORD).await.status(),
        StatusCode::OK
    );
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
    assert_eq!(
        app.login(&user.email, PASSWORD).await.status(),
        StatusCode::OK
    );
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
    assert_eq!(
        app.login(&user.email, PASSWORD).await.status(),
        StatusCode::OK
    );
}

// Deleting the account (JSON)

#[actix_web::test]
async fn deleting_the_account_ends_every_session_clears_cookies_and_frees_the_email() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let laptop = app.sign_in(&user.email).await;
    let stranger = app.new_user().await;

    let response = app
        .delete_account(Headers::new().bearer(&user.access_token), PASSWORD)
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_clears_cookies(response.headers());

    assert_ended(&app, &user, "the session that deleted it").await;
    assert_ended(&app, &laptop, "another session").await;
    assert_eq!(
        app.login(&user.email, PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_alive(&app, &stranger, "another user's session").await;

    let again = app.register("Someone New", &user.email, NEW_PASSWORD).await;
    assert_eq!(again.status(), StatusCode::CREATED, "the email is free");
    let again: SignInBody = again.json().await.unwrap();
    assert_ne!(again.user.id, user.id, "a new account");
    // The old tokens do not come back to life with the new account.
    assert_ended(&app, &user, "the deleted account's session").await;
}

#[actix_web::test]
async fn deleting_with_a_wrong_password_is_401_counted_and_then_429() {
    let app = spawn_app_with(|s| s.login_max_failures = 2).await;
    let user = app.new_user().await;
    let bearer = || Headers::new().bearer(&user.access_token);
    for _ in 0..2 {
        let response = app.delete_account(bearer(), "a wrong guess").await;
        assert_error(response, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    }
    let response = app.delete_account(bearer(), PASSWORD).await;
    assert!(retry_after(&response) >= 1);
    assert_error(response, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;
    let login = app.login(&user.email, PASSWORD).await;
    assert_eq!(login.status(), StatusCode::TOO_MANY_REQUESTS, "one count");
    // Still there.
    assert_alive(&app, &user, "the account's session").await;
}

#[actix_web::test]
async fn deleting_without_a_password_is_422_and_without_a_token_401() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let response = app
        .delete_account_json(Headers::new().bearer(&user.access_token), &json!({}))
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: ErrorBody = response.json().await.expect("a JSON error");
    assert!(!body.error.is_empty() && !body.message.is_empty());

    let response = app.delete_account(Headers::new(), PASSWORD).await;
    assert_error(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    assert_alive(&app, &user, "the account's session").await;
}

// Deleting the account (the profile's form)

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
    assert_eq!(
        app.login(&user.email, PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
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

// The audit trail (the real binary's log)

#[actix_web::test]
async fn a_password_change_and_an_account_deletion_leave_audit_lines_without_passwords() {
    let folder = tempfile::tempdir().unwrap();
    let db = folder.path().join("sesame.db");
    let server = Running::start(
        folder.path(),
        &[
            "--bind",
            "127.0.0.1:0",
            "--database-url",
            db.to_str().unwrap(),
            "--bcrypt-cost",
            "4",
        ],
        &[("RUST_LOG", "sesame::audit=info")],
    )
    .await;
    let ada = server.register("Ada", "ada@example.com", PASSWORD).await;
    let ada = TestUser::from_sign_in("ada@example.com", ada).await;
    let laptop = server.sign_in(&ada.email).await;
    let changed = server
        .change_password(
            Headers::new().bearer(&ada.access_token),
            PASSWORD,
            NEW_PASSWORD,
        )
        .await;
    assert_eq!(changed.status(), StatusCode::NO_CONTENT);
    let wrong = server
        .delete_account(Headers::new().bearer(&ada.access_token), PASSWORD)
        .await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let deleted = server
        .delete_account(Headers::new().bearer(&ada.access_token), NEW_PASSWORD)
        .await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);

    let log = server.kill().await;
    let audit: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("sesame::audit"))
        .collect();
    let session = session_of(&ada.access_token);
    let changes: Vec<&&str> = audit
        .iter()
        .filter(|l| l.contains("event=password_changed "))
        .collect();
    assert_eq!(changes.len(), 1, "{audit:#?}");
    assert!(
        changes[0].contains(&format!("user={} session={session}", ada.id)),
        "{}",
        changes[0]
    );
    assert!(changes[0].contains("ip="), "{}", changes[0]);
    assert!(
        changes[0].contains("sessions_ended=1"),
        "the laptop's: {}",
        changes[0]
    );
    let deletions: Vec<&&str> = audit
        .iter()
        .filter(|l| l.contains("event=account_deleted "))
        .collect();
    assert_eq!(deletions.len(), 1, "{audit:#?}");
    assert!(
        deletions[0].contains(&format!("user={}", ada.id)),
        "{}",
        deletions[0]
    );
    assert!(deletions[0].contains("ip="), "{}", deletions[0]);
    let secrets = [
        PASSWORD,
        NEW_PASSWORD,
        &ada.access_token,
        &ada.refresh_token,
        &laptop.access_token,
        &laptop.refresh_token,
    ];
    for line in &audit {
        for secret in secrets {
            assert!(!line.contains(secret), "a secret in the log: {line}");
        }
    }
}

// Several instances on PostgreSQL (the shared test cluster, in both passes)

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    count: i64,
}

/// Two instances on one fresh database of the shared cluster, each
/// `adjust`ed, once both hear each other's session changes (as
/// `instances.rs` starts them).
async fn two_instances(adjust: impl Fn(&mut Settings)) -> Vec<TestApp> {
    let url = fresh_database();
    let apps = vec![
        spawn_app_at(&url, &adjust).await,
        spawn_app_at(&url, &adjust).await,
    ];
    let deadline = Instant::now() + Duration::from_secs(10);
    let sql = "SELECT count(*) AS count FROM pg_stat_activity \
               WHERE datname = current_database() AND application_name = 'sesame-listener'";
    loop {
        let mut conn = PgConnection::establish(&url).expect("the test database");
        let listeners = diesel::sql_query(sql)
            .get_result::<Count>(&mut conn)
            .expect("a count")
            .count;
        if listeners >= 2 {
            break;
        }
        assert!(Instant::now() < deadline, "the listeners did not connect");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    apps
}

#[actix_web::test]
async fn on_two_instances_a_password_change_reset_or_deletion_on_one_is_refused_by_the_other_within_1_s(
) {
    let smtp = SmtpServer::start().await;
    let apps = two_instances(|s| smtp.configure(s)).await;
    let (a, b) = (&apps[0], &apps[1]);
    for way in ["password change", "password reset", "account deletion"] {
        let user = a.new_user().await;
        let laptop = a.sign_in(&user.email).await;
        // Remembered by the other instance.
        for _ in 0..3 {
            assert_eq!(b.me(&laptop.access_token).await.status(), StatusCode::OK);
        }
        let ended = match way {
            "password change" => {
                a.change_password(
                    Headers::new().bearer(&user.access_token),
                    PASSWORD,
                    NEW_PASSWORD,
                )
                .await
            }
            "password reset" => {
                let asked = a.forgot_password(&user.email).await;
                assert_eq!(asked.status(), StatusCode::ACCEPTED);
                let mail = smtp
                    .next_mail_to(&user.email, Duration::from_secs(15))
                    .await;
                a.reset_password(&mail.token(), NEW_PASSWORD).await
            }
            "account deletion" => {
                a.delete_account(Headers::new().bearer(&user.access_token), PASSWORD)
                    .await
            }
            _ => unreachable!(),
        };
        let ended_at = Instant::now();
        assert_eq!(ended.status(), StatusCode::NO_CONTENT, "{way}");
        loop {
            let status = b.me(&laptop.access_token).await.status();
            if status == StatusCode::UNAUTHORIZED {
                break;
            }
            assert_eq!(status, StatusCode::OK, "{way}");
            assert!(
                ended_at.elapsed() < Duration::from_secs(1),
                "{way}: the other instance still accepts an ended session 1 s later"
            );
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        println!(
            "{way}: refused by the other instance after {:?}",
            ended_at.elapsed()
        );
        // Its refresh token too, on the other instance.
        assert_eq!(
            b.refresh_with_body(&laptop.refresh_token).await.status(),
            StatusCode::UNAUTHORIZED,
            "{way}"
        );
    }
}
