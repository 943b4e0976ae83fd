//! Which client a request to the token, revocation or introspection
//! endpoint comes from (RFC 6749 2.3.1): HTTP Basic with the id and secret
//! (each form-urlencoded first), or `client_id` and `client_secret` in the
//! body, or, for a public client, `client_id` alone. Two ways at once is
//! `invalid_request`.

use actix_web::http::header;
use actix_web::HttpRequest;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::Deserialize;

use crate::auth::oidc::{ClientCredentials, OidcClient, OpenIdProvider};
use crate::error::{OAuthCode, OAuthError};

/// The credentials a request carries, from its `Authorization` header and
/// its body's `client_id` and `client_secret`.
pub fn client_credentials(
    req: &HttpRequest,
    body_client_id: Option<&str>,
    body_client_secret: Option<&str>,
) -> Result<ClientCredentials, OAuthError> {
    let invalid_client = || {
        OAuthError::new(
            OAuthCode::InvalidClient,
            "The client could not be authenticated.",
        )
    };
    let basic = match req.headers().get(header::AUTHORIZATION) {
        None => None,
        Some(value) => Some(basic_credentials(value.as_bytes()).ok_or_else(invalid_client)?),
    };
    match (basic, body_client_id, body_client_secret) {
        (Some(_), _, Some(_)) => Err(OAuthError::new(
            OAuthCode::InvalidRequest,
            "Use one way of client authentication, not two.",
        )),
        (Some((id, secret)), body_id, None) => {
            if body_id.is_some_and(|b| b != id) {
                return Err(invalid_client());
            }
            Ok(ClientCredentials::Secret { id, secret })
        }
        (None, Some(id), Some(secret)) => Ok(ClientCredentials::Secret {
            id: id.to_owned(),
            secret: secret.to_owned(),
        }),
        (None, Some(id), None) => Ok(ClientCredentials::IdOnly(id.to_owned())),
        (None, None, _) => Err(invalid_client()),
    }
}

/// The body of a question about one token: revocation (RFC 7009 2.1) and
/// introspection (RFC 7662 2.1), with the asking app's credentials.
#[derive(Deserialize)]
pub struct TokenQuestion {
    pub token: Option<String>,
    pub token_type_hint: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
}

impl TokenQuestion {
    /// The app asking, authenticated.
    pub async fn client(
        &self,
        req: &HttpRequest,
        oidc: &OpenIdProvider,
    ) -> Result<OidcClient, OAuthError> {
        let credentials = client_credentials(
            req,
            self.client_id.as_deref(),
            self.client_secret.as_deref(),
        )?;
        oidc.authenticate_client(credentials).await
    }
}

/// `Basic base64(urlencoded(id):urlencoded(secret))`.
fn basic_credentials(value: &[u8]) -> Option<(String, String)> {
    let text = std::str::from_utf8(value).ok()?;
    let (scheme, encoded) = text.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let unescape = |part: &str| -> Option<String> {
        let spaced = part.replace('+', " ");
        percent_encoding::percent_decode_str(&spaced)
            .decode_utf8()
            .ok()
            .map(|s| s.into_owned())
    };
    Some((unescape(id)?, unescape(secret)?))
}

#[cfg(test)]
mod tests {
    use super::basic_credentials;

    #[test]
    fn basic_credentials_are_form_decoded() {
        use base64::Engine;
        let header = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode("my%20app:s%3Acret+x")
        );
        assert_eq!(
            basic_credentials(header.as_bytes()),
            Some(("my app".to_owned(), "s:cret x".to_owned()))
        );
        assert_eq!(basic_credentials(b"Bearer abc"), None);
        assert_eq!(basic_credentials(b"Basic !!!"), None);
    }
}
