//! Registration limits: per address, whatever the outcome.

use super::limiter::{LimitStore, Limiter, Refusal};
use crate::config::Settings;
use crate::domain::AddressKey;

/// Registrations per address, successful or not; one that never reached
/// its bcrypt work (503, or a request dropped before it) is given back.
/// And, with `--require-verified-email`, the notices to the owner of a
/// taken address per email: many addresses signing up with one email
/// must not flood its owner with mail.
pub struct RegisterLimits(Limiter, Limiter);

/// A registration's try, given back if dropped before `done`.
pub struct Registration<'a> {
    limits: &'a RegisterLimits,
    key: Option<u64>,
}

impl RegisterLimits {
    pub fn new(settings: &Settings, store: &LimitStore) -> Self {
        RegisterLimits(
            Limiter::new(
                "register-address",
                settings.register_max_per_ip,
                settings.login_window,
                store,
            ),
            // As many as the reset links one mailbox may get.
            Limiter::new(
                "sign-up-notice-email",
                settings.login_max_failures,
                settings.login_window,
                store,
            ),
        )
    }

    /// Takes a try of the notices to `email`: whether one may be sent. Taken
    /// for a new email too, so that both cost the same; past the limit a
    /// taken email's sign-up answers the same and mails nothing.
    pub async fn notice_allowed(&self, email: &str) -> bool {
        self.1.take(self.1.key(email)).await.is_ok()
    }

    pub async fn begin(&self, address: Option<AddressKey>) -> Result<Registration<'_>, Refusal> {
        let key = address.map(|a| self.0.key(a));
        if let Some(key) = key {
            self.0.take(key).await?;
        }
        Ok(Registration { limits: self, key })
    }

    pub async fn forget_idle(&self) -> Result<(), crate::error::AppError> {
        self.0.forget_idle().await?;
        self.1.forget_idle().await
    }
}

impl Registration<'_> {
    /// The password was hashed: the registration counts, whatever followed.
    pub fn done(mut self) {
        self.key = None;
    }
}

impl Drop for Registration<'_> {
    fn drop(&mut self) {
        if let Some(key) = self.key {
            self.limits.0.give_back(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(text: &str) -> Option<AddressKey> {
        Some(AddressKey::from(text.parse::<std::net::IpAddr>().unwrap()))
    }

    #[actix_web::test]
    async fn registrations_count_unless_they_never_reached_their_work() {
        let settings = Settings {
            register_max_per_ip: 1,
            ..Settings::default()
        };
        let limits = RegisterLimits::new(&settings, &LimitStore::Local);
        drop(limits.begin(address("192.0.2.1")).await.unwrap());
        limits.begin(address("192.0.2.1")).await.unwrap().done();
        assert!(limits.begin(address("192.0.2.1")).await.is_err());
    }
}
