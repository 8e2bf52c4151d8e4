//! The Backups list's view as a URL query (`/backups?cluster=in01-…&by=manual&from=2026-12-01&page=2`):
//! filters, page and page size, so a filtered view can be shared and survives a reload. The URL
//! is untrusted input: a value that does not parse is ignored, never an error.
//!
//! List Backups (docs/api-contract.md §2.2) filters by project, cluster, creation method, type
//! and a time window (`startTime`/`endTime`, ISO-8601 UTC), pages with `pageSize` (1–100) and
//! `currentPage` (1-based), and says the total in `count`.

use api_types::{BackupType, CreationMethod};

use super::format::percent_encode;
use super::time;

/// The page sizes offered; the API allows at most 100.
pub const PAGE_SIZES: [u64; 4] = [10, 25, 50, 100];
pub const DEFAULT_PAGE_SIZE: u64 = 25;

/// A calendar date from a date input (`YYYY-MM-DD`), in the reader's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// `2026-12-07`; anything else (other forms, impossible days, years before 1970) is `None`.
    pub fn parse(s: &str) -> Option<Date> {
        // Validated through the timestamp parser: one statement of the calendar.
        let s = s.trim();
        time::parse_iso8601_utc_ms(&format!("{s}T00:00:00Z"))?;
        let (y, rest) = s.split_once('-')?;
        let (m, d) = rest.split_once('-')?;
        Some(Date { year: y.parse().ok()?, month: m.parse().ok()?, day: d.parse().ok()? })
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// What the Backups list shows. `None` is "no filter"; `page` is 1-based.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupQuery {
    pub project: Option<String>,
    pub cluster: Option<String>,
    pub created_by: Option<CreationMethod>,
    pub kind: Option<BackupType>,
    /// First and last day of the creation-time range, both included.
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub page: u64,
    pub page_size: u64,
}

impl Default for BackupQuery {
    fn default() -> Self {
        BackupQuery {
            project: None,
            cluster: None,
            created_by: None,
            kind: None,
            from: None,
            to: None,
            page: 1,
            page_size: DEFAULT_PAGE_SIZE,
        }
    }
}

/// The URL names of the query's parts.
pub mod param {
    pub const PROJECT: &str = "project";
    pub const CLUSTER: &str = "cluster";
    pub const CREATED_BY: &str = "by";
    pub const TYPE: &str = "type";
    pub const FROM: &str = "from";
    pub const TO: &str = "to";
    pub const PAGE: &str = "page";
    pub const PAGE_SIZE: &str = "size";
}

/// A project, cluster or id-like value from the URL: short, printable, no spaces.
fn id_value(v: &str) -> Option<String> {
    let v = v.trim();
    (!v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_graphic())).then(|| v.to_owned())
}

fn created_by(v: &str) -> Option<CreationMethod> {
    match v.trim().to_ascii_lowercase().as_str() {
        "manual" => Some(CreationMethod::Manual),
        "auto" | "automatic" => Some(CreationMethod::Auto),
        _ => None,
    }
}

fn kind(v: &str) -> Option<BackupType> {
    match v.trim().to_ascii_lowercase().as_str() {
        "cluster" => Some(BackupType::Cluster),
        "collection" => Some(BackupType::Collection),
        _ => None,
    }
}

/// The URL spelling of a creation method ("manual", "auto").
pub fn created_by_value(m: &CreationMethod) -> Option<&'static str> {
    match m {
        CreationMethod::Manual => Some("manual"),
        CreationMethod::Auto => Some("auto"),
        CreationMethod::Unknown(_) => None,
    }
}

/// The URL spelling of a backup type ("cluster", "collection").
pub fn kind_value(t: &BackupType) -> Option<&'static str> {
    match t {
        BackupType::Cluster => Some("cluster"),
        BackupType::Collection => Some("collection"),
        BackupType::Unknown(_) => None,
    }
}

