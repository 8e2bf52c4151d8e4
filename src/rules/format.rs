//! Formatting for display: sizes, counts. Inputs are integers from the API; output is text.

/// Bytes in binary units with one decimal ("1.5 GiB"); exact bytes below 1 KiB.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    // Integer arithmetic in tenths, rounded half up: exact, and the same on every platform.
    let n = u128::from(n);
    let (mut divisor, mut unit) = (1024u128, 0);
    while n >= divisor * 1024 && unit < UNITS.len() - 1 {
        divisor *= 1024;
        unit += 1;
    }
    let tenths = (n * 10 + divisor / 2) / divisor;
    format!("{}.{} {}", tenths / 10, tenths % 10, UNITS[unit])
}

/// "1 cluster", "3 clusters".
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(bytes(0), "0 B");
        assert_eq!(bytes(1023), "1023 B");
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(bytes(5 * 1024 * 1024 * 1024), "5.0 GiB");
        assert_eq!(bytes(u64::MAX), "16.0 EiB");
        // Rounded half up to one decimal, and a value just under the next unit stays in its unit.
        assert_eq!(bytes(1024 + 51), "1.0 KiB");
        assert_eq!(bytes(1024 + 52), "1.1 KiB");
        assert_eq!(bytes(1024 * 1024 - 1), "1024.0 KiB");
    }

    #[test]
    fn counts() {
        assert_eq!(count(1, "cluster", "clusters"), "1 cluster");
        assert_eq!(count(0, "cluster", "clusters"), "0 clusters");
    }
}
