//! RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): what a
//! request to `/oauth/logout` may end and where the browser goes after.
//!
//! An `id_token_hint` that sesame signed (expiry ignored, `iss` ours) says
//! which app (`aud`), user (`sub`) and app session (`sid`) are signing out;
//! with one, the logout happens at once. Without a valid one, anyone could
//! have made the link: the route asks the user first. A
//! `post_logout_redirect_uri` is followed only when it is one registered
//! for that app, exactly; else no redirect at all.

use super::OpenIdProvider;
use crate::db::sessions as session_rows;
use crate::error::AppError;

/// The request's parameters, as sent (each the first of its name).
#[derive(Debug, Default, Clone)]
pub struct LogoutRequest {
    pub id_token_hint: Option<String>,
    pub client_id: Option<String>,
    pub post_logout_redirect_uri: Option<String>,
    pub state: Option<String>,
}

/// What a valid `id_token_hint` names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    pub client_id: String,
    pub user_id: String,
    /// The app's session; `None` for a token without `sid`.
    pub session_id: Option<String>,
}

/// A request that may be carried out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedLogout {
    /// `None`: no valid hint; ask the user before signing anything out.
    pub hint: Option<Hint>,
    /// Where to send the browser once signed out (`state` appended);
    /// `None`: the "You are signed out" page.
    pub redirect: Option<String>,
}

/// Why a request is refused (an error page, never a redirect).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogoutRefusal {
    /// `client_id` names no app.
    UnknownClient,
    /// `client_id` is not the hint's app.
    WrongClient,
    /// `post_logout_redirect_uri` is not registered for the app (or no app
    /// is named to check it against).
    UnregisteredRedirect,
}

/// Either a refusal, or a failure of the database.
#[derive(Debug)]
pub enum LogoutError {
    Refused(LogoutRefusal),
    Failed(AppError),
}

impl From<AppError> for LogoutError {
    fn from(error: AppError) -> Self {
        LogoutError::Failed(error)
    }
}

impl OpenIdProvider {
    /// Checks `request`: its hint, its app, its redirect.
    pub async fn check_logout(
        &self,
        request: &LogoutRequest,
    ) -> Result<CheckedLogout, LogoutError> {
        let hint = request
            .id_token_hint
            .as_deref()
            .and_then(|token| self.read_hint(token));
        let client_id = match (&hint, &request.client_id) {
            (Some(hint), Some(given)) if *given != hint.client_id => {
                return Err(LogoutError::Refused(LogoutRefusal::WrongClient));
            }
            (Some(hint), _) => Some(hint.client_id.clone()),
            (None, given) => given.clone(),
        };
        let client = match &client_id {
            Some(id) => Some(
                self.client(id)
                    .await?
                    .ok_or(LogoutError::Refused(LogoutRefusal::UnknownClient))?,
            ),
            None => None,
        };
        let redirect = match &request.post_logout_redirect_uri {
            None => None,
            Some(uri) => match &client {
                Some(client) if client.has_post_logout_redirect_uri(uri) => {
                    Some(with_state(uri, request.state.as_deref()))
                }
                _ => return Err(LogoutError::Refused(LogoutRefusal::UnregisteredRedirect)),
            },
        };
        Ok(CheckedLogout { hint, redirect })
    }

    /// Ends the app's session the hint names, if it is that app's and that
    /// user's (through `Sessions`: announced, and its back-channel logout
    /// queued). Nothing to end is no error.
    pub async fn end_hinted_session(&self, hint: &Hint) -> Result<(), AppError> {
        let Some(session_id) = hint.session_id.clone() else {
            return Ok(());
        };
        let user_id = hint.user_id.clone();
        let lookup = (session_id.clone(), user_id.clone());
        let session = self
            .db
            .read(move |conn| session_rows::find_of_user(conn, &lookup.0, &lookup.1))
            .await?;
        match session {
            Some(session) if session.client_id.as_deref() == Some(hint.client_id.as_str()) => {
                match self.sessions.revoke(&user_id, &session_id).await {
                    Ok(()) | Err(AppError::NotFound) => Ok(()),
                    Err(error) => Err(error),
                }
            }
            _ => Ok(()),
        }
    }

    /// The hint's claims, if sesame signed it (any of its keys, expired or
    /// not) as this issuer, for one app.
    fn read_hint(&self, token: &str) -> Option<Hint> {
        let claims = self.sessions.access_tokens().verify_own_jwt(token)?;
        if claims.get("iss")?.as_str()? != self.issuer {
            return None;
        }
        let client_id = match claims.get("aud")? {
            serde_json::Value::String(aud) => aud.clone(),
            serde_json::Value::Array(auds) if auds.len() == 1 => auds[0].as_str()?.to_owned(),
            _ => return None,
        };
        Some(Hint {
            client_id,
            user_id: claims.get("sub")?.as_str()?.to_owned(),
            session_id: claims
                .get("sid")
                .and_then(|sid| sid.as_str())
                .map(str::to_owned),
        })
    }
}

/// `uri` with `state` added to its query, when given (RP-Initiated Logout 2).
pub fn with_state(uri: &str, state: Option<&str>) -> String {
    let Some(state) = state else {
        return uri.to_owned();
    };
    match url::Url::parse(uri) {
        Ok(mut url) => {
            url.query_pairs_mut().append_pair("state", state);
            url.to_string()
        }
        // A registered URI always parses; were it not to, no state is added.
        Err(_) => uri.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::with_state;

    #[test]
    fn state_is_added_to_the_query_encoded() {
        assert_eq!(
            with_state("https://app.example/bye", Some("a b&c")),
            "https://app.example/bye?state=a+b%26c"
        );
        assert_eq!(
            with_state("https://app.example/bye?x=1", Some("s")),
            "https://app.example/bye?x=1&state=s"
        );
    }

    #[test]
    fn without_state_the_uri_is_kept_as_registered() {
        assert_eq!(
            with_state("https://app.example/bye", None),
            "https://app.example/bye"
        );
    }
}
