//! While `--require-verified-email` hides whether an email is taken, the
//! time does not tell either.

use super::*;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

#[actix_web::test]
async fn sign_up_takes_as_long_for_a_taken_email_as_for_a_new_one() {
    let _cpu = cpu_to_myself().await;
    let smtp = SmtpServer::start().await;
    // Cost 9: bcrypt takes most of an answer, as on a real server, while
    // the rest (a debug build's HTTP and database work) is still a part a
    // different write would show in.
    let app = spawn_mailing(&smtp, |s| {
        s.require_verified_email = true;
        s.bcrypt_cost = 9;
        s.register_max_per_ip = 10_000;
    })
    .await;
    let taken_email = "owner@example.com";
    let created = app.register("Owner", taken_email, PASSWORD).await;
    assert_eq!(created.status(), StatusCode::ACCEPTED);
    // Warm up both paths.
    app.register("Someone", taken_email, PASSWORD).await;
    app.register("Someone", "warm-up@example.com", PASSWORD)
        .await;

    const PAIRS: usize = 60;
    let (mut taken, mut new) = (Vec::new(), Vec::new());
    for n in 0..PAIRS {
        let fresh = format!("new-{n}@example.com");
        let timed = |email: String| {
            let app = &app;
            async move {
                let started = Instant::now();
                let answer = app.register("Someone", &email, PASSWORD).await;
                let took = started.elapsed();
                assert_eq!(answer.status(), StatusCode::ACCEPTED, "{email}");
                took
            }
        };
        // In turns, so a slow patch of the machine weighs on both alike.
        if n % 2 == 0 {
            taken.push(timed(taken_email.to_owned()).await);
            new.push(timed(fresh).await);
        } else {
            new.push(timed(fresh).await);
            taken.push(timed(taken_email.to_owned()).await);
        }
    }
    let (taken, new) = (median(taken), median(new));
    let ratio = taken.as_secs_f64() / new.as_secs_f64();
    println!(
        "sign-up with --require-verified-email, bcrypt cost 9, {PAIRS} pairs on {:?}: \
         taken email median {taken:?}, new email median {new:?}, ratio {ratio:.3}",
        app.backend
    );
    assert!(
        (0.9..=1.1).contains(&ratio),
        "taken email {taken:?} vs new email {new:?} (ratio {ratio:.3})"
    );
}
