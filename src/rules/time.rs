//! Times for the Jobs table: the API's ISO-8601 UTC text to milliseconds, and durations as text.
//! Plain arithmetic (no clock, no time zone): the browser formats local time at display.

/// Parses the API's UTC timestamps: `2024-07-30T16:49:50Z`, optionally with a fraction of a
/// second (`…50.123Z`, any number of digits, truncated to ms) and `+00:00` / `-00:00` instead of
/// `Z`. Anything else (other offsets, dates without a time, out-of-range fields, times before
/// 1970) is `None`, so a bad value shows as "—" instead of a wrong time.
pub fn parse_iso8601_utc_ms(s: &str) -> Option<u64> {
    let s = s.trim();
    // ASCII only: byte offsets below are then character offsets.
    if !s.is_ascii() || s.len() < 20 {
        return None;
    }
    let b = s.as_bytes();
    if b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't') || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let year = digits(&s[0..4])?;
    let month = digits(&s[5..7])?;
    let day = digits(&s[8..10])?;
    let hour = digits(&s[11..13])?;
    let minute = digits(&s[14..16])?;
    // 60 is a leap second (RFC 3339): it counts as the first second of the next minute.
    let second = digits(&s[17..19])?;
    if !(1..=12).contains(&month)
        || day == 0
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }

    let mut rest = &s[19..];
    let mut millis = 0u64;
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        // Only the first three digits matter; the rest are truncated, not rounded, so a time
        // never moves into the next second.
        for (i, c) in frac.bytes().take(3).take_while(u8::is_ascii_digit).enumerate() {
            millis += u64::from(c - b'0') * [100, 10, 1][i];
        }
        rest = &frac[n..];
    }
    if !matches!(rest, "Z" | "z" | "+00:00" | "-00:00") {
        return None;
    }

    let days = days_from_civil(year, month, day)?;
    let secs = days * 86_400 + hour * 3_600 + minute * 60 + second;
    Some(secs * 1_000 + millis)
}

/// Milliseconds since the epoch as `2024-07-30 16:49:50 UTC` (the hover text of a time cell).
pub fn format_utc(ms: u64) -> String {
    let secs = ms / 1_000;
    let (y, m, d) = civil_from_days(secs / 86_400);
    let t = secs % 86_400;
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC", t / 3_600, t % 3_600 / 60, t % 60)
}

/// Milliseconds since the epoch as the API writes times: `2024-07-30T16:49:50Z`.
pub fn format_iso8601_utc(ms: u64) -> String {
    let secs = ms / 1_000;
    let (y, m, d) = civil_from_days(secs / 86_400);
    let t = secs % 86_400;
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", t / 3_600, t % 3_600 / 60, t % 60)
}

/// A duration for people: "0 s", "45 s", "3 min 5 s", "2 h 4 min", "3 d 5 h". Two units at
/// most (a job's duration needs no more precision); a zero second unit is left out ("3 min").
pub fn format_duration_ms(ms: u64) -> String {
    let s = ms / 1_000;
    let (d, h, m, sec) = (s / 86_400, s % 86_400 / 3_600, s % 3_600 / 60, s % 60);
    let pair = |big: u64, bu: &str, small: u64, su: &str| {
        if small == 0 { format!("{big} {bu}") } else { format!("{big} {bu} {small} {su}") }
    };
    if d > 0 {
        pair(d, "d", h, "h")
    } else if h > 0 {
        pair(h, "h", m, "min")
    } else if m > 0 {
        pair(m, "min", sec, "s")
    } else {
        format!("{sec} s")
    }
}

/// The Duration column: end − start for a finished job, `now_ms` − start for a running one
/// (`end_time` empty). `None` when the start is missing or unreadable, or the end precedes it.
pub fn job_duration_ms(start_time: &str, end_time: &str, now_ms: u64) -> Option<u64> {
    let start = parse_iso8601_utc_ms(start_time)?;
    let end = if end_time.trim().is_empty() { now_ms } else { parse_iso8601_utc_ms(end_time)? };
    end.checked_sub(start)
}

fn digits(s: &str) -> Option<u64> {
    if s.bytes().all(|c| c.is_ascii_digit()) { s.parse().ok() } else { None }
}

fn is_leap(y: u64) -> bool {
    y.is_multiple_of(4) && (!y.is_multiple_of(100) || y.is_multiple_of(400))
}

