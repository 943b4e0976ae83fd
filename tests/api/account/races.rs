//! Sign-ins racing the owner (issue 18, findings 1 and 2): a stranger who
//! knows the old password keeps signing in while the owner changes it,
//! resets it or deletes the account. bcrypt runs for real (cost 10) and
//! outside any transaction, so sign-ins whose check began before the
//! owner's write are still in flight when it commits; none may leave a
//! session behind, answer 500, or write the old password back.

use std::cell::Cell;

use super::*;

/// A real cost: each check takes tens of milliseconds, the race's window.
const REAL_COST: u32 = 10;
/// Sign-ins at once, the stranger's.
const LOOPS: usize = 3;
/// Each race is run this many times: one surviving session in any fails.
const ROUNDS: usize = 3;

/// The service at a real bcrypt cost, mailing to `smtp`, with room for the
/// stranger's failed guesses (the limits are not what is tested here).
async fn spawn_racing(smtp: &SmtpServer) -> TestApp {
    spawn_app_with(|s| {
        smtp.configure(s);
        s.bcrypt_cost = REAL_COST;
        s.login_max_failures = 10_000;
        s.login_max_failures_per_account = 10_000;
        s.login_max_failures_per_ip = 10_000;
    })
    .await
}

/// What the stranger's sign-ins got: the sessions opened, and every status.
#[derive(Default)]
struct Harvest {
    sessions: Vec<TestUser>,
    statuses: Vec<StatusCode>,
}

/// Signs in as `email` with `password` from `LOOPS` clients at once, over
/// and over until `stop` is set; a sign-in under way then still finishes
/// and counts (those are the ones that race).
async fn sign_in_until(app: &Api, email: &str, password: &str, stop: &Cell<bool>) -> Harvest {
    let one_loop = || async {
        let mut harvest = Harvest::default();
        while !stop.get() {
            let response = app.login(email, password).await;
            harvest.statuses.push(response.status());
            if response.status() == StatusCode::OK {
                harvest
                    .sessions
                    .push(TestUser::from_sign_in(email, response).await);
            }
        }
        harvest
    };
    let loops = futures::future::join_all((0..LOOPS).map(|_| one_loop())).await;
    loops
        .into_iter()
        .fold(Harvest::default(), |mut all, harvest| {
            all.sessions.extend(harvest.sessions);
            all.statuses.extend(harvest.statuses);
            all
        })
}

/// Runs `owner` (after the stranger has been signing in for a while) while
/// the stranger signs in with `password`; gives the owner's status and what
/// the stranger got, once every sign-in under way has finished.
async fn race<F, Fut>(app: &Api, email: &str, password: &str, owner: F) -> (StatusCode, Harvest)
where
    F: FnOnce() -> Fut,
    Fut: std::future::IntoFuture<Output = reqwest::Response>,
{
    let stop = Cell::new(false);
    let owner = async {
        sleep_ms(150).await;
        let status = owner().await.status();
        stop.set(true);
        status
    };
    let (harvest, status) = futures::join!(sign_in_until(app, email, password, &stop), owner);
    (status, harvest)
}

/// A reset link's token for `email`, as mailed.
async fn reset_token(app: &Api, smtp: &SmtpServer, email: &str) -> String {
    let response = app.forgot_password(email).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    smtp.next_mail_to(email, Duration::from_secs(15))
        .await
        .token()
}

/// Asserts that the stranger got sessions at all (else the race proved
/// nothing) and that none of them works now.
async fn assert_none_survives(app: &Api, harvest: &Harvest, what: &str) {
    assert!(
        !harvest.sessions.is_empty(),
        "{what}: the stranger never signed in before the owner's write: {:?}",
        harvest.statuses
    );
    for (n, session) in harvest.sessions.iter().enumerate() {
        assert_ended(app, session, &format!("{what}: the stranger's session {n}")).await;
    }
}

