//! `--smtp-url`: where mail goes, parsed once. It may hold a password:
//! neither `Debug` nor `Display` shows it.

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// `smtp://`: plain at first, STARTTLS when the server offers it.
    StartTlsWhenOffered,
    /// `smtps://`: TLS from the first byte.
    Tls,
}

#[derive(Clone, PartialEq, Eq)]
pub struct SmtpUrl {
    pub security: SmtpSecurity,
    pub host: String,
    pub port: u16,
    /// User name and password, percent-decoded.
    pub credentials: Option<(String, String)>,
}

impl SmtpUrl {
    /// `smtp://[user:pass@]host[:port]` (port 25) or `smtps://…` (port 465).
    pub fn parse(text: &str) -> Result<SmtpUrl, String> {
        let url = url::Url::parse(text.trim())
            .map_err(|_| "expected smtp://[user:pass@]host[:port] or smtps://…".to_owned())?;
        let (security, default_port) = match url.scheme() {
            "smtp" => (SmtpSecurity::StartTlsWhenOffered, 25),
            "smtps" => (SmtpSecurity::Tls, 465),
            _ => return Err("the scheme must be smtp:// or smtps://".into()),
        };
        let host = match url.host() {
            Some(url::Host::Ipv6(address)) => address.to_string(),
            Some(host) => host.to_string(),
            None => return Err("give the SMTP server's host".into()),
        };
        if !matches!(url.path(), "" | "/") || url.query().is_some() || url.fragment().is_some() {
            return Err("give only [user:pass@]host[:port], no path or query".into());
        }
        let decode = |part: &str| {
            percent_encoding::percent_decode_str(part)
                .decode_utf8()
                .map(|text| text.into_owned())
                .map_err(|_| "the user name and password must be UTF-8".to_owned())
        };
        let credentials = match (url.username(), url.password()) {
            ("", None) => None,
            (user, password) => Some((decode(user)?, decode(password.unwrap_or(""))?)),
        };
        Ok(SmtpUrl {
            security,
            host,
            port: url.port().unwrap_or(default_port),
            credentials,
        })
    }
}

/// `smtp://user:***@host:port`: the password never shows.
impl std::fmt::Display for SmtpUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let scheme = match self.security {
            SmtpSecurity::StartTlsWhenOffered => "smtp",
            SmtpSecurity::Tls => "smtps",
        };
        write!(f, "{scheme}://")?;
        if let Some((user, _)) = &self.credentials {
            write!(f, "{user}:***@")?;
        }
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

impl std::fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SmtpUrl({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_schemes_with_their_default_ports() {
        let plain = SmtpUrl::parse("smtp://mail.example.com").unwrap();
        assert_eq!(
            (plain.security, plain.port),
            (SmtpSecurity::StartTlsWhenOffered, 25)
        );
        let tls = SmtpUrl::parse("smtps://mail.example.com").unwrap();
        assert_eq!((tls.security, tls.port), (SmtpSecurity::Tls, 465));
        assert_eq!(SmtpUrl::parse("smtp://127.0.0.1:2525").unwrap().port, 2525);
    }

    #[test]
    fn credentials_are_decoded_and_the_password_never_shown() {
        let url =
            SmtpUrl::parse("smtp://me%40example.com:p%40ss%2Fword@mail.example.com:587").unwrap();
        assert_eq!(
            url.credentials,
            Some(("me@example.com".into(), "p@ss/word".into()))
        );
        for shown in [url.to_string(), format!("{url:?}")] {
            assert!(!shown.contains("p@ss"), "{shown}");
            assert!(shown.contains("mail.example.com:587"), "{shown}");
        }
    }

    #[test]
    fn other_schemes_paths_and_garbage_are_refused() {
        for bad in [
            "http://mail.example.com",
            "mail.example.com",
            "smtp://",
            "smtp://host/path",
            "smtp://host?tls=none",
        ] {
            assert!(SmtpUrl::parse(bad).is_err(), "{bad}");
        }
    }
}
