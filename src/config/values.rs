//! The values settings take: humane durations and socket addresses, each
//! refused with a sentence that clap prints after the setting's name.

use std::net::{SocketAddr, ToSocketAddrs};
use std::time::Duration;

/// Longest duration a setting takes; keeps time arithmetic far from overflow.
const MAX_DURATION: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// A duration such as `2s`, `15m`, `1h`, `7d` (or `1h 30m`).
pub fn duration(text: &str) -> Result<Duration, String> {
    let parsed = humantime::parse_duration(text.trim())
        .map_err(|_| "expected a duration such as 2s, 15m, 1h or 7d".to_owned())?;
    if parsed > MAX_DURATION {
        return Err("must be at most 100 years".into());
    }
    Ok(parsed)
}

/// A duration of at least one second.
pub fn positive_duration(text: &str) -> Result<Duration, String> {
    let parsed = duration(text)?;
    if parsed < Duration::from_secs(1) {
        return Err("must be at least 1s".into());
    }
    Ok(parsed)
}

pub fn socket_address(text: &str) -> Result<String, String> {
    let resolves = text
        .to_socket_addrs()
        .is_ok_and(|mut addresses| addresses.next().is_some());
    if resolves {
        Ok(text.to_owned())
    } else {
        Err("expected an address such as 127.0.0.1:8080 or [::1]:0".into())
    }
}

/// `--public-url`: an http(s) address with no query; kept without its
/// trailing slash, so paths are appended as they are.
pub fn public_url(text: &str) -> Result<String, String> {
    let refused = || "expected an address such as https://id.example.com".to_owned();
    let url = url::Url::parse(text.trim()).map_err(|_| refused())?;
    if !matches!(url.scheme(), "http" | "https") || !url.has_host() {
        return Err(refused());
    }
    if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
        return Err("give the address alone, with no query, fragment or user".into());
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// The address users reach sesame at when `--public-url` is not given. On
/// a loopback bind, `http://localhost:<port>`: the name browsers keep
/// `Secure` cookies for over plain HTTP, and a host name (passkeys need
/// one); otherwise `http://<bind>`.
pub fn default_public_url(bound: SocketAddr) -> String {
    match bound.ip().is_loopback() {
        true => format!("http://localhost:{}", bound.port()),
        false => format!("http://{bound}"),
    }
}

/// Whether browsers will refuse sesame's cookies at `public_url`: they keep
/// a `Secure` cookie sent over plain `http://` only for `localhost` (and
/// its loopback addresses), so every form there would be "expired".
pub fn secure_cookies_refused(public_url: &str, cookie_secure: bool) -> bool {
    let Ok(url) = url::Url::parse(public_url) else {
        return false;
    };
    let local = match url.host() {
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    cookie_secure && url.scheme() == "http" && !local
}

/// `--mail-from`: `Name <address>` or a bare address.
pub fn mailbox(text: &str) -> Result<String, String> {
    text.trim()
        .parse::<lettre::message::Mailbox>()
        .map(|_| text.trim().to_owned())
        .map_err(|_| "expected a mailbox such as: sesame <no-reply@example.com>".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_public_url_of_a_loopback_bind_is_localhost() {
        let at = |text: &str| default_public_url(text.parse().unwrap());
        assert_eq!(at("127.0.0.1:8080"), "http://localhost:8080");
        assert_eq!(at("[::1]:41234"), "http://localhost:41234");
        assert_eq!(at("192.0.2.7:8080"), "http://192.0.2.7:8080");
        assert_eq!(at("0.0.0.0:80"), "http://0.0.0.0:80");
    }

    #[test]
    fn secure_cookies_are_refused_over_plain_http_but_on_localhost() {
        for url in [
            "http://sesame.lan:8080",
            "http://192.0.2.7:8080",
            "http://0.0.0.0:80",
        ] {
            assert!(secure_cookies_refused(url, true), "{url}");
            assert!(!secure_cookies_refused(url, false), "{url}");
        }
        for url in [
            "http://localhost:8080",
            "http://LOCALHOST",
            "http://127.0.0.1:8080",
            "http://[::1]:8080",
            "https://id.example.com",
        ] {
            assert!(!secure_cookies_refused(url, true), "{url}");
        }
    }

    #[test]
    fn humane_durations() {
        assert_eq!(duration("2s").unwrap(), Duration::from_secs(2));
        assert_eq!(duration("15m").unwrap(), Duration::from_secs(900));
        assert_eq!(duration("1h").unwrap(), Duration::from_secs(3600));
        assert_eq!(duration("7d").unwrap(), Duration::from_secs(7 * 86400));
        assert_eq!(duration("0s").unwrap(), Duration::ZERO);
        assert!(duration("soon").is_err());
        assert!(positive_duration("0s").is_err());
        assert!(positive_duration("500ms").is_err());
        assert!(duration("1000y").is_err());
    }
}
