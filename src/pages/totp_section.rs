//! The profile's "Authenticator app" section: turn TOTP on (a QR code of
//! the `otpauth://` URI, made here as inline SVG, and the secret as text),
//! confirm it, the recovery codes once, how many are left, turn it off.

use qrcode::render::svg;
use qrcode::QrCode;

/// What the section shows.
#[derive(Default)]
pub struct TotpSection {
    pub on: bool,
    pub recovery_codes_left: u32,
    /// Set up, not yet confirmed: what the app needs.
    pub pending: Option<PendingTotp>,
    /// Shown once: right after they were made.
    pub new_codes: Vec<String>,
    pub error: Option<String>,
}

pub struct PendingTotp {
    /// Base32, grouped by four for typing.
    pub secret: String,
    /// The QR code of the URI, an `<svg>` element (no outside service).
    pub qr_svg: String,
}

impl PendingTotp {
    pub fn new(secret: &str, uri: &str) -> Self {
        let grouped: Vec<String> = secret
            .as_bytes()
            .chunks(4)
            .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
            .collect();
        PendingTotp {
            secret: grouped.join(" "),
            qr_svg: qr_svg(uri),
        }
    }
}

/// The QR code of `text` as an SVG element, or nothing if it cannot be one
/// (far longer than any URI sesame makes).
fn qr_svg(text: &str) -> String {
    let Ok(code) = QrCode::new(text.as_bytes()) else {
        return String::new();
    };
    code.render::<svg::Color>()
        .min_dimensions(220, 220)
        .quiet_zone(true)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build()
        // The XML declaration has no place inside HTML.
        .split_once("?>")
        .map_or_else(String::new, |(_, element)| element.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_qr_code_is_an_inline_svg_element() {
        let pending = PendingTotp::new(
            "JBSWY3DPEHPK3PXP",
            "otpauth://totp/sesame:a%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=sesame",
        );
        assert!(
            pending.qr_svg.starts_with("<svg"),
            "{}",
            &pending.qr_svg[..40]
        );
        assert!(pending.qr_svg.ends_with("</svg>"));
        assert!(!pending.qr_svg.contains("href"), "no outside reference");
        assert_eq!(pending.secret, "JBSW Y3DP EHPK 3PXP");
    }
}
