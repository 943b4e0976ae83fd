use super::*;
use crate::clock::now_ms;
use jsonwebtoken::{encode, EncodingKey, Header};
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

/// An RSA key for the tests here (one takes a while to make).
fn rsa_key() -> &'static SigningKey {
    static KEY: std::sync::OnceLock<SigningKey> = std::sync::OnceLock::new();
    KEY.get_or_init(|| SigningKey::generate(IdTokenAlg::Rs256, 0).unwrap())
}

/// Tokens with both keys: the Ed25519 one of `tokens()` and an RSA one.
fn both() -> AccessTokens {
    let tokens = AccessTokens::new(Duration::from_secs(60));
    tokens.install(&[key().clone(), rsa_key().clone()], now_ms());
    tokens
}

fn id_claims(exp: i64) -> Value {
    json!({"iss": "https://sesame.test", "sub": "u1", "aud": "client-1",
           "iat": exp - 60, "exp": exp, "nonce": "n-0S6"})
}

/// `token` checked by PyJWT (Debian's `python3-jwt`), with the key the
/// JWKS `jwks` names by the token's kid: its claims, or what it said.
fn verified_by_pyjwt(jwks: &Value, token: &str) -> Result<Value, String> {
    const SCRIPT: &str = r#"
import json, sys, jwt
jwks, token = json.loads(sys.argv[1]), sys.argv[2]
kid = jwt.get_unverified_header(token)["kid"]
key = jwt.PyJWKSet.from_dict(jwks)[kid]
print(json.dumps(jwt.decode(token, key.key, algorithms=["RS256"], audience="client-1")))
"#;
    let out = std::process::Command::new("/usr/bin/python3")
        .args(["-c", SCRIPT, &jwks.to_string(), token])
        .output()
        .expect("/usr/bin/python3 runs (is python3-jwt installed?)");
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    Ok(serde_json::from_slice(&out.stdout).expect("PyJWT's claims"))
}

#[test]
fn an_rs256_jwt_verifies_with_pyjwt_through_the_published_keys() {
    let tokens = both();
    let exp = now_ms() / 1000 + 60;
    let token = tokens
        .sign_jwt("JWT", IdTokenAlg::Rs256, &id_claims(exp))
        .unwrap();
    let header = decode_header(&token).unwrap();
    assert_eq!(header.alg, Algorithm::RS256);
    assert_eq!(header.typ.as_deref(), Some("JWT"));
    assert_eq!(header.kid.as_deref(), Some(rsa_key().kid.as_str()));
    let jwks = json!({ "keys": tokens.published() });
    assert_eq!(verified_by_pyjwt(&jwks, &token), Ok(id_claims(exp)));
    // A changed claim, and PyJWT refuses it too.
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let mut forged = id_claims(exp);
    forged["sub"] = json!("u2");
    parts[1] = base64::Engine::encode(&BASE64URL, forged.to_string());
    assert!(verified_by_pyjwt(&jwks, &parts.join(".")).is_err());
}

#[test]
fn own_jwts_of_either_algorithm_verify_even_expired_and_nothing_else_does() {
    let (tokens, ed25519_only) = (both(), self::tokens());
    let expired = id_claims(1_000);
    for alg in [IdTokenAlg::Rs256, IdTokenAlg::EdDsa] {
        let token = tokens.sign_jwt("logout+jwt", alg, &expired).unwrap();
        let claims = tokens.verify_own_jwt(&token).expect("verified");
        assert_eq!(Value::Object(claims), expired, "{alg}");
        // Its signature changed: refused.
        let mut parts: Vec<&str> = token.split('.').collect();
        parts[2] = "AAAA";
        assert!(tokens.verify_own_jwt(&parts.join(".")).is_none(), "{alg}");
    }
    // The header's alg must be the key's: RS256 named with the Ed25519 kid.
    let under = |kid: &str, alg: Algorithm, key: &EncodingKey| {
        let header = Header {
            kid: Some(kid.into()),
            ..Header::new(alg)
        };
        encode(&header, &expired, key).unwrap()
    };
    let rsa = {
        use rsa::pkcs1::EncodeRsaPrivateKey;
        use rsa::pkcs8::DecodePrivateKey;
        let private = rsa::RsaPrivateKey::from_pkcs8_der(rsa_key().private_der().unwrap());
        EncodingKey::from_rsa_der(private.unwrap().to_pkcs1_der().unwrap().as_bytes())
    };
    let ed = EncodingKey::from_ed_der(key().private_der().unwrap());
    assert!(tokens
        .verify_own_jwt(&under(&rsa_key().kid, Algorithm::RS256, &rsa))
        .is_some());
    assert!(tokens
        .verify_own_jwt(&under(&key().kid, Algorithm::RS256, &rsa))
        .is_none());
    assert!(tokens
        .verify_own_jwt(&under(&rsa_key().kid, Algorithm::EdDSA, &ed))
        .is_none());
    assert!(tokens
        .verify_own_jwt(&under("unknown", Algorithm::RS256, &rsa))
        .is_none());
    // A key that is not published (the RSA key of another set) is unknown.
    assert!(ed25519_only
        .verify_own_jwt(&under(&rsa_key().kid, Algorithm::RS256, &rsa))
        .is_none());
}

#[test]
fn an_rs256_token_with_the_claims_of_an_access_token_is_no_access_token() {
    let tokens = both();
    let now = now_ms();
    let issued = tokens
        .issue(&user(), "s1", Amr::Password, now, now + 3_600_000, None)
        .unwrap();
    assert_eq!(decode_header(&issued.token).unwrap().alg, Algorithm::EdDSA);
    let claims = tokens.verify(&issued.token, now).unwrap();
    let as_rs256 = tokens
        .sign_jwt(TOKEN_TYPE, IdTokenAlg::Rs256, &*claims)
        .unwrap();
    assert!(tokens.verify(&as_rs256, now).is_none());
    let as_eddsa = tokens
        .sign_jwt(TOKEN_TYPE, IdTokenAlg::EdDsa, &*claims)
        .unwrap();
    assert!(tokens.verify(&as_eddsa, now).is_some(), "the same, EdDSA");
    // The access tokens' key stays the Ed25519 one.
    assert_eq!(tokens.signing_kid(), Some(key().kid.clone()));
}

#[test]
fn without_a_key_of_the_algorithm_sign_jwt_fails_instead_of_using_the_other() {
    let tokens = tokens();
    assert!(tokens
        .sign_jwt("JWT", IdTokenAlg::Rs256, &id_claims(1))
        .is_err());
    assert!(tokens
        .sign_jwt("JWT", IdTokenAlg::EdDsa, &id_claims(1))
        .is_ok());
}

#[test]
fn a_wanted_algorithm_is_forgotten_once_a_key_of_it_signs() {
    let tokens = tokens();
    assert!(!tokens.can_sign(IdTokenAlg::Rs256));
    tokens.want(IdTokenAlg::Rs256);
    assert!(tokens.is_wanted(IdTokenAlg::Rs256));
    tokens.install(&[key().clone(), rsa_key().clone()], now_ms());
    assert!(tokens.can_sign(IdTokenAlg::Rs256));
    assert!(!tokens.is_wanted(IdTokenAlg::Rs256));
    let token = tokens
        .sign_jwt("JWT", IdTokenAlg::Rs256, &id_claims(1))
        .unwrap();
    let header = decode_header(&token).unwrap();
    assert_eq!(header.kid.as_deref(), Some(rsa_key().kid.as_str()));
}
