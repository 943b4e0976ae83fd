//! Several instances on one PostgreSQL database (in both passes, so in
//! `tests/run.sh`'s `sqlite_only` list, as `instances::` is): a ticket,
//! a used code and wrong codes count wherever they are presented.

use futures::future::join_all;
use std::future::IntoFuture;

use super::*;

/// A database made for a test, deleted at its end.
struct Made(String);

impl Drop for Made {
    fn drop(&mut self) {
        drop_database(&self.0);
    }
}

/// Two instances on one fresh database (deleted with the `Made`).
async fn two_instances() -> (TestApp, TestApp, Made) {
    let url = fresh_database();
    let first = spawn_app_at(&url, |_| {}).await;
    let second = spawn_app_at(&url, |_| {}).await;
    (first, second, Made(url))
}

#[actix_web::test]
async fn a_ticket_of_one_instance_signs_in_on_another_and_its_code_is_used_up_everywhere() {
    let (one, other, _made) = two_instances().await;
    let enrolled = user_with_totp(&one).await;
    let email = &enrolled.user.email;
    let code = enrolled.next_code().await;
    let ticket = ticket_for(&one, email, PASSWORD).await;
    signed_in_with(&other, &ticket, &code).await;
    let response = one.second_step(&ticket, &code).await;
    assert_error(response, StatusCode::UNAUTHORIZED, "invalid_ticket").await;
    let ticket = ticket_for(&one, email, PASSWORD).await;
    let response = one.second_step(&ticket, &code).await;
    assert_error(response, StatusCode::UNAUTHORIZED, "invalid_code").await;
}

#[actix_web::test]
async fn one_code_at_once_on_two_instances_signs_in_once() {
    let (one, other, _made) = two_instances().await;
    let enrolled = user_with_totp(&one).await;
    let email = &enrolled.user.email;
    let code = enrolled.next_code().await;
    let tickets = [
        ticket_for(&one, email, PASSWORD).await,
        ticket_for(&other, email, PASSWORD).await,
    ];
    let answers = join_all([
        one.second_step(&tickets[0], &code).into_future(),
        other.second_step(&tickets[1], &code).into_future(),
    ])
    .await;
    let statuses: Vec<StatusCode> = answers.iter().map(Response::status).collect();
    let ok = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    assert_eq!(ok, 1, "{statuses:?}");
    assert!(statuses.contains(&StatusCode::UNAUTHORIZED), "{statuses:?}");
}

#[actix_web::test]
async fn wrong_codes_count_across_instances() {
    let (one, other, _made) = two_instances().await;
    let enrolled = user_with_totp(&one).await;
    let email = &enrolled.user.email;
    let code = enrolled.next_code().await;
    for (app, wrongs) in [(&one, 3), (&other, 2)] {
        let ticket = ticket_for(app, email, PASSWORD).await;
        for _ in 0..wrongs {
            let response = app.second_step(&ticket, &wrong(&code)).await;
            assert_error(response, StatusCode::UNAUTHORIZED, "invalid_code").await;
        }
    }
    let ticket = ticket_for(&one, email, PASSWORD).await;
    let response = one.second_step(&ticket, &code).await;
    assert_error(response, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;
}
