//! OAuth 2.0's own errors (RFC 6749 5.2, 4.1.2.1; RFC 6750 3.1): the token,
//! revocation, introspection and userinfo endpoints answer
//! `{"error": code, "error_description": text}` with these codes, and the
//! authorization endpoint puts the same code in its redirect. The text is
//! sesame's own words, never what the client sent.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use super::AppError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OAuthCode {
    InvalidRequest,
    /// The client could not be authenticated (401, `WWW-Authenticate: Basic`).
    InvalidClient,
    InvalidGrant,
    UnauthorizedClient,
    UnsupportedGrantType,
    UnsupportedResponseType,
    UnsupportedTokenType,
    InvalidScope,
    AccessDenied,
    /// A bearer token that is missing, expired, or of an ended session (401).
    InvalidToken,
    ServerError,
    TemporarilyUnavailable,
}

impl OAuthCode {
    pub fn as_str(self) -> &'static str {
        match self {
            OAuthCode::InvalidRequest => "invalid_request",
            OAuthCode::InvalidClient => "invalid_client",
            OAuthCode::InvalidGrant => "invalid_grant",
            OAuthCode::UnauthorizedClient => "unauthorized_client",
            OAuthCode::UnsupportedGrantType => "unsupported_grant_type",
            OAuthCode::UnsupportedResponseType => "unsupported_response_type",
            OAuthCode::UnsupportedTokenType => "unsupported_token_type",
            OAuthCode::InvalidScope => "invalid_scope",
            OAuthCode::AccessDenied => "access_denied",
            OAuthCode::InvalidToken => "invalid_token",
            OAuthCode::ServerError => "server_error",
            OAuthCode::TemporarilyUnavailable => "temporarily_unavailable",
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{description}")]
pub struct OAuthError {
    pub code: OAuthCode,
    pub description: &'static str,
}

impl OAuthError {
    pub fn new(code: OAuthCode, description: &'static str) -> Self {
        OAuthError { code, description }
    }
}

/// What sesame's own failures become at an OAuth endpoint: a busy server is
/// `temporarily_unavailable` (503), anything unexpected is logged and
/// `server_error`; an expired or ended session is `invalid_grant`.
impl From<AppError> for OAuthError {
    fn from(error: AppError) -> Self {
        match error {
            AppError::Busy | AppError::TooManyAttempts { .. } => OAuthError::new(
                OAuthCode::TemporarilyUnavailable,
                "The server is busy. Please try again in a moment.",
            ),
            // A disabled account's code or refresh token: its grant ended.
            AppError::InvalidRefreshToken
            | AppError::Unauthenticated { .. }
            | AppError::AccountDisabled => OAuthError::new(
                OAuthCode::InvalidGrant,
                "The grant is invalid or has ended.",
            ),
            other => {
                other.log_if_unexpected();
                OAuthError::new(OAuthCode::ServerError, "An unexpected error occurred.")
            }
        }
    }
}

#[derive(Serialize)]
struct OAuthErrorBody {
    error: &'static str,
    error_description: &'static str,
}

impl ResponseError for OAuthError {
    fn status_code(&self) -> StatusCode {
        match self.code {
            OAuthCode::InvalidClient | OAuthCode::InvalidToken => StatusCode::UNAUTHORIZED,
            OAuthCode::ServerError => StatusCode::INTERNAL_SERVER_ERROR,
            OAuthCode::TemporarilyUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::BAD_REQUEST,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        response
            .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
            .insert_header((header::PRAGMA, HeaderValue::from_static("no-cache")));
        match self.code {
            OAuthCode::InvalidClient => {
                response.insert_header((
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Basic realm=\"sesame\""),
                ));
            }
            OAuthCode::InvalidToken => {
                response.insert_header((
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer error=\"invalid_token\""),
                ));
            }
            _ => {}
        }
        response.json(OAuthErrorBody {
            error: self.code.as_str(),
            error_description: self.description,
        })
    }
}
