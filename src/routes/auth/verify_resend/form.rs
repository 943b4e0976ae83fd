use actix_web::{web, FromRequest, HttpRequest, HttpResponse};

use super::ResendButton;
use crate::auth::Addresses;
use crate::domain::Client;
use crate::pages::{EmailNotVerifiedPage, Layout};
use crate::routes::extract::{CsrfForm, FormSession, MaybeSignedIn};
use crate::routes::form_error::FormError;
use crate::routes::respond::{see_other, sign_in_again};

const SENT: &str = "A new link is on its way to your address.";

/// `POST /auth/email/verify/resend` from the profile (303 back to it with a
/// notice) or from the page that refused an unverified address's sign-in
/// (303 to sign in with a notice); past the limits, that page again (429).
pub async fn post(
    CsrfForm(ResendButton {}): CsrfForm<ResendButton>,
    req: HttpRequest,
    client: Client,
    forms: FormSession,
    addresses: web::Data<Addresses>,
) -> Result<HttpResponse, FormError> {
    let MaybeSignedIn(principal) = MaybeSignedIn::extract(&req).await?;
    let (user_id, back) = match (principal, forms.unverified()) {
        (Some(principal), _) => (principal.user.id.clone(), "/profile"),
        (None, Some(user_id)) => (user_id, "/login"),
        (None, None) => return Ok(sign_in_again()),
    };
    match addresses.resend(&user_id, &client).await {
        Ok(()) => {
            forms.flash(SENT);
            Ok(see_other(back).finish())
        }
        Err(error) => {
            let page = EmailNotVerifiedPage {
                layout: Layout::new("Verify your address", None).answering_a_post(back, true),
                csrf: forms.context()?.csrf,
                message: error.to_string(),
            };
            Err(FormError::page(error, &page))
        }
    }
}
