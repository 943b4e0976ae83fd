//! The owner's verified address hears of every change to the account's
//! second factors (turned on, off, new recovery codes), by a mail put in
//! the outbox by the change's own transaction; an unverified one does not.

use diesel::RunQueryDsl;

use super::*;

const SUBJECT: &str = "The sign-in of your sesame account changed";
const WAIT: Duration = Duration::from_secs(15);

/// Marks the address verified, as opening its link would.
fn verify(app: &TestApp, user: &TestUser) {
    let sql = format!(
        "UPDATE users SET email_verified = TRUE WHERE id = '{}'",
        user.id
    );
    let query = diesel::sql_query(&sql);
    match &mut app.database() {
        TestDb::Sqlite(conn) => query.execute(conn),
        TestDb::Postgres(conn) => query.execute(conn),
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

#[actix_web::test]
async fn turning_totp_on_and_off_and_new_recovery_codes_each_mail_the_verified_address() {
    let smtp = SmtpServer::start().await;
    let app = spawn_app_with(|s| smtp.configure(s)).await;
    let user = app.new_user().await;
    verify(&app, &user);
    let email = user.email.clone();
    let enrolled = totp_on(&app, user).await;

    let on = smtp.next_mail_to(&email, WAIT).await;
    assert_eq!(on.subject.as_deref(), Some(SUBJECT));
    assert!(
        on.text().contains("authenticator app was turned on"),
        "{}",
        on.text()
    );
    assert!(on.text().contains("/password/forgot"), "{}", on.text());
    assert!(!on.text().contains(&enrolled.secret), "never the key");

    let token = &enrolled.user.access_token;
    let made = app.new_recovery_codes(token, PASSWORD).await;
    assert_eq!(made.status(), StatusCode::OK);
    let codes = smtp.next_mail_to(&email, WAIT).await;
    assert!(
        codes.text().contains("new recovery codes were made"),
        "{}",
        codes.text()
    );

    let off = app.disable_totp(token, PASSWORD).await;
    assert_eq!(off.status(), StatusCode::NO_CONTENT);
    let off = smtp.next_mail_to(&email, WAIT).await;
    assert!(
        off.text().contains("authenticator app was turned off"),
        "{}",
        off.text()
    );
}

#[actix_web::test]
async fn an_unverified_address_is_not_mailed_about_a_second_factor() {
    let smtp = SmtpServer::start().await;
    let app = spawn_app_with(|s| smtp.configure(s)).await;
    let user = app.new_user().await;
    let email = user.email.clone();
    totp_on(&app, user).await;
    smtp.no_mail_to(&email, Duration::from_secs(2)).await;
}
