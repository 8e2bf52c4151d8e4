//! Wall-clock helpers. All simulator times are Unix milliseconds (UTC); the API shows them as
//! ISO-8601 with a `Z` suffix and whole seconds, like the reference's examples.

use std::time::{SystemTime, UNIX_EPOCH};

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime};

pub const SECOND: u64 = 1_000;
pub const HOUR: u64 = 3_600 * SECOND;
pub const DAY: u64 = 24 * HOUR;

pub fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)).unwrap_or(0)
}

/// `2024-07-30T16:49:50Z`
pub fn iso(ms: u64) -> String {
    let secs = i64::try_from(ms / 1000).unwrap_or(i64::MAX);
    OffsetDateTime::from_unix_timestamp(secs)
        .ok()
        .and_then(|t| t.format(format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z")).ok())
        .unwrap_or_default()
}

/// Accepts RFC 3339 (`2024-07-30T16:49:50Z`, offsets, fractions), a timestamp without offset
/// (taken as UTC) and a bare date (midnight UTC).
pub fn parse_iso(s: &str) -> Option<u64> {
    let s = s.trim();
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        return to_ms(t);
    }
    if let Ok(p) = PrimitiveDateTime::parse(s, format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]")) {
        return to_ms(p.assume_utc());
    }
    if let Ok(d) = Date::parse(s, format_description!("[year]-[month]-[day]")) {
        return to_ms(d.midnight().assume_utc());
    }
    None
}

fn to_ms(t: OffsetDateTime) -> Option<u64> {
    u64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok()
}

/// ISO weekday of a UTC instant: 1 = Monday … 7 = Sunday (the policy's `frequency` numbering).
pub fn weekday(ms: u64) -> u8 {
    // 1970-01-01 was a Thursday (4).
    let day = ms / DAY;
    u8::try_from((day + 3) % 7).unwrap_or(0) + 1
}

/// Midnight UTC of the day holding `ms`.
pub fn day_start(ms: u64) -> u64 {
    ms - ms % DAY
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses() {
        assert_eq!(iso(0), "1970-01-01T00:00:00Z");
        assert_eq!(parse_iso("1970-01-01T00:00:10Z"), Some(10_000));
        assert_eq!(parse_iso("1970-01-01T00:00:10"), Some(10_000));
        assert_eq!(parse_iso("1970-01-02"), Some(DAY));
        assert_eq!(parse_iso("yesterday"), None);
        assert_eq!(weekday(0), 4);
        assert_eq!(weekday(4 * DAY), 1);
    }
}
