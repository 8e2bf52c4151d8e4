//! The automatic backup policy (docs/api-contract.md §2.8 Get / §2.9 Set Backup Policy): reading
//! the API's fields, checking them before sending, converting between the API's UTC schedule and
//! the user's local time, a plain-language summary and the next scheduled starts.
//!
//! The API speaks UTC only: `frequency` is a comma list of ISO weekdays (`1` = Monday … `7` =
//! Sunday), `startTime` a two-hour window on whole UTC hours (`23:00-01:00` crosses midnight),
//! `retentionDays` 1–30. The day of a window is the day it *starts* on.
//!
//! Time zones are an offset in minutes east of UTC (+540 Tokyo, −300 New York, +330 India, +345
//! Nepal). Since the API takes whole UTC hours only, a whole local hour cannot always be sent
//! (05:00 in India is 23:30 UTC). So the canonical value is the UTC start hour: the picker offers
//! the 24 local times that are whole UTC hours ([`start_options`]: 05:30, 06:30 … in India), and
//! [`to_utc`] refuses any other local time rather than rounding it. The offset is the one in force
//! now; across a daylight-saving change the schedule stays put in UTC and its local label moves.

use std::fmt;

/// Length of the backup window (§2.9: "2-hour window").
pub const WINDOW_HOURS: u8 = 2;
pub const MIN_RETENTION_DAYS: u8 = 1;
pub const MAX_RETENTION_DAYS: u8 = 30;
// The Zilliz console's default for a newly enabled policy: daily, 08:00–10:00 UTC+8, 7 days
// (§2.9). The start is kept as the same instant for everyone, so 00:00 UTC.
pub const DEFAULT_RETENTION_DAYS: u8 = 7;
pub const DEFAULT_START_HOUR_UTC: u8 = 0;
/// [`next_runs`] lists at most this many starts, so a huge `n` cannot exhaust memory.
pub const MAX_NEXT_RUNS: usize = 1_000;

const MINUTES_PER_DAY: i64 = 1_440;
const HOUR_MS: u64 = 3_600_000;
const DAY_MS: u64 = 86_400_000;
/// Longest piece of foreign text echoed in an error message.
const MAX_ECHO_CHARS: usize = 40;

const DAY_NAMES: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const DAY_SHORT: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// Why a policy (or a piece of one) cannot be read or sent, phrased for the person at the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyError {
    /// No weekday chosen (or an empty `frequency`).
    NoDays,
    /// A `frequency` that is not a list of 1..7 nor a preset; holds the (clipped) text.
    InvalidDays(String),
    /// A `startTime` that is not a two-hour window on whole hours; holds the (clipped) text.
    InvalidWindow(String),
    /// A local start time that is not a whole UTC hour (or not a time of day at all).
    StartNotOnUtcHour,
    /// Policy retention outside 1–30 (0 when missing).
    Retention(u64),
    /// A cross-region copy's retention outside 1–30.
    CopyRetention { region: String, days: u64 },
    /// A cross-region copy without a region id.
    CopyWithoutRegion,
    /// The same region chosen twice for copies.
    DuplicateCopyRegion(String),
    /// A `status` other than ENABLED / DISABLED.
    UnknownStatus(String),
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PolicyError::NoDays => f.write_str("Choose at least one day."),
            PolicyError::InvalidDays(s) => {
                write!(f, "'{s}' is not a list of days: use 1 (Monday) to 7 (Sunday) separated by commas, e.g. 1,3,5.")
            }
            PolicyError::InvalidWindow(s) => {
                write!(f, "'{s}' is not a backup window: use two hours starting on a whole hour, e.g. 02:00-04:00.")
            }
            PolicyError::StartNotOnUtcHour => {
                f.write_str("Choose one of the offered start times: backups start on a whole hour in UTC.")
            }
            PolicyError::Retention(_) => f.write_str("Keep backups 1 to 30 days."),
            PolicyError::CopyRetention { region, .. } => write!(f, "Keep the copy in {region} 1 to 30 days."),
            PolicyError::CopyWithoutRegion => f.write_str("Choose a region for every copy."),
            PolicyError::DuplicateCopyRegion(r) => {
                write!(f, "The region {r} is chosen twice: keep one copy per region.")
            }
            PolicyError::UnknownStatus(s) => write!(f, "The policy status '{s}' is neither ENABLED nor DISABLED."),
        }
    }
}

impl std::error::Error for PolicyError {}

/// A set of ISO weekdays: bit 0 = Monday … bit 6 = Sunday (bit 7 is always clear).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Weekdays(u8);

impl Weekdays {
    pub const NONE: Weekdays = Weekdays(0);
    pub const DAILY: Weekdays = Weekdays(0x7f);
    /// Monday to Friday (the CLI's "weekdays").
    pub const WEEKDAYS: Weekdays = Weekdays(0x1f);
    /// Saturday and Sunday (the CLI's "weekends").
    pub const WEEKENDS: Weekdays = Weekdays(0x60);

    /// Bits above Sunday are dropped.
    pub fn from_bits(bits: u8) -> Weekdays {
        Weekdays(bits & 0x7f)
    }

    pub fn bits(self) -> u8 {
        self.0
    }

    /// `iso` is 1 (Monday) … 7 (Sunday); anything else is never contained.
    pub fn contains(self, iso: u8) -> bool {
        bit(iso).is_some_and(|b| self.0 & b != 0)
    }

    /// Adds a day; an `iso` outside 1..=7 is ignored. Returns whether the set changed.
    pub fn insert(&mut self, iso: u8) -> bool {
        let before = self.0;
        self.0 |= bit(iso).unwrap_or(0);
        self.0 != before
    }

    /// Removes a day; returns whether the set changed.
    pub fn remove(&mut self, iso: u8) -> bool {
        let before = self.0;
        self.0 &= !bit(iso).unwrap_or(0);
        self.0 != before
    }

    /// Flips a day (the picker's chips).
    pub fn toggle(&mut self, iso: u8) {
        self.0 ^= bit(iso).unwrap_or(0);
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    pub fn is_daily(self) -> bool {
        self == Weekdays::DAILY
    }

    /// The ISO numbers of the days, Monday first.
    pub fn iter(self) -> impl Iterator<Item = u8> {
        (1..=7u8).filter(move |&d| self.contains(d))
    }

    /// Every day moved `days` later (negative: earlier), wrapping around the week: Sunday + 1 is
    /// Monday. Used when a window's start falls on another date in another zone.
    pub fn shifted(self, days: i32) -> Weekdays {
        // rem_euclid(7) is 0..=6 for every i32, so the shifts below stay in range.
        let k = days.rem_euclid(7) as u32;
        let b = u32::from(self.0);
        Weekdays((((b << k) | (b >> (7 - k))) & 0x7f) as u8)
    }

    /// `frequency` as the API and CLI write it: "1,2,3" (spaces around numbers, duplicates and any
    /// order accepted), or the CLI presets "daily", "weekdays", "weekends" in any case. Empty
    /// parts ("1,,2") and anything but the digits 1–7 are refused, as the simulator does.
    pub fn parse_api(s: &str) -> Result<Weekdays, PolicyError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(PolicyError::NoDays);
        }
        for (name, days) in
            [("daily", Weekdays::DAILY), ("weekdays", Weekdays::WEEKDAYS), ("weekends", Weekdays::WEEKENDS)]
        {
            if s.eq_ignore_ascii_case(name) {
                return Ok(days);
            }
        }
        let mut days = Weekdays::NONE;
        for part in s.split(',') {
            let part = part.trim();
            let d = match part.as_bytes() {
                [c @ b'1'..=b'7'] => c - b'0',
                _ => return Err(PolicyError::InvalidDays(clip(s))),
            };
            days.insert(d);
        }
        Ok(days)
    }

    /// Sorted, no spaces: "1,3,5" (empty for no days).
    pub fn to_api(self) -> String {
        self.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(",")
    }
}

