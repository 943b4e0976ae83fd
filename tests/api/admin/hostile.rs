//! A hostile review of the console (issue 23): what an admin's actions
//! leave in the audit trail, and what strangers can make of the console.

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::helpers::*;

const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0";

#[actix_web::test]
async fn an_admins_disable_and_enable_are_events_with_the_admins_address_and_device() {
    let app = spawn_app().await;
    let admin = app.new_admin().await;
    let user = app.new_user().await;
    for action in ["disable", "enable"] {
        let path = format!("/api/admin/users/{}/{action}", user.id);
        let headers = Headers::new()
            .bearer(&admin.access_token)
            .header("User-Agent", FIREFOX);
        let response = app.send_raw(Method::POST, &path, headers, None).await;
        assert_eq!(response.status(), StatusCode::OK, "{action}");
    }

    let path = format!("/api/admin/events?user={}", user.id);
    let response = app
        .admin_api(Method::GET, &path, &admin.access_token, None)
        .await;
    let body = json_of(response, StatusCode::OK).await;
    let events = body["events"].as_array().unwrap();
    for name in ["user_disabled", "user_enabled"] {
        let event = events
            .iter()
            .find(|event| event["event"] == name)
            .unwrap_or_else(|| panic!("{name} not in {events:#?}"));
        assert_eq!(event["actorId"], Value::from(admin.id.clone()), "{name}");
        assert_eq!(event["address"], "127.0.0.1", "{name}: {event:#}");
        assert_eq!(event["device"], "Firefox on Linux", "{name}: {event:#}");
    }
}
