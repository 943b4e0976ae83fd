//! An authorization request (`/oauth/authorize`), checked: RFC 6749 4.1.1
//! with PKCE (RFC 7636, S256 only; required of public clients) and OpenID
//! Connect's `openid` scope, `nonce`, `prompt` and `max_age`. The client
//! and its redirect URI are checked first by the caller (an error about
//! them must never redirect); every other error here is one to redirect
//! with.

use serde::{Deserialize, Serialize};

use super::{FreshSignIn, OidcClient};
use crate::domain::Scopes;
use crate::error::{OAuthCode, OAuthError};

/// The parameters as sent (query on GET, the consent form's hidden fields
/// on POST).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct AuthorizeParams {
    pub response_type: Option<String>,
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub scope: Option<String>,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    pub prompt: Option<String>,
    pub max_age: Option<String>,
}

/// What `prompt` asks (OpenID Connect Core 3.1.2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prompt {
    /// Sign in and consent as needed.
    Usual,
    /// Never show a page: an error if signing in or consent is needed.
    None,
    /// Ask for consent again, even if it was given.
    Consent,
}

/// A request that may be answered with a code.
#[derive(Debug, Clone)]
pub struct AuthorizationRequest {
    pub client: OidcClient,
    pub redirect_uri: String,
    pub scopes: Scopes,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub prompt: Prompt,
    /// `prompt=login` and `max_age`.
    pub fresh_sign_in: FreshSignIn,
}

/// What a request may carry at most, each: bounds what a code row holds.
const MAX_PARAM: usize = 512;

impl AuthorizationRequest {
    /// Checks everything but the client and redirect URI (`client` is the
    /// one `client_id` names, and `redirect_uri` one of its own).
    pub fn check(
        params: &AuthorizeParams,
        client: OidcClient,
        redirect_uri: String,
    ) -> Result<AuthorizationRequest, OAuthError> {
        let invalid = |description| OAuthError::new(OAuthCode::InvalidRequest, description);
        let too_long = [&params.state, &params.nonce, &params.scope]
            .iter()
            .any(|p| p.as_ref().is_some_and(|v| v.len() > MAX_PARAM));
        if too_long {
            return Err(invalid("A parameter is too long."));
        }
        match params.response_type.as_deref() {
            Some("code") => {}
            None => return Err(invalid("response_type is missing.")),
            Some(_) => {
                return Err(OAuthError::new(
                    OAuthCode::UnsupportedResponseType,
                    "Only the authorization code flow (response_type=code) is supported.",
                ))
            }
        }
        let scopes = Scopes::parse(params.scope.as_deref().unwrap_or("")).ok_or(
            OAuthError::new(OAuthCode::InvalidScope, "The scope must include openid."),
        )?;
        let code_challenge = match (
            params.code_challenge.as_deref(),
            params.code_challenge_method.as_deref(),
        ) {
            (None, None) if client.public => {
                return Err(invalid(
                    "A public client must use PKCE (code_challenge, S256).",
                ))
            }
            (None, None) => None,
            (Some(challenge), Some("S256")) if is_s256_challenge(challenge) => {
                Some(challenge.to_owned())
            }
            (Some(_), Some("S256")) => return Err(invalid("The code_challenge is malformed.")),
            (Some(_), None | Some(_)) => {
                return Err(invalid("code_challenge_method must be S256."))
            }
            (None, Some(_)) => return Err(invalid("code_challenge is missing.")),
        };
        // A space-separated list; `none` only alone (Core 3.1.2.1).
        // `select_account` is not acted on: the browser has one account.
        let asked: Vec<&str> = params.prompt.as_deref().unwrap_or("").split(' ').collect();
        let prompt = if asked.contains(&"none") {
            if asked.len() > 1 {
                return Err(invalid(
                    "prompt=none cannot be combined with another value.",
                ));
            }
            Prompt::None
        } else if asked.contains(&"consent") {
            Prompt::Consent
        } else {
            Prompt::Usual
        };
        let max_age = match params.max_age.as_deref() {
            None => None,
            Some(seconds) => Some(
                parse_max_age(seconds)
                    .ok_or(invalid("max_age must be a number of seconds (0 or more)."))?,
            ),
        };
        let fresh_sign_in = FreshSignIn {
            login: asked.contains(&"login"),
            max_age,
        };
        Ok(AuthorizationRequest {
            client,
            redirect_uri,
            scopes,
            state: params.state.clone(),
            nonce: params.nonce.clone(),
            code_challenge,
            prompt,
            fresh_sign_in,
        })
    }
}

/// base64url of a SHA-256: 43 characters of the unreserved alphabet.
fn is_s256_challenge(challenge: &str) -> bool {
    challenge.len() == 43
        && challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A non-negative integer, digits only; one too large for `u64` is as good
/// as forever.
fn parse_max_age(seconds: &str) -> Option<u64> {
    if seconds.is_empty() || !seconds.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(seconds.parse().unwrap_or(u64::MAX))
}
