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
}