impl BackupQuery {
    /// Reads the URL query's pairs; unknown names and bad values are ignored, the last of a
    /// repeated name wins (as URLSearchParams.get does not, but a hand-edited URL means it).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> BackupQuery {
        let mut q = BackupQuery::default();
        for (name, value) in pairs {
            match name {
                param::PROJECT => q.project = id_value(value),
                param::CLUSTER => q.cluster = id_value(value),
                param::CREATED_BY => q.created_by = created_by(value),
                param::TYPE => q.kind = kind(value),
                param::FROM => q.from = Date::parse(value),
                param::TO => q.to = Date::parse(value),
                param::PAGE => q.page = value.trim().parse().ok().filter(|p| (1..=1_000_000).contains(p)).unwrap_or(1),
                param::PAGE_SIZE => {
                    q.page_size =
                        value.trim().parse().ok().filter(|s| PAGE_SIZES.contains(s)).unwrap_or(DEFAULT_PAGE_SIZE);
                }
                _ => {}
            }
        }
        q
    }

    /// The pairs to write in the URL: only what differs from the default, in a fixed order,
    /// so one view has one URL.
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if let Some(v) = &self.project {
            out.push((param::PROJECT, v.clone()));
        }
        if let Some(v) = &self.cluster {
            out.push((param::CLUSTER, v.clone()));
        }
        if let Some(v) = self.created_by.as_ref().and_then(created_by_value) {
            out.push((param::CREATED_BY, v.to_owned()));
        }
        if let Some(v) = self.kind.as_ref().and_then(kind_value) {
            out.push((param::TYPE, v.to_owned()));
        }
        if let Some(d) = self.from {
            out.push((param::FROM, d.to_string()));
        }
        if let Some(d) = self.to {
            out.push((param::TO, d.to_string()));
        }
        if self.page > 1 {
            out.push((param::PAGE, self.page.to_string()));
        }
        if self.page_size != DEFAULT_PAGE_SIZE {
            out.push((param::PAGE_SIZE, self.page_size.to_string()));
        }
        out
    }

    /// `?cluster=…&page=2`, or "" for the default view. Values are percent-encoded.
    pub fn to_query_string(&self) -> String {
        let pairs = self.to_pairs();
        if pairs.is_empty() {
            return String::new();
        }
        let parts: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={}", percent_encode(v))).collect();
        format!("?{}", parts.join("&"))
    }

    /// True when any filter (not paging) is set.
    pub fn is_filtered(&self) -> bool {
        self.project.is_some()
            || self.cluster.is_some()
            || self.created_by.is_some()
            || self.kind.is_some()
            || self.from.is_some()
            || self.to.is_some()
    }

    /// The same filters on another page. A filter change goes back to page 1 (`with_filters`).
    pub fn with_page(&self, page: u64) -> BackupQuery {
        BackupQuery { page: page.max(1), ..self.clone() }
    }

    /// After a filter changed: page 1, the page size kept.
    pub fn first_page(mut self) -> BackupQuery {
        self.page = 1;
        self
    }

    /// The range the filter gives List Backups: from the first day's local midnight to the end
    /// of the last day, in UTC. `local_midnight` gives a date's local midnight in epoch ms (the
    /// browser knows the time zone, and its offset on that date); a range whose ends are swapped
    /// is sent as typed, and the API's error says so.
    pub fn time_range(&self, local_midnight: impl Fn(Date) -> Option<u64>) -> (Option<String>, Option<String>) {
        let start = self.from.and_then(&local_midnight).map(time::format_iso8601_utc);
        let end = self
            .to
            .and_then(|d| next_day(d).and_then(&local_midnight))
            .map(|ms| time::format_iso8601_utc(ms.saturating_sub(1_000)));
        (start, end)
    }

    /// How many pages `total` backups make at this page size (at least 1).
    pub fn page_count(&self, total: u64) -> u64 {
        total.div_ceil(self.page_size.max(1)).max(1)
    }

    /// "Backups 26–50 of 73", "No backups" — the status line under the table.
    pub fn range_text(&self, total: u64, shown: usize) -> String {
        if shown == 0 {
            return if total == 0 { "No backups".to_owned() } else { format!("No backups on this page (of {total})") };
        }
        let first = (self.page - 1).saturating_mul(self.page_size) + 1;
        let last = first + shown as u64 - 1;
        format!("Backups {first}–{last} of {total}")
    }
}

