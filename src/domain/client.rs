use std::net::{IpAddr, Ipv6Addr};

/// Longest user agent kept with a session.
const MAX_USER_AGENT_CHARS: usize = 256;

/// Who is asking: what the service keeps and counts of a caller.
#[derive(Debug, Clone, Default)]
pub struct Client {
    /// Its user agent, cut to a bounded length on a character boundary.
    user_agent: Option<String>,
    /// Its address, for the per-address limits and the audit trail.
    pub address: Option<IpAddr>,
}

impl Client {
    pub fn new(user_agent: Option<&str>, address: Option<IpAddr>) -> Self {
        Client {
            user_agent: user_agent.map(|ua| ua.chars().take(MAX_USER_AGENT_CHARS).collect()),
            address,
        }
    }

    pub fn user_agent(&self) -> Option<&str> {
        self.user_agent.as_deref()
    }

    /// What the per-address limits count this client as.
    pub fn address_key(&self) -> Option<AddressKey> {
        self.address.map(AddressKey::from)
    }

    /// The address as the audit trail writes it.
    pub fn address_text(&self) -> String {
        self.address
            .map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())
    }
}

/// The unit a per-address limit counts: an IPv4 address, or an IPv6
/// address's /64 (one subscriber's network: they are handed out whole, so
/// counting single addresses would let one client take 2^64 tries).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AddressKey(IpAddr);

impl From<IpAddr> for AddressKey {
    fn from(address: IpAddr) -> Self {
        match address {
            IpAddr::V4(v4) => AddressKey(IpAddr::V4(v4)),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => AddressKey(IpAddr::V4(v4)),
                None => {
                    let network = u128::from(v6) & !(u128::MAX >> 64);
                    AddressKey(IpAddr::V6(Ipv6Addr::from(network)))
                }
            },
        }
    }
}

/// An IPv4 address as it is; an IPv6 network as `prefix/64`.
impl std::fmt::Display for AddressKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            IpAddr::V4(v4) => write!(f, "{v4}"),
            IpAddr::V6(v6) => write!(f, "{v6}/64"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_addresses_are_counted_by_their_64_and_ipv4_as_they_are() {
        let key = |text: &str| AddressKey::from(text.parse::<IpAddr>().unwrap());
        assert_eq!(key("2001:db8:1:2::1"), key("2001:db8:1:2:ffff::9"));
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
        assert_eq!(key("::ffff:192.0.2.1"), key("192.0.2.1"));
        assert_ne!(key("192.0.2.1"), key("192.0.2.2"));
    }

    #[test]
    fn a_long_user_agent_is_cut_on_a_character_boundary() {
        let client = Client::new(Some(&"é".repeat(300)), None);
        assert_eq!(client.user_agent().unwrap().chars().count(), 256);
        assert_eq!(client.address_text(), "unknown");
    }
}