/// "Monday" for 1 … "Sunday" for 7.
pub fn weekday_name(iso: u8) -> Option<&'static str> {
    DAY_NAMES.get(usize::from(iso).checked_sub(1)?).copied()
}

/// "Mon" for 1 … "Sun" for 7 (the picker's chips).
pub fn weekday_short(iso: u8) -> Option<&'static str> {
    DAY_SHORT.get(usize::from(iso).checked_sub(1)?).copied()
}

fn bit(iso: u8) -> Option<u8> {
    (1..=7).contains(&iso).then(|| 1 << (iso - 1))
}

/// The two-hour backup window, by its UTC start hour (always 0..=23).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Window {
    start_hour_utc: u8,
}

impl Default for Window {
    fn default() -> Self {
        Window { start_hour_utc: DEFAULT_START_HOUR_UTC }
    }
}

impl Window {
    /// `None` unless `hour` is 0..=23.
    pub fn from_utc_hour(hour: u8) -> Option<Window> {
        (hour < 24).then_some(Window { start_hour_utc: hour })
    }

    pub fn start_hour_utc(self) -> u8 {
        self.start_hour_utc
    }

    /// The end hour, past midnight for a start of 22 or 23.
    pub fn end_hour_utc(self) -> u8 {
        (self.start_hour_utc + WINDOW_HOURS) % 24
    }

    /// Whether the window ends on the next UTC day ("23:00-01:00").
    pub fn crosses_midnight_utc(self) -> bool {
        self.end_hour_utc() < self.start_hour_utc
    }

    /// `startTime` as the API writes it, "02:00-04:00"; a bare start "02:00" is widened to two
    /// hours like the CLI. One-digit hours and spaces around the parts are accepted (as by the
    /// simulator); minutes other than 00, windows of other lengths and hours past 23 are not.
    pub fn parse_api(s: &str) -> Result<Window, PolicyError> {
        let bad = || PolicyError::InvalidWindow(clip(s.trim()));
        let (start, end) = match s.split_once('-') {
            Some((a, b)) => (whole_hour(a).ok_or_else(bad)?, Some(whole_hour(b).ok_or_else(bad)?)),
            None => (whole_hour(s).ok_or_else(bad)?, None),
        };
        let w = Window { start_hour_utc: start };
        match end {
            Some(e) if e != w.end_hour_utc() => Err(bad()),
            _ => Ok(w),
        }
    }

    /// "02:00-04:00", "23:00-01:00".
    pub fn to_api(self) -> String {
        format!("{:02}:00-{:02}:00", self.start_hour_utc, self.end_hour_utc())
    }
}

/// "HH:00" with a one- or two-digit hour 0..=23.
fn whole_hour(t: &str) -> Option<u8> {
    let (h, m) = t.trim().split_once(':')?;
    let hour = match h.as_bytes() {
        [a] if a.is_ascii_digit() => a - b'0',
        [a, b] if a.is_ascii_digit() && b.is_ascii_digit() => (a - b'0') * 10 + (b - b'0'),
        _ => return None,
    };
    (hour < 24 && m == "00").then_some(hour)
}

/// A cross-region copy of each automatic backup.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PolicyCopy {
    pub region_id: String,
    pub retention_days: u8,
}

/// The policy as the form edits it. The schedule is kept in UTC, as the API has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub enabled: bool,
    pub days_utc: Weekdays,
    pub window: Window,
    pub retention_days: u8,
    pub copies: Vec<PolicyCopy>,
}

/// What to send to Set Backup Policy (§2.9). Disabling needs only `{"enabled": false}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SetPolicy {
    Disable,
    Enable {
        /// "1,4"
        frequency: String,
        /// "02:00-04:00"
        start_time: String,
        retention_days: u8,
        /// (regionId, retentionDays); send `[]` when empty, as both official clients do.
        copies: Vec<(String, u8)>,
    },
}

impl Default for Policy {
    /// Off, with the console's defaults ready for when it is switched on.
    fn default() -> Self {
        Policy {
            enabled: false,
            days_utc: Weekdays::DAILY,
            window: Window::default(),
            retention_days: DEFAULT_RETENTION_DAYS,
            copies: Vec::new(),
        }
    }
}

impl Policy {
    /// A newly enabled policy: daily, 00:00-02:00 UTC (08:00–10:00 UTC+8), kept 7 days.
    pub fn default_enabled() -> Policy {
        Policy { enabled: true, ..Policy::default() }
    }

    /// Reads Get Backup Policy's fields (§2.8); pass "" for a null string and `None` for a
    /// missing number. An enabled policy must be complete and in range. A disabled one has null
    /// fields and retention 0: whatever of it is readable is kept, the rest takes the defaults,
    /// so switching it on starts from something sensible.
    pub fn from_api(
        status: &str,
        frequency: &str,
        start_time: &str,
        retention_days: Option<u64>,
        copies: &[(String, Option<u64>)],
    ) -> Result<Policy, PolicyError> {
        let status = status.trim();
        let enabled = if status.eq_ignore_ascii_case("ENABLED") {
            true
        } else if status.eq_ignore_ascii_case("DISABLED") {
            false
        } else {
            return Err(PolicyError::UnknownStatus(clip(status)));
        };
        if !enabled {
            let d = Policy::default();
            let mut out = Vec::new();
            for (region, days) in copies {
                if let Ok(Some(c)) = read_copy(region, *days, &out) {
                    out.push(c);
                }
            }
            return Ok(Policy {
                enabled,
                days_utc: Weekdays::parse_api(frequency).unwrap_or(d.days_utc),
                window: Window::parse_api(start_time).unwrap_or(d.window),
                retention_days: retention(retention_days.unwrap_or(0)).unwrap_or(d.retention_days),
                copies: out,
            });
        }
        let days_utc = Weekdays::parse_api(frequency)?;
        let window = Window::parse_api(start_time)?;
        let n = retention_days.unwrap_or(0);
        let retention_days = retention(n).ok_or(PolicyError::Retention(n))?;
        let mut out = Vec::new();
        for (region, days) in copies {
            out.extend(read_copy(region, *days, &out)?);
        }
        Ok(Policy { enabled, days_utc, window, retention_days, copies: out })
    }

    /// Whether the form may be sent: an enabled policy needs a day, retention 1–30, and copies
    /// each with a distinct region and retention 1–30. A disabled policy is always fine.
    pub fn validate(&self) -> Result<(), PolicyError> {
        if !self.enabled {
            return Ok(());
        }
        if self.days_utc.is_empty() {
            return Err(PolicyError::NoDays);
        }
        let n = u64::from(self.retention_days);
        retention(n).ok_or(PolicyError::Retention(n))?;
        for (i, c) in self.copies.iter().enumerate() {
            let region = c.region_id.trim();
            if region.is_empty() {
                return Err(PolicyError::CopyWithoutRegion);
            }
            if self.copies.iter().take(i).any(|p| p.region_id.trim() == region) {
                return Err(PolicyError::DuplicateCopyRegion(clip(region)));
            }
            retention(u64::from(c.retention_days)).ok_or_else(|| PolicyError::CopyRetention {
                region: clip(region),
                days: u64::from(c.retention_days),
            })?;
        }
        Ok(())
    }

    /// The request body's fields, after [`Policy::validate`].
    pub fn to_request(&self) -> Result<SetPolicy, PolicyError> {
        self.validate()?;
        if !self.enabled {
            return Ok(SetPolicy::Disable);
        }
        Ok(SetPolicy::Enable {
            frequency: self.days_utc.to_api(),
            start_time: self.window.to_api(),
            retention_days: self.retention_days,
            copies: self.copies.iter().map(|c| (c.region_id.trim().to_owned(), c.retention_days)).collect(),
        })
    }

