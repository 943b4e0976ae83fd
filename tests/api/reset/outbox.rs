//! The outbox the reset mail goes through: a flood for a refusing domain
//! holds up no one else's mail, a mail accepted outlives a restart, a mail
//! that keeps failing is tried with growing pauses until
//! `--mail-retry-for`, and the mail never quotes the account's name.

use futures::future::join_all;

use super::*;

/// A recipient domain whose mail server answers 450 (try again later).
const REFUSING: &str = "refusing.test";

/// Registers an account for each of `emails`, a few at a time.
async fn register_all(app: &TestApp, emails: &[String]) {
    for chunk in emails.chunks(16) {
        let answers =
            join_all(chunk.iter().map(|email| async move {
                app.register("Test User", email, PASSWORD).await.status()
            }))
            .await;
        assert!(
            answers.iter().all(|s| *s == StatusCode::CREATED),
            "{answers:?}"
        );
    }
}

/// Registers an account at an address the SMTP server accepts (its
/// verification mail goes), then moves it to `email` in the database: the
/// refusals counted at `email` are then the reset mail's alone.
async fn register_then_move_to(app: &TestApp, email: &str) -> TestUser {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::Text)]
        id: String,
    }
    let accepted = format!("moving-{}@accepted.test", uuid::Uuid::new_v4().simple());
    let response = app.register("Test User", &accepted, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let user = TestUser::from_sign_in(email, response).await;
    let moved = app.database().row::<Id>(&format!(
        "UPDATE users SET email = '{email}' WHERE id = '{}' RETURNING id",
        user.id
    ));
    assert_eq!(moved.id, user.id);
    user
}

/// Rows in the outbox, read through the test's own connection.
fn outbox_rows(app: &TestApp) -> i64 {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        count: i64,
    }
    app.database()
        .row::<Count>("SELECT COUNT(*) AS count FROM mail_outbox")
        .count
}

#[actix_web::test]
async fn a_flood_of_requests_for_a_refusing_domain_does_not_hold_up_another_accounts_mail() {
    let smtp = SmtpServer::start_refusing(REFUSING).await;
    let app = spawn_mailing(&smtp, |s| {
        s.register_max_per_ip = 1000;
        s.login_max_failures_per_ip = 1000;
    })
    .await;
    let flood: Vec<String> = (0..300).map(|n| format!("flood-{n}@{REFUSING}")).collect();
    register_all(&app, &flood).await;
    let victim = app.new_user().await;

    let app = &app;
    for chunk in flood.chunks(16) {
        let answers = join_all(
            chunk
                .iter()
                .map(|email| async move { app.forgot_password(email).await.status() }),
        )
        .await;
        assert!(
            answers.iter().all(|s| *s == StatusCode::ACCEPTED),
            "{answers:?}"
        );
    }
    // The refusing domain is being tried…
    let deadline = Instant::now() + MAIL_WAIT;
    while smtp.refusals() == 0 {
        assert!(
            Instant::now() < deadline,
            "the refusing domain is never tried"
        );
        sleep_ms(25).await;
    }
    // …and the victim's mail still comes at once.
    let asked = Instant::now();
    let response = app.forgot_password(&victim.email).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let mail = smtp
        .next_mail_to(&victim.email, Duration::from_secs(5))
        .await;
    println!("the victim's mail came in {:?}", asked.elapsed());
    let reset = app.reset_password(&mail.token(), NEW_PASSWORD).await;
    assert_eq!(reset.status(), StatusCode::NO_CONTENT);
}

