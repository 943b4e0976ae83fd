//! The one error type of the service; its one mapping to HTTP is in
//! `response.rs`.
//!
//! Variants carry what the client may learn; everything else is `Unexpected`,
//! which is logged with its cause and answered with a bare 500.

use crate::domain::{FieldError, FieldErrors};
pub use oauth::{OAuthCode, OAuthError};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// One or more fields failed validation (422). Every failing field is kept,
    /// in input order, so a form can show each message next to its field.
    #[error("{}", .0.first().message)]
    Invalid(FieldErrors),
    #[error("An account with this email already exists.")]
    EmailTaken,
    #[error("The email or password is incorrect.")]
    InvalidCredentials,
    /// No usable access token; `token_sent` says whether one was presented.
    #[error("A valid access token is required.")]
    Unauthenticated { token_sent: bool },
    #[error("The refresh token is missing, expired or revoked.")]
    InvalidRefreshToken,
    #[error("This password-reset link is unknown, used or expired. Ask for a new one.")]
    InvalidResetToken,
    #[error("This address-change link is unknown, used or expired. Ask for a new one.")]
    InvalidChangeToken,
    #[error("This verification link is unknown, used or expired. Ask for a new one.")]
    InvalidVerifyToken,
    /// The right password of an account whose address is not verified,
    /// while `--require-verified-email` is on (403). `user` is the
    /// account's id, for the form's resend button; it is never shown.
    #[error("Your email address is not verified yet. Open the link we mailed you, or ask for a new one.")]
    EmailNotVerified { user: String },
    /// The right password (or passkey, or second step) of an account an
    /// admin disabled (403). Decided on the locked user row.
    #[error("This account is disabled. Ask an administrator to enable it.")]
    AccountDisabled,
    /// The right password of an account with a second factor: no session
    /// yet; the sign-in goes on with a ticket (`auth::LoginStep`). Raised
    /// inside the sign-in's transaction, never answered as such.
    #[error("This account asks for a second factor.")]
    SecondFactorRequired,
    #[error("The code is wrong, or was used already.")]
    InvalidCode,
    /// A wrong code when confirming a new authenticator app (400, where a
    /// wrong code at sign-in is 401).
    #[error("The code is wrong. Check the time on your device and try the newest code.")]
    InvalidConfirmCode,
    #[error("This sign-in has expired or was used already. Sign in again.")]
    InvalidTicket,
    /// An authorization code used a second time. Raised inside the
    /// exchange's transaction (rolling it back); the token endpoint answers
    /// `invalid_grant` and ends what the first use gave.
    #[error("The authorization code was used already.")]
    AuthorizationCodeUsed,
    #[error("Two-step sign-in with an authenticator app is already on. Turn it off first.")]
    TotpEnabled,
    #[error("There is no authenticator app waiting to be confirmed. Start again.")]
    TotpNotPending,
    #[error("Two-step sign-in with an authenticator app is not on.")]
    TotpNotEnabled,
    #[error("This account has no second factor.")]
    NoSecondFactor,
    #[error("This passkey is unknown, was removed, or did not answer the challenge.")]
    InvalidPasskey,
    #[error("There is no passkey challenge to answer (or it expired): ask for the options again.")]
    NoPasskeyChallenge,
    #[error("This passkey is already registered.")]
    PasskeyExists,
    #[error("This account has as many passkeys as it may have. Remove one first.")]
    TooManyPasskeys,
    #[error("Passkeys are not available on this server: its public address has no host name.")]
    PasskeysUnavailable,
    #[error("Cross-site requests are refused.")]
    CrossSite,
    /// Signed in, but without the `admin` role (403).
    #[error("This needs the admin role.")]
    AdminRequired,
    /// An admin removing their own `admin` role, or disabling or deleting
    /// themselves (409): nobody could let them back in.
    #[error(
        "An admin cannot remove their own admin role, or disable or delete their own account."
    )]
    SelfLockout,
    #[error("There is nothing at this address.")]
    NotFound,
    #[error("This method is not allowed here.")]
    MethodNotAllowed,
    #[error("The request body is malformed: {0}.")]
    MalformedBody(&'static str),
    #[error("The request body is larger than 64 KiB.")]
    PayloadTooLarge,
    #[error(
        "This content type is not accepted here. Send a JSON body with the header \
         `Content-Type: application/json` (curl: -H 'Content-Type: application/json'), \
         or post a form from the pages."
    )]
    UnsupportedMediaType,
    /// Too many failed logins, or registrations, for this account or
    /// address (429).
    #[error("Too many attempts. Try again in {} s.", retry_after_secs(*.retry_after))]
    TooManyAttempts { retry_after: std::time::Duration },
    #[error("The server is busy. Please try again in a moment.")]
    Busy,
    #[error("An unexpected error occurred.")]
    Unexpected(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl AppError {
    pub fn unexpected(cause: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        AppError::Unexpected(cause.into())
    }

    /// Logs the cause of an unexpected error (the client is told nothing of it).
    pub fn log_if_unexpected(&self) {
        if let AppError::Unexpected(cause) = self {
            log::error!("request failed: {}", cause_chain(cause.as_ref()));
        }
    }

    /// The stable snake_case code clients match on.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Invalid(fields) => fields.first().code,
            AppError::EmailTaken => "email_taken",
            AppError::InvalidCredentials => "invalid_credentials",
            AppError::Unauthenticated { token_sent: false } => "unauthenticated",
            AppError::Unauthenticated { token_sent: true } => "invalid_token",
            AppError::InvalidRefreshToken => "invalid_refresh_token",
            AppError::InvalidResetToken => "invalid_reset_token",
            AppError::InvalidChangeToken => "invalid_change_token",
            AppError::InvalidVerifyToken => "invalid_verify_token",
            AppError::EmailNotVerified { .. } => "email_not_verified",
            AppError::AccountDisabled => "account_disabled",
            AppError::SecondFactorRequired => "second_factor_required",
            AppError::InvalidCode | AppError::InvalidConfirmCode => "invalid_code",
            AppError::InvalidTicket => "invalid_ticket",
            AppError::AuthorizationCodeUsed => "invalid_grant",
            AppError::TotpEnabled => "totp_enabled",
            AppError::TotpNotPending => "totp_not_pending",
            AppError::TotpNotEnabled => "totp_not_enabled",
            AppError::NoSecondFactor => "no_second_factor",
            AppError::InvalidPasskey => "invalid_passkey",
            AppError::NoPasskeyChallenge => "no_passkey_challenge",
            AppError::PasskeyExists => "passkey_exists",
            AppError::TooManyPasskeys => "too_many_passkeys",
            AppError::PasskeysUnavailable => "passkeys_unavailable",
            AppError::CrossSite => "cross_site_request",
            AppError::AdminRequired => "admin_required",
            AppError::SelfLockout => "self_lockout",
            AppError::NotFound => "not_found",
            AppError::MethodNotAllowed => "method_not_allowed",
            AppError::MalformedBody(_) => "malformed_body",
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::UnsupportedMediaType => "unsupported_media_type",
            AppError::TooManyAttempts { .. } => "too_many_attempts",
            AppError::Busy => "server_busy",
            AppError::Unexpected(_) => "internal_error",
        }
    }
}

