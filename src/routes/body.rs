//! The body of an `/auth/*` request: JSON or a form, chosen by
//! `Content-Type`, at most 64 KiB.

use actix_web::dev::Payload;
use actix_web::error::PayloadError;
use actix_web::web::Bytes;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;

use crate::error::AppError;

/// Largest request body accepted.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

pub enum Body<T> {
    Json(T),
    Form(T),
    /// `Content-Type: application/json` with nothing in the body.
    Empty,
    /// No content type, or one that is neither JSON nor a form.
    Unsupported,
}

impl<T> Body<T> {
    /// The input of an endpoint that needs one, and whether it came from a form.
    pub fn required(self) -> Result<(T, bool), AppError> {
        match self {
            Body::Json(value) => Ok((value, false)),
            Body::Form(value) => Ok((value, true)),
            Body::Empty => Err(AppError::MalformedBody("a JSON body is required")),
            Body::Unsupported => Err(AppError::UnsupportedMediaType),
        }
    }

    pub fn is_form(&self) -> bool {
        matches!(self, Body::Form(_))
    }

    /// The JSON input, if the body was JSON.
    pub fn json(self) -> Option<T> {
        match self {
            Body::Json(value) => Some(value),
            _ => None,
        }
    }
}

enum Kind {
    Json,
    Form,
    Other,
}

fn kind(req: &HttpRequest) -> Kind {
    match req.mime_type() {
        Ok(Some(mime)) if mime.type_() == "application" => match mime.subtype().as_str() {
            "json" => Kind::Json,
            "x-www-form-urlencoded" => Kind::Form,
            _ if mime.suffix().is_some_and(|s| s == "json") => Kind::Json,
            _ => Kind::Other,
        },
        _ => Kind::Other,
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Body<T> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let kind = kind(req);
        let bytes = Bytes::from_request(req, payload);
        Box::pin(async move {
            let bytes = bytes
                .await
                .map_err(|e| match e.as_error::<PayloadError>() {
                    Some(PayloadError::Overflow) => AppError::PayloadTooLarge,
                    _ => AppError::MalformedBody("the body could not be read"),
                })?;
            match kind {
                Kind::Json if bytes.is_empty() => Ok(Body::Empty),
                Kind::Json => parse_json_object(&bytes).map(Body::Json),
                Kind::Form => parse_form(&bytes).map(Body::Form),
                Kind::Other => Ok(Body::Unsupported),
            }
        })
    }
}

/// A JSON object (not an array, which serde would also map onto a struct)
/// with fields of the right types.
fn parse_json_object<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let malformed = |_| AppError::MalformedBody("expected a JSON object of strings");
    let object: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(bytes).map_err(malformed)?;
    T::deserialize(serde_json::Value::Object(object)).map_err(malformed)
}

/// A form whose every name and value decodes to UTF-8. (Decoding alone
/// would replace bad bytes, silently changing a password.)
fn parse_form<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let malformed = AppError::MalformedBody("the form is not valid UTF-8 form data");
    let valid_utf8 = bytes
        .split(|&b| b == b'&' || b == b'=')
        .all(|part| percent_encoding::percent_decode(part).decode_utf8().is_ok());
    if !valid_utf8 {
        return Err(malformed);
    }
    serde_urlencoded::from_bytes(bytes).map_err(|_| malformed)
}

/// Hostile input: any bytes as a JSON or form body give a value or a 400,
/// never a panic.
#[cfg(test)]
mod properties {
    use proptest::prelude::*;
    use serde::Deserialize;

    use super::*;

    #[derive(Deserialize)]
    #[allow(dead_code)]
    struct Fields {
        #[serde(default)]
        email: String,
        #[serde(default)]
        password: String,
        next: Option<String>,
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn any_bytes_parse_or_are_malformed(bytes in any::<Vec<u8>>()) {
            for result in [parse_json_object::<Fields>(&bytes).map(|_| ()), parse_form::<Fields>(&bytes).map(|_| ())] {
                if let Err(error) = result {
                    prop_assert!(matches!(error, AppError::MalformedBody(_)));
                }
            }
        }

        #[test]
        fn forms_with_invalid_utf8_are_refused(prefix in "[a-z=&]{0,10}", bad in 0x80u8..=0xff) {
            let body = format!("{prefix}email=%{bad:02X}");
            prop_assert!(parse_form::<Fields>(body.as_bytes()).is_err());
        }

        #[test]
        fn deep_json_nesting_is_refused_not_a_stack_overflow(depth in 100usize..5000) {
            let body = format!("{{\"email\":{}{}}}", "[".repeat(depth), "]".repeat(depth));
            prop_assert!(parse_json_object::<Fields>(body.as_bytes()).is_err());
        }
    }
}
