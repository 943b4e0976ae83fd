//! `sesame users show EMAIL`, `sesame users set-roles EMAIL ROLES` and
//! `sesame users disable|enable EMAIL`: run
//! beside the servers, with their settings, like `sesame purge` (no server
//! lock: SQLite shares the file safely, PostgreSQL any number of clients).

use super::StartupError;
use crate::auth::{users, Profile};
use crate::config::Settings;
use crate::db::Db;
use crate::domain::{Email, RoleError, Roles};
use crate::error::AppError;

/// Why a `users` command failed; its text is the one line printed, which
/// says what to do next.
#[derive(Debug, thiserror::Error)]
pub enum UsersError {
    #[error("{0} (for example: admin,editors)")]
    Roles(#[from] RoleError),
    #[error("{0:?} is not an email address: give the email the user signed up with")]
    Email(String),
    #[error(
        "no user has the email {0}: check its spelling, or have them sign up first \
         (the sign-up page, /register), then run this again"
    )]
    Unknown(String),
    #[error(transparent)]
    Startup(#[from] StartupError),
    #[error(transparent)]
    Database(#[from] AppError),
}

/// `sesame users show EMAIL`: the user.
pub async fn show_user(settings: &Settings, email: &str) -> Result<Profile, UsersError> {
    let email = parse_email(email)?;
    let db = open(settings)?;
    let user = users::find(&db, &email).await?;
    user.ok_or_else(|| UsersError::Unknown(email.as_str().to_owned()))
}

/// `sesame users set-roles EMAIL ROLES`: the user, with their new roles.
pub async fn set_user_roles(
    settings: &Settings,
    email: &str,
    roles: &str,
) -> Result<Profile, UsersError> {
    let (email, roles) = (parse_email(email)?, Roles::parse(roles)?);
    let db = open(settings)?;
    let user = users::set_roles(&db, &email, &roles).await?;
    user.ok_or_else(|| UsersError::Unknown(email.as_str().to_owned()))
}

/// `sesame users disable|enable EMAIL`: the user, disabled (their
/// sessions ended on every instance) or enabled again.
pub async fn set_user_disabled(
    settings: &Settings,
    email: &str,
    disabled: bool,
) -> Result<Profile, UsersError> {
    let email = parse_email(email)?;
    let unknown = || UsersError::Unknown(email.as_str().to_owned());
    let opened = super::open::open_existing(settings)?;
    let user = users::find(&opened.db, &email).await?.ok_or_else(unknown)?;
    let changed = crate::auth::set_disabled(&opened.sessions, &user.id, disabled, None).await?;
    changed.ok_or_else(unknown)
}

fn parse_email(raw: &str) -> Result<Email, UsersError> {
    Email::parse(raw).map_err(|_| UsersError::Email(raw.to_owned()))
}

/// The database, migrated; no keys, no sessions: the users are all it needs.
fn open(settings: &Settings) -> Result<Db, StartupError> {
    super::open::made_by_a_server(&settings.database)?;
    let (db, _session_writer) = Db::open(&settings.database)?;
    Ok(db)
}