fn days_in_month(y: u64, m: u64) -> u64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 (H. Hinnant's `days_from_civil`); `None` before 1970.
fn days_from_civil(y: u64, m: u64, d: u64) -> Option<u64> {
    let y = y as i64 - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    u64::try_from(era * 146_097 + doe - 719_468).ok()
}

/// Inverse of `days_from_civil` (H. Hinnant's `civil_from_days`).
fn civil_from_days(z: u64) -> (u64, u64, u64) {
    let z = z + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + u64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_form() {
        assert_eq!(parse_iso8601_utc_ms("1970-01-01T00:00:00Z"), Some(0));
        // `date -u -d 2024-07-30T16:49:50Z +%s` = 1722358190
        assert_eq!(parse_iso8601_utc_ms("2024-07-30T16:49:50Z"), Some(1_722_358_190_000));
        assert_eq!(parse_iso8601_utc_ms(" 2024-07-30T16:49:50Z "), Some(1_722_358_190_000));
    }

    #[test]
    fn parses_fractions_and_zero_offsets() {
        assert_eq!(parse_iso8601_utc_ms("2024-07-30T16:49:50.5Z"), Some(1_722_358_190_500));
        assert_eq!(parse_iso8601_utc_ms("2024-07-30T16:49:50.123Z"), Some(1_722_358_190_123));
        assert_eq!(parse_iso8601_utc_ms("2024-07-30T16:49:50.123999999Z"), Some(1_722_358_190_123));
        assert_eq!(parse_iso8601_utc_ms("2024-07-30T16:49:50+00:00"), Some(1_722_358_190_000));
        assert_eq!(parse_iso8601_utc_ms("2024-07-30T16:49:50.25+00:00"), Some(1_722_358_190_250));
        assert_eq!(parse_iso8601_utc_ms("2024-07-30t16:49:50z"), Some(1_722_358_190_000));
    }

    #[test]
    fn calendar_edges() {
        // 2000 is a leap year, 1900 and 2100 are not.
        assert!(parse_iso8601_utc_ms("2000-02-29T00:00:00Z").is_some());
        assert!(parse_iso8601_utc_ms("2024-02-29T23:59:59Z").is_some());
        assert_eq!(parse_iso8601_utc_ms("2023-02-29T00:00:00Z"), None);
        assert_eq!(parse_iso8601_utc_ms("2100-02-29T00:00:00Z"), None);
        assert_eq!(parse_iso8601_utc_ms("2024-04-31T00:00:00Z"), None);
        // 2024-03-01 is 2024-02-29 + 1 day.
        assert_eq!(
            parse_iso8601_utc_ms("2024-03-01T00:00:00Z").unwrap()
                - parse_iso8601_utc_ms("2024-02-29T00:00:00Z").unwrap(),
            86_400_000
        );
        // A leap second is the next minute's first second.
        assert_eq!(parse_iso8601_utc_ms("2016-12-31T23:59:60Z"), parse_iso8601_utc_ms("2017-01-01T00:00:00Z"));
    }

    #[test]
    fn refuses_everything_else() {
        for bad in [
            "",
            "2024-07-30",
            "2024-07-30T16:49:50",
            "2024-07-30 16:49:50Z",
            "2024-07-30T16:49:50+02:00",
            "2024-07-30T16:49:50.Z",
            "2024-07-30T16:49:50ZZ",
            "2024-13-01T00:00:00Z",
            "2024-00-01T00:00:00Z",
            "2024-01-00T00:00:00Z",
            "2024-01-01T24:00:00Z",
            "2024-01-01T00:60:00Z",
            "2024-01-01T00:00:61Z",
            "1969-12-31T23:59:59Z",
            "+024-07-30T16:49:50Z",
            "2024-07-3OT16:49:50Z",
            "２024-07-30T16:49:50Z",
            "2024-07-30T16:49:50Z\u{0}",
            "1722358190",
        ] {
            assert_eq!(parse_iso8601_utc_ms(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn utc_text_round_trips() {
        assert_eq!(format_utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(format_utc(1_722_358_190_999), "2024-07-30 16:49:50 UTC");
        for s in ["2000-02-29T12:00:00Z", "2099-12-31T23:59:59Z", "2400-02-29T01:02:03Z"] {
            let ms = parse_iso8601_utc_ms(s).unwrap();
            assert_eq!(format_utc(ms), s.replace('T', " ").replace('Z', " UTC"));
            assert_eq!(format_iso8601_utc(ms), s);
        }
        assert_eq!(format_iso8601_utc(1_722_358_190_999), "2024-07-30T16:49:50Z");
    }

    #[test]
    fn durations() {
        assert_eq!(format_duration_ms(0), "0 s");
        assert_eq!(format_duration_ms(999), "0 s");
        assert_eq!(format_duration_ms(45_000), "45 s");
        assert_eq!(format_duration_ms(59_999), "59 s");
        assert_eq!(format_duration_ms(60_000), "1 min");
        assert_eq!(format_duration_ms(185_000), "3 min 5 s");
        assert_eq!(format_duration_ms(3_600_000), "1 h");
        assert_eq!(format_duration_ms(2 * 3_600_000 + 4 * 60_000 + 59_000), "2 h 4 min");
        assert_eq!(format_duration_ms(86_400_000 + 5 * 3_600_000), "1 d 5 h");
        assert!(format_duration_ms(u64::MAX).contains(" d"));
    }

    #[test]
    fn job_durations() {
        let start = "2024-07-30T16:49:50Z";
        assert_eq!(job_duration_ms(start, "2024-07-30T17:30:50Z", 0), Some(41 * 60_000));
        let now = parse_iso8601_utc_ms(start).unwrap() + 5_000;
        assert_eq!(job_duration_ms(start, "", now), Some(5_000));
        assert_eq!(job_duration_ms("", "", now), None);
        assert_eq!(job_duration_ms(start, "garbage", now), None);
        assert_eq!(job_duration_ms(start, "2024-07-30T16:00:00Z", now), None);
    }
}
