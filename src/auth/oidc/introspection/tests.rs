use super::*;
use crate::db::sessions::Session;
use crate::domain::IdTokenAlg;

fn app(id: &str) -> OidcClient {
    OidcClient {
        id: id.to_owned(),
        name: "App".to_owned(),
        public: false,
        redirect_uris: vec![],
        post_logout_redirect_uris: vec![],
        backchannel_logout_uri: None,
        skip_consent: false,
        id_token_alg: IdTokenAlg::default(),
        created_at: 0,
    }
}

fn token_of(client: Option<&str>, active: bool) -> TokenSession {
    TokenSession {
        session: Session {
            id: "s1".to_owned(),
            user_id: "u1".to_owned(),
            user_agent: None,
            generation: 0,
            created_at: 1_000,
            last_used_at: 2_000,
            idle_expires_at: 90_000,
            expires_at: 99_000,
            revoked_at: None,
            amr: "pwd".to_owned(),
            client_id: client.map(str::to_owned),
            scope: client.map(|_| "openid email".to_owned()),
            auth_time: None,
            app_ends_at: client.map(|_| 90_000),
        },
        email: "ann@example.com".to_owned(),
        active,
        issued_at: 2_500,
        expires_at: 90_000,
    }
}

#[test]
fn an_active_access_token_is_described_to_any_confidential_app() {
    let said = introspected(
        TokenKind::Access,
        &token_of(Some("grafana"), true),
        &app("api"),
        "https://id.example",
    );
    let token = said.token.expect("active");
    assert!(said.active);
    assert_eq!(token.client_id.as_deref(), Some("grafana"));
    assert_eq!(token.scope.as_deref(), Some("openid email"));
    assert_eq!((token.iat, token.exp), (2, 90));
    assert_eq!(token.token_type, "access_token");
    assert_eq!(token.username, "ann@example.com");
}

#[test]
fn a_refresh_token_is_active_only_to_its_own_app_and_only_while_current() {
    let ask = |client, active, asker| {
        introspected(
            TokenKind::Refresh,
            &token_of(client, active),
            &app(asker),
            "https://id.example",
        )
        .active
    };
    assert!(ask(Some("grafana"), true, "grafana"));
    assert!(!ask(Some("grafana"), true, "gitea"));
    assert!(!ask(None, true, "gitea"), "sesame's own sign-in");
    assert!(!ask(Some("grafana"), false, "grafana"), "spent or ended");
}

#[test]
fn an_inactive_token_says_nothing_but_that() {
    let said = introspected(
        TokenKind::Access,
        &token_of(Some("grafana"), false),
        &app("grafana"),
        "https://id.example",
    );
    assert_eq!(
        serde_json::to_value(&said).unwrap(),
        serde_json::json!({"active": false})
    );
}

#[test]
fn an_app_ends_only_its_own_open_sessions() {
    assert!(may_end(&token_of(Some("grafana"), true), &app("grafana")));
    assert!(may_end(&token_of(Some("grafana"), false), &app("grafana")));
    assert!(!may_end(&token_of(Some("grafana"), true), &app("gitea")));
    assert!(!may_end(&token_of(None, true), &app("gitea")));
    let mut ended = token_of(Some("grafana"), false);
    ended.session.revoked_at = Some(5);
    assert!(!may_end(&ended, &app("grafana")));
}
