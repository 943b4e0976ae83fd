//! Sesame's other JWTs (ID tokens, logout tokens), RS256 or EdDSA: verified
//! by an independent library through the published keys, never taken for
//! access tokens, and signed only by a key of their own algorithm.

use super::*;

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
