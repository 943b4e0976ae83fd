//! Hostile input: verification answers `None` to anything not ours, and
//! never panics, however the text is shaped.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as BASE64URL;
use base64::Engine;
use proptest::prelude::*;

use super::tests::tokens;
use crate::clock::now_ms;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_text_is_refused(text in any::<String>()) {
        prop_assert!(tokens().verify(&text, now_ms()).is_none());
    }

    #[test]
    fn jwt_shaped_junk_is_refused(header in any::<Vec<u8>>(), claims in any::<Vec<u8>>(), signature in any::<Vec<u8>>()) {
        let token = format!(
            "{}.{}.{}",
            BASE64URL.encode(header),
            BASE64URL.encode(claims),
            BASE64URL.encode(signature)
        );
        prop_assert!(tokens().verify(&token, now_ms()).is_none());
    }

    #[test]
    fn any_claims_json_under_a_forged_header_is_refused(claims in "\\{[ -~]{0,200}\\}", alg in "(none|HS256|HS512|RS256|EdDSA|)") {
        let kid = &super::tests::key().kid;
        let header = format!(r#"{{"alg":"{alg}","typ":"at+jwt","kid":"{kid}"}}"#);
        let token = format!("{}.{}.", BASE64URL.encode(header), BASE64URL.encode(claims));
        prop_assert!(tokens().verify(&token, now_ms()).is_none());
    }
}
