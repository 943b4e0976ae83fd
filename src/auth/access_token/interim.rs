//! INTERIM (replaced by the key ring's RS256 work): signs with the Ed25519
//! access-token key whatever is asked.

use super::AccessTokens;
use crate::domain::IdTokenAlg;
use crate::error::AppError;

impl AccessTokens {
    pub fn sign_jwt<C: serde::Serialize>(
        &self,
        _typ: &str,
        _alg: IdTokenAlg,
        claims: &C,
    ) -> Result<String, AppError> {
        let keys = self.current();
        let Some(signer) = &keys.signing else {
            return Err(AppError::unexpected("no signing key"));
        };
        signer.sign(claims)
    }

    /// INTERIM too (the logout helper's, for `/oauth/logout`'s
    /// `id_token_hint`): the claims of a JWT signed by an accepted Ed25519
    /// key, found by the header's `kid`; signature only, no claim checked.
    pub fn verify_own_jwt(
        &self,
        token: &str,
    ) -> Option<serde_json::Map<String, serde_json::Value>> {
        use jsonwebtoken::{decode, decode_header, Algorithm, Validation};
        let kid = decode_header(token).ok()?.kid?;
        let keys = self.current();
        let key = keys.accepted.get(&kid)?;
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.validate_exp = false;
        validation.validate_aud = false;
        validation.required_spec_claims.clear();
        decode::<serde_json::Map<String, serde_json::Value>>(token, key, &validation)
            .ok()
            .map(|data| data.claims)
    }
}
