//! Finding users: searched by email or name and paged, and one user's
//! detail (profile, sessions, events).

use super::Administration;
use crate::auth::audit::{EventFilter, StoredEvent};
use crate::auth::Profile;
use crate::db::sessions::Session;
use crate::db::users as user_rows;
use crate::error::AppError;

pub const USERS_PER_PAGE: u32 = 50;

/// The events shown on a user's page.
const EVENTS_OF_A_USER: usize = 50;

/// One page of a search.
pub struct UsersPage {
    pub users: Vec<Profile>,
    /// 1-based, the one asked for even past the last.
    pub page: u32,
    /// At least 1.
    pub pages: u32,
    pub total: u64,
}

/// What an admin sees of one user.
pub struct UserDetail {
    pub user: Profile,
    /// Active sessions, newest first, each with its app's name (`None`: sesame's own).
    pub sessions: Vec<(Session, Option<String>)>,
    /// Newest first.
    pub events: Vec<StoredEvent>,
}

impl Administration {
    /// Users whose email or name holds `query` (any case), oldest first,
    /// `USERS_PER_PAGE` on page `page` (1-based; 0 is read as 1).
    pub async fn search(&self, query: &str, page: u32) -> Result<UsersPage, AppError> {
        let page = page.max(1);
        let needle = query.trim().to_owned();
        let offset = i64::from(page - 1) * i64::from(USERS_PER_PAGE);
        let (found, total) = self
            .db
            .read(move |conn| user_rows::search(conn, &needle, offset, i64::from(USERS_PER_PAGE)))
            .await?;
        let total = u64::try_from(total).unwrap_or(0);
        let pages = total.div_ceil(u64::from(USERS_PER_PAGE)).max(1);
        Ok(UsersPage {
            users: found.into_iter().map(Profile::from).collect(),
            page,
            pages: u32::try_from(pages).unwrap_or(u32::MAX),
            total,
        })
    }

    /// The user with this id, their sessions and their latest events.
    pub async fn user(&self, id: &str) -> Result<Option<UserDetail>, AppError> {
        let Some(user) = self.find(id).await? else {
            return Ok(None);
        };
        let sessions = self.sessions.active_of_user(&user.id).await?;
        let filter = EventFilter {
            user_id: Some(user.id.clone()),
            ..EventFilter::default()
        };
        let events = self.audit.list(filter, EVENTS_OF_A_USER).await?;
        Ok(Some(UserDetail {
            user,
            sessions,
            events,
        }))
    }

    /// The user with this id, as stored now.
    pub(super) async fn find(&self, id: &str) -> Result<Option<Profile>, AppError> {
        let id = id.to_owned();
        let user = self
            .db
            .read(move |conn| user_rows::find_by_id(conn, &id))
            .await?;
        Ok(user.map(Profile::from))
    }
}
