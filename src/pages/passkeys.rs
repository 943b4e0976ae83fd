//! The profile's passkeys section (`profile_passkeys.html`): each passkey
//! with when it was added and last used. Adding, renaming and removing
//! are done by `static/passkeys.js`.

/// One passkey. Times twice: RFC 3339 for `<time datetime>`, and readable
/// in UTC.
pub struct PasskeyItem {
    pub id: String,
    pub name: String,
    pub added_at: String,
    pub added: String,
    /// `None`: never used.
    pub last_used: Option<(String, String)>,
}

pub struct PasskeysSection {
    pub passkeys: Vec<PasskeyItem>,
    pub script_url: &'static str,
}
