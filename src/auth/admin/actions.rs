//! What an admin does to another account: roles, disable / enable,
//! delete, end sessions, send a reset link. Each finds the account first
//! (`NotFound` when there is none) and writes its event naming the actor.

use super::events::admin_event;
use super::{is_admin, refuse_self_lockout, Administration};
use crate::auth::audit::insert_in;
use crate::auth::{Ending, Profile};
use crate::db::sessions as session_rows;
use crate::db::users as user_rows;
use crate::domain::{Client, Email, FieldError, Roles};
use crate::error::AppError;

impl Administration {
    /// Replaces the user's roles; the sessions show them at the next
    /// request, on every instance, and the next access token carries them.
    /// An admin cannot take `admin` away from themselves.
    pub async fn set_roles(
        &self,
        actor: &Profile,
        id: &str,
        roles: Roles,
        client: &Client,
    ) -> Result<Profile, AppError> {
        let target = self.find(id).await?.ok_or(AppError::NotFound)?;
        let stored = roles.to_string();
        let mut changed = target.clone();
        changed.roles = roles.iter().map(|r| r.as_str().to_owned()).collect();
        if actor.id == target.id && !is_admin(&changed) {
            return Err(AppError::SelfLockout);
        }
        let event = admin_event("roles_set", actor, &target, client).detail("roles", &stored);
        let user_id = target.id.clone();
        let user = self
            .sessions
            .user_changed_with(&target.id, move |conn| {
                if !user_rows::set_roles_of(conn, &user_id, &stored)? {
                    return Err(AppError::NotFound);
                }
                insert_in(conn, &event)?;
                user_rows::find_by_id(conn, &user_id)
            })
            .await?;
        user.map(Profile::from).ok_or(AppError::NotFound)
    }

    /// Disables (every session ends) or enables the user. An admin cannot
    /// disable themselves.
    pub async fn set_disabled(
        &self,
        actor: &Profile,
        id: &str,
        disabled: bool,
        client: &Client,
    ) -> Result<Profile, AppError> {
        if disabled {
            refuse_self_lockout(actor, id)?;
        }
        self.accounts
            .set_disabled(id, disabled, Some((&actor.id, client)))
            .await?
            .ok_or(AppError::NotFound)
    }

    /// Deletes the user, their sessions (back-channel logouts queued) and
    /// everything of theirs, in one transaction, as their own deletion
    /// does, without their password. `typed`, when given (the page's
    /// confirmation), must be the account's email exactly. An admin cannot
    /// delete themselves.
    pub async fn delete(
        &self,
        actor: &Profile,
        id: &str,
        typed: Option<&str>,
        client: &Client,
    ) -> Result<(), AppError> {
        refuse_self_lockout(actor, id)?;
        let target = self.find(id).await?.ok_or(AppError::NotFound)?;
        if typed.is_some_and(|typed| typed != target.email) {
            return Err(FieldError {
                field: "email",
                code: "email_mismatch",
                message: "Type the account's email exactly, to confirm.".into(),
            }
            .into());
        }
        let event = admin_event("account_deleted", actor, &target, client);
        let user_id = target.id.clone();
        let (deleted, _) = self
            .sessions
            .end_of_user_with(&target.id, Ending::Deleted, move |conn, _| {
                let deleted = user_rows::delete(conn, &user_id)?;
                if deleted {
                    insert_in(conn, &event)?;
                }
                Ok(deleted)
            })
            .await?;
        match deleted {
            true => Ok(()),
            false => Err(AppError::NotFound),
        }
    }

    /// Ends one of the user's sessions; `NotFound` when it is not theirs.
    pub async fn revoke_session(
        &self,
        actor: &Profile,
        id: &str,
        session_id: &str,
        client: &Client,
    ) -> Result<(), AppError> {
        let target = self.find(id).await?.ok_or(AppError::NotFound)?;
        let event =
            admin_event("session_revoked", actor, &target, client).detail("session", session_id);
        let (user_id, session) = (target.id.clone(), session_id.to_owned());
        self.sessions
            .revoke_with(session_id, move |conn| {
                if session_rows::find_of_user(conn, &session, &user_id)?.is_none() {
                    return Err(AppError::NotFound);
                }
                insert_in(conn, &event)
            })
            .await?;
        Ok(())
    }

    /// Ends every session of the user (as a logout-all); how many ended.
    pub async fn revoke_sessions(
        &self,
        actor: &Profile,
        id: &str,
        client: &Client,
    ) -> Result<usize, AppError> {
        let target = self.find(id).await?.ok_or(AppError::NotFound)?;
        let event = admin_event("sessions_revoked", actor, &target, client);
        let ((), ended) = self
            .sessions
            .end_of_user_with(&target.id, Ending::All, move |conn, now| {
                now.ok_or(AppError::NotFound)?;
                insert_in(conn, &event)
            })
            .await?;
        Ok(ended)
    }

    /// Mails the user a reset link, as "forgot password" would (its limits
    /// count, the mail goes through the outbox).
    pub async fn send_reset_link(
        &self,
        actor: &Profile,
        id: &str,
        client: &Client,
    ) -> Result<(), AppError> {
        let target = self.find(id).await?.ok_or(AppError::NotFound)?;
        let email = Email::parse(&target.email)?;
        self.resets.request(email, client).await?;
        let event = admin_event("reset_link_sent", actor, &target, client);
        self.audit.record(event);
        Ok(())
    }
}
