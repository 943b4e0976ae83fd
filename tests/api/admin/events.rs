//! Every admin action is a stored event naming its actor, listed on the
//! user's page and at `/admin/events`, filtered by event and user.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::*;

async fn events(app: &TestApp, admin: &TestUser, query: &str) -> Vec<Value> {
    let path = format!("/api/admin/events{query}");
    let response = app
        .admin_api(Method::GET, &path, &admin.access_token, None)
        .await;
    let body = json_of(response, StatusCode::OK).await;
    body["events"].as_array().unwrap().clone()
}

#[actix_web::test]
async fn admin_actions_are_events_naming_the_actor_listed_and_filtered() {
    let app = spawn_app().await;
    let admin = app.new_admin().await;
    let user = app.new_user().await;
    let other = app.new_user().await;
    let token = &admin.access_token;
    let roles = json!({"roles": ["editor"]});
    let user_path = format!("/api/admin/users/{}", user.id);
    let done = [
        app.admin_api(
            Method::PUT,
            &format!("{user_path}/roles"),
            token,
            Some(&roles),
        ),
        app.admin_api(
            Method::DELETE,
            &format!("{user_path}/sessions"),
            token,
            None,
        ),
        app.admin_api(Method::POST, &format!("{user_path}/disable"), token, None),
    ];
    for request in done {
        assert_eq!(request.await.status(), StatusCode::OK);
    }

    let of_user = events(&app, &admin, &format!("?user={}", user.id)).await;
    let names: Vec<&str> = of_user
        .iter()
        .filter(|event| event["actorId"] == json!(admin.id))
        .map(|event| event["event"].as_str().unwrap())
        .collect();
    for name in ["roles_set", "sessions_revoked", "user_disabled"] {
        assert!(names.contains(&name), "{name} not in {of_user:#?}");
    }
    assert!(of_user
        .iter()
        .all(|event| event["userId"] == json!(user.id)));
    // Newest first.
    let ids: Vec<i64> = of_user.iter().map(|e| e["id"].as_i64().unwrap()).collect();
    assert!(ids.windows(2).all(|pair| pair[0] > pair[1]), "{ids:?}");

    // (`sesame users set-roles` made the admin: an event of theirs, no actor.)
    let query = format!("?type=roles_set&user={}", user.id);
    let roles_set = events(&app, &admin, &query).await;
    assert_eq!(roles_set.len(), 1, "{roles_set:#?}");
    assert_eq!(roles_set[0]["detail"], "roles=editor");
    let of_other = events(&app, &admin, &format!("?user={}&type=roles_set", other.id)).await;
    assert!(of_other.is_empty(), "{of_other:#?}");

    // The pages list them too: the user's page and /admin/events.
    let page = app
        .admin_page(&format!("/admin/users/{}", user.id), &admin)
        .await;
    assert!(page.html.contains("roles_set"), "{}", page.html);
    assert!(page.html.contains(&admin.id));
    let page = app
        .admin_page("/admin/events?type=user_disabled", &admin)
        .await;
    assert!(page.html.contains("user_disabled"), "{}", page.html);
    assert!(!page.html.contains("roles_set"));
}

#[actix_web::test]
async fn events_are_paged_backwards_fifty_at_a_time() {
    let app = spawn_app().await;
    let admin = app.new_admin().await;
    let user = app.new_user().await;
    let path = format!("/api/admin/users/{}/roles", user.id);
    for n in 0..55 {
        let roles = json!({"roles": [format!("role-{n}")]});
        let response = app
            .admin_api(Method::PUT, &path, &admin.access_token, Some(&roles))
            .await;
        assert_eq!(response.status(), StatusCode::OK);
    }
    let page = |query: String| {
        let (app, admin, user) = (&app, &admin, &user);
        async move {
            let path = format!("/api/admin/events?type=roles_set&user={}{query}", user.id);
            let response = app
                .admin_api(Method::GET, &path, &admin.access_token, None)
                .await;
            json_of(response, StatusCode::OK).await
        }
    };
    let newest = page(String::new()).await;
    let first = newest["events"].as_array().unwrap();
    assert_eq!(first.len(), 50);
    assert_eq!(first[0]["detail"], "roles=role-54");
    let older = newest["older"].as_i64().expect("an older page");
    let rest = page(format!("&before={older}")).await;
    let rest = rest["events"].as_array().unwrap();
    let details: Vec<&str> = rest.iter().map(|e| e["detail"].as_str().unwrap()).collect();
    assert_eq!(
        details,
        [
            "roles=role-4",
            "roles=role-3",
            "roles=role-2",
            "roles=role-1",
            "roles=role-0"
        ]
    );

    // The page links to the older events, its filter kept.
    let path = format!("/admin/events?type=roles_set&user={}", user.id);
    let html = app.admin_page(&path, &admin).await.html;
    let link = html
        .split('"')
        .find(|part| part.starts_with("/admin/events?"))
        .unwrap_or_else(|| panic!("no link to older events in {html}"));
    assert!(link.contains("type=roles_set"), "{link}");
    assert!(link.contains(&format!("user={}", user.id)), "{link}");
    assert!(link.ends_with(&format!("before={older}")), "{link}");
}
