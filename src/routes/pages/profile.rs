use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};

use crate::assets;
use crate::auth::{Accounts, Principal, Sessions};
use crate::clock::{now_ms, rfc3339};
use crate::error::AppError;
use crate::pages::{
    describe_device, FieldMessages, IdentityForms, Layout, PasskeyItem, PasskeysSection,
    ProfileForm, ProfilePage, SessionRow, TotpSection,
};
use crate::routes::extract::{FormSession, MaybeSignedIn};
use crate::routes::form_error::FormError;
use crate::routes::html;

/// `GET /profile`: the signed-in user's page, or the 401 page.
pub async fn get(
    MaybeSignedIn(principal): MaybeSignedIn,
    sessions: web::Data<Sessions>,
    accounts: web::Data<Accounts>,
    forms: FormSession,
) -> Result<HttpResponse, AppError> {
    let Some(principal) = principal else {
        return html::unauthorized("/profile");
    };
    let page = page(&principal, &sessions, &accounts, &forms).await?;
    html::render(StatusCode::OK, &page)
}

/// The profile page of the signed-in user, its forms empty.
pub async fn page(
    principal: &Principal,
    sessions: &Sessions,
    accounts: &Accounts,
    forms: &FormSession,
) -> Result<ProfilePage, AppError> {
    let sessions = sessions.active_of_user(&principal.user.id).await?;
    let passkeys = accounts.passkeys_of(&principal.user.id).await?;
    let expires_at = principal.claims.exp * 1000;
    let context = forms.context()?;
    let mut layout = Layout::new("Your profile", context.flash);
    layout.access_expires_in = Some((expires_at - now_ms()).div_euclid(1000).max(0));
    Ok(ProfilePage {
        layout,
        csrf: context.csrf,
        name: principal.user.name.clone(),
        email: principal.user.email.clone(),
        email_verified: principal.user.email_verified,
        member_since_at: rfc3339(principal.user.created_at),
        member_since: readable_date(principal.user.created_at),
        roles: principal.user.roles.clone(),
        sessions: sessions
            .into_iter()
            .map(|(s, app)| SessionRow {
                current: s.id == principal.session_id(),
                device: match app {
                    Some(app) => format!("{app} (an app signed in through sesame)"),
                    None => describe_device(s.user_agent.as_deref()),
                },
                created_at: rfc3339(s.created_at),
                created: readable_time(s.created_at),
                last_used_at: rfc3339(s.last_used_at),
                last_used: readable_time(s.last_used_at),
                id: s.id,
            })
            .collect(),
        profile_script_url: assets::PROFILE_SCRIPT.url(),
        access_expires_at: rfc3339(expires_at),
        access_expires_at_text: readable_time(expires_at),
        password_error: None,
        password_errors: FieldMessages::default(),
        delete_error: None,
        identity: IdentityForms::new(&principal.user.name),
        totp: TotpSection {
            on: principal.user.second_factor.totp,
            recovery_codes_left: principal.user.second_factor.recovery_codes_left,
            ..TotpSection::default()
        },
        passkeys: PasskeysSection {
            passkeys: passkeys
                .into_iter()
                .map(|p| PasskeyItem {
                    added_at: rfc3339(p.created_at),
                    added: readable_time(p.created_at),
                    last_used: p.last_used_at.map(|at| (rfc3339(at), readable_time(at))),
                    id: p.id,
                    name: p.name,
                })
                .collect(),
            script_url: assets::PASSKEYS_SCRIPT.url(),
        },
    })
}

/// A profile form's failure: the profile again, `error` shown on `form`.
pub async fn failed(
    principal: &Principal,
    sessions: &Sessions,
    accounts: &Accounts,
    forms: &FormSession,
    form: ProfileForm,
    error: AppError,
) -> FormError {
    match page(principal, sessions, accounts, forms).await {
        Ok(profile) => {
            let profile = profile.failed(form, &error);
            FormError::page(error, &profile)
        }
        Err(other) => other.into(),
    }
}

/// `2026-11-24`
pub(super) fn readable_date(at: i64) -> String {
    rfc3339(at).chars().take(10).collect()
}

/// `2026-11-24 15:04:05 UTC`
pub(super) fn readable_time(at: i64) -> String {
    let text = rfc3339(at);
    format!("{} UTC", text.trim_end_matches('Z').replacen('T', " ", 1))
}
