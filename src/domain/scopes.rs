//! The scopes an app asks for (`scope`, space-separated, RFC 6749 3.3):
//! the ones sesame knows, in a fixed order, each once. Unknown scopes are
//! dropped (RFC 6749 3.3 lets the server grant less than asked; the answer's
//! `scope` says what was granted); `openid` must be there.

use std::fmt;

/// What each scope lets an app know or do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    OpenId,
    Profile,
    Email,
    Roles,
    OfflineAccess,
}

impl Scope {
    pub const ALL: [Scope; 5] = [
        Scope::OpenId,
        Scope::Profile,
        Scope::Email,
        Scope::Roles,
        Scope::OfflineAccess,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::OpenId => "openid",
            Scope::Profile => "profile",
            Scope::Email => "email",
            Scope::Roles => "roles",
            Scope::OfflineAccess => "offline_access",
        }
    }

    /// How the consent page says it.
    pub fn describe(self) -> &'static str {
        match self {
            Scope::OpenId => "Who you are on sesame (an identifier of your account)",
            Scope::Profile => "Your name",
            Scope::Email => "Your email address, and whether it is verified",
            Scope::Roles => "Your roles",
            Scope::OfflineAccess => "Staying signed in while you are away",
        }
    }
}

/// A set of known scopes, holding `openid`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scopes(Vec<Scope>);

impl Scopes {
    /// `None` when `openid` is not among them.
    pub fn parse(text: &str) -> Option<Scopes> {
        let mut scopes: Vec<Scope> = text
            .split(' ')
            .filter_map(|word| Scope::ALL.into_iter().find(|s| s.as_str() == word))
            .collect();
        scopes.sort();
        scopes.dedup();
        scopes.contains(&Scope::OpenId).then_some(Scopes(scopes))
    }

    pub fn contains(&self, scope: Scope) -> bool {
        self.0.contains(&scope)
    }

    /// Whether every scope of `self` is in `granted`.
    pub fn within(&self, granted: &Scopes) -> bool {
        self.0.iter().all(|s| granted.0.contains(s))
    }

    /// Both sets together.
    pub fn union(&self, other: &Scopes) -> Scopes {
        let mut all = self.0.clone();
        all.extend(other.0.iter().copied());
        all.sort();
        all.dedup();
        Scopes(all)
    }

    pub fn iter(&self) -> impl Iterator<Item = Scope> + '_ {
        self.0.iter().copied()
    }
}

impl fmt::Display for Scopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let words: Vec<&str> = self.0.iter().map(|s| s.as_str()).collect();
        f.write_str(&words.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::{Scope, Scopes};

    #[test]
    fn known_scopes_are_kept_once_in_order_and_unknown_ones_dropped() {
        let scopes = Scopes::parse("email openid  email groups offline_access").unwrap();
        assert_eq!(scopes.to_string(), "openid email offline_access");
        assert!(scopes.contains(Scope::Email));
        assert!(!scopes.contains(Scope::Profile));
        assert_eq!(Scopes::parse(&scopes.to_string()), Some(scopes));
    }

    #[test]
    fn without_openid_there_is_no_scope_set() {
        assert_eq!(Scopes::parse("email profile"), None);
        assert_eq!(Scopes::parse(""), None);
        assert_eq!(Scopes::parse("OPENID"), None);
    }

    #[test]
    fn a_set_is_within_a_grant_that_holds_all_of_it() {
        let asked = Scopes::parse("openid email").unwrap();
        let granted = Scopes::parse("openid email profile").unwrap();
        assert!(asked.within(&granted));
        assert!(!granted.within(&asked));
        assert_eq!(asked.union(&granted), granted);
    }
}
