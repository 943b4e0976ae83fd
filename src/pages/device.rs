use woothee::woothee::VALUE_UNKNOWN;

/// Longest raw user agent shown when it names no known browser.
const MAX_SHOWN_CHARS: usize = 60;

/// "Firefox on Linux" from a browser's user agent, for telling sessions
/// apart; other clients (curl, scripts) are shown by their own name.
pub fn describe_device(user_agent: Option<&str>) -> String {
    let Some(raw) = user_agent.map(str::trim).filter(|ua| !ua.is_empty()) else {
        return "Unknown device".to_owned();
    };
    match woothee::parser::Parser::new().parse(raw) {
        Some(ua) if is_browser(ua.category) && ua.name != VALUE_UNKNOWN => {
            if ua.os == VALUE_UNKNOWN {
                ua.name.to_owned()
            } else {
                format!("{} on {}", ua.name, ua.os)
            }
        }
        _ => raw.chars().take(MAX_SHOWN_CHARS).collect(),
    }
}

fn is_browser(category: &str) -> bool {
    matches!(category, "pc" | "smartphone" | "mobilephone" | "appliance")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_browser_and_system() {
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0";
        assert_eq!(describe_device(Some(firefox)), "Firefox on Linux");
        assert_eq!(describe_device(Some("curl/8.0")), "curl/8.0");
        assert_eq!(describe_device(None), "Unknown device");
        assert_eq!(describe_device(Some("  ")), "Unknown device");
    }
}