    /// The schedule in the user's time.
    pub fn local(&self, offset_min: i32) -> LocalSchedule {
        to_local(self.days_utc, self.window, offset_min)
    }

    /// Sets the schedule from the user's local days and start (minutes after local midnight).
    /// Leaves the policy unchanged when the start is not a whole UTC hour.
    pub fn set_local(
        &mut self,
        local_days: Weekdays,
        local_start_min: u16,
        offset_min: i32,
    ) -> Result<(), PolicyError> {
        let (days, window) = to_utc(local_days, local_start_min, offset_min)?;
        self.days_utc = days;
        self.window = window;
        Ok(())
    }
}

/// A copy's fields; `None` for a repeat of a region already in `seen`, since the simulator keeps
/// the first of repeated regions.
fn read_copy(region: &str, days: Option<u64>, seen: &[PolicyCopy]) -> Result<Option<PolicyCopy>, PolicyError> {
    let region = region.trim();
    if region.is_empty() {
        return Err(PolicyError::CopyWithoutRegion);
    }
    if seen.iter().any(|c| c.region_id == region) {
        return Ok(None);
    }
    let days = days.unwrap_or(0);
    let d = retention(days).ok_or_else(|| PolicyError::CopyRetention { region: clip(region), days })?;
    Ok(Some(PolicyCopy { region_id: region.to_owned(), retention_days: d }))
}

fn retention(days: u64) -> Option<u8> {
    u8::try_from(days).ok().filter(|d| (MIN_RETENTION_DAYS..=MAX_RETENTION_DAYS).contains(d))
}

/// The retention field as typed: "7" → 7; blank, junk, 0 or more than 30 → "Keep backups 1 to
/// 30 days.".
pub fn parse_retention(s: &str) -> Result<u8, PolicyError> {
    let s = s.trim();
    let n =
        if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) { s.parse::<u64>().unwrap_or(u64::MAX) } else { 0 };
    retention(n).ok_or(PolicyError::Retention(n))
}

/// The schedule as the user's clock shows it: local days (of the window's start) and the local
/// start and end as minutes after midnight. Minutes may be :30 or :45 in such zones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LocalSchedule {
    pub days: Weekdays,
    /// 0..1440
    pub start_min: u16,
    /// 0..1440; smaller than `start_min` when the window crosses local midnight.
    pub end_min: u16,
    /// How many days the local start date is after the UTC one: −1, 0 or +1 for real offsets
    /// (in −3..=3 for any offset, as days wrap around the week).
    pub day_shift: i8,
}

impl LocalSchedule {
    /// "07:30"
    pub fn start_label(&self) -> String {
        hhmm(self.start_min)
    }

    pub fn end_label(&self) -> String {
        hhmm(self.end_min)
    }

    /// "07:30-09:30"
    pub fn window_label(&self) -> String {
        format!("{}-{}", hhmm(self.start_min), hhmm(self.end_min))
    }

    pub fn crosses_midnight(&self) -> bool {
        self.end_min < self.start_min
    }
}

fn hhmm(min: u16) -> String {
    format!("{:02}:{:02}", min / 60 % 24, min % 60)
}

/// UTC days and window → the user's local schedule. The days move with the window's start: at
/// +540 a Sunday 16:00 UTC start is Monday 01:00 in Tokyo.
pub fn to_local(days_utc: Weekdays, window: Window, offset_min: i32) -> LocalSchedule {
    // i64: no overflow for any i32 offset.
    let total = i64::from(window.start_hour_utc) * 60 + i64::from(offset_min);
    // −3..=3: the same weekday rotation as the day count, and in range of every cast below.
    let shift = (total.div_euclid(MINUTES_PER_DAY) + 3).rem_euclid(7) - 3;
    let start = total.rem_euclid(MINUTES_PER_DAY);
    let end = (start + i64::from(WINDOW_HOURS) * 60) % MINUTES_PER_DAY;
    LocalSchedule {
        days: days_utc.shifted(shift as i32),
        start_min: start as u16,
        end_min: end as u16,
        day_shift: shift as i8,
    }
}

/// The user's local days and start (minutes after local midnight) → UTC days and window. The
/// start must be a whole UTC hour (one of [`start_options`]); anything else is refused rather
/// than rounded, so what is sent is exactly what was shown.
pub fn to_utc(local_days: Weekdays, local_start_min: u16, offset_min: i32) -> Result<(Weekdays, Window), PolicyError> {
    if i64::from(local_start_min) >= MINUTES_PER_DAY {
        return Err(PolicyError::StartNotOnUtcHour);
    }
    let total = i64::from(local_start_min) - i64::from(offset_min);
    if total.rem_euclid(60) != 0 {
        return Err(PolicyError::StartNotOnUtcHour);
    }
    let shift = total.div_euclid(MINUTES_PER_DAY).rem_euclid(7) as i32;
    let hour = (total.rem_euclid(MINUTES_PER_DAY) / 60) as u8;
    Ok((local_days.shifted(shift), Window { start_hour_utc: hour }))
}

/// One choice of the start picker: a whole UTC hour, labelled in local time.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StartOption {
    pub utc_hour: u8,
    /// Minutes after local midnight; pass to [`to_utc`].
    pub local_start_min: u16,
    /// The local window, "05:30-07:30".
    pub label: String,
}

/// The 24 local start times that are whole UTC hours, earliest local time first: 00:00, 01:00 …
/// for whole-hour offsets; 00:30, 01:30 … at +330; 00:45, 01:45 … at +345.
pub fn start_options(offset_min: i32) -> Vec<StartOption> {
    let mut v: Vec<StartOption> = (0..24u8)
        .map(|h| {
            let l = to_local(Weekdays::NONE, Window { start_hour_utc: h }, offset_min);
            StartOption { utc_hour: h, local_start_min: l.start_min, label: l.window_label() }
        })
        .collect();
    v.sort_by_key(|o| o.local_start_min);
    v
}

/// ISO weekday of a day number (days since 1970-01-01, a Thursday).
fn iso_weekday(day: u64) -> u8 {
    ((day % 7 + 3) % 7 + 1) as u8
}

/// The next `n` (at most [`MAX_NEXT_RUNS`]) window starts strictly after `now_ms`, as epoch ms,
/// on the policy's UTC days. Empty for a disabled policy or one without days. A window under
/// way at `now_ms` is not listed: it has started.
pub fn next_runs(policy: &Policy, now_ms: u64, n: usize) -> Vec<u64> {
    let mut out = Vec::new();
    if !policy.enabled || policy.days_utc.is_empty() {
        return out;
    }
    let n = n.min(MAX_NEXT_RUNS);
    let offset = u64::from(policy.window.start_hour_utc) * HOUR_MS;
    let mut day = now_ms / DAY_MS;
    while out.len() < n {
        // Each week holds a chosen day, so this ends unless the u64 clock runs out.
        let Some(start) = day.checked_mul(DAY_MS).and_then(|d| d.checked_add(offset)) else {
            break;
        };
        if start > now_ms && policy.days_utc.contains(iso_weekday(day)) {
            out.push(start);
        }
        day += 1;
    }
    out
}

/// Days in reading order, Monday first; three or more in a row read as a range ("Monday to
/// Friday"). Ranges never wrap past Sunday, so each name is read where one expects it.
///
/// With a `shift`, the same list is written with every day moved by it, item for item, so the
/// local days of a summary line up with their UTC days: "Monday and Thursday" at −1 is "Sunday
/// and Wednesday" (not Monday-first "Wednesday and Sunday", which would pair Monday with
/// Wednesday), and "Monday to Friday" is "Sunday to Thursday".
fn day_list(days: Weekdays, shift: i32) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut d = 1u8;
    while d <= 7 {
        if !days.contains(d) {
            d += 1;
            continue;
        }
        let mut last = d;
        while last < 7 && days.contains(last + 1) {
            last += 1;
        }
        // rem_euclid(7) is 0..=6, so the day stays 1..=7.
        let name = |i: u8| weekday_name(((i32::from(i) - 1 + shift).rem_euclid(7) + 1) as u8).unwrap_or_default();
        if last - d >= 2 {
            parts.push(format!("{} to {}", name(d), name(last)));
        } else {
            parts.extend((d..=last).map(|i| name(i).to_owned()));
        }
        d = last + 1;
    }
    match parts.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

