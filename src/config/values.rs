//! The values settings take: humane durations and socket addresses, each
//! refused with a sentence that clap prints after the setting's name.

use std::net::ToSocketAddrs;
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
