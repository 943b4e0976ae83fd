//! Several instances on PostgreSQL (the shared test cluster, in both passes).

use super::*;

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    count: i64,
}

/// Two instances on one fresh database of the shared cluster, each
/// `adjust`ed, once both hear each other's session changes (as
/// `instances.rs` starts them).
async fn two_instances(adjust: impl Fn(&mut Settings)) -> Vec<TestApp> {
    let url = fresh_database();
    let apps = vec![
        spawn_app_at(&url, &adjust).await,
        spawn_app_at(&url, &adjust).await,
    ];
    let deadline = Instant::now() + Duration::from_secs(10);
    let sql = "SELECT count(*) AS count FROM pg_stat_activity \
               WHERE datname = current_database() AND application_name = 'sesame-listener'";
    loop {
        let mut conn = PgConnection::establish(&url).expect("the test database");
        let listeners = diesel::sql_query(sql)
            .get_result::<Count>(&mut conn)
            .expect("a count")
            .count;
        if listeners >= 2 {
            break;
        }
        assert!(Instant::now() < deadline, "the listeners did not connect");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    apps
}

#[actix_web::test]
async fn on_two_instances_a_password_change_reset_or_deletion_on_one_is_refused_by_the_other_within_1_s(
) {
    let smtp = SmtpServer::start().await;
    let apps = two_instances(|s| smtp.configure(s)).await;
    let (a, b) = (&apps[0], &apps[1]);
    for way in ["password change", "password reset", "account deletion"] {
        let user = a.new_user().await;
        let laptop = a.sign_in(&user.email).await;
        // Remembered by the other instance.
        for _ in 0..3 {
            assert_eq!(b.me(&laptop.access_token).await.status(), StatusCode::OK);
        }
        let ended = match way {
            "password change" => {
                a.change_password(
                    Headers::new().bearer(&user.access_token),
                    PASSWORD,
                    NEW_PASSWORD,
                )
                .await
            }
            "password reset" => {
                let asked = a.forgot_password(&user.email).await;
                assert_eq!(asked.status(), StatusCode::ACCEPTED);
                let mail = smtp
                    .next_mail_to(&user.email, Duration::from_secs(15))
                    .await;
                a.reset_password(&mail.token(), NEW_PASSWORD).await
            }
            "account deletion" => {
                a.delete_account(Headers::new().bearer(&user.access_token), PASSWORD)
                    .await
            }
            _ => unreachable!(),
        };
        let ended_at = Instant::now();
        assert_eq!(ended.status(), StatusCode::NO_CONTENT, "{way}");
        loop {
            let status = b.me(&laptop.access_token).await.status();
            if status == StatusCode::UNAUTHORIZED {
                break;
            }
            assert_eq!(status, StatusCode::OK, "{way}");
            assert!(
                ended_at.elapsed() < Duration::from_secs(1),
                "{way}: the other instance still accepts an ended session 1 s later"
            );
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        println!(
            "{way}: refused by the other instance after {:?}",
            ended_at.elapsed()
        );
        // Its refresh token too, on the other instance.
        assert_eq!(
            b.refresh_with_body(&laptop.refresh_token).await.status(),
            StatusCode::UNAUTHORIZED,
            "{way}"
        );
    }
}