fn days_phrase(days: Weekdays) -> String {
    if days.is_daily() {
        "Every day".to_owned()
    } else if days == Weekdays::WEEKDAYS {
        "Every weekday".to_owned()
    } else {
        format!("Every {}", day_list(days, 0))
    }
}

/// The policy in a sentence, UTC first (what the API runs) and then the user's time:
/// "Every Monday and Thursday, 02:00-04:00 UTC (11:00-13:00 your time), kept 7 days". When the
/// window starts on another day locally, the local days are named too, so a day is never read
/// against the wrong clock: "Every Monday, 23:00-01:00 UTC (Tuesday 08:00-10:00 your time)". At
/// offset 0 the parenthesis says "(the same in your time)". Copies are listed by the view, which
/// knows the regions' names.
pub fn summary(policy: &Policy, offset_min: i32) -> String {
    if !policy.enabled {
        return "Automatic backups are off.".to_owned();
    }
    if policy.days_utc.is_empty() {
        return "No backup days chosen.".to_owned();
    }
    let local = policy.local(offset_min);
    let yours = if offset_min == 0 {
        "the same in your time".to_owned()
    } else if local.days != policy.days_utc {
        format!("{} {} your time", day_list(policy.days_utc, i32::from(local.day_shift)), local.window_label())
    } else {
        format!("{} your time", local.window_label())
    };
    let kept = if policy.retention_days == 1 { "1 day".to_owned() } else { format!("{} days", policy.retention_days) };
    format!("{}, {} UTC ({yours}), kept {kept}", days_phrase(policy.days_utc), policy.window.to_api())
}

