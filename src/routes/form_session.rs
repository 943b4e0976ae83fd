//! The browser-side state of the pages, kept by actix-session in an
//! encrypted cookie: the CSRF token of every form, and one-time flash
//! messages ("Signed out").

use actix_session::Session;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as BASE64URL;
use base64::Engine;
use subtle::ConstantTimeEq;

use crate::error::AppError;

const CSRF_KEY: &str = "csrf";
const FLASH_KEY: &str = "flash";

/// This browser's CSRF token, made on first use.
pub fn csrf_token(session: &Session) -> Result<String, AppError> {
    if let Ok(Some(token)) = session.get::<String>(CSRF_KEY) {
        return Ok(token);
    }
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| AppError::unexpected(e.to_string()))?;
    let token = BASE64URL.encode(bytes);
    session
        .insert(CSRF_KEY, &token)
        .map_err(|e| AppError::unexpected(e.to_string()))?;
    Ok(token)
}

/// Whether a form carried this browser's CSRF token.
pub fn csrf_is_valid(session: &Session, presented: Option<&str>) -> bool {
    match (session.get::<String>(CSRF_KEY), presented) {
        (Ok(Some(expected)), Some(presented)) => {
            bool::from(expected.as_bytes().ct_eq(presented.as_bytes()))
        }
        _ => false,
    }
}

/// A message for the next page shown.
pub fn set_flash(session: &Session, message: &str) {
    // Losing a flash message is harmless; failing the request for it is not.
    let _ = session.insert(FLASH_KEY, message);
}

/// The message left by the previous request, once.
pub fn take_flash(session: &Session) -> Option<String> {
    session.remove_as::<String>(FLASH_KEY).and_then(Result::ok)
}
