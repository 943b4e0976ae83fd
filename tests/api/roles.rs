//! Roles: `/api/me` and access tokens carry them, `sesame users show` and
//! `sesame users set-roles` (the real binary, beside the running server, on
//! its database) read and replace them, and the profile page shows them.

use std::process::Output;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::process::run;

/// `sesame users ARGS…` on the app's database, with a clean environment.
async fn users(app: &TestApp, args: &[&str]) -> Output {
    let mut args: Vec<&str> = std::iter::once("users")
        .chain(args.iter().copied())
        .collect();
    args.extend(["--database-url", app.database_url()]);
    run(app.folder.path(), &args, &[]).await
}

/// `sesame users set-roles EMAIL ROLES`, which must succeed; its stdout.
async fn set_roles(app: &TestApp, email: &str, roles: &str) -> String {
    let output = users(app, &["set-roles", email, roles]).await;
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(0), "{stdout}{stderr}");
    stdout
}

fn texts(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

async fn me(app: &TestApp, access_token: &str) -> Value {
    let response = app.me(access_token).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// Until `/api/me` shows `roles`; fails after 5 s (the contract's bound).
async fn until_me_shows(app: &TestApp, access_token: &str, roles: Value) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let seen = me(app, access_token).await["roles"].clone();
        if seen == roles {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "/api/me still shows {seen} after 5 s, not {roles}"
        );
        sleep_ms(100).await;
    }
}

/// A refresh's new access token's `roles` claim.
async fn roles_after_refresh(app: &TestApp, refresh_token: &str) -> Value {
    let response = app.refresh_with_body(refresh_token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: SignInBody = response.json().await.unwrap();
    claims_of(&body.access_token)["roles"].clone()
}

#[actix_web::test]
async fn a_new_user_has_no_roles_in_me_and_in_the_access_token() {
    let app = spawn_app().await;
    let user = app.new_user().await;

    let body = me(&app, &user.access_token).await;
    let mut keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "createdAt",
            "email",
            "emailVerified",
            "id",
            "name",
            "roles",
            "secondFactor"
        ],
        "{body}"
    );
    assert_eq!(body["roles"], json!([]));
    assert_eq!(
        body["emailVerified"],
        json!(false),
        "nobody opened the link yet"
    );

    let claims = claims_of(&user.access_token);
    assert_eq!(claims["roles"], json!([]), "{claims}");
    assert_eq!(claims["email"], user.email.as_str(), "{claims}");
    assert_eq!(claims["email_verified"], json!(false), "{claims}");
}

#[actix_web::test]
async fn set_roles_reaches_me_within_5_s_and_the_next_access_token() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    assert_eq!(me(&app, &user.access_token).await["roles"], json!([])); // now remembered

    let printed = set_roles(&app, &user.email, "editor,admin").await;
    assert!(printed.ends_with("roles: editor,admin\n"), "{printed}");

    // The access token already held: the server reads the user again.
    until_me_shows(&app, &user.access_token, json!(["editor", "admin"])).await;
    // The next access token carries them.
    assert_eq!(
        roles_after_refresh(&app, &user.refresh_token).await,
        json!(["editor", "admin"])
    );
}

#[actix_web::test]
async fn forward_auth_groups_are_the_current_roles_not_the_tokens() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    set_roles(&app, &user.email, "editor").await;
    until_me_shows(&app, &user.access_token, json!(["editor"])).await;

    // The access token still says `[]`; the proxy is told what `/api/me` says.
    assert_eq!(claims_of(&user.access_token)["roles"], json!([]));
    let response = app
        .verify(Headers::new().access_cookie(&user.access_token))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["remote-groups"], "editor");

    // And a role taken away is taken away there too, token or not.
    set_roles(&app, &user.email, "").await;
    until_me_shows(&app, &user.access_token, json!([])).await;
    let response = app
        .verify(Headers::new().access_cookie(&user.access_token))
        .await;
    assert_eq!(response.headers()["remote-groups"], "");
}

#[actix_web::test]
async fn users_show_prints_the_id_email_name_and_roles() {
    let app = spawn_app().await;
    let user = app.new_user().await;

    let output = users(&app, &["show", &user.email]).await;
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(0), "{stdout}{stderr}");
    let expected = format!(
        "id: {}\nemail: {}\nname: Test User\nroles:\n",
        user.id, user.email
    );
    assert_eq!(stdout, expected);

    set_roles(&app, &user.email, "admin,billing-read,ops_2").await;
    // The email is found whatever its case and surrounding spaces.
    let shouted = format!(" {} ", user.email.to_uppercase());
    let output = users(&app, &["show", &shouted]).await;
    assert_eq!(output.status.code(), Some(0));
    let expected = format!(
        "id: {}\nemail: {}\nname: Test User\nroles: admin,billing-read,ops_2\n",
        user.id, user.email
    );
    assert_eq!(texts(&output).0, expected);
}

