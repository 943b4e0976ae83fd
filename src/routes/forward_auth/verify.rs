use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse};
use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};

use crate::routes::extract::SignedInOrApp;

/// `GET /auth/verify` (and HEAD): who is signed in, for a reverse proxy.
/// A valid access token of a live session: 200 with the user in the
/// `Remote-*` headers, which the proxy hands to the app. Anything else: the
/// extractor's 401, with no user header. It never sets or clears a cookie:
/// nothing here touches the token cookies or the form session.
/// `?mfa=1`: 401 (no user header) unless the session's sign-in used a
/// second factor or a passkey (its `amr` has `mfa`), so that a proxy can
/// ask for one on some paths.
pub async fn get(SignedInOrApp(principal): SignedInOrApp, req: HttpRequest) -> HttpResponse {
    let amr = &principal.claims.amr;
    if asks_for_mfa(req.query_string()) && !amr.iter().any(|value| value == "mfa") {
        return HttpResponse::Unauthorized()
            .insert_header((
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(r#"Bearer error="insufficient_user_authentication""#),
            ))
            .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
            .finish();
    }
    let user = &principal.user;
    HttpResponse::Ok()
        .insert_header(("Remote-User", header_text(&user.id)))
        .insert_header(("Remote-Email", header_text(&user.email)))
        .insert_header(("Remote-Name", header_text(&user.name)))
        .insert_header(("Remote-Groups", header_text(&user.roles.join(","))))
        // An unverified address proves nothing: apps that trust it check this.
        .insert_header((
            "Remote-Email-Verified",
            if user.email_verified { "true" } else { "false" },
        ))
        // What the sign-in proved (RFC 8176 values, comma-separated).
        .insert_header(("Remote-Amr", header_text(&amr.join(","))))
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .finish()
}

/// Whether the query asks for a second factor: `mfa=1`, and, failing
/// closed, any other spelling a proxy's configuration may have (`mfa=true`,
/// `mfa`, `MFA=yes`); only `mfa=0` (or no `mfa`) asks for none.
pub(super) fn asks_for_mfa(query: &str) -> bool {
    form_urlencoded::parse(query.as_bytes())
        .any(|(name, value)| name.eq_ignore_ascii_case("mfa") && value != "0")
}

/// Control characters and `%` itself; every byte past ASCII is encoded too.
const NOT_PRINTABLE: &AsciiSet = &CONTROLS.add(b'%');

/// Text as a header value: printable ASCII as it is, the rest (a name's
/// non-ASCII letters, as their UTF-8 bytes) percent-encoded, and `%` too, so
/// decoding it (`decodeURIComponent`, `urllib.parse.unquote`) gives the text back.
fn header_text(text: &str) -> String {
    utf8_percent_encode(text, NOT_PRINTABLE).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_spelling_of_mfa_but_zero_asks_for_it() {
        for query in ["mfa=1", "mfa=true", "mfa", "mfa=", "MFA=yes", "a=b&mfa=on"] {
            assert!(asks_for_mfa(query), "{query}");
        }
        for query in ["", "mfa=0", "next=/mfa=1", "xmfa=1"] {
            assert!(!asks_for_mfa(query), "{query}");
        }
    }

    #[test]
    fn printable_ascii_is_kept_as_it_is() {
        let text = "Ada Lovelace <ada@example.com> (b-1_2,c)";
        assert_eq!(header_text(text), text);
    }

    #[test]
    fn non_ascii_controls_and_percent_are_percent_encoded() {
        assert_eq!(header_text("Zoë"), "Zo%C3%AB");
        assert_eq!(header_text("100% 東京"), "100%25 %E6%9D%B1%E4%BA%AC");
        assert_eq!(header_text("a\r\nb\tc\u{7f}"), "a%0D%0Ab%09c%7F");
    }

    #[test]
    fn every_encoded_value_is_a_valid_header_value() {
        for text in ["", "Zoë", "\u{0}\u{1f}", "😀 %", "a\r\nRemote-User: x"] {
            let value = header_text(text);
            assert!(HeaderValue::from_str(&value).is_ok(), "{value:?}");
            assert!(
                value.bytes().all(|b| (b' '..=b'~').contains(&b)),
                "{value:?}"
            );
        }
    }
}
