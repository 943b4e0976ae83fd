//! `--trusted-proxies`: the reverse proxies whose `X-Forwarded-For` header
//! is believed. From anyone else the header is ignored, so no client can
//! dodge a per-address limit by writing it.

use std::net::IpAddr;

use ipnet::IpNet;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// `10.0.0.1, 192.168.0.0/16, ::1`; empty for none.
    pub fn parse(text: &str) -> Result<TrustedProxies, String> {
        let mut nets = Vec::new();
        for item in text.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let net = match item.parse::<IpNet>() {
                Ok(net) => net,
                Err(_) => item.parse::<IpAddr>().map(IpNet::from).map_err(|_| {
                    format!("{item:?} is not an address or a CIDR such as 10.0.0.0/8")
                })?,
            };
            nets.push(canonical_net(net));
        }
        Ok(TrustedProxies(nets))
    }

    pub fn contains(&self, address: IpAddr) -> bool {
        let address = canonical(address);
        self.0.iter().any(|net| net.contains(&address))
    }

    /// The client behind `peer`: when `peer` is a trusted proxy, the
    /// right-most address of `X-Forwarded-For` (`forwarded`) that is not one
    /// (the left ones were written by whoever sent the request, and could be
    /// anything); otherwise `peer` itself.
    pub fn client(&self, peer: IpAddr, forwarded: Option<&str>) -> IpAddr {
        if !self.contains(peer) {
            return peer;
        }
        let Some(forwarded) = forwarded else {
            return peer;
        };
        let mut nearest = peer;
        for entry in forwarded.rsplit(',').map(str::trim) {
            let Ok(address) = entry.parse::<IpAddr>() else {
                // Garbage where an address should be: stop at the last good hop.
                return nearest;
            };
            if !self.contains(address) {
                return address;
            }
            nearest = address;
        }
        nearest
    }
}

/// `::ffff:a.b.c.d/128` (or a mapped network) is the IPv4 network, as
/// peers are compared in their IPv4 form.
fn canonical_net(net: IpNet) -> IpNet {
    match net {
        IpNet::V6(v6) if v6.prefix_len() >= 96 => match v6.addr().to_ipv4_mapped() {
            Some(v4) => ipnet::Ipv4Net::new(v4, v6.prefix_len() - 96)
                .map(IpNet::V4)
                .unwrap_or(net),
            None => net,
        },
        other => other,
    }
}

/// An IPv4 address seen as `::ffff:a.b.c.d` is the IPv4 address.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn addresses_and_cidrs_are_read_and_junk_refused() {
        let proxies = TrustedProxies::parse("127.0.0.1, 10.0.0.0/8,::1").unwrap();
        assert!(proxies.contains(ip("10.1.2.3")));
        assert!(proxies.contains(ip("::ffff:127.0.0.1")));
        let mapped = TrustedProxies::parse("::ffff:127.0.0.1").unwrap();
        assert!(mapped.contains(ip("127.0.0.1")));
        assert!(!proxies.contains(ip("192.0.2.1")));
        assert_eq!(
            TrustedProxies::parse("").unwrap(),
            TrustedProxies::default()
        );
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
        assert!(TrustedProxies::parse("proxy.example").is_err());
    }

    #[test]
    fn the_header_is_believed_only_from_a_trusted_peer() {
        let proxies = TrustedProxies::parse("10.0.0.0/8").unwrap();
        let forged = Some("203.0.113.9");
        assert_eq!(proxies.client(ip("192.0.2.1"), forged), ip("192.0.2.1"));
        assert_eq!(proxies.client(ip("10.0.0.1"), forged), ip("203.0.113.9"));
        assert_eq!(proxies.client(ip("10.0.0.1"), None), ip("10.0.0.1"));
    }

    #[test]
    fn the_client_is_the_right_most_untrusted_hop() {
        let proxies = TrustedProxies::parse("10.0.0.0/8").unwrap();
        // The client wrote "1.1.1.1" itself; 198.51.100.7 reached our proxies.
        let chain = Some("1.1.1.1, 198.51.100.7, 10.0.0.2");
        assert_eq!(proxies.client(ip("10.0.0.1"), chain), ip("198.51.100.7"));
        assert_eq!(
            proxies.client(ip("10.0.0.1"), Some("junk, 10.0.0.3")),
            ip("10.0.0.3")
        );
    }
}
