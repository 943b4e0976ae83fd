//! Which sign-ins mail an alert, and what it says.

use super::*;

#[actix_web::test]
async fn a_sign_in_from_another_browser_and_system_mails_an_alert_naming_them() {
    let smtp = SmtpServer::start().await;
    let app = spawn_alerting(&smtp, |_| {}).await;
    let user = verified_user(&app, from(FIREFOX_LINUX, "198.51.100.7")).await;

    sign_in(&app, &user, from(CHROME_ANDROID, "198.51.100.8")).await;

    let mail = alert_to(&smtp, &user.email).await;
    for body in [mail.text(), mail.html.as_deref().expect("an HTML part")] {
        assert!(body.contains("Chrome on Android"), "the device:\n{body}");
        assert!(body.contains("198.51.100.8"), "the address:\n{body}");
        assert!(body.contains("UTC"), "when:\n{body}");
        assert!(
            !body.contains("Pixel 8") && !body.contains("Mozilla") && !body.contains("KHTML"),
            "the raw User-Agent:\n{body}"
        );
        assert!(!body.contains(NAME), "the account's name:\n{body}");
        assert!(body.contains(NOT_ME_PATH), "the link:\n{body}");
    }
    assert_eq!(mail.to.as_deref(), Some(user.email.as_str()));
}

#[actix_web::test]
async fn a_sign_in_from_another_network_mails_an_alert_with_its_address() {
    let smtp = SmtpServer::start().await;
    let app = spawn_alerting(&smtp, |_| {}).await;
    let user = verified_user(&app, from(FIREFOX_LINUX, "198.51.100.7")).await;

    sign_in(&app, &user, from(FIREFOX_LINUX, "203.0.113.9")).await;

    let mail = alert_to(&smtp, &user.email).await;
    assert!(mail.text().contains("Firefox on Linux"), "{}", mail.text());
    assert!(mail.text().contains("203.0.113.9"), "{}", mail.text());
}

#[actix_web::test]
async fn a_sign_in_from_a_known_device_on_a_known_network_mails_nothing() {
    let smtp = SmtpServer::start().await;
    let app = spawn_alerting(&smtp, |_| {}).await;
    let user = verified_user(&app, from(FIREFOX_LINUX, "198.51.100.7")).await;
    // The device and network it signed up from; another address of the /24.
    sign_in(&app, &user, from(FIREFOX_LINUX, "198.51.100.200")).await;
    no_alert_to(&smtp, &user.email).await;

    // A new browser alerts once; from then on it is known.
    sign_in(&app, &user, from(SAFARI_MAC, "198.51.100.7")).await;
    let mail = alert_to(&smtp, &user.email).await;
    assert!(mail.text().contains("Safari on macOS"), "{}", mail.text());
    sign_in(&app, &user, from(SAFARI_MAC, "198.51.100.9")).await;
    no_alert_to(&smtp, &user.email).await;
}

#[actix_web::test]
async fn with_sign_in_alerts_off_no_alert_is_mailed() {
    let smtp = SmtpServer::start().await;
    let app = spawn_alerting(&smtp, |s| s.sign_in_alerts = false).await;
    let user = verified_user(&app, from(FIREFOX_LINUX, "198.51.100.7")).await;

    sign_in(&app, &user, from(CHROME_ANDROID, "203.0.113.9")).await;
    no_alert_to(&smtp, &user.email).await;

    // Turned on, the next new device is news again.
    let app = app.restart_with(|s| s.sign_in_alerts = true).await;
    sign_in(&app, &user, from(SAFARI_MAC, "192.0.2.1")).await;
    let mail = alert_to(&smtp, &user.email).await;
    assert!(mail.text().contains("Safari on macOS"), "{}", mail.text());
}

#[actix_web::test]
async fn an_unverified_address_gets_no_alert() {
    let smtp = SmtpServer::start().await;
    let app = spawn_alerting(&smtp, |_| {}).await;
    let user = sign_up(&app, from(FIREFOX_LINUX, "198.51.100.7")).await;

    sign_in(&app, &user, from(CHROME_ANDROID, "203.0.113.9")).await;
    no_alert_to(&smtp, &user.email).await;

    // Verified, a new device alerts.
    verify(&app, &user);
    sign_in(&app, &user, from(SAFARI_MAC, "192.0.2.1")).await;
    let mail = alert_to(&smtp, &user.email).await;
    assert!(mail.text().contains("192.0.2.1"), "{}", mail.text());
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

#[actix_web::test]
async fn at_most_ten_alerts_to_one_address_wait_in_the_outbox() {
    // Its domain's mail is refused for now: every alert stays waiting.
    let smtp = SmtpServer::start_refusing("example.com").await;
    let app = spawn_alerting(&smtp, |_| {}).await;
    let user = verified_user(&app, from(FIREFOX_LINUX, "198.51.100.7")).await;

    for n in 1..=12 {
        sign_in(&app, &user, from(FIREFOX_LINUX, &format!("203.0.{n}.9"))).await;
    }

    // Each tried and refused once at least: still waiting, none lost.
    let deadline = Instant::now() + MAIL_WAIT;
    while smtp.refusals() < 10 {
        assert!(Instant::now() < deadline, "the alerts are never tried");
        sleep_ms(20).await;
    }
    let waiting: Count = app
        .database()
        .row("SELECT COUNT(*) AS n FROM mail_outbox WHERE kind = 'sign_in_alert'");
    assert_eq!(waiting.n, 10);
}
