//! Access tokens: issued, verified, refused; their keys retired and revoked.
//! Sesame's other JWTs (RS256 and EdDSA) are tested in `own_jwts.rs`.

mod own_jwts;

use super::*;
use crate::clock::now_ms;
use jsonwebtoken::{decode_header, encode, EncodingKey, Header};
use serde_json::{json, Value};

/// One key for all the tests here, so two `tokens()` agree.
pub fn key() -> &'static SigningKey {
    static KEY: std::sync::OnceLock<SigningKey> = std::sync::OnceLock::new();
    KEY.get_or_init(|| SigningKey::generate(IdTokenAlg::EdDsa, 0).unwrap())
}

pub fn tokens() -> AccessTokens {
    let tokens = AccessTokens::new(Duration::from_secs(60));
    tokens.install(std::slice::from_ref(key()), now_ms());
    tokens
}

fn user() -> Profile {
    Profile {
        id: "u1".into(),
        name: "Ada".into(),
        email: "ada@example.com".into(),
        email_verified: false,
        second_factor: Default::default(),
        disabled: false,
        last_sign_in_at: None,
        created_at: 0,
        roles: vec!["admin".into()],
    }
}

#[test]
fn issued_tokens_verify_with_their_claims_and_carry_the_kid() {
    let now = now_ms();
    let issued = tokens()
        .issue(&user(), "s1", Amr::Password, now, now + 3_600_000, None)
        .unwrap();
    assert_eq!(issued.expires_in, 60);
    let header = decode_header(&issued.token).unwrap();
    assert_eq!(header.alg, Algorithm::EdDSA);
    assert_eq!(header.kid.as_deref(), Some(key().kid.as_str()));
    let claims = tokens().verify(&issued.token, now).unwrap();
    assert_eq!((claims.sub.as_str(), claims.sid.as_str()), ("u1", "s1"));
    assert_eq!(claims.email, "ada@example.com");
    assert_eq!(claims.roles, ["admin"]);
    assert_eq!(
        (claims.iss.as_str(), claims.aud.as_str()),
        (ISSUER, AUDIENCE)
    );
}

#[test]
fn expiry_is_capped_by_the_session_and_checked_without_leeway() {
    let now = now_ms() / 1000 * 1000;
    let issued = tokens()
        .issue(&user(), "s1", Amr::Password, now, now + 10_000, None)
        .unwrap();
    assert_eq!(issued.expires_in, 10);
    let tokens = tokens();
    assert!(tokens.verify(&issued.token, now + 9_999).is_some());
    // Remembered as verified now, and still refused once expired.
    assert!(tokens.verify(&issued.token, now + 10_000).is_none());
    assert!(tokens.verify(&issued.token, now + 9_999).is_some());
    // And an expired token never seen before is refused too.
    let fresh = tokens
        .issue(&user(), "s2", Amr::Password, now, now + 10_000, None)
        .unwrap();
    assert!(tokens.verify(&fresh.token, now + 10_000).is_none());
}

#[test]
fn another_key_hs256_with_the_public_key_and_no_or_unknown_kid_are_refused() {
    let now = now_ms();
    let issued = tokens()
        .issue(&user(), "s1", Amr::Password, now, now + 3_600_000, None)
        .unwrap();
    let other = AccessTokens::new(Duration::from_secs(60));
    other.install(&[SigningKey::generate(IdTokenAlg::EdDsa, 0).unwrap()], now);
    assert!(other.verify(&issued.token, now).is_none());

    let claims = tokens().verify(&issued.token, now).unwrap();
    let forge = |header: Header, key: &EncodingKey| encode(&header, &*claims, key).unwrap();
    // The classic confusion: HS256 keyed with the public key's bytes.
    let confused = Header {
        typ: Some(TOKEN_TYPE.into()),
        kid: Some(key().kid.clone()),
        ..Header::new(Algorithm::HS256)
    };
    let PublicKey::Ed25519(raw) = key().public() else {
        unreachable!("an Ed25519 key")
    };
    let public = EncodingKey::from_secret(raw);
    assert!(tokens().verify(&forge(confused, &public), now).is_none());
    let signing = EncodingKey::from_ed_der(key().private_der().unwrap());
    let no_kid = Header {
        typ: Some(TOKEN_TYPE.into()),
        ..Header::new(Algorithm::EdDSA)
    };
    assert!(tokens().verify(&forge(no_kid, &signing), now).is_none());
    let unknown_kid = Header {
        typ: Some(TOKEN_TYPE.into()),
        kid: Some("unknown".into()),
        ..Header::new(Algorithm::EdDSA)
    };
    assert!(tokens()
        .verify(&forge(unknown_kid, &signing), now)
        .is_none());
    let plain_jwt = Header {
        kid: Some(key().kid.clone()),
        ..Header::new(Algorithm::EdDSA)
    };
    assert!(tokens().verify(&forge(plain_jwt, &signing), now).is_none());
}

#[test]
fn a_retired_key_is_accepted_until_its_tokens_expired_then_refused_even_if_remembered() {
    let now = now_ms() / 1000 * 1000;
    let tokens = AccessTokens::new(Duration::from_secs(60));
    let old = SigningKey::generate(IdTokenAlg::EdDsa, now).unwrap();
    tokens.install(std::slice::from_ref(&old), now);
    let issued = tokens
        .issue(&user(), "s1", Amr::Password, now, now + 3_600_000, None)
        .unwrap();
    assert!(tokens.verify(&issued.token, now).is_some());
    let new = SigningKey::generate(IdTokenAlg::EdDsa, now + 1).unwrap();
    let old = retired(old, now + 1);
    tokens.install(&[old.clone(), new.clone()], now + 1);
    assert_eq!(tokens.signing_kid(), Some(new.kid.clone()));
    assert_eq!(tokens.published().len(), 2);
    assert!(tokens.verify(&issued.token, now + 1).is_some());
    // A minute after it was retired, the old key is gone.
    tokens.install(&[old, new], now + 61_001);
    assert_eq!(tokens.published().len(), 1);
    assert!(tokens.verify(&issued.token, now + 30_000).is_none());
}

/// `key` as the database gives it back once retired at `at`: its public half.
fn retired(key: SigningKey, at: Millis) -> SigningKey {
    let mut row = key.to_row();
    row.retired_at = Some(at);
    row.private_key = None;
    SigningKey::from_row(row).unwrap()
}

#[test]
fn a_revoked_key_is_refused_at_once_even_for_a_remembered_token() {
    let now = now_ms() / 1000 * 1000;
    let tokens = AccessTokens::new(Duration::from_secs(60));
    let key = SigningKey::generate(IdTokenAlg::EdDsa, now).unwrap();
    tokens.install(std::slice::from_ref(&key), now);
    let issued = tokens
        .issue(&user(), "s1", Amr::Password, now, now + 3_600_000, None)
        .unwrap();
    assert!(tokens.verify(&issued.token, now).is_some());
    let mut row = key.to_row();
    row.revoked_at = Some(now + 1);
    row.private_key = None;
    let revoked = SigningKey::from_row(row).unwrap();
    let next = SigningKey::generate(IdTokenAlg::EdDsa, now + 1).unwrap();
    tokens.install(&[revoked, next.clone()], now + 1);
    assert!(tokens.verify(&issued.token, now + 1).is_none());
    assert_eq!(tokens.published(), [next.jwk()]);
    assert_eq!(tokens.signing_kid(), Some(next.kid));
}
