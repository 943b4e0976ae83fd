//! Request bodies: JSON or a form, told apart by `Content-Type`, at most
//! 64 KiB. Forms are read by `form::CsrfForm`, which checks their token.

use actix_web::dev::Payload;
use actix_web::error::PayloadError;
use actix_web::mime::Mime;
use actix_web::web::Bytes;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;

use crate::error::AppError;

/// Largest request body accepted.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// A required JSON object: an empty body is 400, another content type 415.
pub struct Json<T>(pub T);

/// A JSON object if the request has a JSON body; `None` for an empty one or
/// another content type (`fetch(url, {method: "POST"})` sends none).
pub struct OptionalJson<T>(pub Option<T>);

/// How a request's body is to be read, by its `Content-Type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Json,
    Form,
    Other,
}

impl Kind {
    pub fn of(mime: Option<&Mime>) -> Kind {
        match mime {
            Some(mime) if mime.type_() == "application" => match mime.subtype().as_str() {
                "json" => Kind::Json,
                "x-www-form-urlencoded" => Kind::Form,
                _ if mime.suffix().is_some_and(|s| s == "json") => Kind::Json,
                _ => Kind::Other,
            },
            _ => Kind::Other,
        }
    }

    pub fn of_request(req: &HttpRequest) -> Kind {
        Kind::of(req.mime_type().ok().flatten().as_ref())
    }
}

/// The body's bytes, at most `MAX_BODY_BYTES`, and its kind.
pub fn read(req: &HttpRequest, payload: &mut Payload) -> ReadBody {
    let kind = Kind::of_request(req);
    let bytes = Bytes::from_request(req, payload);
    Box::pin(async move {
        let bytes = bytes
            .await
            .map_err(|e| match e.as_error::<PayloadError>() {
                Some(PayloadError::Overflow) => AppError::PayloadTooLarge,
                _ => AppError::MalformedBody("the body could not be read"),
            })?;
        Ok((kind, bytes))
    })
}

pub type ReadBody = LocalBoxFuture<'static, Result<(Kind, Bytes), AppError>>;

/// The kind of the body and, for a non-empty JSON body, its object.
async fn json_object<T: DeserializeOwned>(body: ReadBody) -> Result<(Kind, Option<T>), AppError> {
    match body.await? {
        (Kind::Json, bytes) if !bytes.is_empty() => {
            Ok((Kind::Json, Some(parse_json_object(&bytes)?)))
        }
        (kind, _) => Ok((kind, None)),
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = read(req, payload);
        Box::pin(async move {
            match json_object(body).await? {
                (_, Some(object)) => Ok(Json(object)),
                (Kind::Json, None) => Err(AppError::MalformedBody("a JSON body is required")),
                _ => Err(AppError::UnsupportedMediaType),
            }
        })
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for OptionalJson<T> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = read(req, payload);
        Box::pin(async move { Ok(OptionalJson(json_object(body).await?.1)) })
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
pub fn parse_form<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
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
