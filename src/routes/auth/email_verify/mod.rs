//! `POST /auth/email/verify`: a verification link's token, sent as JSON
//! (the pages open the link itself: `routes::pages::email_verify`).

pub mod json;
