//! What a sign-in alert tells apart: the device (browser and system, as
//! sesame names them) and the network (an IPv4 /24 or an IPv6 /64) a
//! sign-in came from. Both are sesame's own words: a device's name comes
//! from woothee's fixed list, never from the User-Agent's text, so it can
//! go into a mail that a stranger's User-Agent must not write.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use woothee::woothee::VALUE_UNKNOWN;

/// A browser and system, named: "Firefox on Linux", "Chrome on Android",
/// "an unknown browser".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device(String);

const UNKNOWN_BROWSER: &str = "an unknown browser";
const UNKNOWN_SYSTEM: &str = "an unknown system";
/// Longer is no name of woothee's list.
const MAX_NAME_CHARS: usize = 40;

impl Device {
    /// The device a User-Agent names (none: an unknown browser).
    pub fn of_user_agent(user_agent: Option<&str>) -> Device {
        let parsed = user_agent
            .map(str::trim)
            .filter(|ua| !ua.is_empty())
            .and_then(|ua| woothee::parser::Parser::new().parse(ua));
        let (browser, system) = match &parsed {
            Some(ua) => (
                known(ua.name).filter(|_| is_browser(ua.category)),
                known(ua.os).map(system_name),
            ),
            None => (None, None),
        };
        Device(match (browser, system) {
            (None, None) => UNKNOWN_BROWSER.to_owned(),
            (Some(browser), None) => format!("{browser} on {UNKNOWN_SYSTEM}"),
            (None, Some(system)) => format!("{UNKNOWN_BROWSER} on {system}"),
            (Some(browser), Some(system)) => format!("{browser} on {system}"),
        })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Device {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A name from woothee's list; anything else (which could only be the
/// User-Agent's own text) is not shown.
fn known(name: &str) -> Option<&str> {
    let plain = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || " .!-".contains(c));
    (name != VALUE_UNKNOWN && !name.is_empty() && plain && name.len() <= MAX_NAME_CHARS)
        .then_some(name)
}

/// What woothee files browsers under (not crawlers, nor "misc": HTTP
/// libraries and tools).
fn is_browser(category: &str) -> bool {
    matches!(category, "pc" | "smartphone" | "mobilephone" | "appliance")
}

/// The system as people say it: one Windows whatever its version (Windows
/// 11 says it is 10), macOS by its name of today.
fn system_name(os: &str) -> &str {
    match os {
        "Mac OSX" => "macOS",
        "Windows Phone OS" => os,
        windows if windows.starts_with("Windows ") => "Windows",
        other => other,
    }
}

/// The network an address is in: its IPv4 /24, or its IPv6 /64 (one
/// subscriber's, as `AddressKey` counts it); an IPv4-mapped IPv6 address
/// is the IPv4 one. No address: one "unknown" network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Network(String);

impl Network {
    pub fn of(address: Option<IpAddr>) -> Network {
        Network(match address {
            None => "unknown".to_owned(),
            Some(IpAddr::V4(v4)) => v4_network(v4),
            Some(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
                Some(v4) => v4_network(v4),
                None => {
                    let prefix = u128::from(v6) & !(u128::MAX >> 64);
                    format!("{}/64", Ipv6Addr::from(prefix))
                }
            },
        })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn v4_network(v4: Ipv4Addr) -> String {
    format!("{}/24", Ipv4Addr::from(u32::from(v4) & 0xffff_ff00))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIREFOX_LINUX: &str =
        "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
    const CHROME_ANDROID: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 \
                                  (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";
    const SAFARI_MAC: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) \
                              AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15";
    const EDGE_WINDOWS: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 \
                                (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0";

    fn named(user_agent: Option<&str>) -> String {
        Device::of_user_agent(user_agent).to_string()
    }

    #[test]
    fn a_browser_is_named_with_its_system() {
        assert_eq!(named(Some(FIREFOX_LINUX)), "Firefox on Linux");
        assert_eq!(named(Some(CHROME_ANDROID)), "Chrome on Android");
        assert_eq!(named(Some(SAFARI_MAC)), "Safari on macOS");
        assert_eq!(named(Some(EDGE_WINDOWS)), "Edge on Windows");
    }

    #[test]
    fn another_version_of_the_same_browser_is_the_same_device() {
        let older = FIREFOX_LINUX.replace("133.0", "120.0");
        assert_eq!(named(Some(&older)), named(Some(FIREFOX_LINUX)));
    }

    #[test]
    fn no_user_agent_or_an_unknown_one_is_an_unknown_browser() {
        assert_eq!(named(None), "an unknown browser");
        assert_eq!(named(Some("   ")), "an unknown browser");
        assert_eq!(named(Some("curl/8.5.0")), "an unknown browser");
    }

    #[test]
    fn the_user_agents_own_text_never_becomes_the_name() {
        let hostile = "Call +1 555 0100 now <a href=x>support</a> Firefox/1.0";
        let name = named(Some(hostile));
        assert!(!name.contains("555") && !name.contains('<'), "{name}");
        assert!(name.len() < 60, "{name}");
    }

    #[test]
    fn ipv4_addresses_are_grouped_by_their_24() {
        let network = |text: &str| Network::of(Some(text.parse().unwrap()));
        assert_eq!(network("198.51.100.7").as_str(), "198.51.100.0/24");
        assert_eq!(network("198.51.100.7"), network("198.51.100.200"));
        assert_ne!(network("198.51.100.7"), network("198.51.101.7"));
        assert_eq!(network("::ffff:198.51.100.7"), network("198.51.100.9"));
    }

    #[test]
    fn ipv6_addresses_are_grouped_by_their_64() {
        let network = |text: &str| Network::of(Some(text.parse().unwrap()));
        assert_eq!(network("2001:db8:1:2::1").as_str(), "2001:db8:1:2::/64");
        assert_eq!(network("2001:db8:1:2::1"), network("2001:db8:1:2:ffff::9"));
        assert_ne!(network("2001:db8:1:2::1"), network("2001:db8:1:3::1"));
        assert_eq!(Network::of(None).as_str(), "unknown");
    }
}