/// Foreign text for a message: control characters dropped, at most [`MAX_ECHO_CHARS`].
fn clip(s: &str) -> String {
    let mut out: String = s.chars().filter(|c| !c.is_control()).take(MAX_ECHO_CHARS + 1).collect();
    if let Some((cut, _)) = out.char_indices().nth(MAX_ECHO_CHARS) {
        out.truncate(cut);
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const MON: u8 = 1;
    const TUE: u8 = 2;
    const WED: u8 = 3;
    const THU: u8 = 4;
    const FRI: u8 = 5;
    const SAT: u8 = 6;
    const SUN: u8 = 7;

    /// 2024-07-29, a Monday (`date -u -d 2024-07-29 +%s` = 1722211200).
    const MON_2024_07_29: u64 = 19_933;

    fn days(list: &[u8]) -> Weekdays {
        let mut w = Weekdays::NONE;
        for &d in list {
            w.insert(d);
        }
        w
    }

    fn at(day: u64, hour: u64, min: u64) -> u64 {
        day * DAY_MS + hour * HOUR_MS + min * 60_000
    }

    fn win(h: u8) -> Window {
        Window::from_utc_hour(h).unwrap()
    }

    fn policy(d: &[u8], hour: u8, keep: u8) -> Policy {
        Policy { enabled: true, days_utc: days(d), window: win(hour), retention_days: keep, copies: vec![] }
    }

    // ---- weekdays ----

    #[test]
    fn parses_day_lists() {
        assert_eq!(Weekdays::parse_api("1,2,3"), Ok(days(&[MON, TUE, WED])));
        assert_eq!(Weekdays::parse_api(" 5 , 1,3 "), Ok(days(&[MON, WED, FRI])));
        assert_eq!(Weekdays::parse_api("4,1,4,1"), Ok(days(&[MON, THU])));
        assert_eq!(Weekdays::parse_api("7"), Ok(days(&[SUN])));
        assert_eq!(Weekdays::parse_api("7,6,5,4,3,2,1"), Ok(Weekdays::DAILY));
    }

    #[test]
    fn parses_presets_in_any_case() {
        assert_eq!(Weekdays::parse_api("daily"), Ok(Weekdays::DAILY));
        assert_eq!(Weekdays::parse_api(" DAILY "), Ok(Weekdays::DAILY));
        assert_eq!(Weekdays::parse_api("Weekdays"), Ok(days(&[MON, TUE, WED, THU, FRI])));
        assert_eq!(Weekdays::parse_api("weekEnds"), Ok(days(&[SAT, SUN])));
    }

    #[test]
    fn refuses_bad_day_lists() {
        assert_eq!(Weekdays::parse_api(""), Err(PolicyError::NoDays));
        assert_eq!(Weekdays::parse_api("   "), Err(PolicyError::NoDays));
        for bad in
            ["0", "8", "1,8", "0,1", "1,,2", "1,", ",1", "mon", "1;2", "1 2", "+1", "01", "-1", "1.0", "weekday", "１"]
        {
            assert!(matches!(Weekdays::parse_api(bad), Err(PolicyError::InvalidDays(_))), "{bad:?}");
        }
    }

    #[test]
    fn writes_sorted_day_lists() {
        assert_eq!(days(&[FRI, MON, WED]).to_api(), "1,3,5");
        assert_eq!(Weekdays::DAILY.to_api(), "1,2,3,4,5,6,7");
        assert_eq!(Weekdays::WEEKENDS.to_api(), "6,7");
        assert_eq!(Weekdays::NONE.to_api(), "");
        for s in ["1", "2,4", "1,2,3,4,5,6,7", "3,7"] {
            assert_eq!(Weekdays::parse_api(s).unwrap().to_api(), s);
        }
    }

    #[test]
    fn day_set_operations() {
        let mut w = Weekdays::NONE;
        assert!(w.is_empty());
        assert!(w.insert(MON));
        assert!(!w.insert(MON));
        assert!(!w.insert(0));
        assert!(!w.insert(8));
        assert!(w.insert(SUN));
        assert_eq!(w.len(), 2);
        assert_eq!(w.iter().collect::<Vec<_>>(), vec![MON, SUN]);
        assert!(w.contains(SUN) && !w.contains(TUE) && !w.contains(0) && !w.contains(200));
        w.toggle(SUN);
        w.toggle(TUE);
        w.toggle(9);
        assert_eq!(w, days(&[MON, TUE]));
        assert!(w.remove(MON));
        assert!(!w.remove(MON));
        assert_eq!(w.bits(), 0b10);
        assert_eq!(Weekdays::from_bits(0xff), Weekdays::DAILY);
        assert!(Weekdays::DAILY.is_daily() && !Weekdays::WEEKDAYS.is_daily());
        assert_eq!(weekday_name(1), Some("Monday"));
        assert_eq!(weekday_name(7), Some("Sunday"));
        assert_eq!(weekday_name(0), None);
        assert_eq!(weekday_name(8), None);
        assert_eq!(weekday_short(3), Some("Wed"));
    }

    #[test]
    fn shifts_days_both_ways_across_the_week_end() {
        assert_eq!(days(&[SUN]).shifted(1), days(&[MON]));
        assert_eq!(days(&[MON]).shifted(-1), days(&[SUN]));
        assert_eq!(days(&[MON, THU]).shifted(1), days(&[TUE, FRI]));
        assert_eq!(days(&[MON, SAT, SUN]).shifted(1), days(&[MON, TUE, SUN]));
        assert_eq!(days(&[MON, TUE, SUN]).shifted(-1), days(&[MON, SAT, SUN]));
        assert_eq!(Weekdays::WEEKDAYS.shifted(-1), days(&[SUN, MON, TUE, WED, THU]));
        assert_eq!(days(&[WED]).shifted(7), days(&[WED]));
        assert_eq!(days(&[WED]).shifted(-8), days(&[TUE]));
        assert_eq!(days(&[WED]).shifted(0), days(&[WED]));
        assert_eq!(Weekdays::DAILY.shifted(3), Weekdays::DAILY);
        assert_eq!(Weekdays::NONE.shifted(-2), Weekdays::NONE);
        // Extremes do not overflow.
        assert_eq!(days(&[MON]).shifted(i32::MIN).len(), 1);
        assert_eq!(days(&[MON]).shifted(i32::MAX).len(), 1);
        for k in -15..15 {
            assert_eq!(days(&[MON, FRI]).shifted(k).shifted(-k), days(&[MON, FRI]), "{k}");
        }
    }

    // ---- window ----

    #[test]
    fn parses_windows() {
        assert_eq!(Window::parse_api("02:00-04:00"), Ok(win(2)));
        assert_eq!(Window::parse_api("23:00-01:00"), Ok(win(23)));
        assert_eq!(Window::parse_api("22:00-00:00"), Ok(win(22)));
        assert_eq!(Window::parse_api("00:00-02:00"), Ok(win(0)));
        assert_eq!(Window::parse_api(" 02:00 - 04:00 "), Ok(win(2)));
        assert_eq!(Window::parse_api("2:00-4:00"), Ok(win(2)));
        // A bare start is widened like the CLI.
        assert_eq!(Window::parse_api("02:00"), Ok(win(2)));
        assert_eq!(Window::parse_api("23:00"), Ok(win(23)));
    }

    #[test]
    fn refuses_bad_windows() {
        for bad in [
            "",
            "02:30-04:30",
            "02:00-05:00",
            "02:00-03:00",
            "02:00-02:00",
            "23:00-00:00",
            "24:00-02:00",
            "22:00-24:00",
            "02:30",
            "2",
            "02",
            "0200-0400",
            "-02:00",
            "02:00-",
            "02:00-04:00-06:00",
            "aa:00-bb:00",
            "002:00-004:00",
            "02:00:00-04:00:00",
            "+2:00-4:00",
            "02:0-04:0",
        ] {
            assert!(matches!(Window::parse_api(bad), Err(PolicyError::InvalidWindow(_))), "{bad:?}");
        }
    }

    #[test]
    fn writes_windows_across_midnight() {
        assert_eq!(win(2).to_api(), "02:00-04:00");
        assert_eq!(win(23).to_api(), "23:00-01:00");
        assert_eq!(win(22).to_api(), "22:00-00:00");
        assert!(win(23).crosses_midnight_utc());
        assert!(win(22).crosses_midnight_utc());
        assert!(!win(21).crosses_midnight_utc());
        assert_eq!(win(23).end_hour_utc(), 1);
        assert_eq!(Window::from_utc_hour(24), None);
        for h in 0..24 {
            assert_eq!(Window::parse_api(&win(h).to_api()), Ok(win(h)));
        }
    }

    // ---- decoding and validation ----

    #[test]
    fn decodes_an_enabled_policy() {
        let copies = vec![("aws-us-west-2".to_owned(), Some(7))];
        let p = Policy::from_api("ENABLED", "1,2,3,5", "02:00-04:00", Some(7), &copies).unwrap();
        assert!(p.enabled);
        assert_eq!(p.days_utc, days(&[MON, TUE, WED, FRI]));
        assert_eq!(p.window, win(2));
        assert_eq!(p.retention_days, 7);
        assert_eq!(p.copies, vec![PolicyCopy { region_id: "aws-us-west-2".into(), retention_days: 7 }]);
        assert_eq!(Policy::from_api(" enabled ", "daily", "23:00", Some(30), &[]).unwrap().window, win(23));
    }

    #[test]
    fn decodes_a_disabled_policy_with_null_fields_to_defaults() {
        let p = Policy::from_api("DISABLED", "", "", Some(0), &[]).unwrap();
        assert_eq!(p, Policy::default());
        assert!(!p.enabled);
        assert_eq!(Policy::from_api("disabled", "", "", None, &[]).unwrap(), Policy::default());
        // Whatever is readable is kept for when it is switched back on.
        let p = Policy::from_api("DISABLED", "1,4", "junk", Some(99), &[("r".into(), Some(0))]).unwrap();
        assert_eq!(p.days_utc, days(&[MON, THU]));
        assert_eq!(p.window, Window::default());
        assert_eq!(p.retention_days, DEFAULT_RETENTION_DAYS);
        assert!(p.copies.is_empty());
    }

    #[test]
    fn refuses_broken_enabled_policies() {
        let ok_copy = vec![("aws-us-west-2".to_owned(), Some(7))];
        assert_eq!(Policy::from_api("ENABLED", "", "02:00-04:00", Some(7), &[]), Err(PolicyError::NoDays));
        assert!(matches!(
            Policy::from_api("ENABLED", "1,9", "02:00-04:00", Some(7), &[]),
            Err(PolicyError::InvalidDays(_))
        ));
        assert!(matches!(Policy::from_api("ENABLED", "1", "", Some(7), &[]), Err(PolicyError::InvalidWindow(_))));
        assert_eq!(Policy::from_api("ENABLED", "1", "02:00", None, &[]), Err(PolicyError::Retention(0)));
        assert_eq!(Policy::from_api("ENABLED", "1", "02:00", Some(31), &[]), Err(PolicyError::Retention(31)));
        assert_eq!(
            Policy::from_api("ENABLED", "1", "02:00", Some(u64::MAX), &[]),
            Err(PolicyError::Retention(u64::MAX))
        );
        assert_eq!(
            Policy::from_api("ENABLED", "1", "02:00", Some(7), &[("r1".into(), Some(256))]),
            Err(PolicyError::CopyRetention { region: "r1".into(), days: 256 })
        );
        assert_eq!(
            Policy::from_api("ENABLED", "1", "02:00", Some(7), &[(" ".into(), Some(7))]),
            Err(PolicyError::CopyWithoutRegion)
        );
        assert_eq!(
            Policy::from_api("PAUSED", "1", "02:00", Some(7), &ok_copy),
            Err(PolicyError::UnknownStatus("PAUSED".into()))
        );
        assert_eq!(Policy::from_api("", "1", "02:00", Some(7), &ok_copy), Err(PolicyError::UnknownStatus("".into())));
    }

    #[test]
    fn repeated_copy_regions_keep_the_first() {
        let copies = vec![("a".to_owned(), Some(3)), ("a".to_owned(), Some(9)), ("b".to_owned(), Some(1))];
        let p = Policy::from_api("ENABLED", "1", "02:00", Some(7), &copies).unwrap();
        assert_eq!(
            p.copies,
            vec![
                PolicyCopy { region_id: "a".into(), retention_days: 3 },
                PolicyCopy { region_id: "b".into(), retention_days: 1 }
            ]
        );
    }

    #[test]
    fn validates_before_sending() {
        assert_eq!(Policy::default().validate(), Ok(()));
        // Disabled needs nothing, even with nonsense in the form.
        let off = Policy { enabled: false, days_utc: Weekdays::NONE, retention_days: 0, ..Policy::default() };
        assert_eq!(off.to_request(), Ok(SetPolicy::Disable));

        let mut p = policy(&[], 2, 7);
        assert_eq!(p.validate(), Err(PolicyError::NoDays));
        p.days_utc = days(&[MON]);
        assert_eq!(p.validate(), Ok(()));
        for bad in [0, 31, 255] {
            p.retention_days = bad;
            assert_eq!(p.validate(), Err(PolicyError::Retention(u64::from(bad))));
        }
        for good in [1, 30] {
            p.retention_days = good;
            assert_eq!(p.validate(), Ok(()));
        }
        p.copies = vec![PolicyCopy { region_id: "".into(), retention_days: 7 }];
        assert_eq!(p.validate(), Err(PolicyError::CopyWithoutRegion));
        p.copies = vec![PolicyCopy { region_id: "r".into(), retention_days: 0 }];
        assert_eq!(p.validate(), Err(PolicyError::CopyRetention { region: "r".into(), days: 0 }));
        p.copies = vec![
            PolicyCopy { region_id: "r".into(), retention_days: 7 },
            PolicyCopy { region_id: " r ".into(), retention_days: 7 },
        ];
        assert_eq!(p.validate(), Err(PolicyError::DuplicateCopyRegion("r".into())));
    }

    #[test]
    fn builds_the_request() {
        let mut p = policy(&[THU, MON], 23, 7);
        p.copies = vec![PolicyCopy { region_id: " aws-us-west-2 ".into(), retention_days: 3 }];
        assert_eq!(
            p.to_request(),
            Ok(SetPolicy::Enable {
                frequency: "1,4".into(),
                start_time: "23:00-01:00".into(),
                retention_days: 7,
                copies: vec![("aws-us-west-2".into(), 3)],
            })
        );
        assert_eq!(policy(&[], 2, 7).to_request(), Err(PolicyError::NoDays));
    }

    #[test]
    fn default_is_the_zilliz_console_default() {
        let p = Policy::default_enabled();
        assert!(p.enabled && p.days_utc.is_daily());
        assert_eq!(p.window.to_api(), "00:00-02:00");
        assert_eq!(p.retention_days, 7);
        // 08:00-10:00 at UTC+8, as the Zilliz console shows it.
        assert_eq!(p.local(480).window_label(), "08:00-10:00");
        assert_eq!(p.validate(), Ok(()));
    }

    #[test]
    fn parses_retention_text() {
        assert_eq!(parse_retention("7"), Ok(7));
        assert_eq!(parse_retention(" 30 "), Ok(30));
        assert_eq!(parse_retention("1"), Ok(1));
        assert_eq!(parse_retention("007"), Ok(7));
        for bad in ["", "0", "31", "-1", "7.5", "seven", "99999999999999999999999"] {
            assert!(matches!(parse_retention(bad), Err(PolicyError::Retention(_))), "{bad:?}");
        }
    }

    #[test]
    fn errors_read_as_sentences() {
        assert_eq!(PolicyError::NoDays.to_string(), "Choose at least one day.");
        assert_eq!(PolicyError::Retention(0).to_string(), "Keep backups 1 to 30 days.");
        assert_eq!(
            PolicyError::CopyRetention { region: "aws-us-west-2".into(), days: 0 }.to_string(),
            "Keep the copy in aws-us-west-2 1 to 30 days."
        );
        assert_eq!(
            Weekdays::parse_api("1,9").unwrap_err().to_string(),
            "'1,9' is not a list of days: use 1 (Monday) to 7 (Sunday) separated by commas, e.g. 1,3,5."
        );
        assert_eq!(
            Window::parse_api("02:30-04:30").unwrap_err().to_string(),
            "'02:30-04:30' is not a backup window: use two hours starting on a whole hour, e.g. 02:00-04:00."
        );
        for e in [
            PolicyError::StartNotOnUtcHour,
            PolicyError::CopyWithoutRegion,
            PolicyError::DuplicateCopyRegion("r".into()),
            PolicyError::UnknownStatus("x".into()),
        ] {
            let s = e.to_string();
            assert!(s.ends_with('.') && s.chars().next().is_some_and(|c| c.is_uppercase() || c == '\''), "{s}");
        }
    }

    #[test]
    fn long_foreign_text_is_clipped_in_messages() {
        let junk = format!("x\n{}", "9".repeat(10_000));
        let PolicyError::InvalidDays(s) = Weekdays::parse_api(&junk).unwrap_err() else { panic!() };
        assert_eq!(s.chars().count(), MAX_ECHO_CHARS + 1);
        assert!(s.ends_with('…') && !s.contains('\n'));
        let e = Policy::from_api(&"é".repeat(100), "", "", None, &[]).unwrap_err();
        assert!(matches!(e, PolicyError::UnknownStatus(s) if s.chars().count() == MAX_ECHO_CHARS + 1));
    }

    // ---- local time ----

    fn local(d: &[u8], hour: u8, offset: i32) -> (Weekdays, String) {
        let l = to_local(days(d), win(hour), offset);
        (l.days, l.window_label())
    }

    #[test]
    fn utc_to_local_at_whole_hour_offsets() {
        // Tokyo
        assert_eq!(local(&[MON], 2, 540), (days(&[MON]), "11:00-13:00".into()));
        assert_eq!(local(&[SUN], 16, 540), (days(&[MON]), "01:00-03:00".into()));
        // New York (EST)
        assert_eq!(local(&[MON], 2, -300), (days(&[SUN]), "21:00-23:00".into()));
        assert_eq!(local(&[MON], 5, -300), (days(&[MON]), "00:00-02:00".into()));
        // UTC−12 and UTC+14: the extremes, a whole day apart.
        assert_eq!(local(&[MON], 2, -720), (days(&[SUN]), "14:00-16:00".into()));
        assert_eq!(local(&[MON], 12, -720), (days(&[MON]), "00:00-02:00".into()));
        assert_eq!(local(&[SUN], 10, 840), (days(&[MON]), "00:00-02:00".into()));
        assert_eq!(local(&[SUN], 9, 840), (days(&[SUN]), "23:00-01:00".into()));
        // UTC itself.
        assert_eq!(local(&[WED, SAT], 7, 0), (days(&[WED, SAT]), "07:00-09:00".into()));
    }

    #[test]
    fn utc_to_local_at_part_hour_offsets() {
        // India, +5:30
        assert_eq!(local(&[MON], 2, 330), (days(&[MON]), "07:30-09:30".into()));
        assert_eq!(local(&[MON], 20, 330), (days(&[TUE]), "01:30-03:30".into()));
        // Nepal, +5:45
        assert_eq!(local(&[MON], 2, 345), (days(&[MON]), "07:45-09:45".into()));
        assert_eq!(local(&[SUN], 19, 345), (days(&[MON]), "00:45-02:45".into()));
        let l = to_local(days(&[MON]), win(2), 345);
        assert_eq!((l.start_label(), l.end_label()), ("07:45".into(), "09:45".into()));
    }

    #[test]
    fn day_shift_of_the_start() {
        let shift = |hour, offset| to_local(days(&[MON]), win(hour), offset).day_shift;
        assert_eq!(shift(2, 540), 0);
        assert_eq!(shift(16, 540), 1);
        assert_eq!(shift(2, -300), -1);
        assert_eq!(shift(12, -720), 0);
        assert_eq!(shift(11, -720), -1);
        assert_eq!(shift(10, 840), 1);
        assert_eq!(shift(23, 0), 0);
        // Absurd offsets wrap around the week and stay consistent with the days.
        for offset in [i32::MIN, -100_000, 3 * 1_440, 4 * 1_440, i32::MAX] {
            let l = to_local(days(&[MON]), win(5), offset);
            assert!((-3..=3).contains(&l.day_shift));
            assert_eq!(days(&[MON]).shifted(i32::from(l.day_shift)), l.days, "{offset}");
        }
    }

    #[test]
    fn window_crossing_midnight_in_utc_only() {
        // 23:00-01:00 UTC Monday is Tuesday 08:00-10:00 in Tokyo.
        assert_eq!(local(&[MON], 23, 540), (days(&[TUE]), "08:00-10:00".into()));
        assert!(win(23).crosses_midnight_utc() && !to_local(days(&[MON]), win(23), 540).crosses_midnight());
        // … and Monday 18:00-20:00 in New York, 04:30-06:30 Tuesday in India.
        assert_eq!(local(&[MON], 23, -300), (days(&[MON]), "18:00-20:00".into()));
        assert_eq!(local(&[MON], 23, 330), (days(&[TUE]), "04:30-06:30".into()));
    }

    #[test]
    fn window_crossing_midnight_in_local_time_only() {
        let cases = [(14, 540, MON, "23:00-01:00"), (18, 330, MON, "23:30-01:30"), (18, 345, MON, "23:45-01:45")];
        for (hour, offset, day, label) in cases {
            let l = to_local(days(&[MON]), win(hour), offset);
            assert!(!win(hour).crosses_midnight_utc());
            assert!(l.crosses_midnight(), "{hour} {offset}");
            assert_eq!((l.days, l.window_label()), (days(&[day]), label.to_owned()));
        }
        // New York: Monday 04:00 UTC starts Sunday 23:00 local.
        let l = to_local(days(&[MON]), win(4), -300);
        assert!(l.crosses_midnight());
        assert_eq!((l.days, l.window_label()), (days(&[SUN]), "23:00-01:00".into()));
        // −12:00: Monday 11:00 UTC starts Sunday 23:00 local.
        assert_eq!(local(&[MON], 11, -720), (days(&[SUN]), "23:00-01:00".into()));
    }

    #[test]
    fn window_crossing_midnight_in_both() {
        let l = to_local(days(&[MON]), win(23), 0);
        assert!(l.crosses_midnight() && win(23).crosses_midnight_utc());
        assert_eq!((l.days, l.window_label()), (days(&[MON]), "23:00-01:00".into()));
        // A half-hour either side of UTC crosses too (no such zone today, but the arithmetic holds).
        assert_eq!(local(&[MON], 23, 30), (days(&[MON]), "23:30-01:30".into()));
        assert_eq!(local(&[MON], 23, -30), (days(&[MON]), "22:30-00:30".into()));
        assert!(to_local(days(&[MON]), win(23), 30).crosses_midnight());
    }

    #[test]
    fn local_to_utc_shifts_days() {
        // Tokyo Monday 01:00 = UTC Sunday 16:00.
        assert_eq!(to_utc(days(&[MON]), 60, 540), Ok((days(&[SUN]), win(16))));
        // Tokyo Monday 09:00 = UTC Monday 00:00.
        assert_eq!(to_utc(days(&[MON]), 9 * 60, 540), Ok((days(&[MON]), win(0))));
        // New York Sunday 21:00 = UTC Monday 02:00; Saturday 20:00 = Sunday 01:00.
        assert_eq!(to_utc(days(&[SUN]), 21 * 60, -300), Ok((days(&[MON]), win(2))));
        assert_eq!(to_utc(days(&[SAT, SUN]), 20 * 60, -300), Ok((days(&[SUN, MON]), win(1))));
        // India Monday 04:30 = UTC Sunday 23:00 (the window then crosses UTC midnight).
        assert_eq!(to_utc(days(&[MON]), 4 * 60 + 30, 330), Ok((days(&[SUN]), win(23))));
        assert_eq!(to_utc(days(&[MON]), 5 * 60 + 30, 330), Ok((days(&[MON]), win(0))));
        // Nepal Monday 05:45 = UTC Monday 00:00.
        assert_eq!(to_utc(days(&[MON]), 5 * 60 + 45, 345), Ok((days(&[MON]), win(0))));
        // −12:00 and +14:00.
        assert_eq!(to_utc(days(&[SUN]), 13 * 60, -720), Ok((days(&[MON]), win(1))));
        assert_eq!(to_utc(days(&[MON]), 0, 840), Ok((days(&[SUN]), win(10))));
        assert_eq!(to_utc(days(&[MON, WED]), 3 * 60, 0), Ok((days(&[MON, WED]), win(3))));
    }

    #[test]
    fn local_times_off_the_utc_hour_are_refused() {
        assert_eq!(to_utc(days(&[MON]), 5 * 60, 330), Err(PolicyError::StartNotOnUtcHour));
        assert_eq!(to_utc(days(&[MON]), 5 * 60 + 30, 345), Err(PolicyError::StartNotOnUtcHour));
        assert_eq!(to_utc(days(&[MON]), 61, 0), Err(PolicyError::StartNotOnUtcHour));
        assert_eq!(to_utc(days(&[MON]), 1_440, 0), Err(PolicyError::StartNotOnUtcHour));
        assert_eq!(to_utc(days(&[MON]), u16::MAX, 0), Err(PolicyError::StartNotOnUtcHour));
        let mut p = policy(&[MON], 2, 7);
        assert_eq!(p.set_local(days(&[TUE]), 5 * 60, 330), Err(PolicyError::StartNotOnUtcHour));
        assert_eq!(p, policy(&[MON], 2, 7), "unchanged on error");
        assert_eq!(p.set_local(days(&[TUE]), 60, 540), Ok(()));
        assert_eq!(p, policy(&[MON], 16, 7));
    }

    #[test]
    fn round_trips_between_local_and_utc() {
        for offset in [540, -300, 330, 345, -720, 840, 0, -570, 765, 1_500, -100_000, i32::MIN, i32::MAX] {
            for opt in start_options(offset) {
                for d in [days(&[MON]), days(&[SUN]), days(&[MON, THU]), Weekdays::WEEKDAYS, Weekdays::WEEKENDS] {
                    let (utc_days, w) = to_utc(d, opt.local_start_min, offset).unwrap();
                    assert_eq!(w.start_hour_utc(), opt.utc_hour, "{offset}");
                    let back = to_local(utc_days, w, offset);
                    assert_eq!((back.days, back.start_min), (d, opt.local_start_min), "{offset} {opt:?}");
                }
            }
            for h in 0..24 {
                let l = to_local(days(&[SUN, TUE]), win(h), offset);
                assert_eq!(to_utc(l.days, l.start_min, offset), Ok((days(&[SUN, TUE]), win(h))), "{offset} {h}");
            }
        }
    }

    #[test]
    fn start_options_are_whole_utc_hours_in_local_order() {
        let india = start_options(330);
        assert_eq!(india.len(), 24);
        assert_eq!(india[0], StartOption { utc_hour: 19, local_start_min: 30, label: "00:30-02:30".into() });
        assert_eq!(india[5].label, "05:30-07:30");
        assert_eq!(india[5].utc_hour, 0);
        assert!(india.windows(2).all(|w| w[0].local_start_min < w[1].local_start_min));
        let nepal = start_options(345);
        assert!(nepal.iter().all(|o| o.local_start_min % 60 == 45));
        let utc = start_options(0);
        assert!(
            utc.iter().enumerate().all(|(i, o)| usize::from(o.utc_hour) == i && o.local_start_min as usize == i * 60)
        );
        let ny = start_options(-300);
        assert_eq!((ny[0].utc_hour, ny[0].label.as_str()), (5, "00:00-02:00"));
    }

    // ---- next runs ----

    #[test]
    fn weekday_of_day_numbers() {
        assert_eq!(iso_weekday(0), THU);
        assert_eq!(iso_weekday(4), MON);
        assert_eq!(iso_weekday(3), SUN);
        assert_eq!(iso_weekday(MON_2024_07_29), MON);
        // 2024-07-30T16:49:50Z (time.rs's test value) is a Tuesday.
        assert_eq!(iso_weekday(1_722_358_190_000 / DAY_MS), TUE);
        assert_eq!(iso_weekday(u64::MAX), iso_weekday(u64::MAX % 7));
    }

    #[test]
    fn next_runs_across_a_week_boundary() {
        let p = policy(&[MON, THU], 2, 7);
        let sat = MON_2024_07_29 + 5;
        let runs = next_runs(&p, at(sat, 12, 0), 4);
        let mon = MON_2024_07_29 + 7;
        assert_eq!(runs, vec![at(mon, 2, 0), at(mon + 3, 2, 0), at(mon + 7, 2, 0), at(mon + 10, 2, 0)]);
        assert_eq!(runs[0], 1_722_823_200_000, "2024-08-05T02:00:00Z");
    }

    #[test]
    fn next_runs_skip_the_window_under_way() {
        let p = policy(&[MON, THU], 2, 7);
        let mon = MON_2024_07_29;
        // Inside Monday's window, and exactly at its start: strictly after, so Thursday's.
        assert_eq!(next_runs(&p, at(mon, 3, 0), 1), vec![at(mon + 3, 2, 0)]);
        assert_eq!(next_runs(&p, at(mon, 2, 0), 1), vec![at(mon + 3, 2, 0)]);
        // A millisecond before, Monday's is still ahead.
        assert_eq!(next_runs(&p, at(mon, 2, 0) - 1, 1), vec![at(mon, 2, 0)]);
    }

    #[test]
    fn next_runs_for_a_single_day_and_daily() {
        let p = policy(&[SUN], 23, 7);
        let mon = MON_2024_07_29;
        assert_eq!(next_runs(&p, at(mon, 0, 0), 3), vec![at(mon + 6, 23, 0), at(mon + 13, 23, 0), at(mon + 20, 23, 0)]);
        // Inside Sunday's 23:00-01:00 window, past midnight: next Sunday.
        assert_eq!(next_runs(&p, at(mon + 7, 0, 30), 1), vec![at(mon + 13, 23, 0)]);
        let daily = policy(&[1, 2, 3, 4, 5, 6, 7], 0, 7);
        assert_eq!(next_runs(&daily, at(mon, 0, 0), 2), vec![at(mon + 1, 0, 0), at(mon + 2, 0, 0)]);
    }

    #[test]
    fn next_runs_edge_cases() {
        let p = policy(&[MON], 2, 7);
        assert!(next_runs(&p, 0, 0).is_empty());
        assert!(next_runs(&Policy::default(), 0, 5).is_empty());
        assert!(next_runs(&policy(&[], 2, 7), 0, 5).is_empty());
        assert_eq!(next_runs(&p, 0, usize::MAX).len(), MAX_NEXT_RUNS);
        // From the epoch (a Thursday), the first Monday is 1970-01-05.
        assert_eq!(next_runs(&p, 0, 1), vec![at(4, 2, 0)]);
        // At the end of time: no overflow, just fewer runs.
        assert!(next_runs(&policy(&[1, 2, 3, 4, 5, 6, 7], 23, 7), u64::MAX - 1, 3).is_empty());
        assert!(next_runs(&p, u64::MAX - 30 * DAY_MS, 10).len() < 10);
    }

    // ---- summary ----

    #[test]
    fn summaries_name_days_plainly() {
        assert_eq!(
            summary(&policy(&[MON, THU], 2, 7), 540),
            "Every Monday and Thursday, 02:00-04:00 UTC (11:00-13:00 your time), kept 7 days"
        );
        assert_eq!(
            summary(&policy(&[1, 2, 3, 4, 5, 6, 7], 0, 7), 480),
            "Every day, 00:00-02:00 UTC (08:00-10:00 your time), kept 7 days"
        );
        assert_eq!(
            summary(&policy(&[1, 2, 3, 4, 5], 10, 1), 60),
            "Every weekday, 10:00-12:00 UTC (11:00-13:00 your time), kept 1 day"
        );
        assert_eq!(
            summary(&policy(&[MON, WED, FRI], 10, 30), 60),
            "Every Monday, Wednesday and Friday, 10:00-12:00 UTC (11:00-13:00 your time), kept 30 days"
        );
        assert_eq!(
            summary(&policy(&[SAT, SUN], 10, 2), 60),
            "Every Saturday and Sunday, 10:00-12:00 UTC (11:00-13:00 your time), kept 2 days"
        );
        assert_eq!(
            summary(&policy(&[TUE, WED, THU, SAT], 10, 2), 60).split(',').next(),
            Some("Every Tuesday to Thursday and Saturday")
        );
        assert_eq!(
            summary(&policy(&[MON, TUE, SUN], 10, 2), 60).split(", 10").next(),
            Some("Every Monday, Tuesday and Sunday")
        );
        assert_eq!(summary(&policy(&[SUN], 10, 2), 60).split(',').next(), Some("Every Sunday"));
    }

    #[test]
    fn summary_at_utc_says_so() {
        assert_eq!(
            summary(&policy(&[MON], 23, 7), 0),
            "Every Monday, 23:00-01:00 UTC (the same in your time), kept 7 days"
        );
    }

    #[test]
    fn summary_names_local_days_when_they_differ() {
        assert_eq!(
            summary(&policy(&[MON], 23, 7), 540),
            "Every Monday, 23:00-01:00 UTC (Tuesday 08:00-10:00 your time), kept 7 days"
        );
        assert_eq!(
            summary(&policy(&[MON, THU], 2, 7), -300),
            "Every Monday and Thursday, 02:00-04:00 UTC (Sunday and Wednesday 21:00-23:00 your time), kept 7 days"
        );
        assert_eq!(
            summary(&policy(&[SUN, MON, TUE, WED, THU], 20, 14), 330),
            "Every Monday to Thursday and Sunday, 20:00-22:00 UTC (Tuesday to Friday and Monday 01:30-03:30 your time), kept 14 days"
        );
        assert_eq!(
            summary(&policy(&[1, 2, 3, 4, 5], 2, 7), -300),
            "Every weekday, 02:00-04:00 UTC (Sunday to Thursday 21:00-23:00 your time), kept 7 days"
        );
        // A window crossing local midnight keeps the day of its start.
        assert_eq!(
            summary(&policy(&[MON], 4, 7), -300),
            "Every Monday, 04:00-06:00 UTC (Sunday 23:00-01:00 your time), kept 7 days"
        );
        assert_eq!(
            summary(&policy(&[SUN], 19, 7), 345),
            "Every Sunday, 19:00-21:00 UTC (Monday 00:45-02:45 your time), kept 7 days"
        );
        // Daily needs no local day names, whatever the shift.
        assert_eq!(
            summary(&policy(&[1, 2, 3, 4, 5, 6, 7], 23, 7), 540),
            "Every day, 23:00-01:00 UTC (08:00-10:00 your time), kept 7 days"
        );
    }

    #[test]
    fn summary_of_off_or_empty_policies() {
        assert_eq!(summary(&Policy::default(), 540), "Automatic backups are off.");
        assert_eq!(summary(&policy(&[], 2, 7), 540), "No backup days chosen.");
    }

    #[test]
    fn day_lists_group_runs() {
        assert_eq!(day_list(days(&[MON, TUE]), 0), "Monday and Tuesday");
        assert_eq!(day_list(days(&[MON, TUE, WED]), 0), "Monday to Wednesday");
        assert_eq!(day_list(days(&[MON, WED, FRI, SUN]), 0), "Monday, Wednesday, Friday and Sunday");
        assert_eq!(day_list(days(&[MON, TUE, THU, FRI, SAT]), 0), "Monday, Tuesday and Thursday to Saturday");
        assert_eq!(day_list(Weekdays::DAILY, 0), "Monday to Sunday");
        assert_eq!(day_list(Weekdays::NONE, 0), "");
        // Shifted item for item, wrapping around the week.
        assert_eq!(day_list(days(&[MON, THU]), -1), "Sunday and Wednesday");
        assert_eq!(day_list(Weekdays::WEEKDAYS, -1), "Sunday to Thursday");
        assert_eq!(day_list(days(&[FRI, SAT, SUN]), 1), "Saturday to Monday");
        assert_eq!(day_list(days(&[MON, SUN]), 1), "Tuesday and Monday");
        assert_eq!(day_list(days(&[WED]), 3), "Saturday");
        assert_eq!(day_list(days(&[WED]), -3), "Sunday");
    }
}