pub mod oauth;
mod response;

/// Whole seconds to wait, rounded up, at least 1 (`Retry-After`).
pub fn retry_after_secs(wait: std::time::Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0).max(u64::from(wait.as_secs() == 0))
}

/// `outer: inner: innermost`, for the log line of an unexpected error.
fn cause_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

impl From<diesel::result::Error> for AppError {
    fn from(error: diesel::result::Error) -> Self {
        match &error {
            // SQLite gave up waiting for the write lock (busy timeout): the
            // server is overloaded, not broken.
            diesel::result::Error::DatabaseError(_, info)
                if info.message().contains("database is locked") =>
            {
                AppError::Busy
            }
            _ => AppError::unexpected(error),
        }
    }
}

impl From<FieldErrors> for AppError {
    fn from(errors: FieldErrors) -> Self {
        AppError::Invalid(errors)
    }
}

impl From<FieldError> for AppError {
    fn from(error: FieldError) -> Self {
        AppError::Invalid(error.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::body::MessageBody;
    use actix_web::http::StatusCode;
    use actix_web::ResponseError;

    fn body_of(error: &AppError) -> serde_json::Value {
        let bytes = error.error_response().into_body().try_into_bytes().unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[test]
    fn an_unexpected_error_tells_the_client_nothing_of_its_cause() {
        let error = AppError::unexpected("disk I/O error at /secret/path");
        assert_eq!(error.status_code(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = body_of(&error);
        assert_eq!(body["error"], "internal_error");
        assert_eq!(body["message"], "An unexpected error occurred.");
        assert!(!body.to_string().contains("secret"));
    }

    #[test]
    fn validation_reports_the_first_field() {
        let error = AppError::Invalid(
            FieldErrors::collect([
                crate::domain::Email::parse("nope").err(),
                crate::domain::UserName::parse("").err(),
            ])
            .unwrap(),
        );
        assert_eq!(error.status_code(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body_of(&error)["error"], "invalid_email");
    }
}
