//! Brute-force protection, counted per account *and* client address (so no
//! stranger can lock a known account for its owner), per account across
//! every address (slow distributed guessing), and per address (one source
//! guessing many accounts); registrations per address; and password-reset
//! requests per email and per address; wrong second-factor codes per
//! account.
//!
//! Each attempt takes its tries *before* the password is checked, so
//! concurrent guesses cannot slip past a limit while earlier ones are still
//! being checked; the `Attempt` it gets gives them back unless it ends in a
//! failed password check. An answer of 503, or a request dropped before its
//! check, costs nothing. (A client that hangs up does not stop its request:
//! the check runs, and counts by its outcome.) The address is checked first: an address past its limit makes
//! no state for the account it names, so memory follows failures, not the
//! variety of what is sent (and each limiter is bounded besides).
//!
//! On PostgreSQL the counts live in the database, so that every instance
//! counts the same tries (`limiter`).

mod forgot;
mod limiter;
mod local;
mod login;
mod register;
mod second_factor;

pub use forgot::ForgotLimits;
pub use limiter::{LimitStore, Refusal};
pub use login::LoginLimits;
pub use register::RegisterLimits;
pub use second_factor::SecondFactorLimits;
