//! The `/api/me` body, written straight into bytes: every `me` request
//! answers it, and serde's map of a dozen strings, each escaped byte by byte,
//! was a sixth of the request's own work. The bytes are exactly serde_json's
//! (the tests compare them): `{"id","name","email","createdAt"}` as the
//! sign-in body's user, then `roles`, `emailVerified`, `secondFactor`.

use crate::auth::Profile;
use crate::clock::rfc3339;

/// The user's `/api/me` JSON.
pub fn me_json(user: &Profile) -> Vec<u8> {
    let mut out = Vec::with_capacity(256);
    out.extend_from_slice(br#"{"id":"#);
    string(&mut out, &user.id);
    out.extend_from_slice(br#","name":"#);
    string(&mut out, &user.name);
    out.extend_from_slice(br#","email":"#);
    string(&mut out, &user.email);
    out.extend_from_slice(br#","createdAt":"#);
    string(&mut out, &rfc3339(user.created_at));
    out.extend_from_slice(br#","roles":["#);
    for (i, role) in user.roles.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        string(&mut out, role);
    }
    let factors = &user.second_factor;
    out.extend_from_slice(br#"],"emailVerified":"#);
    boolean(&mut out, user.email_verified);
    out.extend_from_slice(br#","secondFactor":{"totp":"#);
    boolean(&mut out, factors.totp);
    out.extend_from_slice(br#","passkeys":"#);
    number(&mut out, factors.passkeys);
    out.extend_from_slice(br#","recoveryCodesLeft":"#);
    number(&mut out, factors.recovery_codes_left);
    out.extend_from_slice(b"}}");
    out
}

fn boolean(out: &mut Vec<u8>, value: bool) {
    out.extend_from_slice(if value { b"true" } else { b"false" });
}

/// In decimal, without `fmt`'s machinery.
fn number(out: &mut Vec<u8>, mut value: u32) {
    let mut digits = [0u8; 10];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[start..]);
}

/// `text` as a JSON string: copied whole when nothing in it needs escaping
/// (what JSON escapes: `"`, `\` and control characters), else by serde_json.
fn string(out: &mut Vec<u8>, text: &str) {
    if text.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        // Writing a string to a `Vec` cannot fail.
        let _ = serde_json::to_writer(&mut *out, text);
    } else {
        out.push(b'"');
        out.extend_from_slice(text.as_bytes());
        out.push(b'"');
    }
}

#[cfg(test)]
mod tests {
    use serde::Serialize;

    use super::*;
    use crate::routes::respond::UserBody;

    /// The body as serde writes it: the reference.
    #[derive(Serialize)]
    struct MeBody<'a> {
        #[serde(flatten)]
        user: UserBody,
        roles: &'a [String],
        #[serde(rename = "emailVerified")]
        email_verified: bool,
        #[serde(rename = "secondFactor")]
        second_factor: SecondFactorBody,
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct SecondFactorBody {
        totp: bool,
        passkeys: u32,
        recovery_codes_left: u32,
    }

    fn by_serde(user: &Profile) -> Vec<u8> {
        serde_json::to_vec(&MeBody {
            user: UserBody::from(user),
            roles: &user.roles,
            email_verified: user.email_verified,
            second_factor: SecondFactorBody {
                totp: user.second_factor.totp,
                passkeys: user.second_factor.passkeys,
                recovery_codes_left: user.second_factor.recovery_codes_left,
            },
        })
        .unwrap()
    }

    fn user(name: &str, roles: &[&str]) -> Profile {
        let mut user = Profile {
            id: "0c6a8f5e-2f1c-4d7e-9b1a-3e5f7a9c1d2b".into(),
            name: name.into(),
            email: "ada@example.com".into(),
            created_at: 1_796_629_772_123,
            roles: roles.iter().map(|r| r.to_string()).collect(),
            email_verified: true,
            second_factor: Default::default(),
            disabled: false,
            last_sign_in_at: None,
        };
        user.second_factor.totp = true;
        user.second_factor.passkeys = 3;
        user.second_factor.recovery_codes_left = 10;
        user
    }

    #[test]
    fn the_body_is_byte_for_byte_what_serde_writes() {
        for user in [
            user("Ada Lovelace", &[]),
            user("Ada", &["admin"]),
            user("Ada", &["admin", "auditor"]),
            user("", &[]),
        ] {
            assert_eq!(
                String::from_utf8(me_json(&user)).unwrap(),
                String::from_utf8(by_serde(&user)).unwrap()
            );
        }
    }

    #[test]
    fn names_that_need_escaping_are_escaped_as_serde_does() {
        for name in [
            "Ada \"the Countess\"",
            "back\\slash",
            "tab\there, newline\n, bell\u{7}",
            "Ada Lovelace\u{7f}",
            "Zoë 😀 </script>",
        ] {
            let user = user(name, &["admin"]);
            assert_eq!(me_json(&user), by_serde(&user), "{name:?}");
        }
    }

    #[test]
    fn every_factor_and_flag_is_written() {
        let mut user = user("Ada", &[]);
        user.email_verified = false;
        user.second_factor.totp = false;
        user.second_factor.passkeys = 0;
        user.second_factor.recovery_codes_left = u32::MAX;
        assert_eq!(me_json(&user), by_serde(&user));
        user.second_factor.passkeys = 10;
        user.second_factor.recovery_codes_left = 9;
        assert_eq!(me_json(&user), by_serde(&user));
    }
}
