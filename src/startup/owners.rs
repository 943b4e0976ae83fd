//! The owners of the service's rules (`auth`'s), made once from the
//! settings, and shared with every worker as application data.

use std::sync::Arc;

use actix_web::web;

use crate::auth::factors::passkeys::RelyingParty;
use crate::auth::oidc::OpenIdProvider;
use crate::auth::outbox::Outbox;
use crate::auth::{
    Accounts, Addresses, Administration, Audit, LimitStore, PasswordResets, Sessions, SignInAlerts,
};
use crate::config::Settings;
use crate::db::Db;

pub(super) struct Owners {
    pub accounts: web::Data<Accounts>,
    pub administration: web::Data<Administration>,
    pub resets: web::Data<PasswordResets>,
    pub addresses: web::Data<Addresses>,
    pub alerts: web::Data<SignInAlerts>,
    pub oidc: web::Data<OpenIdProvider>,
    pub sessions: web::Data<Sessions>,
    pub audit: web::Data<Audit>,
}

/// What every owner is made of.
pub(super) struct Parts<'a> {
    pub db: &'a Db,
    pub sessions: Arc<Sessions>,
    pub settings: &'a Settings,
    pub limits: &'a LimitStore,
    pub outbox: &'a Outbox,
    /// Mail links, the OpenID Connect issuer and the passkeys' relying party.
    pub public_url: &'a str,
}

impl Owners {
    pub(super) fn make(parts: Parts<'_>) -> Owners {
        let Parts {
            db,
            sessions,
            settings,
            limits,
            outbox,
            public_url,
        } = parts;
        let accounts = web::Data::new(
            Accounts::new(
                db.clone(),
                Arc::clone(&sessions),
                settings,
                limits,
                outbox.clone(),
            )
            .with_relying_party(RelyingParty::for_public_url(public_url)),
        );
        let resets = web::Data::new(PasswordResets::new(
            db.clone(),
            Arc::clone(&sessions),
            accounts.password_hasher(),
            settings,
            limits,
            outbox.clone(),
            public_url.to_owned(),
        ));
        let addresses = web::Data::new(Addresses::new(
            db.clone(),
            Arc::clone(&sessions),
            settings,
            limits,
            outbox.clone(),
            public_url.to_owned(),
        ));
        let oidc = web::Data::new(OpenIdProvider::new(
            db.clone(),
            Arc::clone(&sessions),
            public_url,
        ));
        let alerts = web::Data::new(SignInAlerts::new(
            db.clone(),
            Arc::clone(&sessions),
            resets.get_ref().clone(),
            public_url.to_owned(),
        ));
        let administration = web::Data::new(Administration::new(
            db.clone(),
            Arc::clone(&sessions),
            accounts.clone().into_inner(),
            resets.get_ref().clone(),
            sessions.audit(),
        ));
        Owners {
            audit: web::Data::new(sessions.audit()),
            sessions: web::Data::from(sessions),
            accounts,
            administration,
            resets,
            addresses,
            alerts,
            oidc,
        }
    }

    /// Every owner as application data of a worker's `App`.
    pub(super) fn share(&self, app: &mut web::ServiceConfig) {
        app.app_data(self.accounts.clone())
            .app_data(self.administration.clone())
            .app_data(self.resets.clone())
            .app_data(self.addresses.clone())
            .app_data(self.alerts.clone())
            .app_data(self.oidc.clone())
            .app_data(self.sessions.clone())
            .app_data(self.audit.clone());
    }
}
