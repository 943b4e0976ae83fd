//! Sessions: the one owner of session state. It issues and checks the
//! tokens, and it alone writes session and refresh-token rows (it holds the
//! database's only `SessionWriter`), always through `change`, which forgets
//! what it changed from the in-memory cache once the write is over. So the
//! cache is right by construction, not by each caller's habit; and `change`
//! is the one place a change is announced to other instances (PostgreSQL:
//! inside the write's transaction, heard by every instance's listener).

mod cache;
mod end;
mod end_of_client;
mod listed;
mod open;
mod refresh;
mod rotation;
mod user_changed;
mod verify;

use std::sync::Arc;

use super::access_token::{AccessClaims, AccessTokens, AppGrant, IssuedAccessToken};
use super::audit::Audit;
use super::refresh_token::RefreshKey;
use super::Profile;
use crate::clock::{ms, Millis};
use crate::config::secrets_file::Keys;
use crate::config::Settings;
use crate::db::sessions::Session;
use crate::db::users::User;
use crate::db::{Conn, Db, Hears, SessionWriter, SessionsChanged};
use crate::domain::Amr;
use crate::error::AppError;
use cache::SessionCache;
pub use end::{Ending, Purged};
pub use verify::{FromMemory, TokenSession};

/// The lifetimes that govern sessions, in milliseconds.
#[derive(Debug, Clone, Copy)]
struct Lifetimes {
    idle: Millis,
    absolute: Millis,
    reuse_grace: Millis,
}

pub struct Sessions {
    db: Db,
    writer: Arc<SessionWriter>,
    cache: Arc<SessionCache>,
    /// Signs nothing until a `KeyRing` installs the keys.
    access: Arc<AccessTokens>,
    refresh_key: RefreshKey,
    lifetimes: Lifetimes,
    /// The audit trail, shared with every owner built over these sessions.
    audit: Audit,
}

/// What a successful sign-in, sign-up or refresh hands the client.
pub struct SignIn {
    pub user: Profile,
    pub session_id: String,
    pub access: IssuedAccessToken,
    pub refresh_token: String,
    /// Seconds until the session ends unless refreshed again.
    pub refresh_expires_in: i64,
    /// What an app's session was granted (`None`: sesame's own), and when
    /// the user signed in, for its ID token.
    pub app: Option<AppSessionFacts>,
}

/// What the token endpoint tells an app about its session.
pub struct AppSessionFacts {
    pub client_id: String,
    pub scope: String,
    pub auth_time: Millis,
    pub amr: Amr,
}

/// What an app's session is opened with (an authorization code's use).
pub struct AppSession {
    pub client_id: String,
    /// Space-separated, as granted.
    pub scope: String,
    /// When the user signed in to sesame (the ID tokens' `auth_time`).
    pub auth_time: Millis,
    /// Whether the app gets a refresh token (`offline_access`).
    pub refreshable: bool,
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

/// The sessions a write changes, to forget once it is over (here, and on
/// every other instance).
enum Changed {
    Sessions(Vec<String>),
    AllOfUser(String),
    /// Only sessions no one can have remembered: new ones, or ended ones
    /// (a remembered ended session is refused whether its row is there or not).
    Nothing,
}

impl Changed {
    fn announced(&self) -> Option<SessionsChanged> {
        match self {
            Changed::Sessions(ids) => Some(SessionsChanged::Sessions(ids.clone())),
            Changed::AllOfUser(user_id) => Some(SessionsChanged::AllOfUser(user_id.clone())),
            Changed::Nothing => None,
        }
    }
}

impl Sessions {
    pub fn new(db: Db, writer: SessionWriter, settings: &Settings, keys: &Keys) -> Self {
        // On a shared database nothing remembered is trusted until the
        // listener hears other instances' changes (`hears`).
        let cache = Arc::new(SessionCache::default());
        if db.is_shared() {
            cache.lost();
        }
        Sessions {
            audit: Audit::new(db.clone()),
            db,
            writer: Arc::new(writer),
            cache,
            access: Arc::new(AccessTokens::new(settings.access_ttl)),
            refresh_key: RefreshKey::new(keys.refresh.clone()),
            lifetimes: Lifetimes {
                idle: ms(settings.refresh_ttl),
                absolute: ms(settings.session_max_age),
                reuse_grace: ms(settings.reuse_grace),
            },
        }
    }

    /// The audit trail (one writer per database handle).
    pub fn audit(&self) -> Audit {
        self.audit.clone()
    }

    /// The access tokens, for the `KeyRing` to install keys in.
    pub fn access_tokens(&self) -> Arc<AccessTokens> {
        Arc::clone(&self.access)
    }

    /// The public keys access tokens are checked with (the JWKS).
    pub fn published_keys(&self) -> Vec<super::signing_keys::Jwk> {
        self.access.published()
    }

    /// What hears other instances' changes to sessions (PostgreSQL's
    /// listener tells it).
    pub fn hears(&self) -> Arc<dyn crate::db::Hears> {
        Arc::clone(&self.cache) as Arc<dyn crate::db::Hears>
    }

    /// Whether the database answers (`/healthz`).
    pub async fn database_answers(&self) -> bool {
        self.db.ping().await
    }

    /// The sign-in answer for `session` as of `now`.
    fn sign_in(&self, user: User, session: &Session, now: Millis) -> Result<SignIn, AppError> {
        let user = Profile::from(user);
        let app = match (&session.client_id, &session.scope) {
            (Some(client_id), Some(scope)) => Some(AppGrant { client_id, scope }),
            _ => None,
        };
        let access = self.access.issue(
            &user,
            &session.id,
            Amr::from_stored(&session.amr),
            now,
            session.ends_at(),
            app,
        )?;
        Ok(SignIn {
            refresh_token: self.refresh_key.token_for(&session.id, session.generation),
            // Rounded up: the cookie must not vanish before the session ends.
            refresh_expires_in: (session.ends_at() - now + 999).div_euclid(1000).max(0),
            session_id: session.id.clone(),
            app: match (&session.client_id, &session.scope) {
                (Some(client_id), Some(scope)) => Some(AppSessionFacts {
                    client_id: client_id.clone(),
                    scope: scope.clone(),
                    auth_time: session.auth_time.unwrap_or(session.created_at),
                    amr: Amr::from_stored(&session.amr),
                }),
                _ => None,
            },
            access,
            user,
        })
    }

    /// The only way session rows change: `work` in one write transaction,
    /// with the writer; then, on the thread that ran it (so even a request
    /// dropped meanwhile cannot skip it), the changed sessions are forgotten.
    async fn change<T, F>(&self, changed: Changed, work: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut Conn, &SessionWriter) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let (writer, cache) = (Arc::clone(&self.writer), Arc::clone(&self.cache));
        let announced = changed.announced();
        self.db
            .write_then(
                move |conn| {
                    let done = work(conn, &writer)?;
                    if let Some(announced) = &announced {
                        crate::db::announce(conn, announced)?;
                    }
                    Ok(done)
                },
                move || match changed {
                    Changed::Sessions(ids) => cache.forget(&ids),
                    Changed::AllOfUser(user_id) => cache.forget_user(&user_id),
                    Changed::Nothing => {}
                },
            )
            .await
    }
}
