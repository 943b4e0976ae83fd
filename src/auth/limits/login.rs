//! Login limits: per account and address, per account, per address.

use super::limiter::{LimitStore, Limiter, Refusal};
use crate::config::Settings;
use crate::domain::AddressKey;

pub struct LoginLimits {
    per_account_and_address: Limiter,
    per_account: Limiter,
    per_address: Limiter,
}

/// The tries one login attempt took. Dropped without an outcome (the
/// password was never checked), it gives them all back.
pub struct Attempt<'a> {
    limits: &'a LoginLimits,
    keys: Keys,
    settled: bool,
}

#[derive(Clone, Copy)]
struct Keys {
    account_and_address: u64,
    account: u64,
    address: Option<u64>,
}

impl LoginLimits {
    pub fn new(settings: &Settings, store: &LimitStore) -> Self {
        let window = settings.login_window;
        let limit = |name, max| Limiter::new(name, max, window, store);
        LoginLimits {
            per_account_and_address: limit("login-pair", settings.login_max_failures),
            per_account: limit("login-account", settings.login_max_failures_per_account),
            per_address: limit("login-address", settings.login_max_failures_per_ip),
        }
    }

    /// Takes one try of each limit for this account and address; refused
    /// when any has none left (and then nothing is taken).
    pub async fn begin(
        &self,
        account: &str,
        address: Option<AddressKey>,
    ) -> Result<Attempt<'_>, Refusal> {
        let keys = Keys {
            account_and_address: self.per_account_and_address.key((account, address)),
            account: self.per_account.key(account),
            address: address.map(|a| self.per_address.key(a)),
        };
        if let Some(address) = keys.address {
            self.per_address.take(address).await?;
        }
        let mut taken = self
            .per_account_and_address
            .take(keys.account_and_address)
            .await;
        if taken.is_ok() {
            taken = self.per_account.take(keys.account).await;
            if taken.is_err() {
                self.per_account_and_address
                    .give_back(keys.account_and_address);
            }
        }
        if let Err(refusal) = taken {
            if let Some(address) = keys.address {
                self.per_address.give_back(address);
            }
            return Err(refusal);
        }
        Ok(Attempt {
            limits: self,
            keys,
            settled: false,
        })
    }

    /// Drops every state back to full (run periodically).
    pub async fn forget_idle(&self) -> Result<(), crate::error::AppError> {
        self.per_account_and_address.forget_idle().await?;
        self.per_account.forget_idle().await?;
        self.per_address.forget_idle().await
    }

    fn give_back(&self, keys: Keys) {
        self.per_account_and_address
            .give_back(keys.account_and_address);
        self.per_account.give_back(keys.account);
        if let Some(address) = keys.address {
            self.per_address.give_back(address);
        }
    }
}

impl Attempt<'_> {
    /// The password was wrong: every try taken stays taken.
    pub fn failed(mut self) {
        self.settled = true;
    }

    /// The password was right: this account's failures from this address are
    /// forgotten, and the other tries given back (failures from elsewhere,
    /// and this address's other failures, still count: one good password
    /// must not buy more guesses).
    pub fn succeeded(mut self) {
        self.settled = true;
        let limits = self.limits;
        limits
            .per_account_and_address
            .forget(self.keys.account_and_address);
        limits.per_account.give_back(self.keys.account);
        if let Some(address) = self.keys.address {
            limits.per_address.give_back(address);
        }
    }
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        if !self.settled {
            self.limits.give_back(self.keys);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Settings;

    fn limits(per_pair: u32, per_account: u32, per_address: u32) -> LoginLimits {
        let settings = Settings {
            login_max_failures: per_pair,
            login_max_failures_per_account: per_account,
            login_max_failures_per_ip: per_address,
            login_window: std::time::Duration::from_secs(3600),
            ..Settings::default()
        };
        LoginLimits::new(&settings, &LimitStore::Local)
    }

    const ACCOUNT: &str = "a@example.com";

    fn address(text: &str) -> Option<AddressKey> {
        Some(AddressKey::from(text.parse::<std::net::IpAddr>().unwrap()))
    }

    #[actix_web::test]
    async fn a_stranger_cannot_lock_an_account_for_its_owner() {
        let limits = limits(2, 100, 100);
        let (stranger, owner) = (address("203.0.113.1"), address("198.51.100.1"));
        for _ in 0..2 {
            limits.begin(ACCOUNT, stranger).await.unwrap().failed();
        }
        assert!(limits.begin(ACCOUNT, stranger).await.is_err());
        assert!(limits.begin(ACCOUNT, owner).await.is_ok());
    }

    #[actix_web::test]
    async fn distributed_guessing_meets_the_per_account_limit() {
        let limits = limits(5, 3, 100);
        for n in 0..3 {
            let from = address(&format!("203.0.113.{n}"));
            limits.begin(ACCOUNT, from).await.unwrap().failed();
        }
        assert!(limits
            .begin(ACCOUNT, address("198.51.100.1"))
            .await
            .is_err());
    }

    #[actix_web::test]
    async fn only_a_failed_password_check_counts() {
        let limits = limits(1, 1, 1);
        let from = address("203.0.113.1");
        for _ in 0..5 {
            // Answered 503: never settled.
            drop(limits.begin(ACCOUNT, from).await.unwrap());
        }
        limits.begin(ACCOUNT, from).await.unwrap().succeeded();
        limits.begin(ACCOUNT, from).await.unwrap().failed();
        assert!(limits.begin(ACCOUNT, from).await.is_err());
    }

    #[actix_web::test]
    async fn success_forgets_the_pairs_failures_but_not_the_addresss() {
        let limits = limits(2, 100, 2);
        let from = address("192.0.2.1");
        limits.begin("a@example.com", from).await.unwrap().failed();
        limits
            .begin("a@example.com", from)
            .await
            .unwrap()
            .succeeded();
        limits.begin("c@example.com", from).await.unwrap().failed();
        assert!(
            limits.begin("a@example.com", from).await.is_err(),
            "the address used its 2"
        );
    }

    #[actix_web::test]
    async fn a_refused_address_makes_no_state_for_the_account() {
        let limits = limits(1, 100, 1);
        let from = address("192.0.2.9");
        limits.begin("x@example.com", from).await.unwrap().failed();
        let before = limits.per_account.len();
        for n in 0..1000 {
            assert!(limits
                .begin(&format!("{n}@example.com"), from)
                .await
                .is_err());
        }
        assert_eq!(limits.per_account.len(), before);
        assert_eq!(limits.per_account_and_address.len(), 1);
    }

    #[actix_web::test]
    async fn ipv6_addresses_count_by_their_64() {
        let limits = limits(100, 100, 1);
        limits
            .begin("a@example.com", address("2001:db8:1:2::1"))
            .await
            .unwrap()
            .failed();
        assert!(limits
            .begin("b@example.com", address("2001:db8:1:2::ffff"))
            .await
            .is_err());
        assert!(limits
            .begin("b@example.com", address("2001:db8:1:3::1"))
            .await
            .is_ok());
    }
}
