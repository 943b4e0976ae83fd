//! Which algorithm signs a client's ID tokens (`sesame clients add
//! --id-token-alg`): RS256, OpenID Connect's mandatory one and the default,
//! or EdDSA (Ed25519), the key that signs sesame's access tokens.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IdTokenAlg {
    #[default]
    Rs256,
    EdDsa,
}

impl IdTokenAlg {
    /// The JOSE name (`alg`), as stored and published.
    pub fn as_str(self) -> &'static str {
        match self {
            IdTokenAlg::Rs256 => "RS256",
            IdTokenAlg::EdDsa => "EdDSA",
        }
    }
}

impl FromStr for IdTokenAlg {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "RS256" => Ok(IdTokenAlg::Rs256),
            "EdDSA" => Ok(IdTokenAlg::EdDsa),
            _ => Err("the ID token algorithm must be RS256 or EdDSA".to_owned()),
        }
    }
}

impl fmt::Display for IdTokenAlg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::IdTokenAlg;

    #[test]
    fn the_two_names_parse_back_and_nothing_else_does() {
        for alg in [IdTokenAlg::Rs256, IdTokenAlg::EdDsa] {
            assert_eq!(alg.as_str().parse::<IdTokenAlg>(), Ok(alg));
        }
        for other in ["rs256", "HS256", "none", "ES256", ""] {
            assert!(other.parse::<IdTokenAlg>().is_err(), "{other}");
        }
    }
}