fn next_day(d: Date) -> Option<Date> {
    let ms = time::parse_iso8601_utc_ms(&format!("{d}T00:00:00Z"))? + 86_400_000;
    let iso = time::format_iso8601_utc(ms);
    Date::parse(iso.get(..10)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> BackupQuery {
        let pairs: Vec<(&str, &str)> = s.split('&').filter_map(|p| p.split_once('=')).collect();
        BackupQuery::from_pairs(pairs)
    }

    #[test]
    fn default_view_has_an_empty_query() {
        assert_eq!(BackupQuery::default().to_query_string(), "");
        assert_eq!(q(""), BackupQuery::default());
    }

    #[test]
    fn every_filter_round_trips_through_the_url() {
        let full = BackupQuery {
            project: Some("proj-4487580fcfe2c8a4391686".into()),
            cluster: Some("in01-3f9a1c7e5b2d401".into()),
            created_by: Some(CreationMethod::Auto),
            kind: Some(BackupType::Collection),
            from: Date::parse("2026-11-01"),
            to: Date::parse("2026-12-07"),
            page: 3,
            page_size: 100,
        };
        let s = full.to_query_string();
        assert_eq!(
            s,
            "?project=proj-4487580fcfe2c8a4391686&cluster=in01-3f9a1c7e5b2d401&by=auto&type=collection&from=2026-11-01&to=2026-12-07&page=3&size=100"
        );
        assert_eq!(q(s.trim_start_matches('?')), full);
    }

    #[test]
    fn bad_values_are_ignored_not_errors() {
        let got = q("by=robot&type=table&from=2026-02-30&to=yesterday&page=0&size=1000&cluster=a%20b&colour=red");
        assert_eq!(got.created_by, None);
        assert_eq!(got.kind, None);
        assert_eq!(got.from, None);
        assert_eq!(got.to, None);
        assert_eq!(got.page, 1);
        assert_eq!(got.page_size, DEFAULT_PAGE_SIZE);
        // Not decoded here (the router decodes): "%20" is printable and kept as typed.
        assert_eq!(got.cluster.as_deref(), Some("a%20b"));
        assert_eq!(q("cluster=a b").cluster, None, "a space is not part of any id");
        assert_eq!(q("page=-1").page, 1);
        assert_eq!(q("page=99999999999999999999").page, 1);
        assert_eq!(q("size=50").page_size, 50);
        // Case and the label spelling are accepted; the URL is written canonically.
        let got = q("by=MANUAL&type=Cluster");
        assert_eq!(got.created_by, Some(CreationMethod::Manual));
        assert_eq!(got.to_query_string(), "?by=manual&type=cluster");
        assert_eq!(q("by=automatic").created_by, Some(CreationMethod::Auto));
    }

    #[test]
    fn values_are_encoded() {
        let v = BackupQuery { project: Some("proj-a&b=c".into()), ..Default::default() };
        assert_eq!(v.to_query_string(), "?project=proj-a%26b%3Dc");
    }

    #[test]
    fn changing_a_filter_goes_back_to_page_one() {
        let on_three = q("page=3&size=10");
        let filtered = BackupQuery { kind: Some(BackupType::Cluster), ..on_three.clone() }.first_page();
        assert_eq!(filtered.page, 1);
        assert_eq!(filtered.page_size, 10);
        assert_eq!(on_three.with_page(0).page, 1);
        assert_eq!(on_three.with_page(4).to_query_string(), "?page=4&size=10");
        assert!(!on_three.is_filtered());
        assert!(filtered.is_filtered());
    }

    #[test]
    fn the_time_range_covers_whole_local_days() {
        let v = q("from=2026-12-01&to=2026-12-07");
        // UTC+9: local midnight is 15:00 UTC the day before.
        let tokyo = |d: Date| time::parse_iso8601_utc_ms(&format!("{d}T00:00:00Z")).map(|ms| ms - 9 * 3_600_000);
        let (start, end) = v.time_range(tokyo);
        assert_eq!(start.as_deref(), Some("2026-11-30T15:00:00Z"));
        assert_eq!(end.as_deref(), Some("2026-12-07T14:59:59Z"));
        // The last day of a month and of a year roll over.
        let utc = |d: Date| time::parse_iso8601_utc_ms(&format!("{d}T00:00:00Z"));
        assert_eq!(q("to=2026-12-31").time_range(utc).1.as_deref(), Some("2026-12-31T23:59:59Z"));
        assert_eq!(q("to=2028-02-28").time_range(utc).1.as_deref(), Some("2028-02-28T23:59:59Z"));
        assert_eq!(q("").time_range(utc), (None, None));
    }

    #[test]
    fn paging_text() {
        let v = q("page=2&size=25");
        assert_eq!(v.page_count(73), 3);
        assert_eq!(v.page_count(0), 1);
        assert_eq!(v.page_count(75), 3);
        assert_eq!(v.range_text(73, 25), "Backups 26–50 of 73");
        assert_eq!(v.with_page(3).range_text(73, 23), "Backups 51–73 of 73");
        assert_eq!(v.range_text(0, 0), "No backups");
        assert_eq!(v.with_page(9).range_text(73, 0), "No backups on this page (of 73)");
    }

    #[test]
    fn dates() {
        assert_eq!(Date::parse("2024-02-29"), Some(Date { year: 2024, month: 2, day: 29 }));
        assert_eq!(Date::parse("2023-02-29"), None);
        assert_eq!(Date::parse("1969-12-31"), None);
        assert_eq!(Date::parse("2024-2-9"), None);
        assert_eq!(Date::parse("2024-02-09T00:00:00Z"), None);
        assert_eq!(Date { year: 2024, month: 2, day: 9 }.to_string(), "2024-02-09");
    }
}
