//! Concurrent clients: one ticket or one code presented many times at
//! once signs in once; a sign-in racing TOTP being turned on never gets
//! a session without the second step once the confirmation has answered.

use std::future::IntoFuture;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use futures::future::join_all;

use super::*;

/// How many clients send at once: as many as the wrong-code limit allows
/// (a try is held while its code is checked, so a sixth at once may be
/// refused with 429 before its ticket is looked at).
const CLIENTS: usize = 5;

/// The statuses of `requests` sent at once, each from its own client.
async fn statuses(answers: Vec<Response>) -> Vec<(StatusCode, Value)> {
    let mut out = Vec::new();
    for response in answers {
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        out.push((status, body));
    }
    out
}

/// Asserts exactly one 200 and only 401s besides, with one of `codes`.
fn assert_one_success(answers: &[(StatusCode, Value)], codes: &[&str]) {
    let ok = answers.iter().filter(|(s, _)| *s == StatusCode::OK).count();
    assert_eq!(ok, 1, "exactly one sign-in: {answers:?}");
    for (status, body) in answers.iter().filter(|(s, _)| *s != StatusCode::OK) {
        assert_eq!(*status, StatusCode::UNAUTHORIZED, "{body}");
        let code = body["error"].as_str().unwrap_or_default();
        assert!(codes.contains(&code), "{body}");
    }
}

/// How many sessions the user has, seen from `access_token`'s.
async fn sessions_of(app: &Api, access_token: &str) -> usize {
    let response = app.sessions(access_token).await;
    assert_eq!(response.status(), StatusCode::OK);
    let rows: Vec<SessionRow> = response.json().await.unwrap();
    rows.len()
}

#[actix_web::test]
async fn one_ticket_sent_by_many_clients_at_once_signs_in_once() {
    let app = spawn_app().await;
    let enrolled = user_with_totp(&app).await;
    let ticket = ticket_for(&app, &enrolled.user.email, PASSWORD).await;
    let code = enrolled.next_code().await;
    let clients: Vec<Api> = (0..CLIENTS).map(|_| app.with_own_connections()).collect();
    let answers = join_all(
        clients
            .iter()
            .map(|c| c.second_step(&ticket, &code).into_future()),
    )
    .await;
    let answers = statuses(answers).await;
    assert_one_success(&answers, &["invalid_ticket", "invalid_code"]);
    assert_eq!(
        sessions_of(&app, &enrolled.user.access_token).await,
        2,
        "the sign-up's and one more"
    );
}

#[actix_web::test]
async fn one_totp_code_on_several_tickets_at_once_signs_in_once() {
    let app = spawn_app().await;
    let enrolled = user_with_totp(&app).await;
    let code = enrolled.next_code().await;
    let mut tickets = Vec::new();
    for _ in 0..4 {
        tickets.push(ticket_for(&app, &enrolled.user.email, PASSWORD).await);
    }
    let clients: Vec<Api> = (0..tickets.len())
        .map(|_| app.with_own_connections())
        .collect();
    let sends = clients
        .iter()
        .zip(&tickets)
        .map(|(client, ticket)| client.second_step(ticket, &code).into_future());
    let answers = statuses(join_all(sends).await).await;
    assert_one_success(&answers, &["invalid_code"]);
    assert_eq!(sessions_of(&app, &enrolled.user.access_token).await, 2);
}

#[actix_web::test]
async fn one_recovery_code_on_several_tickets_at_once_signs_in_once() {
    let app = spawn_app().await;
    let enrolled = user_with_totp(&app).await;
    let code = &enrolled.recovery_codes[0];
    let mut tickets = Vec::new();
    for _ in 0..4 {
        tickets.push(ticket_for(&app, &enrolled.user.email, PASSWORD).await);
    }
    let clients: Vec<Api> = (0..tickets.len())
        .map(|_| app.with_own_connections())
        .collect();
    let sends = clients
        .iter()
        .zip(&tickets)
        .map(|(client, ticket)| client.second_step(ticket, code).into_future());
    let answers = statuses(join_all(sends).await).await;
    assert_one_success(&answers, &["invalid_code"]);
    let factors = second_factor_in_me(&app, &enrolled.user.access_token).await;
    assert_eq!(
        factors["recoveryCodesLeft"],
        serde_json::json!(9),
        "{factors}"
    );
}

/// One sign-in of the race: when it was sent, and its answer.
struct Attempt {
    sent: Instant,
    status: StatusCode,
    body: Value,
}

/// Signs in with the right password again and again until `stop`.
async fn keep_signing_in(
    app: Api,
    email: &str,
    started: &AtomicUsize,
    stop: &AtomicBool,
) -> Vec<Attempt> {
    let mut attempts = Vec::new();
    while !stop.load(Ordering::SeqCst) {
        started.fetch_add(1, Ordering::SeqCst);
        let sent = Instant::now();
        let response = app.login(email, PASSWORD).await;
        let status = response.status();
        let body: Value = response.json().await.unwrap_or(Value::Null);
        attempts.push(Attempt { sent, status, body });
    }
    attempts
}

#[actix_web::test]
async fn once_totp_is_confirmed_no_sign_in_racing_it_gets_a_session_without_the_second_step() {
    // A password check that takes a while, so that some are under way
    // while the confirmation commits.
    let app = spawn_app_with(|s| s.bcrypt_cost = 6).await;
    let user = app.new_user().await;
    let secret = enrol(&app, &user.access_token).await;
    let code = totp_code(&secret, unix_now()).await;
    let (started, stop) = (AtomicUsize::new(0), AtomicBool::new(false));
    let workers =
        (0..4).map(|_| keep_signing_in(app.with_own_connections(), &user.email, &started, &stop));
    let confirming = async {
        while started.load(Ordering::SeqCst) < 8 {
            sleep_ms(2).await;
        }
        let response = app.confirm_totp(&user.access_token, &code).await;
        assert_eq!(response.status(), StatusCode::OK);
        let answered = Instant::now();
        // Let every client start a few more sign-ins, then stop them.
        let then = started.load(Ordering::SeqCst);
        while started.load(Ordering::SeqCst) < then + 12 {
            sleep_ms(2).await;
        }
        stop.store(true, Ordering::SeqCst);
        answered
    };
    let (answered, attempts) = tokio::time::timeout(
        Duration::from_secs(60),
        futures::future::join(confirming, join_all(workers)),
    )
    .await
    .expect("the race ends within a minute");
    let attempts: Vec<Attempt> = attempts.into_iter().flatten().collect();

    let mut after = 0;
    for attempt in &attempts {
        let asked = attempt.status == StatusCode::UNAUTHORIZED
            && attempt.body["error"] == "second_factor_required";
        assert!(
            attempt.status == StatusCode::OK || asked,
            "{} {}",
            attempt.status,
            attempt.body
        );
        if attempt.sent > answered {
            after += 1;
            assert!(asked, "a sign-in after the confirmation: {}", attempt.body);
        }
        if attempt.status == StatusCode::OK {
            let token = attempt.body["accessToken"].as_str().expect("a token");
            assert_eq!(amr_of(token), sorted(&["pwd"]));
        }
    }
    assert!(after >= 12, "{after} sign-ins after the confirmation");
}
