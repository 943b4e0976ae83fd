//! `Set-Cookie` lines: reading them and asserting what they do.

use std::collections::HashMap;

use reqwest::header::{HeaderMap, SET_COOKIE};

/// The `Set-Cookie` lines of a response, by cookie name.
pub fn set_cookies(headers: &HeaderMap) -> HashMap<String, String> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|line| {
            let name = line.split('=').next().unwrap_or_default().to_owned();
            (name, line.to_owned())
        })
        .collect()
}

/// The value a `Set-Cookie` line sets.
pub fn cookie_value(line: &str) -> String {
    line.split(';')
        .next()
        .and_then(|pair| pair.split_once('='))
        .map(|(_, value)| value.to_owned())
        .unwrap_or_default()
}

/// The attributes of a `Set-Cookie` line, lower-cased, without the value.
pub fn cookie_attributes(line: &str) -> Vec<String> {
    let mut attributes: Vec<String> = line
        .split(';')
        .skip(1)
        .map(|a| a.trim().to_lowercase())
        .collect();
    attributes.sort();
    attributes
}

/// Asserts that the response clears both token cookies.
pub fn assert_clears_cookies(headers: &HeaderMap) {
    let cookies = set_cookies(headers);
    for (name, path) in [("accessToken", "path=/"), ("refreshToken", "path=/auth")] {
        let line = cookies
            .get(name)
            .unwrap_or_else(|| panic!("{name} is not cleared"));
        assert_eq!(cookie_value(line), "", "{line}");
        let attributes = cookie_attributes(line);
        assert!(attributes.contains(&"max-age=0".to_owned()), "{line}");
        assert!(attributes.contains(&path.to_owned()), "{line}");
    }
}
