use std::net::IpAddr;

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

    /// The address as the audit trail writes it.
    pub fn address_text(&self) -> String {
        self.address
            .map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_user_agent_is_cut_on_a_character_boundary() {
        let client = Client::new(Some(&"é".repeat(300)), None);
        assert_eq!(client.user_agent().unwrap().chars().count(), 256);
        assert_eq!(client.address_text(), "unknown");
    }
}
