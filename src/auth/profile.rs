use crate::clock::Millis;
use crate::db::users::User;

/// What the service shows of a user: everything but the password hash.
#[derive(Debug, Clone)]
pub struct Profile {
    pub id: String,
    pub name: String,
    pub email: String,
    pub created_at: Millis,
    pub roles: Vec<String>,
    /// Whether the address was proven by a mailed link.
    pub email_verified: bool,
    pub second_factor: SecondFactorSummary,
    /// Whether an admin disabled the account (no sign-in, no session).
    pub disabled: bool,
    pub last_sign_in_at: Option<Millis>,
}

/// What the user's second factors are, as `/api/me` and the profile show them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SecondFactorSummary {
    pub totp: bool,
    pub passkeys: u32,
    pub recovery_codes_left: u32,
}

/// The stored comma-separated roles, as a list.
pub fn roles_of(stored: &str) -> Vec<String> {
    stored
        .split(',')
        .filter(|role| !role.is_empty())
        .map(str::to_owned)
        .collect()
}

impl From<User> for Profile {
    fn from(user: User) -> Self {
        Profile {
            id: user.id,
            name: user.name,
            email: user.email,
            created_at: user.created_at,
            roles: roles_of(&user.roles),
            email_verified: user.email_verified,
            second_factor: SecondFactorSummary {
                totp: user.totp_on,
                passkeys: user.passkey_count.max(0) as u32,
                recovery_codes_left: user.recovery_codes_left.max(0) as u32,
            },
            disabled: user.disabled_at.is_some(),
            last_sign_in_at: user.last_sign_in_at,
        }
    }
}
