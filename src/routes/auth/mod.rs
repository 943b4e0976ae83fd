//! `/auth/*`: one URL per action, each with a JSON handler (`json.rs`) and,
//! for the actions the pages post, a form handler (`form.rs`); the route
//! table picks one by `Content-Type`.

pub mod email_change;
pub mod email_verify;
pub mod forgot;
pub mod login;
pub mod logout;
pub mod logout_all;
pub mod passkey_login;
pub mod passkeys;
pub mod password;
pub mod refresh;
pub mod register;
pub mod reset;
pub mod second_factor;
pub mod totp;
pub mod verify_resend;
