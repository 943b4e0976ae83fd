//! The consent page is answered only for the sign-in it was shown to:
//! another account signed in meanwhile in the same browser gets its own
//! page, and no one gets a code from the first one's "Allow".

use reqwest::StatusCode;

use super::browser::*;
use crate::helpers::*;

#[actix_web::test]
async fn allow_on_a_page_shown_to_another_account_grants_nothing_and_asks_the_new_one() {
    let app = spawn_app().await;
    let client = app.confidential_client(&[]).await;
    let ada = app.new_user().await;
    let pkce = Pkce::new();
    let path = authorize_path(&client, &pkce, &[]);
    let shown_to_ada = Page::of(
        app.send_raw(
            reqwest::Method::GET,
            &path,
            Headers::new().access_cookie(&ada.access_token),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(shown_to_ada.status, StatusCode::OK);
    assert!(shown_to_ada.html.contains(&ada.email));

    // Bob signs in in the same browser (another tab): same form session,
    // his access cookie; then Ada's page's "Allow" is pressed.
    let bob = app.new_user().await;
    let answer = Page::of(app.answer_consent(&bob, &shown_to_ada, "allow").await).await;
    let location = answer.location.clone().unwrap_or_default();
    assert!(
        !location.starts_with(REDIRECT_URI),
        "no code, no answer to the app: {location}"
    );

    // Bob is shown a consent page of his own.
    let mut browser = Browser::signed_in(&app, &bob.access_token);
    let page = if answer.status == StatusCode::SEE_OTHER {
        browser.get(&location).await
    } else {
        answer
    };
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    assert!(page.html.contains(&bob.email), "{}", page.html);
    assert!(!page.html.contains(&ada.email), "{}", page.html);

    // Neither was granted anything: both are asked again.
    for user in [&ada, &bob] {
        let again = app
            .authorize(
                Some(user),
                &[
                    ("response_type", "code"),
                    ("client_id", &client.id),
                    ("redirect_uri", REDIRECT_URI),
                    ("scope", "openid"),
                    ("code_challenge", &pkce.challenge),
                    ("code_challenge_method", "S256"),
                ],
            )
            .await;
        assert_eq!(again.status(), StatusCode::OK, "{}", user.email);
    }
}
