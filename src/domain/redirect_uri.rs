//! A URI an app registered to be sent back to (`sesame clients add
//! --redirect-uri`, `--post-logout-redirect-uri`, `--backchannel-logout-uri`):
//! absolute, `https`, `http`, or a private-use scheme with a dot in it
//! (RFC 8252 7.1, native apps); no fragment (RFC 6749 3.1.2), no user or
//! password in it. Compared with what a request sends byte for byte, so it
//! is kept exactly as given.

use url::Url;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedirectUri(String);

const MAX_LEN: usize = 2000;

impl RedirectUri {
    pub fn parse(raw: &str) -> Result<RedirectUri, String> {
        if raw.is_empty() || raw.len() > MAX_LEN {
            return Err(format!("a URI must be 1 to {MAX_LEN} characters"));
        }
        if raw.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err("a URI must not contain spaces or control characters".to_owned());
        }
        let url = Url::parse(raw).map_err(|_| "not an absolute URI".to_owned())?;
        if url.fragment().is_some() {
            return Err("a redirect URI must not have a fragment (#…)".to_owned());
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err("a redirect URI must not hold a user name or password".to_owned());
        }
        match url.scheme() {
            // `http:///x` would be read as `http://x/`: say the host plainly.
            "https" | "http" if url.host().is_some() && !raw.contains(":///") => {}
            "https" | "http" => return Err("an http(s) URI needs a host".to_owned()),
            scheme if scheme.contains('.') => {}
            _ => {
                return Err(
                    "the scheme must be https, http, or an app's own with a dot (com.example.app)"
                        .to_owned(),
                )
            }
        }
        Ok(RedirectUri(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::RedirectUri;

    #[test]
    fn web_and_native_app_uris_are_kept_exactly() {
        for uri in [
            "https://grafana.example.com/login/generic_oauth",
            "http://localhost:3000/callback?x=1",
            "com.example.app:/oauth2redirect",
        ] {
            assert_eq!(RedirectUri::parse(uri).unwrap().as_str(), uri);
        }
    }

    #[test]
    fn fragments_scripts_credentials_and_relative_uris_are_refused() {
        for uri in [
            "",
            "/callback",
            "https://app.example/cb#x",
            "javascript:alert(1)",
            "data:text/html,hi",
            "https://user:pw@app.example/cb",
            "https://app.example/c b",
            "http:///nohost",
        ] {
            assert!(RedirectUri::parse(uri).is_err(), "{uri}");
        }
    }
}
