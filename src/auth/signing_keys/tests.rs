//! A key: its row, its `kid` (the RFC 7638 thumbprint), what it publishes.
//! Which key signs when, and what is published: `tests/schedule.rs`.

mod schedule;

use super::*;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as BASE64URL;
use base64::Engine;
use IdTokenAlg::{EdDsa, Rs256};

fn ed(now: Millis) -> SigningKey {
    SigningKey::generate(EdDsa, now).unwrap()
}

#[test]
fn a_key_survives_its_row_and_its_kid_is_its_thumbprint() {
    let key = ed(5);
    let back = SigningKey::from_row(key.to_row()).unwrap();
    assert_eq!(back.kid, key.kid);
    assert!(back.public() == key.public());
    assert_eq!(key.kid.len(), 43, "SHA-256, base64url");
    let mut damaged = key.to_row();
    damaged.kid = "other".into();
    assert!(SigningKey::from_row(damaged).is_none());
    let jwk = serde_json::to_value(key.jwk()).unwrap();
    assert_eq!(jwk["kty"], "OKP");
    assert_eq!(jwk["use"], "sig");
    assert!(jwk.get("d").is_none(), "never the private part");
}

#[test]
fn rfc_8037_example_thumbprint() {
    // RFC 8037, appendix A.3.
    let x = BASE64URL
        .decode("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")
        .unwrap();
    let public = PublicKey::Ed25519(x.try_into().unwrap());
    assert_eq!(
        public.thumbprint(),
        "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
    );
}

#[test]
fn rfc_7638_example_thumbprint_of_an_rsa_key() {
    // RFC 7638, section 3.1.
    let n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
    let public = PublicKey::Rsa {
        der: Vec::new(),
        n: BASE64URL.decode(n).unwrap(),
        e: BASE64URL.decode("AQAB").unwrap(),
    };
    assert_eq!(
        public.thumbprint(),
        "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
    );
}

/// Two RSA keys for the tests here (each takes a while to make).
fn rsa(which: usize) -> SigningKey {
    static KEYS: std::sync::OnceLock<[SigningKey; 2]> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| [0, 1].map(|_| SigningKey::generate(Rs256, 0).unwrap()))[which].clone()
}

#[test]
fn an_rsa_key_survives_its_row_and_publishes_n_and_e_alone() {
    let key = rsa(0);
    let row = key.to_row();
    assert_eq!(row.alg, "RS256");
    let back = SigningKey::from_row(row).unwrap();
    assert_eq!((back.kid.as_str(), back.alg()), (key.kid.as_str(), Rs256));
    let jwk = serde_json::to_value(key.jwk()).unwrap();
    assert_eq!(jwk["kty"], "RSA");
    assert_eq!(jwk["alg"], "RS256");
    assert_eq!(jwk["use"], "sig");
    assert_eq!(jwk["e"], "AQAB");
    let n = BASE64URL.decode(jwk["n"].as_str().unwrap()).unwrap();
    assert_eq!(n.len(), 256, "2048 bits");
    let members: Vec<&String> = jwk.as_object().unwrap().keys().collect();
    assert_eq!(members, ["alg", "e", "kid", "kty", "n", "use"]);
    // An RSA key stored as Ed25519, or the other way round, is damaged.
    let mut wrong = key.to_row();
    wrong.alg = "EdDSA".into();
    assert!(SigningKey::from_row(wrong).is_none());
    let mut unknown = ed(0).to_row();
    unknown.alg = "ES256".into();
    assert!(SigningKey::from_row(unknown).is_none());
}
