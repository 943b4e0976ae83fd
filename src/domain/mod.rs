//! Input types that can only hold valid values, parsed once at the edge.

mod amr;
mod client;
mod client_name;
mod credentials;
mod device;
mod email;
mod email_change;
mod field_errors;
mod id_token_alg;
mod local_path;
mod passkey_name;
pub mod password;
mod password_change;
mod redirect_uri;
mod roles;
mod scopes;
mod user_name;

pub use amr::Amr;
pub use client::{AddressKey, Client};
pub use client_name::ClientName;
pub use credentials::{Credentials, NewAccount};
pub use device::{Device, Network};
pub use email::Email;
pub use email_change::EmailChange;
pub use field_errors::{FieldError, FieldErrors};
pub use id_token_alg::IdTokenAlg;
pub use local_path::LocalPath;
pub use passkey_name::PasskeyName;
pub use password::Password;
pub use password_change::{CurrentPassword, PasswordChange};
pub use redirect_uri::RedirectUri;
pub use roles::{Role, RoleError, Roles};
pub use scopes::{Scope, Scopes};
pub use user_name::UserName;

/// Hostile input: whatever the text, parsing answers (never panics), and
/// what it accepts is already in its final form.
#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::{Email, PasskeyName, Password, Roles, UserName};

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn parsing_any_text_never_panics(text in any::<String>()) {
            let _ = Email::parse(&text);
            let _ = UserName::parse(&text);
            let _ = Password::parse(text.clone());
            let _ = Roles::parse(&text);
            let _ = PasskeyName::parse(&text);
        }

        #[test]
        fn accepted_role_lists_print_as_they_parse_back(text in "[a-z0-9_,A-]{0,40}") {
            if let Ok(roles) = Roles::parse(&text) {
                let printed = roles.to_string();
                prop_assert_eq!(Roles::parse(&printed).expect("printed roles parse"), roles.clone());
                for role in roles.iter() {
                    prop_assert!((1..=32).contains(&role.as_str().len()));
                }
                prop_assert!(printed.len() <= text.len());
            }
        }

        #[test]
        fn accepted_emails_are_normalised_once_and_for_all(text in "[ A-Za-z0-9._%+-]{1,20}@[A-Za-z0-9-]{1,10}\\.[A-Za-z]{2,5} ?") {
            if let Ok(email) = Email::parse(&text) {
                let again = Email::parse(email.as_str()).expect("a parsed email parses again");
                prop_assert_eq!(again.as_str(), email.as_str());
                prop_assert_eq!(email.as_str(), email.as_str().trim().to_lowercase());
            }
        }

        #[test]
        fn accepted_names_and_passwords_keep_their_bounds(text in any::<String>()) {
            if let Ok(name) = UserName::parse(&text) {
                let count = name.as_str().chars().count();
                prop_assert!((1..=100).contains(&count));
                prop_assert_eq!(name.as_str().trim(), name.as_str());
            }
            if let Ok(name) = PasskeyName::parse(&text) {
                prop_assert!((1..=64).contains(&name.as_str().chars().count()));
                prop_assert_eq!(name.as_str().trim(), name.as_str());
            }
            if let Ok(password) = Password::parse(text.clone()) {
                prop_assert!(password.expose().len() <= 72 && password.expose().chars().count() >= 8);
                prop_assert_eq!(password.expose(), text.as_str(), "never altered, never cut");
            }
        }
    }
}