#[actix_web::test]
async fn no_sign_in_in_flight_survives_a_password_change() {
    let smtp = SmtpServer::start().await;
    let app = spawn_racing(&smtp).await;
    let user = app.new_user().await;
    let mut owner = user.clone();
    let mut current = PASSWORD.to_owned();
    for round in 0..ROUNDS {
        let next = format!("{NEW_PASSWORD} {round}");
        let (status, harvest) = race(&app, &user.email, &current, || {
            app.change_password(Headers::new().bearer(&owner.access_token), &current, &next)
        })
        .await;
        assert_eq!(status, StatusCode::NO_CONTENT, "round {round}: the change");
        assert_none_survives(&app, &harvest, &format!("round {round}")).await;
        owner = assert_alive(&app, &owner, "the owner's own session").await;
        current = next;
    }
    assert_login(&app, &user.email, &current, StatusCode::OK).await;
}

#[actix_web::test]
async fn no_sign_in_in_flight_survives_a_password_reset() {
    let smtp = SmtpServer::start().await;
    let app = spawn_racing(&smtp).await;
    let user = app.new_user().await;
    let mut current = PASSWORD.to_owned();
    for round in 0..ROUNDS {
        let token = reset_token(&app, &smtp, &user.email).await;
        let next = format!("{NEW_PASSWORD} {round}");
        let (status, harvest) = race(&app, &user.email, &current, || {
            app.reset_password(&token, &next)
        })
        .await;
        assert_eq!(status, StatusCode::NO_CONTENT, "round {round}: the reset");
        assert_none_survives(&app, &harvest, &format!("round {round}")).await;
        current = next;
    }
    assert_login(&app, &user.email, &current, StatusCode::OK).await;
}

#[actix_web::test]
async fn a_sign_in_racing_the_deletion_of_its_account_is_401_never_500() {
    let smtp = SmtpServer::start().await;
    let app = spawn_racing(&smtp).await;
    for round in 0..ROUNDS {
        let user = app.new_user().await;
        let (status, harvest) = race(&app, &user.email, PASSWORD, || {
            app.delete_account(Headers::new().bearer(&user.access_token), PASSWORD)
        })
        .await;
        assert_eq!(
            status,
            StatusCode::NO_CONTENT,
            "round {round}: the deletion"
        );
        let unexpected: Vec<_> = harvest
            .statuses
            .iter()
            .filter(|s| **s != StatusCode::OK && **s != StatusCode::UNAUTHORIZED)
            .collect();
        assert!(
            unexpected.is_empty(),
            "round {round}: every sign-in is 200 (before) or 401 (after): {:?}",
            harvest.statuses
        );
        assert_none_survives(&app, &harvest, &format!("round {round}")).await;
    }
}

#[actix_web::test]
async fn a_rehash_at_another_cost_never_writes_an_old_password_over_a_reset() {
    let smtp = SmtpServer::start().await;
    // Hashes stored at 10, then the server asks for 11: every sign-in with
    // the right password rehashes, in the window of a reset.
    let app = spawn_racing(&smtp).await;
    let mut users = Vec::new();
    for _ in 0..ROUNDS {
        users.push(app.new_user().await);
    }
    let app = app.restart_with(|s| s.bcrypt_cost = REAL_COST + 1).await;
    for (round, user) in users.iter().enumerate() {
        let token = reset_token(&app, &smtp, &user.email).await;
        // The stranger's sign-ins and the reset all start together: the
        // sign-ins read the old hash, then rehash while the reset commits.
        let sign_ins = futures::future::join_all(
            (0..LOOPS).map(|_| async { app.login(&user.email, PASSWORD).await.status() }),
        );
        let (statuses, reset) = futures::join!(sign_ins, async {
            app.reset_password(&token, NEW_PASSWORD).await
        });
        assert_eq!(
            reset.status(),
            StatusCode::NO_CONTENT,
            "round {round}: the reset"
        );
        assert!(
            statuses
                .iter()
                .all(|s| *s == StatusCode::OK || *s == StatusCode::UNAUTHORIZED),
            "round {round}: {statuses:?}"
        );
        assert_login(&app, &user.email, PASSWORD, StatusCode::UNAUTHORIZED).await;
        assert_login(&app, &user.email, NEW_PASSWORD, StatusCode::OK).await;
    }
}