#[actix_web::test]
async fn a_mail_accepted_before_a_restart_is_sent_after_it() {
    // The first server refuses the account's domain for now; the service
    // restarts pointed at one that accepts.
    let refusing = SmtpServer::start_refusing("example.com").await;
    let app = spawn_mailing(&refusing, |_| {}).await;
    let user = app.new_user().await;
    let response = app.forgot_password(&user.email).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let deadline = Instant::now() + MAIL_WAIT;
    while refusing.refusals_of(&user.email).is_empty() {
        assert!(Instant::now() < deadline, "the mail is never tried");
        sleep_ms(25).await;
    }

    let accepting = SmtpServer::start().await;
    let app = app.restart_with(|s| accepting.configure(s)).await;
    let mail = accepting.next_mail_to(&user.email, MAIL_WAIT).await;
    let reset = app.reset_password(&mail.token(), NEW_PASSWORD).await;
    assert_eq!(reset.status(), StatusCode::NO_CONTENT);
    assert_eq!(outbox_rows(&app), 0, "sent, the row is gone");
}

#[actix_web::test]
async fn a_mail_that_keeps_failing_is_tried_with_growing_pauses_then_given_up() {
    let smtp = SmtpServer::start_refusing(REFUSING).await;
    let app = spawn_mailing(&smtp, |s| s.mail_retry_for = Duration::from_secs(6)).await;
    let email = format!("ada@{REFUSING}");
    register_then_move_to(&app, &email).await;
    let response = app.forgot_password(&email).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);

    // Given up 6 s after it was asked for; then nothing more comes.
    sleep_ms(8_000).await;
    let tries = smtp.refusals_of(&email);
    sleep_ms(3_000).await;
    assert_eq!(
        smtp.refusals_of(&email).len(),
        tries.len(),
        "tried after 6 s"
    );
    assert_eq!(outbox_rows(&app), 0, "given up, the row is gone");

    // At 0, 1, 3 and 6 s: pauses that grow.
    assert!((3..=5).contains(&tries.len()), "{} tries", tries.len());
    let pauses: Vec<Duration> = tries.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(
        pauses[0] >= Duration::from_millis(800),
        "the first pause: {pauses:?}"
    );
    for pair in pauses.windows(2) {
        assert!(
            pair[1] + Duration::from_millis(300) >= pair[0],
            "pauses shrink: {pauses:?}"
        );
    }
    assert!(
        pauses.last() > pauses.first(),
        "pauses do not grow: {pauses:?}"
    );
}

#[actix_web::test]
async fn the_reset_mail_never_quotes_the_accounts_name() {
    let smtp = SmtpServer::start().await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    let name = "Support: call 555-0100";
    let response = app.register(name, "ada@example.com", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let mail = reset_mail(&app, &smtp, "ada@example.com").await;
    for (part, text) in [
        ("the text", mail.text()),
        ("the HTML", mail.html.as_deref().expect("a text/html part")),
        ("To", mail.to.as_deref().unwrap_or_default()),
        ("Subject", mail.subject.as_deref().unwrap_or_default()),
    ] {
        assert!(
            // Not "555" alone: a link's port or token may hold it.
            !text.contains("Support") && !text.contains("555-0100"),
            "{part} quotes the name: {text}"
        );
    }
    assert_eq!(mail.to.as_deref(), Some("ada@example.com"));
}

#[actix_web::test]
async fn a_password_change_drops_a_reset_mail_still_waiting() {
    let smtp = SmtpServer::start_refusing("example.com").await;
    let app = spawn_mailing(&smtp, |_| {}).await;
    let user = register_then_move_to(&app, "ada@example.com").await;
    let response = app.forgot_password(&user.email).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let deadline = Instant::now() + MAIL_WAIT;
    while smtp.refusals_of(&user.email).is_empty() {
        assert!(Instant::now() < deadline, "the mail is never tried");
        sleep_ms(25).await;
    }
    let changed = app
        .change_password(
            Headers::new().bearer(&user.access_token),
            PASSWORD,
            NEW_PASSWORD,
        )
        .await;
    assert_eq!(changed.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        outbox_rows(&app),
        0,
        "the link asked for before is not sent"
    );
    // An attempt under way at the change may still reach the server; no
    // other comes after it (the pauses would have brought one within 2 s).
    let tried = smtp.refusals_of(&user.email).len();
    sleep_ms(NO_MAIL_WAIT.as_millis() as u64).await;
    let after = smtp.refusals_of(&user.email).len();
    assert!(after <= tried + 1, "tried again: {tried} then {after}");
}
