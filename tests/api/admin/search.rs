//! Users found by email or name, in any case, 50 a page, oldest first.

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::helpers::*;

async fn users(app: &TestApp, admin: &TestUser, query: &str) -> Value {
    let path = format!("/api/admin/users{query}");
    let response = app
        .admin_api(Method::GET, &path, &admin.access_token, None)
        .await;
    json_of(response, StatusCode::OK).await
}

fn emails(body: &Value) -> Vec<String> {
    body["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|user| user["email"].as_str().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn sixty_users_are_two_pages_of_fifty_oldest_first() {
    let app = spawn_app_with(|s| s.register_max_per_ip = 1000).await;
    let admin = app.new_admin().await;
    let mut made = vec![admin.email.clone()];
    for _ in 0..59 {
        made.push(app.new_user().await.email);
    }

    let first = users(&app, &admin, "").await;
    assert_eq!(
        (first["page"].as_u64(), first["pages"].as_u64()),
        (Some(1), Some(2))
    );
    assert_eq!(first["total"], 60);
    let second = users(&app, &admin, "?page=2").await;
    let mut listed = emails(&first);
    assert_eq!(listed.len(), 50);
    listed.extend(emails(&second));
    assert_eq!(listed, made);

    // The page shows the same, with its paging links.
    let page = app.admin_page("/admin", &admin).await;
    assert!(
        page.html.contains(r#"href="/admin?page=2""#),
        "{}",
        page.html
    );
    let page = app.admin_page("/admin?page=2", &admin).await;
    assert!(page.html.contains(&made[59]));
    assert!(!page.html.contains(&format!(">{}<", made[0])));
}

#[actix_web::test]
async fn the_search_matches_email_or_name_in_any_case_and_wildcards_as_themselves() {
    let app = spawn_app().await;
    let admin = app.new_admin().await;
    let register = |name: &'static str, email: &'static str| {
        let app = &app;
        async move {
            let response = app.register(name, email, PASSWORD).await;
            assert_eq!(response.status(), StatusCode::CREATED);
        }
    };
    register("Ada Lovelace", "ada@example.com").await;
    register("Grace Hopper", "grace_h@example.com").await;
    register("Alan Turing", "gracehx@example.com").await;

    assert_eq!(
        emails(&users(&app, &admin, "?query=LOVELACE").await),
        ["ada@example.com"]
    );
    assert_eq!(
        emails(&users(&app, &admin, "?query=ADA%40").await),
        ["ada@example.com"]
    );
    assert_eq!(
        emails(&users(&app, &admin, "?query=grace_").await),
        ["grace_h@example.com"]
    );
    assert!(emails(&users(&app, &admin, "?query=%25%25").await).is_empty());
    let none = users(&app, &admin, "?query=nobody").await;
    assert_eq!(
        (none["total"].as_u64(), none["pages"].as_u64()),
        (Some(0), Some(1))
    );

    let page = app.admin_page("/admin?query=hopper", &admin).await;
    assert!(page.html.contains("grace_h@example.com"), "{}", page.html);
    assert!(!page.html.contains("ada@example.com"));
}
