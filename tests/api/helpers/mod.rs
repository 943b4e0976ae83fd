//! What the tests share: the service in process (`app`), on SQLite or
//! PostgreSQL (`postgres`), one client for it and for the real binary
//! (`client`, with one method per endpoint in `endpoints`), its typed
//! answers (`answers`), cookies, tokens and users; TOTP codes computed
//! apart from sesame (`totp`).

mod account;
mod admin;
mod answers;
mod app;
mod client;
mod cookies;
mod endpoints;
mod mail;
mod oidc;
mod passkeys;
mod postgres;
mod second_factor;
mod tokens;
mod totp;
mod users;
mod verification;

pub use account::*;
pub use admin::*;
pub use answers::*;
pub use app::*;
pub use client::*;
pub use cookies::*;
pub use endpoints::*;
pub use mail::*;
pub use oidc::*;
pub use postgres::*;
pub use tokens::*;
pub use totp::*;
pub use users::*;

pub async fn sleep_ms(ms: u64) {
    actix_web::rt::time::sleep(std::time::Duration::from_millis(ms)).await;
}

/// Held by the tests that measure time or flood the CPU, so that no two of
/// them run at once (the suite's tests run in parallel, and a flood next
/// door would skew a timing).
pub async fn cpu_to_myself() -> tokio::sync::MutexGuard<'static, ()> {
    static CPU: std::sync::LazyLock<tokio::sync::Mutex<()>> =
        std::sync::LazyLock::new(|| tokio::sync::Mutex::new(()));
    CPU.lock().await
}
