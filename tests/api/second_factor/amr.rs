//! What a sign-in proved: `amr` in access tokens (kept by refresh), and
//! `Remote-Amr` and `?mfa=1` at `/auth/verify`.

use super::*;

/// The `Remote-Amr` values of a 200 from `/auth/verify`, sorted.
fn remote_amr(response: &Response) -> Vec<String> {
    assert_eq!(response.status(), StatusCode::OK);
    let value = response
        .headers()
        .get("remote-amr")
        .unwrap_or_else(|| panic!("a Remote-Amr header: {:?}", response.headers()))
        .to_str()
        .expect("ASCII");
    let mut values: Vec<String> = value.split(',').map(|v| v.trim().to_owned()).collect();
    values.sort();
    values
}

#[actix_web::test]
async fn a_password_sign_in_carries_amr_pwd() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    assert_eq!(amr_of(&user.access_token), sorted(&["pwd"]), "sign-up");
    let login = app.sign_in(&user.email).await;
    assert_eq!(amr_of(&login.access_token), sorted(&["pwd"]), "login");
}

#[actix_web::test]
async fn a_totp_sign_in_carries_pwd_otp_mfa_and_a_refresh_keeps_it() {
    let app = spawn_app().await;
    let enrolled = user_with_totp(&app).await;
    let code = enrolled.next_code().await;
    let signed_in = sign_in_with_code(&app, &enrolled.user.email, &code).await;
    let two_factors = sorted(&["pwd", "otp", "mfa"]);
    assert_eq!(amr_of(&signed_in.access_token), two_factors);

    let refreshed = app.refresh_with_body(signed_in.refresh_token()).await;
    assert_eq!(refreshed.status(), StatusCode::OK);
    let refreshed: SignInBody = refreshed.json().await.unwrap();
    assert_eq!(amr_of(&refreshed.access_token), two_factors, "refreshed");
    // The session that turned TOTP on was a password's: it stays so.
    let old = app.refresh_with_body(&enrolled.user.refresh_token).await;
    assert_eq!(old.status(), StatusCode::OK);
    let old: SignInBody = old.json().await.unwrap();
    assert_eq!(amr_of(&old.access_token), sorted(&["pwd"]));
}

#[actix_web::test]
async fn a_recovery_code_sign_in_carries_pwd_otp_mfa() {
    let app = spawn_app().await;
    let enrolled = user_with_totp(&app).await;
    let code = &enrolled.recovery_codes[0];
    let signed_in = sign_in_with_code(&app, &enrolled.user.email, code).await;
    assert_eq!(
        amr_of(&signed_in.access_token),
        sorted(&["pwd", "otp", "mfa"])
    );
}

#[actix_web::test]
async fn verify_gives_remote_amr_and_mfa_1_lets_in_only_a_second_step() {
    let app = spawn_app().await;
    let enrolled = user_with_totp(&app).await;
    let password_only = Headers::new().bearer(&enrolled.user.access_token);
    let response = app.verify(password_only.clone()).await;
    assert_eq!(remote_amr(&response), sorted(&["pwd"]));
    let response = app.verify_mfa(password_only).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(response.headers().get("remote-user").is_none());

    let code = enrolled.next_code().await;
    let signed_in = sign_in_with_code(&app, &enrolled.user.email, &code).await;
    for headers in [
        Headers::new().bearer(&signed_in.access_token),
        Headers::new().access_cookie(&signed_in.access_token),
    ] {
        let response = app.verify(headers.clone()).await;
        assert_eq!(remote_amr(&response), sorted(&["pwd", "otp", "mfa"]));
        let response = app.verify_mfa(headers).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["remote-user"], enrolled.user.id.as_str());
    }
}
