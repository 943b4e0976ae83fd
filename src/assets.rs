//! The stylesheet and the script, built into the binary so it runs the same
//! from any folder. Pages link them with a hash of their content in the URL,
//! so they can be cached for a year and still never go stale.

use std::sync::OnceLock;

use sha2::{Digest, Sha256};

pub struct Asset {
    pub name: &'static str,
    pub content_type: &'static str,
    pub body: &'static str,
    url: OnceLock<String>,
}

impl Asset {
    const fn new(name: &'static str, content_type: &'static str, body: &'static str) -> Self {
        Asset {
            name,
            content_type,
            body,
            url: OnceLock::new(),
        }
    }

    /// `/static/<name>?v=<version>`.
    pub fn url(&'static self) -> &'static str {
        self.url
            .get_or_init(|| format!("/static/{}?v={}", self.name, self.version()))
    }

    /// The first 16 hex digits of the SHA-256 of its content.
    pub fn version(&self) -> String {
        let digest = Sha256::digest(self.body.as_bytes());
        digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
    }
}

pub static STYLE: Asset = Asset::new(
    "style.css",
    "text/css; charset=utf-8",
    include_str!("../static/style.css"),
);
pub static SCRIPT: Asset = Asset::new(
    "auth.js",
    "text/javascript; charset=utf-8",
    include_str!("../static/auth.js"),
);
pub static PROFILE_SCRIPT: Asset = Asset::new(
    "profile.js",
    "text/javascript; charset=utf-8",
    include_str!("../static/profile.js"),
);

pub static PASSKEYS_SCRIPT: Asset = Asset::new(
    "passkeys.js",
    "text/javascript; charset=utf-8",
    include_str!("../static/passkeys.js"),
);

pub static ICON: Asset = Asset::new(
    "favicon.svg",
    "image/svg+xml",
    include_str!("../static/favicon.svg"),
);

/// The asset called `name`, if there is one.
pub fn find(name: &str) -> Option<&'static Asset> {
    [&STYLE, &SCRIPT, &PROFILE_SCRIPT, &PASSKEYS_SCRIPT, &ICON]
        .into_iter()
        .find(|a| a.name == name)
}
