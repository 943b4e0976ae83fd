//! The admin console's pages: the users (`/admin`), one user
//! (`/admin/users/{id}`), the events (`/admin/events`), and the 403 page of
//! anyone else. Everything is text already: times as RFC 3339 and readable.

use askama::Template;

use super::Layout;

/// One user as the console lists them.
pub struct AdminUserRow {
    pub id: String,
    pub email: String,
    pub name: String,
    /// RFC 3339, and readable (UTC).
    pub created_at: String,
    pub created: String,
    pub last_sign_in: Option<(String, String)>,
    /// `admin, editor`, or empty.
    pub roles: String,
    /// `authenticator app, 2 passkeys`, or empty.
    pub second_factors: String,
    pub verified: bool,
    pub disabled: bool,
}

/// One session on a user's page.
pub struct AdminSessionRow {
    pub id: String,
    pub device: String,
    pub created_at: String,
    pub created: String,
    pub last_used_at: String,
    pub last_used: String,
}

/// One stored event.
pub struct AdminEventRow {
    pub at: String,
    pub at_text: String,
    pub event: String,
    pub user_id: String,
    pub email: String,
    pub actor_id: String,
    pub address: String,
    pub device: String,
    pub detail: String,
    /// How many times it happened (events of strangers are counted, not repeated).
    pub count: i64,
}

/// `/admin`: the search and one page of users.
#[derive(Template)]
#[template(path = "admin_users.html")]
pub struct AdminUsersPage {
    pub layout: Layout,
    pub query: String,
    pub users: Vec<AdminUserRow>,
    pub page: u32,
    pub pages: u32,
    pub total: u64,
    pub previous_url: Option<String>,
    pub next_url: Option<String>,
}

/// `/admin/users/{id}`: one user, their sessions and events, and the actions.
#[derive(Template)]
#[template(path = "admin_user.html")]
pub struct AdminUserPage {
    pub layout: Layout,
    pub csrf: String,
    pub user: AdminUserRow,
    /// The roles as the form shows them (`admin,editor`), or as typed.
    pub roles_text: String,
    pub roles_error: Option<String>,
    /// What was typed to confirm a deletion, and why it was refused.
    pub delete_error: Option<String>,
    /// Another action's refusal (an admin locking themselves out).
    pub error: Option<String>,
    /// The admin's own account: the page offers nothing that locks them out.
    pub is_self: bool,
    pub sessions: Vec<AdminSessionRow>,
    pub events: Vec<AdminEventRow>,
}

/// `/admin/events`: events, newest first, filtered.
#[derive(Template)]
#[template(path = "admin_events.html")]
pub struct AdminEventsPage {
    pub layout: Layout,
    pub event_filter: String,
    pub user_filter: String,
    pub events: Vec<AdminEventRow>,
    pub older_url: Option<String>,
}

/// 403 on `/admin` pages for a user without the `admin` role.
#[derive(Template)]
#[template(path = "admin_required.html")]
pub struct AdminRequiredPage {
    pub layout: Layout,
}
