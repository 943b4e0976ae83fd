/// Key bytes that `Debug` never prints.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Vec<u8>);

/// HMAC keys shorter than this are refused: HS256 wants at least 256 bits.
pub const MIN_SECRET_BYTES: usize = 32;

impl Secret {
    pub fn new(bytes: Vec<u8>) -> Self {
        Secret(bytes)
    }

    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(redacted)")
    }
}

/// A key from the environment variable `variable`, if set.
pub fn secret_from_env(variable: &str) -> Result<Option<Secret>, super::ConfigError> {
    let Some(value) = std::env::var_os(variable) else {
        return Ok(None);
    };
    let text = value
        .into_string()
        .map_err(|_| super::ConfigError(format!("error: {variable} must be valid UTF-8 text")))?;
    if text.len() < MIN_SECRET_BYTES {
        return Err(super::ConfigError(format!(
            "error: {variable} must be at least {MIN_SECRET_BYTES} bytes long"
        )));
    }
    Ok(Some(Secret::new(text.into_bytes())))
}
