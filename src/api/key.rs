//! The API key: a secret. It lives in memory, goes to sessionStorage only when the person opts
//! in to "remember for this tab", is never written to localStorage, never put in a URL and never
//! printed (its `Debug` and `Display` are masks).

use std::fmt;

/// An API key. Never displayed, never logged: `Debug` and `Display` print a mask.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Accepts a pasted key: trimmed, optionally with a leading "Bearer ". Empty or containing
    /// whitespace or control characters (which would break the header) is refused.
    pub fn parse(input: &str) -> Result<ApiKey, &'static str> {
        let s = input.trim();
        let s = s.strip_prefix("Bearer ").unwrap_or(s).trim();
        if s.is_empty() {
            return Err("Enter an API key.");
        }
        if s.chars().any(|c| c.is_whitespace() || c.is_control() || !c.is_ascii()) {
            return Err("An API key has no spaces or special characters: check what was pasted.");
        }
        Ok(ApiKey(s.to_owned()))
    }

    /// The header value. The only way to read the key.
    pub fn bearer(&self) -> String {
        format!("Bearer {}", self.0)
    }

    /// A fingerprint for in-memory bookkeeping (what the console learned about this key).
    pub fn fingerprint(&self) -> u64 {
        fingerprint(&self.0)
    }

    /// The key as written to sessionStorage when the person opted in to "remember for this
    /// tab" (`state::settings::save_key`): the only other reader of the secret.
    pub fn as_stored(&self) -> &str {
        &self.0
    }

    /// A hint that tells keys apart without revealing them: the last four characters.
    pub fn hint(&self) -> String {
        let tail: String = self.0.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
        format!("…{tail}")
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(***)")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// FNV-1a: a stable, non-reversible fingerprint (not a secret-grade hash, and it need not be:
/// it never leaves memory).
fn fingerprint(key: &str) -> u64 {
    key.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_parsing_and_redaction() {
        let k = ApiKey::parse("  Bearer abc123XYZ \n").unwrap();
        assert_eq!(k.bearer(), "Bearer abc123XYZ");
        assert_eq!(format!("{k:?} {k}"), "ApiKey(***) ***");
        assert_eq!(k.hint(), "…3XYZ");
        assert!(ApiKey::parse("   ").is_err());
        assert!(ApiKey::parse("two words").is_err());
        assert!(ApiKey::parse("ключ").is_err());
        assert_ne!(k.fingerprint(), ApiKey::parse("abc123XYz").unwrap().fingerprint());
    }
}
