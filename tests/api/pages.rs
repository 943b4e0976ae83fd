//! The pages and forms as HTTP: redirects, the 401 page, CSRF, static files.
//! (What they do in a browser is tested in tests/browser.)

use reqwest::StatusCode;

use crate::helpers::*;

#[actix_web::test]
async fn the_root_sends_signed_in_users_to_the_profile_and_others_to_sign_in() {
    let app = spawn_app().await;
    let response = app.home(Headers::new()).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/login");

    let user = app.new_user().await;
    let response = app
        .home(Headers::new().access_cookie(&user.access_token))
        .await;
    assert_eq!(response.headers()["location"], "/profile");
}

#[actix_web::test]
async fn the_profile_without_a_valid_token_is_a_401_page_that_loads_the_script() {
    let app = spawn_app().await;
    let response = app.profile(Headers::new()).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let html = response.text().await.unwrap();
    assert!(html.contains("/static/auth.js?v="), "{html}");
    assert!(html.contains(r#"url=/login?next=/profile"#), "{html}");
}

#[actix_web::test]
async fn the_profile_shows_the_user_with_a_valid_access_cookie() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let response = app
        .profile(Headers::new().access_cookie(&user.access_token))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let html = response.text().await.unwrap();
    assert!(html.contains(&user.email));
    assert!(html.contains("this device"));
    assert!(html.contains(r#"name="sesame-access-expires-in""#));
}

#[actix_web::test]
async fn login_keeps_only_a_local_next() {
    let app = spawn_app().await;
    let html = app
        .login_page_with_next("/profile")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains(r#"name="next" value="/profile""#));
    let html = app
        .login_page_with_next("//evil.example")
        .await
        .text()
        .await
        .unwrap();
    assert!(!html.contains(r#"name="next""#));
}

#[actix_web::test]
async fn a_query_that_names_next_twice_still_gets_the_sign_in_and_sign_up_pages() {
    let app = spawn_app().await;
    for response in [
        app.login_page_with_next("/profile&next=/elsewhere").await,
        app.register_page_with_next("/profile&next=/elsewhere")
            .await,
    ] {
        assert_eq!(response.status(), StatusCode::OK);
        let content_type = response.headers()["content-type"].to_str().unwrap();
        assert!(content_type.starts_with("text/html"), "{content_type}");
        let html = response.text().await.unwrap();
        assert!(html.contains(r#"name="next" value="/profile""#), "{html}");
    }
}

#[actix_web::test]
async fn a_form_post_without_this_browsers_csrf_token_gets_403_and_does_nothing() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let (form_cookie, _) = form_session(app.register_page()).await;
    let (_, other_browsers_token) = form_session(app.register_page()).await;
    let session_id = session_of(&user.access_token);
    let cookies = format!(
        "{form_cookie}; accessToken={}; refreshToken={}",
        user.access_token, user.refresh_token
    );
    let revoke = format!("/profile/sessions/{session_id}/revoke");
    // Each form: its path, its fields but the CSRF token, how to post it.
    type Form<'a> = (
        &'a str,
        Vec<(&'a str, &'a str)>,
        &'a dyn Fn(&[(&str, &str)]) -> Request,
    );
    let posts: [Form; 5] = [
        (
            "/auth/register",
            vec![
                ("name", "Eve"),
                ("email", "eve@example.com"),
                ("password", PASSWORD),
            ],
            &|form| app.register_form(&cookies, form),
        ),
        (
            "/auth/login",
            vec![("email", user.email.as_str()), ("password", PASSWORD)],
            &|form| app.login_form(&cookies, form),
        ),
        ("/auth/logout", vec![], &|form| {
            app.logout_form(&cookies, form)
        }),
        ("/auth/logout-all", vec![], &|form| {
            app.logout_all_form(&cookies, form)
        }),
        (revoke.as_str(), vec![], &|form| {
            app.revoke_session_form(&session_id, &cookies, form)
        }),
    ];
    for (path, fields, post) in posts {
        for token in [None, Some("forged"), Some(other_browsers_token.as_str())] {
            let mut form = fields.clone();
            if let Some(token) = token {
                form.push(("csrf", token));
            }
            let response = post(&form).await;
            assert_eq!(
                response.status(),
                StatusCode::FORBIDDEN,
                "{path} with {token:?}"
            );
        }
    }
    assert_eq!(app.me(&user.access_token).await.status(), StatusCode::OK);
    assert_eq!(
        app.login("eve@example.com", PASSWORD).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[actix_web::test]
async fn revoking_a_session_that_is_not_the_users_is_404() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let stranger = app.new_user().await;
    let strangers_session = session_of(&stranger.access_token);
    let (form_cookie, csrf) = form_session(app.login_page()).await;
    let cookies = format!("{form_cookie}; accessToken={}", user.access_token);
    let response = app
        .revoke_session_form(&strangers_session, &cookies, &[("csrf", &csrf)])
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        app.me(&stranger.access_token).await.status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn the_revoke_form_ends_the_session_and_returns_to_the_profile() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let laptop = app.sign_in(&user.email).await;
    let laptop_session = session_of(&laptop.access_token);
    let (form_cookie, csrf) = form_session(app.login_page()).await;
    let cookies = format!("{form_cookie}; accessToken={}", user.access_token);
    let response = app
        .revoke_session_form(&laptop_session, &cookies, &[("csrf", &csrf)])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], "/profile");
    assert_eq!(
        app.me(&laptop.access_token).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[actix_web::test]
async fn static_files_are_built_in_and_cached_for_long_under_the_pages_urls() {
    let app = spawn_app().await;
    let page = app.login_page().await.text().await.unwrap();
    let urls: Vec<&str> = page
        .split(['"', '\''])
        .filter(|part| part.starts_with("/static/") && part.contains("?v="))
        .collect();
    assert_eq!(
        urls.len(),
        4,
        "icon, stylesheet, script and the passkeys' script: {urls:?}"
    );
    for url in urls {
        let name = url.strip_prefix("/static/").unwrap();
        let response = app.static_file(name).await;
        assert_eq!(response.status(), StatusCode::OK, "{url}");
        assert_eq!(
            response.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
    }
    for (name, content_type) in [
        ("auth.js", "text/javascript"),
        ("style.css", "text/css"),
        ("profile.js", "text/javascript"),
        ("passkeys.js", "text/javascript"),
    ] {
        // Without the page's version it is revalidated: it may have changed.
        let response = app.static_file(&format!("{name}?v=old")).await;
        assert_eq!(response.status(), StatusCode::OK, "{name}");
        assert!(response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with(content_type));
        assert_eq!(response.headers()["cache-control"], "no-cache");
    }
    for name in ["auth.js", "passkeys.js"] {
        let script = app.static_file(name).await.text().await.unwrap();
        assert!(
            !script.contains("localStorage.") && !script.contains("sessionStorage."),
            "no Web Storage in {name}"
        );
    }
    let response = app.static_file("nope.js").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn without_script_the_profile_times_read_in_utc_inside_time_elements() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let response = app
        .profile(Headers::new().access_cookie(&user.access_token))
        .await;
    let html = response.text().await.unwrap();
    // Member since, the session's two times and the expiry: the script
    // shows each in the browser's zone; this text is the fallback.
    let times: Vec<&str> = html.split(" datetime=\"").skip(1).collect();
    assert_eq!(times.len(), 4, "{html}");
    for time in times {
        let (datetime, rest) = time.split_once('"').unwrap();
        assert!(datetime.ends_with('Z'), "{datetime}");
        let text = rest
            .split_once('>')
            .unwrap()
            .1
            .split("</time>")
            .next()
            .unwrap();
        let day = &datetime[..10];
        assert!(text.starts_with(day), "{text}");
        assert!(text == day || text.ends_with(" UTC"), "{text}");
    }
}
