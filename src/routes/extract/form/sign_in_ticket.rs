//! What the form session keeps between a form sign-in's password and its
//! second step: the ticket (never in a page or an address), where the
//! sign-in goes afterwards, and whether the account has a passkey.

use serde::{Deserialize, Serialize};

use super::FormSession;
use crate::error::AppError;

#[derive(Serialize, Deserialize)]
pub struct KeptTicket {
    pub ticket: String,
    /// A local path (checked when it was kept).
    pub next: Option<String>,
    /// Whether the page offers "Use a passkey".
    pub passkey: bool,
}

const TICKET_KEY: &str = "sign_in_ticket";

impl FormSession {
    /// Keeps the ticket of a sign-in waiting for its second factor.
    pub fn keep_sign_in_ticket(&self, ticket: &KeptTicket) -> Result<(), AppError> {
        self.0
            .insert(TICKET_KEY, ticket)
            .map_err(|e| AppError::unexpected(e.to_string()))
    }

    /// The ticket kept by `keep_sign_in_ticket`, left kept (a wrong code
    /// may be followed by a right one).
    pub fn sign_in_ticket(&self) -> Option<KeptTicket> {
        self.0.get::<KeptTicket>(TICKET_KEY).ok().flatten()
    }

    pub fn forget_sign_in_ticket(&self) {
        self.0.remove(TICKET_KEY);
    }
}
