//! How an `AppError` is answered: its status, its headers and its JSON
//! body (`{"error", "message"}`), the one mapping to HTTP.

use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use super::{retry_after_secs, AppError};

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
    message: String,
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::EmailTaken => StatusCode::CONFLICT,
            AppError::InvalidCredentials
            | AppError::Unauthenticated { .. }
            | AppError::InvalidRefreshToken
            | AppError::SecondFactorRequired
            | AppError::InvalidCode
            | AppError::InvalidTicket
            | AppError::InvalidPasskey => StatusCode::UNAUTHORIZED,
            AppError::PasskeyExists | AppError::TooManyPasskeys => StatusCode::CONFLICT,
            AppError::PasskeysUnavailable => StatusCode::NOT_IMPLEMENTED,
            AppError::TotpEnabled | AppError::TotpNotPending | AppError::NoSecondFactor => {
                StatusCode::CONFLICT
            }
            AppError::TotpNotEnabled => StatusCode::NOT_FOUND,
            AppError::CrossSite
            | AppError::EmailNotVerified { .. }
            | AppError::AccountDisabled
            | AppError::AdminRequired => StatusCode::FORBIDDEN,
            AppError::SelfLockout => StatusCode::CONFLICT,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::MalformedBody(_)
            | AppError::NoPasskeyChallenge
            | AppError::InvalidResetToken
            | AppError::InvalidChangeToken
            | AppError::InvalidVerifyToken
            | AppError::InvalidConfirmCode
            | AppError::AuthorizationCodeUsed => StatusCode::BAD_REQUEST,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        self.log_if_unexpected();
        let mut response = HttpResponse::build(self.status_code());
        for header in self.headers() {
            response.insert_header(header);
        }
        response.json(ErrorBody {
            error: self.code(),
            message: self.to_string(),
        })
    }
}

impl AppError {
    /// The headers that go with this error, whatever the body (JSON or a page).
    pub fn headers(&self) -> Vec<(HeaderName, HeaderValue)> {
        match self {
            AppError::Unauthenticated { token_sent: true } => vec![(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(r#"Bearer error="invalid_token""#),
            )],
            AppError::Unauthenticated { token_sent: false }
            | AppError::InvalidCredentials
            | AppError::InvalidRefreshToken
            | AppError::SecondFactorRequired
            | AppError::InvalidCode
            | AppError::InvalidTicket => {
                vec![(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"))]
            }
            AppError::Busy => vec![(header::RETRY_AFTER, HeaderValue::from_static("1"))],
            AppError::TooManyAttempts { retry_after } => {
                vec![(
                    header::RETRY_AFTER,
                    HeaderValue::from(retry_after_secs(*retry_after)),
                )]
            }
            _ => Vec::new(),
        }
    }
}
