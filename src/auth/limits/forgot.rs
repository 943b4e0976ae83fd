//! Password-reset request limits: per email (from every address together)
//! and per address. Every request counts, whether the account exists or
//! not, so the limits themselves say nothing about accounts.

use super::limiter::{LimitStore, Limiter, Refusal};
use crate::config::Settings;
use crate::domain::AddressKey;

pub struct ForgotLimits {
    per_email: Limiter,
    per_address: Limiter,
}

impl ForgotLimits {
    /// As for logins: `--login-max-failures` per email (a mailbox gets at
    /// most that many links per window), `--login-max-failures-per-ip`
    /// per address.
    pub fn new(settings: &Settings, store: &LimitStore) -> Self {
        let window = settings.login_window;
        ForgotLimits {
            per_email: Limiter::new("forgot-email", settings.login_max_failures, window, store),
            per_address: Limiter::new(
                "forgot-address",
                settings.login_max_failures_per_ip,
                window,
                store,
            ),
        }
    }

    /// Takes one try of each; refused when either has none left (and then
    /// the address's try is given back).
    pub async fn take(&self, email: &str, address: Option<AddressKey>) -> Result<(), Refusal> {
        let address = address.map(|a| self.per_address.key(a));
        if let Some(address) = address {
            self.per_address.take(address).await?;
        }
        let taken = self.per_email.take(self.per_email.key(email)).await;
        if let (Err(_), Some(address)) = (&taken, address) {
            self.per_address.give_back(address);
        }
        taken
    }

    pub async fn forget_idle(&self) -> Result<(), crate::error::AppError> {
        self.per_email.forget_idle().await?;
        self.per_address.forget_idle().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(text: &str) -> Option<AddressKey> {
        Some(AddressKey::from(text.parse::<std::net::IpAddr>().unwrap()))
    }

    fn limits(per_email: u32, per_address: u32) -> ForgotLimits {
        let settings = Settings {
            login_max_failures: per_email,
            login_max_failures_per_ip: per_address,
            ..Settings::default()
        };
        ForgotLimits::new(&settings, &LimitStore::Local)
    }

    #[actix_web::test]
    async fn one_email_from_many_addresses_meets_the_email_limit() {
        let limits = limits(2, 100);
        limits
            .take("a@example.com", address("192.0.2.1"))
            .await
            .unwrap();
        limits
            .take("a@example.com", address("192.0.2.2"))
            .await
            .unwrap();
        assert!(limits
            .take("a@example.com", address("192.0.2.3"))
            .await
            .is_err());
        assert!(limits
            .take("b@example.com", address("192.0.2.3"))
            .await
            .is_ok());
    }

    #[actix_web::test]
    async fn one_address_asking_for_many_emails_meets_the_address_limit() {
        let limits = limits(100, 2);
        limits
            .take("a@example.com", address("192.0.2.1"))
            .await
            .unwrap();
        limits
            .take("b@example.com", address("192.0.2.1"))
            .await
            .unwrap();
        assert!(limits
            .take("c@example.com", address("192.0.2.1"))
            .await
            .is_err());
        assert!(limits
            .take("c@example.com", address("192.0.2.2"))
            .await
            .is_ok());
    }
}
