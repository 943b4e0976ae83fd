//! A user's roles: names other services match on (`admin`, `billing-read`),
//! carried in access tokens and in forward auth's `Remote-Groups`.
//!
//! A role is 1 to 32 of `a-z 0-9 _ -`: nothing to escape in a header, a
//! comma-separated list or a claim. `Roles` is a list of them as written,
//! `ROLE[,ROLE…]`, in order; a role named twice is kept once (its first
//! place), so `admin,editor,admin` is `admin,editor`.

use std::fmt;

/// One role name: 1 to 32 of `a-z 0-9 _ -`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role(String);

const MAX_LEN: usize = 32;

/// Why a role list was refused; its text is one line naming what was wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoleError {
    #[error("{0:?} is not a role: a role is 1 to 32 of a-z 0-9 _ -")]
    Invalid(String),
    #[error("{0:?} has an empty role: give ROLE[,ROLE…], or \"\" for none")]
    Empty(String),
}

impl Role {
    pub fn parse(raw: &str) -> Result<Role, RoleError> {
        let allowed = |c: char| matches!(c, 'a'..='z' | '0'..='9' | '_' | '-');
        if raw.is_empty() || raw.len() > MAX_LEN || !raw.chars().all(allowed) {
            return Err(RoleError::Invalid(raw.to_owned()));
        }
        Ok(Role(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A refused role list as a form's or a JSON body's field `roles` (422).
impl From<RoleError> for super::FieldError {
    fn from(error: RoleError) -> Self {
        super::FieldError::new(
            "roles",
            "invalid_roles",
            format!("Roles are ROLE[,ROLE…], each 1 to 32 of a-z 0-9 _ -: {error}."),
        )
    }
}

/// A user's roles, in order, each once; empty for none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Roles(Vec<Role>);

impl Roles {
    /// `ROLE[,ROLE…]`; the empty text is no roles. An empty item (`a,,b`,
    /// `a,`) or a bad role refuses the whole list.
    pub fn parse(raw: &str) -> Result<Roles, RoleError> {
        if raw.is_empty() {
            return Ok(Roles::default());
        }
        let mut roles: Vec<Role> = Vec::new();
        for item in raw.split(',') {
            if item.is_empty() {
                return Err(RoleError::Empty(raw.to_owned()));
            }
            let role = Role::parse(item)?;
            if !roles.contains(&role) {
                roles.push(role);
            }
        }
        Ok(Roles(roles))
    }

    pub fn iter(&self) -> impl Iterator<Item = &Role> {
        self.0.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// `admin,editor`, as stored and as `Roles::parse` reads it back; empty
/// for none.
impl fmt::Display for Roles {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, role) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            f.write_str(role.as_str())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(raw: &str) -> Vec<String> {
        let roles = Roles::parse(raw).unwrap();
        roles.iter().map(|role| role.as_str().to_owned()).collect()
    }

    #[test]
    fn a_role_is_one_to_thirty_two_of_lowercase_digits_underscore_and_hyphen() {
        for good in ["a", "admin", "billing-read", "team_7", "-", &"x".repeat(32)] {
            assert_eq!(Role::parse(good).unwrap().as_str(), good);
        }
        for bad in [
            "",
            "Admin",
            "ad min",
            " admin",
            "admin\n",
            "é",
            "a.b",
            "a,b",
            &"x".repeat(33),
        ] {
            assert_eq!(Role::parse(bad), Err(RoleError::Invalid(bad.to_owned())));
        }
    }

    #[test]
    fn the_empty_text_is_no_roles() {
        let roles = Roles::parse("").unwrap();
        assert!(roles.is_empty());
        assert_eq!(roles.to_string(), "");
    }

    #[test]
    fn roles_keep_their_order() {
        assert_eq!(names("editor,admin"), ["editor", "admin"]);
        assert_eq!(
            Roles::parse("editor,admin").unwrap().to_string(),
            "editor,admin"
        );
    }

    #[test]
    fn a_role_named_twice_is_kept_once_in_its_first_place() {
        assert_eq!(names("admin,editor,admin,editor"), ["admin", "editor"]);
    }

    #[test]
    fn an_empty_item_refuses_the_whole_list() {
        for bad in ["a,,b", ",a", "a,", ","] {
            assert_eq!(Roles::parse(bad), Err(RoleError::Empty(bad.to_owned())));
        }
    }

    #[test]
    fn one_bad_role_refuses_the_whole_list_and_is_named() {
        assert_eq!(
            Roles::parse("admin,Editor"),
            Err(RoleError::Invalid("Editor".into()))
        );
        assert_eq!(
            Roles::parse("admin, editor"),
            Err(RoleError::Invalid(" editor".into()))
        );
    }

    #[test]
    fn what_it_prints_parses_back_to_the_same_roles() {
        let roles = Roles::parse("b,a,c-d,e_f").unwrap();
        assert_eq!(Roles::parse(&roles.to_string()).unwrap(), roles);
    }

    #[test]
    fn errors_are_one_line_whatever_the_input() {
        let error = Roles::parse("ad\nmin").unwrap_err().to_string();
        assert!(!error.contains('\n'), "{error}");
    }
}
