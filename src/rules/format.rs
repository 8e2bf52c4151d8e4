//! Formatting for display: sizes, counts. Inputs are integers from the API; output is text.

/// Bytes in decimal units with one decimal ("1.5 GB"), as the API's storage is billed per GB
/// (10^9 bytes) and the cost estimate counts it: one unit everywhere. Exact bytes below 1 kB.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 6] = ["kB", "MB", "GB", "TB", "PB", "EB"];
    if n < 1000 {
        return format!("{n} B");
    }
    // Integer arithmetic in tenths, rounded half up: exact, and the same on every platform.
    let n = u128::from(n);
    let (mut divisor, mut unit) = (1000u128, 0);
    while n * 10 + divisor / 2 >= divisor * 10_000 && unit < UNITS.len() - 1 {
        divisor *= 1000;
        unit += 1;
    }
    let tenths = (n * 10 + divisor / 2) / divisor;
    format!("{}.{} {}", tenths / 10, tenths % 10, UNITS[unit])
}

/// "1 cluster", "3 clusters".
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Percent-encodes a URL path segment or query value (RFC 3986 unreserved characters pass), so
/// an id from the network can never reshape a URL.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The sentence `s` with its first letter in lower case, to go after a colon.
pub fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_lowercase().chain(c).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(bytes(0), "0 B");
        assert_eq!(bytes(999), "999 B");
        assert_eq!(bytes(1500), "1.5 kB");
        assert_eq!(bytes(5_000_000_000), "5.0 GB");
        assert_eq!(bytes(1_500_000_000), "1.5 GB");
        assert_eq!(bytes(u64::MAX), "18.4 EB");
        // Rounded half up to one decimal; what would round to 1000.0 moves to the next unit.
        assert_eq!(bytes(1_049), "1.0 kB");
        assert_eq!(bytes(1_050), "1.1 kB");
        assert_eq!(bytes(999_949), "999.9 kB");
        assert_eq!(bytes(999_950), "1.0 MB");
    }

    #[test]
    fn lower_first_letter() {
        assert_eq!(lower_first("The API refused."), "the API refused.");
        assert_eq!(lower_first("Élan"), "élan");
        assert_eq!(lower_first(""), "");
    }

    #[test]
    fn counts() {
        assert_eq!(count(1, "cluster", "clusters"), "1 cluster");
        assert_eq!(count(0, "cluster", "clusters"), "0 clusters");
    }
}
