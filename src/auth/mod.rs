//! The domain rules of accounts, sessions and tokens. No HTTP here: routes
//! call these methods with parsed input and turn the results into answers.

pub mod access_token;
mod accounts;
mod audit;
mod bcrypt_pool;
mod generations;
pub mod login_limits;
pub mod password;
mod purge;
pub mod refresh_token;
mod rotation;
mod session_cache;
mod sessions;

use std::sync::Arc;

use crate::clock::{ms, Millis};
use crate::config::secrets_file::Keys;
use crate::config::Settings;
use crate::db::sessions::Session;
use crate::db::users::User;
use crate::db::Db;
use access_token::{AccessClaims, AccessTokens, IssuedAccessToken};
use password::PasswordHasher;
pub use purge::Purged;
use refresh_token::RefreshKey;

/// Longest user agent kept with a session.
const MAX_USER_AGENT_CHARS: usize = 256;

/// The lifetimes that govern sessions, in milliseconds.
#[derive(Debug, Clone, Copy)]
struct Lifetimes {
    idle: Millis,
    absolute: Millis,
    reuse_grace: Millis,
}

/// Accounts, sessions and tokens over one database.
pub struct Auth {
    db: Db,
    hasher: PasswordHasher,
    limits: login_limits::LoginLimits,
    access: AccessTokens,
    refresh_key: RefreshKey,
    lifetimes: Lifetimes,
    sessions: Arc<session_cache::SessionCache>,
}

/// What a successful sign-in, sign-up or refresh hands the client.
pub struct SignIn {
    pub user: Profile,
    pub session_id: String,
    pub access: IssuedAccessToken,
    pub refresh_token: String,
    /// Seconds until the session ends unless refreshed again.
    pub refresh_expires_in: i64,
}

/// What the service shows of a user: everything but the password hash.
#[derive(Debug, Clone)]
pub struct Profile {
    pub id: String,
    pub name: String,
    pub email: String,
    pub created_at: Millis,
}

impl From<User> for Profile {
    fn from(user: User) -> Self {
        Profile {
            id: user.id,
            name: user.name,
            email: user.email,
            created_at: user.created_at,
        }
    }
}

/// The user and session behind a valid access token.
pub struct Principal {
    pub user: Arc<Profile>,
    pub claims: Arc<AccessClaims>,
}

impl Principal {
    pub fn session_id(&self) -> &str {
        &self.claims.sid
    }
}

impl Auth {
    pub fn new(db: Db, settings: &Settings, keys: &Keys) -> Self {
        let hasher = PasswordHasher::new(settings.bcrypt_cost);
        hasher.warm_up();
        Auth {
            db,
            hasher,
            limits: login_limits::LoginLimits::new(
                settings.login_max_failures,
                settings.login_max_failures_per_ip,
                settings.login_window,
            ),
            access: AccessTokens::new(&keys.access, settings.access_ttl),
            refresh_key: RefreshKey::new(keys.refresh.clone()),
            lifetimes: Lifetimes {
                idle: ms(settings.refresh_ttl),
                absolute: ms(settings.session_max_age),
                reuse_grace: ms(settings.reuse_grace),
            },
            sessions: Arc::default(),
        }
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Forgets login-failure counts that are back to zero (run periodically).
    pub fn forget_idle_login_failures(&self) {
        self.limits.forget_idle();
    }

    /// The sign-in answer for `session` at generation `generation`.
    fn sign_in(
        &self,
        user: User,
        session: &Session,
        now: Millis,
    ) -> Result<SignIn, crate::error::AppError> {
        let access = self
            .access
            .issue(&user.id, &session.id, now, session.ends_at())?;
        Ok(SignIn {
            refresh_token: self.refresh_key.token_for(&session.id, session.generation),
            // Rounded up: the cookie must not vanish before the session ends.
            refresh_expires_in: (session.ends_at() - now + 999).div_euclid(1000).max(0),
            session_id: session.id.clone(),
            access,
            user: user.into(),
        })
    }
}

/// A user agent cut to a bounded length on a character boundary.
fn bounded_user_agent(user_agent: Option<String>) -> Option<String> {
    user_agent.map(|ua| ua.chars().take(MAX_USER_AGENT_CHARS).collect())
}