#[actix_web::test]
async fn an_empty_list_clears_the_roles() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    set_roles(&app, &user.email, "admin").await;
    until_me_shows(&app, &user.access_token, json!(["admin"])).await;

    let printed = set_roles(&app, &user.email, "").await;
    assert!(printed.ends_with("roles:\n"), "{printed}");
    until_me_shows(&app, &user.access_token, json!([])).await;
    assert_eq!(
        roles_after_refresh(&app, &user.refresh_token).await,
        json!([])
    );
}

#[actix_web::test]
async fn a_bad_role_or_an_unknown_email_is_one_line_and_status_2_and_changes_nothing() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    set_roles(&app, &user.email, "admin").await;

    let too_long = "x".repeat(33);
    let refused: [(&[&str], &str); 8] = [
        (&["set-roles", &user.email, "Admin"], "\"Admin\""),
        (&["set-roles", &user.email, "admin,,editor"], "empty role"),
        (&["set-roles", &user.email, "admin,"], "empty role"),
        (&["set-roles", &user.email, "admin, editor"], "\" editor\""),
        (&["set-roles", &user.email, &too_long], &too_long),
        (
            &["set-roles", "nobody@example.com", "admin"],
            "nobody@example.com",
        ),
        (&["show", "nobody@example.com"], "nobody@example.com"),
        (&["show", "not an email"], "not an email"),
    ];
    for (args, named) in refused {
        let output = users(&app, args).await;
        let (stdout, stderr) = texts(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stdout}{stderr}");
        assert_eq!(stdout, "", "{args:?}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
        assert!(stderr.contains(named), "{args:?}: {stderr}");
    }

    // Nothing changed: what `show` prints, and the next access token.
    let output = users(&app, &["show", &user.email]).await;
    assert!(texts(&output).0.ends_with("roles: admin\n"));
    assert_eq!(
        roles_after_refresh(&app, &user.refresh_token).await,
        json!(["admin"])
    );
}

#[actix_web::test]
async fn the_profile_page_shows_the_roles_or_none() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let roles_line = |html: &str| {
        let start = html
            .find(r#"<dd id="profile-roles">"#)
            .expect("a roles line");
        let end = start + html[start..].find("</dd>").unwrap();
        html[start..end].to_owned()
    };
    let page = || async {
        let response = app
            .profile(Headers::new().access_cookie(&user.access_token))
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        response.text().await.unwrap()
    };
    assert!(roles_line(&page().await).contains("none"));

    set_roles(&app, &user.email, "admin,editor").await;
    until_me_shows(&app, &user.access_token, json!(["admin", "editor"])).await;
    let line = roles_line(&page().await);
    assert!(line.contains("admin, editor"), "{line}");
    assert!(!line.contains("none"), "{line}");
}

/// On PostgreSQL (whatever the pass), two instances: a change made beside
/// them reaches both.
#[actix_web::test]
async fn set_roles_reaches_every_instance() {
    let url = fresh_database();
    let one = spawn_app_at(&url, |_| {}).await;
    let two = spawn_app_at(&url, |_| {}).await;
    let user = one.new_user().await;
    assert_eq!(me(&two, &user.access_token).await["roles"], json!([]));

    set_roles(&one, &user.email, "admin").await;
    until_me_shows(&one, &user.access_token, json!(["admin"])).await;
    until_me_shows(&two, &user.access_token, json!(["admin"])).await;
    assert_eq!(
        roles_after_refresh(&two, &user.refresh_token).await,
        json!(["admin"])
    );
}

#[actix_web::test]
async fn an_unknown_email_or_a_bad_role_says_what_to_do_next() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let cases: [(&[&str], &[&str]); 3] = [
        (
            &["show", "nobody@example.com"],
            &["nobody@example.com", "sign up"],
        ),
        (
            &["set-roles", "nobody@example.com", "admin"],
            &["nobody@example.com", "sign up"],
        ),
        (
            &["set-roles", &user.email, "Admin"],
            &["\"Admin\"", "a-z 0-9 _ -", "for example: admin,editors"],
        ),
    ];
    for (args, said) in cases {
        let output = users(&app, args).await;
        let (stdout, stderr) = texts(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stdout}{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        for words in said {
            assert!(stderr.contains(words), "{args:?}: {words}: {stderr}");
        }
    }
}
