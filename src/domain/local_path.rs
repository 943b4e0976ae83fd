/// A path on this site, where a form may send the browser afterwards
/// (`next`): `/…`, but not `//host` or `/\host`, which browsers read as
/// another site, and no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalPath(String);

impl LocalPath {
    /// `None` for anything that is not a local path: it is dropped, not an error.
    pub fn parse(path: String) -> Option<LocalPath> {
        let local = path.starts_with('/')
            && !path.starts_with("//")
            && !path.starts_with("/\\")
            && !path.chars().any(char::is_control);
        local.then_some(LocalPath(path))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_kept() {
        for path in ["/profile", "/a?b=c"] {
            assert_eq!(LocalPath::parse(path.into()).unwrap().as_str(), path);
        }
        for path in [
            "",
            "profile",
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "/\nx",
        ] {
            assert_eq!(LocalPath::parse(path.into()), None, "{path:?}");
        }
    }
}
