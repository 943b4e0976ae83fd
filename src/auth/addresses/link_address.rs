//! Whether a mailed link is still open, read without using it up: the
//! page behind the link shows its button only then (a GET never does the
//! link's work: mail scanners follow links).

use super::Addresses;
use crate::auth::link_token::LinkToken;
use crate::clock::now_ms;
use crate::db::email_links::{self, EmailLink, CHANGE, VERIFY};
use crate::db::users;
use crate::error::AppError;

impl Addresses {
    /// The address a verification link with this token proves, while the
    /// link works and the account still has that address (none otherwise);
    /// reads only.
    pub async fn verify_link_address(&self, token: &LinkToken) -> Result<Option<String>, AppError> {
        let hash = token.hash();
        self.0
            .db
            .read(move |conn| {
                let Some(link) = live(conn, &hash, VERIFY)? else {
                    return Ok(None);
                };
                let still_its = users::find_by_id(conn, &link.user_id)?
                    .is_some_and(|user| user.email == link.email);
                Ok(still_its.then_some(link.email))
            })
            .await
    }

    /// The new address a change link with this token proves, while it
    /// works (none otherwise); reads only. Whether another account took
    /// the address is said when the link is used.
    pub async fn change_link_address(&self, token: &LinkToken) -> Result<Option<String>, AppError> {
        let hash = token.hash();
        self.0
            .db
            .read(move |conn| Ok(live(conn, &hash, CHANGE)?.map(|link| link.email)))
            .await
    }
}

/// The link with this token hash and purpose, if it still works.
fn live(
    conn: &mut crate::db::Conn,
    hash: &[u8],
    purpose: &str,
) -> Result<Option<EmailLink>, AppError> {
    Ok(email_links::find_live(conn, hash, now_ms())?.filter(|link| link.purpose == purpose))
}
