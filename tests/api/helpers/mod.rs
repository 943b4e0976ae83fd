//! What the tests share: the service in process (`app`), one client for it
//! and for the real binary (`client`, with one method per endpoint in
//! `endpoints`), its typed answers (`answers`), cookies, tokens and users.

mod answers;
mod app;
mod client;
mod cookies;
mod endpoints;
mod tokens;
mod users;

pub use answers::*;
pub use app::*;
pub use client::*;
pub use cookies::*;
pub use endpoints::*;
pub use tokens::*;
pub use users::*;

pub async fn sleep_ms(ms: u64) {
    actix_web::rt::time::sleep(std::time::Duration::from_millis(ms)).await;
}
