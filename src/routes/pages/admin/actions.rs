//! The buttons and forms of a user's page: each checks its CSRF token
//! (`CsrfForm`), acts through `Administration`, and redirects (post /
//! redirect / get), or shows the page again with the error.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::user::{failed, Failed};
use crate::auth::Administration;
use crate::domain::{Client, FieldError, Roles};
use crate::routes::extract::{Admin, CsrfForm, FormFields, FormSession};
use crate::routes::form_error::FormError;
use crate::routes::respond::see_other;

/// A button of a user's page: no field but its CSRF token.
#[derive(Deserialize)]
pub struct AdminButton {}

impl FormFields for AdminButton {
    const PAGE: &'static str = "/admin";
}

#[derive(Deserialize)]
pub struct RolesFields {
    #[serde(default)]
    roles: String,
}

impl FormFields for RolesFields {
    const PAGE: &'static str = "/admin";
}

#[derive(Deserialize)]
pub struct DeleteFields {
    #[serde(default)]
    email: String,
}

impl FormFields for DeleteFields {
    const PAGE: &'static str = "/admin";
}

fn back_to(id: &str) -> HttpResponse {
    see_other(&format!("/admin/users/{id}")).finish()
}

/// `POST /admin/users/{id}/roles` `roles=a,b`
pub async fn roles(
    CsrfForm(input): CsrfForm<RolesFields>,
    Admin(actor, ..): Admin,
    id: web::Path<String>,
    client: Client,
    forms: FormSession,
    administration: web::Data<Administration>,
) -> Result<HttpResponse, FormError> {
    let typed: String = input.roles.chars().filter(|c| !c.is_whitespace()).collect();
    let changed = match Roles::parse(&typed) {
        Ok(roles) => administration.set_roles(&actor, &id, roles, &client).await,
        Err(invalid) => Err(FieldError::from(invalid).into()),
    };
    match changed {
        Ok(_) => {
            forms.flash("Roles saved.");
            Ok(back_to(&id))
        }
        Err(error) => {
            let form = Failed::Roles { typed };
            Err(failed(&actor, &id, &forms, &administration, form, error).await)
        }
    }
}

/// `POST /admin/users/{id}/disable`
pub async fn disable(
    CsrfForm(_): CsrfForm<AdminButton>,
    admin: Admin,
    id: web::Path<String>,
    client: Client,
    forms: FormSession,
    administration: web::Data<Administration>,
) -> Result<HttpResponse, FormError> {
    set_disabled(admin, id, client, forms, administration, true).await
}

/// `POST /admin/users/{id}/enable`
pub async fn enable(
    CsrfForm(_): CsrfForm<AdminButton>,
    admin: Admin,
    id: web::Path<String>,
    client: Client,
    forms: FormSession,
    administration: web::Data<Administration>,
) -> Result<HttpResponse, FormError> {
    set_disabled(admin, id, client, forms, administration, false).await
}

async fn set_disabled(
    Admin(actor, ..): Admin,
    id: web::Path<String>,
    client: Client,
    forms: FormSession,
    administration: web::Data<Administration>,
    disabled: bool,
) -> Result<HttpResponse, FormError> {
    match administration
        .set_disabled(&actor, &id, disabled, &client)
        .await
    {
        Ok(_) => {
            forms.flash(match disabled {
                true => "The account is disabled: every session of it has ended.",
                false => "The account is enabled.",
            });
            Ok(back_to(&id))
        }
        Err(error) => Err(failed(&actor, &id, &forms, &administration, Failed::Other, error).await),
    }
}

/// `POST /admin/users/{id}/delete` `email=` (typed to confirm)
pub async fn delete(
    CsrfForm(input): CsrfForm<DeleteFields>,
    Admin(actor, ..): Admin,
    id: web::Path<String>,
    client: Client,
    forms: FormSession,
    administration: web::Data<Administration>,
) -> Result<HttpResponse, FormError> {
    let typed = input.email.trim();
    match administration
        .delete(&actor, &id, Some(typed), &client)
        .await
    {
        Ok(()) => {
            forms.flash("The account was deleted.");
            Ok(see_other("/admin").finish())
        }
        Err(error) => {
            Err(failed(&actor, &id, &forms, &administration, Failed::Delete, error).await)
        }
    }
}

/// `POST /admin/users/{id}/sessions/{session}/revoke`
pub async fn revoke(
    CsrfForm(_): CsrfForm<AdminButton>,
    Admin(actor, ..): Admin,
    path: web::Path<(String, String)>,
    client: Client,
    forms: FormSession,
    administration: web::Data<Administration>,
) -> Result<HttpResponse, FormError> {
    let (id, session) = path.into_inner();
    administration
        .revoke_session(&actor, &id, &session, &client)
        .await?;
    forms.flash("Session revoked.");
    Ok(back_to(&id))
}

/// `POST /admin/users/{id}/sessions/revoke`
pub async fn revoke_all(
    CsrfForm(_): CsrfForm<AdminButton>,
    Admin(actor, ..): Admin,
    id: web::Path<String>,
    client: Client,
    forms: FormSession,
    administration: web::Data<Administration>,
) -> Result<HttpResponse, FormError> {
    let ended = administration.revoke_sessions(&actor, &id, &client).await?;
    forms.flash(&format!("Sessions revoked: {ended}."));
    Ok(back_to(&id))
}

/// `POST /admin/users/{id}/reset`
pub async fn reset(
    CsrfForm(_): CsrfForm<AdminButton>,
    Admin(actor, ..): Admin,
    id: web::Path<String>,
    client: Client,
    forms: FormSession,
    administration: web::Data<Administration>,
) -> Result<HttpResponse, FormError> {
    match administration.send_reset_link(&actor, &id, &client).await {
        Ok(()) => {
            forms.flash("A reset link is on its way to the account's address.");
            Ok(back_to(&id))
        }
        Err(error) => Err(failed(&actor, &id, &forms, &administration, Failed::Other, error).await),
    }
}
