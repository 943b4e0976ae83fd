//! The link and the reset: out of the address bar, once, in time, the newest only, every session ended.

use super::*;

#[actix_web::test]
async fn opening_the_link_takes_the_token_out_of_the_address_and_shows_the_form() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    let user = app.new_user().await;
    let mail = reset_mail(&app, &smtp, &user.email).await;
    let token = mail.token();

    let first = Page::of(app.reset_page(path_of(&mail.link()), Headers::new()).await).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.html);
    assert_eq!(first.location.as_deref(), Some("/password/reset"));
    let forms = first.forms_cookie();
    assert!(
        !forms.contains(&token),
        "the token is in the cookie in clear"
    );

    let page = Page::of(
        app.reset_page("/password/reset", Headers::new().cookie(&forms))
            .await,
    )
    .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    assert!(
        page.html.contains(r#"action="/auth/password/reset""#),
        "{}",
        page.html
    );
    assert!(page.html.contains(r#"name="password""#), "{}", page.html);
    assert!(!page.html.contains(&token), "the token is in the page");
    assert!(!page.csrf().is_empty());
}

#[actix_web::test]
async fn a_link_that_does_not_work_shows_the_400_page() {
    let app = spawn_app().await;
    let unknown = format!("/password/reset?token={}", "A".repeat(43));
    for path in [unknown.as_str(), "/password/reset?token=garbage"] {
        let page = open_link(&app, path).await;
        assert_invalid_link_page(&page, path);
    }
    // No token at all: not a link.
    let page = Page::of(app.reset_page("/password/reset", Headers::new()).await).await;
    assert_invalid_link_page(&page, "no token");
}

#[actix_web::test]
async fn the_reset_form_sets_the_password_and_sends_to_sign_in_with_a_notice() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    let user = app.new_user().await;
    let laptop = app.sign_in(&user.email).await;
    let mail = reset_mail(&app, &smtp, &user.email).await;
    let page = open_link(&app, &mail.link()).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    let forms = page.forms_cookie();
    let csrf = page.csrf();

    // A weak password: the page again with the error, the link still good.
    let weak = Page::of(
        app.reset_password_form(&forms, &[("password", "sh0rt!"), ("csrf", &csrf)])
            .await,
    )
    .await;
    assert_eq!(
        weak.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        weak.html
    );
    // The error beside its field, which says so to assistive technology.
    assert!(
        weak.html
            .contains(r#"<p class="field-error" id="password-error">"#)
            && weak
                .html
                .contains(r#"aria-describedby="password-hint password-error""#)
            && weak.html.contains(r#"aria-invalid="true""#),
        "{}",
        weak.html
    );
    assert!(weak.html.contains(r#"action="/auth/password/reset""#));
    let forms = weak.forms_cookie.clone().unwrap_or(forms);

    let done = Page::of(
        app.reset_password_form(&forms, &[("password", NEW_PASSWORD), ("csrf", &csrf)])
            .await,
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
    assert_eq!(done.location.as_deref(), Some("/login"));
    let forms = done.forms_cookie.clone().unwrap_or(forms);
    let login = Page::of(
        app.send_raw(Method::GET, "/login", Headers::new().cookie(&forms), None)
            .await,
    )
    .await;
    assert!(
        login.html.contains("Your password was reset."),
        "{}",
        login.html
    );

    assert_login(&app, &user.email, PASSWORD, StatusCode::UNAUTHORIZED).await;
    assert_login(&app, &user.email, NEW_PASSWORD, StatusCode::OK).await;
    assert_all_ended(&app, &[&user, &laptop]).await;
    // Used: the link no longer works.
    assert_invalid_link_page(&open_link(&app, &mail.link()).await, "a used link");
}

#[actix_web::test]
async fn the_reset_form_without_its_csrf_token_is_403_and_changes_nothing() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    let user = app.new_user().await;
    let mail = reset_mail(&app, &smtp, &user.email).await;
    let page = open_link(&app, &mail.link()).await;
    let forms = page.forms_cookie();
    for csrf in [None, Some("forged")] {
        let mut form = vec![("password", NEW_PASSWORD)];
        if let Some(csrf) = csrf {
            form.push(("csrf", csrf));
        }
        let response = app.reset_password_form(&forms, &form).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{csrf:?}");
    }
    assert_login(&app, &user.email, PASSWORD, StatusCode::OK).await;
    // The link still works.
    let reset = app.reset_password(&mail.token(), NEW_PASSWORD).await;
    assert_eq!(reset.status(), StatusCode::NO_CONTENT);
}

#[actix_web::test]
async fn a_reset_sets_the_password_and_ends_every_session() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    let user = app.new_user().await;
    let laptop = app.sign_in(&user.email).await;
    let stranger = app.new_user().await;
    let mail = reset_mail(&app, &smtp, &user.email).await;

    let response = app.reset_password(&mail.token(), NEW_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_all_ended(&app, &[&user, &laptop]).await;
    assert_login(&app, &user.email, PASSWORD, StatusCode::UNAUTHORIZED).await;
    assert_login(&app, &user.email, NEW_PASSWORD, StatusCode::OK).await;
    assert_eq!(
        app.me(&stranger.access_token).await.status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn a_link_works_once() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    let user = app.new_user().await;
    let mail = reset_mail(&app, &smtp, &user.email).await;
    let first = app.reset_password(&mail.token(), NEW_PASSWORD).await;
    assert_eq!(first.status(), StatusCode::NO_CONTENT);
    let again = app
        .reset_password(&mail.token(), "another new passphrase")
        .await;
    assert_error(again, StatusCode::BAD_REQUEST, "invalid_reset_token").await;
    assert_login(&app, &user.email, NEW_PASSWORD, StatusCode::OK).await;
    assert_invalid_link_page(&open_link(&app, &mail.link()).await, "a used link");
}

#[actix_web::test]
async fn a_weak_password_is_422_and_leaves_the_link_usable() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    let user = app.new_user().await;
    let laptop = app.sign_in(&user.email).await;
    let mail = reset_mail(&app, &smtp, &user.email).await;
    let too_long = "x".repeat(73);
    for weak in ["sh0rt!", too_long.as_str()] {
        let response = app.reset_password(&mail.token(), weak).await;
        assert_error(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_password",
        )
        .await;
    }
    // Nothing happened.
    assert_eq!(app.me(&laptop.access_token).await.status(), StatusCode::OK);
    assert_login(&app, &user.email, PASSWORD, StatusCode::OK).await;
    let response = app.reset_password(&mail.token(), NEW_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

#[actix_web::test]
async fn an_unknown_token_is_400() {
    let app = spawn_app().await;
    for token in ["A".repeat(43), "garbage".into(), String::new()] {
        let response = app.reset_password(&token, NEW_PASSWORD).await;
        assert_error(response, StatusCode::BAD_REQUEST, "invalid_reset_token").await;
    }
}

#[actix_web::test]
async fn an_expired_link_is_refused() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |s| s.reset_ttl = Duration::from_secs(1)).await;
    let user = app.new_user().await;
    let mail = reset_mail(&app, &smtp, &user.email).await;
    sleep_ms(2100).await;
    assert_invalid_link_page(&open_link(&app, &mail.link()).await, "an expired link");
    let response = app.reset_password(&mail.token(), NEW_PASSWORD).await;
    assert_error(response, StatusCode::BAD_REQUEST, "invalid_reset_token").await;
    assert_login(&app, &user.email, PASSWORD, StatusCode::OK).await;
}

#[actix_web::test]
async fn a_link_works_until_its_time_is_up() {
    let smtp = SmtpServer::start().await;
    // Long enough for a slow mail on a busy machine; the link is used
    // well past a second, which a TTL cut to whole seconds or less would
    // not survive.
    let app = spawn_mailing(&smtp, |s| s.reset_ttl = Duration::from_secs(8)).await;
    let user = app.new_user().await;
    let mail = reset_mail(&app, &smtp, &user.email).await;
    sleep_ms(1500).await;
    let response = app.reset_password(&mail.token(), NEW_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

#[actix_web::test]
async fn a_newer_request_voids_the_older_link() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    let user = app.new_user().await;
    let older = reset_mail(&app, &smtp, &user.email).await;
    let newer = reset_mail(&app, &smtp, &user.email).await;
    assert_ne!(older.token(), newer.token());

    assert_invalid_link_page(&open_link(&app, &older.link()).await, "a superseded link");
    let response = app.reset_password(&older.token(), NEW_PASSWORD).await;
    assert_error(response, StatusCode::BAD_REQUEST, "invalid_reset_token").await;
    let response = app.reset_password(&newer.token(), NEW_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

#[actix_web::test]
async fn a_deleted_accounts_link_no_longer_works() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    let user = app.new_user().await;
    let mail = reset_mail(&app, &smtp, &user.email).await;
    let deleted = app
        .delete_account(Headers::new().bearer(&user.access_token), PASSWORD)
        .await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let response = app.reset_password(&mail.token(), NEW_PASSWORD).await;
    assert_error(response, StatusCode::BAD_REQUEST, "invalid_reset_token").await;
}

#[derive(QueryableByName)]
struct Text {
    #[diesel(sql_type = diesel::sql_types::Text)]
    text: String,
}

/// Every row of `password_resets`, each as one text (every column; bytes
/// as hex), read through the test's own connection.
fn password_reset_rows(app: &TestApp) -> Vec<String> {
    let load = |sql: &str, db: &mut TestDb| -> Vec<String> {
        let query = diesel::sql_query(sql);
        match db {
            TestDb::Sqlite(conn) => query.load::<Text>(conn),
            TestDb::Postgres(conn) => query.load::<Text>(conn),
        }
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .into_iter()
        .map(|row| row.text)
        .collect()
    };
    let mut db = app.database();
    match db {
        TestDb::Sqlite(_) => {
            let columns = load(
                "SELECT name AS text FROM pragma_table_info('password_resets')",
                &mut db,
            );
            assert!(!columns.is_empty(), "no table password_resets");
            let row = columns
                .iter()
                .map(|c| format!("quote(\"{c}\")"))
                .collect::<Vec<_>>()
                .join(" || '|' || ");
            load(
                &format!("SELECT {row} AS text FROM password_resets"),
                &mut db,
            )
        }
        TestDb::Postgres(_) => load(
            "SELECT password_resets::text AS text FROM password_resets",
            &mut db,
        ),
    }
}

#[actix_web::test]
async fn only_a_hash_of_the_token_is_stored() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    let user = app.new_user().await;
    let mail = reset_mail(&app, &smtp, &user.email).await;
    let token = mail.token();
    let rows = password_reset_rows(&app);
    assert_eq!(rows.len(), 1, "{rows:?}");
    let hex = |bytes: &[u8]| -> String { bytes.iter().map(|b| format!("{b:02x}")).collect() };
    let forms_of_the_token = [
        token.clone(),
        hex(token.as_bytes()),
        hex(&URL_SAFE_NO_PAD.decode(&token).expect("base64url")),
    ];
    for row in &rows {
        let row = row.to_lowercase();
        for form in &forms_of_the_token {
            assert!(
                !row.contains(&form.to_lowercase()),
                "the token is stored: {row}"
            );
        }
    }
    // And the row is the link's: using it removes or spends it.
    let reset = app.reset_password(&token, NEW_PASSWORD).await;
    assert_eq!(reset.status(), StatusCode::NO_CONTENT);
}
