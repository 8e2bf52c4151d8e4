//! The console's own register of jobs. The API has Describe Job but no documented List Jobs
//! (docs/api-contract.md §3.2), so the console remembers every job it starts and every job id opened by
//! link or pasted, with the last answer, in localStorage per API base URL (one JSON document
//! under `zbc.jobs.<base url>`), so a reload or a second tab loses nothing.
//!
//! Storage is untrusted input: another version of the console, another app on the origin or a
//! user may have written anything there. Loading never panics; what is not ours is ignored.

use std::collections::HashMap;

use api_types::{Job, JobStatus};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::store::Store;

pub const KEY_PREFIX: &str = "zbc.jobs.";
/// Bumped when the document's meaning changes; a document of another version is ignored
/// (and replaced at the next save) rather than half-understood.
pub const SCHEMA_VERSION: u64 = 1;
/// The register keeps at most this many jobs; the oldest finished ones go first.
pub const MAX_ENTRIES: usize = 2_000;
/// A full register is about 1 MB; anything much larger was not written by us, and parsing it
/// would freeze the page.
pub const MAX_DOC_BYTES: usize = 4_000_000;
/// Longest id accepted; real ids are ~26 characters.
pub const MAX_ID_LEN: usize = 128;
/// Names and ids shown in the table are clipped to this many characters.
const MAX_TEXT_CHARS: usize = 256;

/// How the console learned of a job. Serialised by variant name in the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum JobKind {
    Backup,
    Restore,
    PolicyBackup,
    /// Opened by link or pasted: nothing is known but the id.
    #[default]
    Opened,
}

impl JobKind {
    pub const ALL: &'static [JobKind] = &[JobKind::Backup, JobKind::Restore, JobKind::PolicyBackup, JobKind::Opened];

    /// The value in the Jobs page URL (`?type=backup`).
    pub fn as_str(&self) -> &'static str {
        match self {
            JobKind::Backup => "backup",
            JobKind::Restore => "restore",
            JobKind::PolicyBackup => "policy-backup",
            JobKind::Opened => "opened",
        }
    }

    /// The Type column.
    pub fn label(&self) -> &'static str {
        match self {
            JobKind::Backup => "Backup",
            JobKind::Restore => "Restore",
            JobKind::PolicyBackup => "Policy backup",
            JobKind::Opened => "Opened by link",
        }
    }

    /// Accepts the URL value, the label or the variant name, ignoring case, spaces, `-`, `_`.
    pub fn parse(s: &str) -> Option<JobKind> {
        let key: String = s.chars().filter(|c| !matches!(c, '-' | '_' | ' ')).map(|c| c.to_ascii_lowercase()).collect();
        match key.as_str() {
            "backup" => Some(JobKind::Backup),
            "restore" => Some(JobKind::Restore),
            "policybackup" => Some(JobKind::PolicyBackup),
            "opened" | "openedbylink" => Some(JobKind::Opened),
            _ => None,
        }
    }
}

/// One followed job. Unknown fields are left empty (`""`, `None`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct JobEntry {
    pub job_id: String,
    pub kind: JobKind,
    pub cluster_id: String,
    pub cluster_name: String,
    pub backup_id: String,
    pub backup_name: String,
    /// When the console learned of the job (wall clock, ms): orders the register.
    pub added_ms: u64,
    /// The last good Describe Job answer.
    pub last: Option<Job>,
    pub last_seen_ms: Option<u64>,
}

impl JobEntry {
    /// The last answer says the job is over (never polled again).
    pub fn is_terminal(&self) -> bool {
        self.last.as_ref().is_some_and(|j| j.status.is_terminal())
    }

    /// The status as last seen; `None` before the first answer.
    pub fn status(&self) -> Option<&JobStatus> {
        self.last.as_ref().map(|j| &j.status)
    }

    /// Cleans an entry from storage or a caller: `None` if its id is not a job id; long or
    /// control-character text is clipped; a `last` answer about another job is dropped.
    fn sanitized(mut self) -> Option<JobEntry> {
        self.job_id = normalize_job_id(&self.job_id)?;
        for s in [&mut self.cluster_id, &mut self.cluster_name, &mut self.backup_id, &mut self.backup_name] {
            clip(s);
        }
        if let Some(j) = &mut self.last {
            if j.job_id.is_empty() {
                j.job_id = self.job_id.clone();
            }
            if j.job_id != self.job_id {
                self.last = None;
                self.last_seen_ms = None;
            }
        }
        Some(self)
    }

    /// Fills what `self` does not know from `other` (the same job): specific kind over
    /// "Opened", non-empty text over empty, the earliest `added_ms`, the newer answer.
    fn merge(&mut self, other: JobEntry) {
        if self.kind == JobKind::Opened {
            self.kind = other.kind;
        }
        for (mine, theirs) in [
            (&mut self.cluster_id, other.cluster_id),
            (&mut self.cluster_name, other.cluster_name),
            (&mut self.backup_id, other.backup_id),
            (&mut self.backup_name, other.backup_name),
        ] {
            if mine.is_empty() {
                *mine = theirs;
            }
        }
        // 0 means "unknown" (a default), not 1970.
        self.added_ms = match (self.added_ms, other.added_ms) {
            (0, b) => b,
            (a, 0) => a,
            (a, b) => a.min(b),
        };
        if other.last.is_some() && (self.last.is_none() || other.last_seen_ms > self.last_seen_ms) {
            self.last = other.last;
            self.last_seen_ms = other.last_seen_ms;
        }
    }
}

/// A job id typed, pasted or read from storage: trimmed, 1–128 characters of ASCII letters,
/// digits, `-`, `_`, `.` (ids look like `job-03e1eefbd82dmo2oeb8pe2`). Anything else is `None`,
/// so a pasted URL or sentence is refused instead of being polled.
pub fn normalize_job_id(input: &str) -> Option<String> {
    let s = input.trim();
    let ok = !s.is_empty()
        && s.len() <= MAX_ID_LEN
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    ok.then(|| s.to_owned())
}

fn clip(s: &mut String) {
    if s.chars().any(char::is_control) {
        s.retain(|c| !c.is_control());
    }
    if let Some((cut, _)) = s.char_indices().nth(MAX_TEXT_CHARS) {
        s.truncate(cut);
    }
}

pub fn storage_key(base_url: &str) -> String {
    format!("{KEY_PREFIX}{base_url}")
}

#[derive(Serialize)]
struct DocOut<'a> {
    version: u64,
    jobs: &'a [JobEntry],
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct JobRegister {
    /// Newest first (by `added_ms`; among equal times, the latest added first).
    entries: Vec<JobEntry>,
}

impl JobRegister {
    pub fn new() -> Self {
        JobRegister::default()
    }

    /// Reads the register for this API. Missing, malformed, oversized, foreign or other-version
    /// data gives an empty register; entries without a valid id are dropped, duplicates merged.
    pub fn load(store: &dyn Store, base_url: &str) -> JobRegister {
        let Some(raw) = store.get(&storage_key(base_url)) else {
            return JobRegister::new();
        };
        if raw.len() > MAX_DOC_BYTES {
            return JobRegister::new();
        }
        // The document's shape only; each entry stays raw text so that one bad entry costs only
        // itself.
        #[derive(Deserialize)]
        struct Doc<'a> {
            version: u64,
            #[serde(borrow)]
            jobs: Vec<&'a RawValue>,
        }
        let Ok(doc) = serde_json::from_str::<Doc>(&raw) else {
            return JobRegister::new();
        };
        if doc.version != SCHEMA_VERSION {
            return JobRegister::new();
        }
        let items = doc.jobs;

        // One bad entry costs only itself. Duplicates merged through an index (not `add`, which
        // is linear per call) so loading a full register stays cheap.
        let mut entries: Vec<JobEntry> = Vec::with_capacity(items.len().min(MAX_ENTRIES));
        let mut index: HashMap<String, usize> = HashMap::new();
        for item in items {
            let Some(entry) = serde_json::from_str::<JobEntry>(item.get()).ok().and_then(JobEntry::sanitized) else {
                continue;
            };
            match index.get(&entry.job_id) {
                Some(&i) => entries[i].merge(entry),
                None => {
                    index.insert(entry.job_id.clone(), entries.len());
                    entries.push(entry);
                }
            }
        }
        // Stable: the stored order breaks ties.
        entries.sort_by_key(|e| std::cmp::Reverse(e.added_ms));
        let mut reg = JobRegister { entries };
        reg.enforce_cap();
        reg
    }

    /// Writes the register as one document; an empty register removes the key.
    pub fn save(&self, store: &dyn Store, base_url: &str) {
        let key = storage_key(base_url);
        if self.entries.is_empty() {
            store.remove(&key);
            return;
        }
        if let Ok(json) = serde_json::to_string(&DocOut { version: SCHEMA_VERSION, jobs: &self.entries }) {
            store.set(&key, &json);
        }
    }

    /// Adds a job, or merges into the entry with the same id (keeping the richer info). An
    /// entry whose id is not a job id is ignored. Over `MAX_ENTRIES`, the oldest terminal
    /// entries are dropped first, then the oldest of any kind.
    pub fn add(&mut self, entry: JobEntry) {
        let Some(mut entry) = entry.sanitized() else {
            return;
        };
        if let Some(i) = self.position(&entry.job_id) {
            let mut existing = self.entries.remove(i);
            existing.merge(entry);
            entry = existing;
        }
        let at = self.entries.partition_point(|e| e.added_ms > entry.added_ms);
        self.entries.insert(at, entry);
        self.enforce_cap();
    }

    /// Records an answer for `job.job_id`. Returns true if the row's job data changed (so the
    /// UI re-renders only changed rows); `last_seen_ms` is refreshed either way. Unknown ids
    /// are not added.
    pub fn update(&mut self, job: &Job, now_ms: u64) -> bool {
        self.update_for(&job.job_id, job, now_ms)
    }

    /// As `update`, for an answer that lacks its own id (the id the request was made for).
    pub fn update_for(&mut self, job_id: &str, job: &Job, now_ms: u64) -> bool {
        let Some(i) = self.position(job_id) else {
            return false;
        };
        let e = &mut self.entries[i];
        e.last_seen_ms = Some(now_ms);
        if e.last.as_ref().is_some_and(|l| l.status == job.status && same_job_data(l, job)) {
            return false;
        }
        let mut job = job.clone();
        job.job_id = e.job_id.clone();
        e.last = Some(job);
        true
    }

    /// Newest first.
    pub fn entries(&self) -> &[JobEntry] {
        &self.entries
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(&self, job_id: &str) -> Option<&JobEntry> {
        self.entries.iter().find(|e| e.job_id == job_id)
    }

    /// Jobs still to follow (not known to be terminal), for the scheduler after a load.
    pub fn active(&self) -> impl Iterator<Item = &JobEntry> {
        self.entries.iter().filter(|e| !e.is_terminal())
    }

    /// The one-manual-backup rule: the newest Backup entry for this cluster whose last status
    /// is not terminal (or not known yet).
    pub fn active_manual_backup(&self, cluster_id: &str) -> Option<&JobEntry> {
        self.entries.iter().find(|e| e.kind == JobKind::Backup && e.cluster_id == cluster_id && !e.is_terminal())
    }

    /// The Jobs page filters, from the URL query; `None` or blank means "all".
    /// - status: a wire value or label, any case or alias (`FAILED`, `In progress`,
    ///   `cancelled`); `unknown` matches jobs not answered yet and unknown statuses; another
    ///   raw value matches that unknown status verbatim (case-insensitive).
    /// - kind: `JobKind::parse`; a value it does not know matches nothing.
    /// - cluster_id: exact.
    pub fn filtered(&self, status: Option<&str>, kind: Option<&str>, cluster_id: Option<&str>) -> Vec<&JobEntry> {
        let blank_none = |o: Option<&str>| o.map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
        let status = blank_none(status);
        let cluster = blank_none(cluster_id);
        let kind = match blank_none(kind) {
            None => None,
            Some(k) => match JobKind::parse(&k) {
                Some(k) => Some(k),
                None => return Vec::new(),
            },
        };
        let want_status = status.as_deref().map(|s| (s.eq_ignore_ascii_case("unknown"), JobStatus::parse(s)));
        self.entries
            .iter()
            .filter(|e| kind.as_ref().is_none_or(|k| &e.kind == k))
            .filter(|e| cluster.as_deref().is_none_or(|c| e.cluster_id == c))
            .filter(|e| match &want_status {
                None => true,
                Some((unknown, want)) => match (e.status(), want) {
                    (None, _) => *unknown,
                    (Some(JobStatus::Unknown(have)), JobStatus::Unknown(w)) => {
                        *unknown || have.trim().eq_ignore_ascii_case(w.trim())
                    }
                    (Some(have), want) => have == want,
                },
            })
            .collect()
    }

    fn position(&self, job_id: &str) -> Option<usize> {
        self.entries.iter().position(|e| e.job_id == job_id)
    }

    fn enforce_cap(&mut self) {
        let len = self.entries.len();
        let mut excess = len.saturating_sub(MAX_ENTRIES);
        if excess == 0 {
            return;
        }
        let mut drop = vec![false; len];
        // Oldest terminal ones first (the list is newest first: walk from the end)...
        for i in (0..len).rev() {
            if excess == 0 {
                break;
            }
            if self.entries[i].is_terminal() {
                drop[i] = true;
                excess -= 1;
            }
        }
        // ...then, if 2 000 jobs are all running, the oldest of any kind.
        for i in (0..len).rev() {
            if excess == 0 {
                break;
            }
            if !drop[i] {
                drop[i] = true;
                excess -= 1;
            }
        }
        let mut i = 0;
        self.entries.retain(|_| {
            i += 1;
            !drop[i - 1]
        });
    }
}

/// Everything the table shows besides the status.
fn same_job_data(a: &Job, b: &Job) -> bool {
    a.progress == b.progress
        && a.job_type == b.job_type
        && a.start_time == b.start_time
        && a.end_time == b.end_time
        && a.reason == b.reason
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixtures::job;

    const BASE: &str = "https://api.cloud.zilliz.com";

    use crate::rules::store::memory::MemStore as Mem;

    fn mem_with(raw: &str) -> Mem {
        let m = Mem::default();
        m.set(&storage_key(BASE), raw);
        m
    }

    fn entry(id: &str, kind: JobKind, cluster: &str, added: u64) -> JobEntry {
        JobEntry { job_id: id.into(), kind, cluster_id: cluster.into(), added_ms: added, ..JobEntry::default() }
    }

    fn ids(v: &[&JobEntry]) -> Vec<String> {
        v.iter().map(|e| e.job_id.clone()).collect()
    }

    #[test]
    fn persistence_round_trip() {
        let mut r = JobRegister::new();
        let mut e = entry("job-a", JobKind::Backup, "in01-x", 1_000);
        e.cluster_name = "prod ☃".into();
        e.backup_id = "backup1".into();
        e.backup_name = "nightly".into();
        r.add(e);
        r.add(entry("job-b", JobKind::Restore, "in01-y", 2_000));
        let mut done = job("job-a", "FAILED", Some(42));
        done.reason = "disk \"full\"".into();
        done.start_time = "2024-07-30T16:49:50Z".into();
        assert!(r.update(&done, 5_000));
        let m = Mem::default();
        r.save(&m, BASE);
        let back = JobRegister::load(&m, BASE);
        assert_eq!(back, r);
        assert_eq!(ids(&back.entries().iter().collect::<Vec<_>>()), ["job-b", "job-a"]);
        assert_eq!(back.get("job-a").unwrap().last.as_ref().unwrap().reason, "disk \"full\"");
        // Per API: another base URL sees nothing.
        assert!(JobRegister::load(&m, "http://127.0.0.1:8080").is_empty());
        // Empty register removes the key.
        JobRegister::new().save(&m, BASE);
        assert_eq!(m.get(&storage_key(BASE)), None);
    }

    #[test]
    fn bad_storage_gives_an_empty_register() {
        let huge =
            format!(r#"{{"version":1,"jobs":[{{"job_id":"job-a","cluster_name":"{}"}}]}}"#, "x".repeat(MAX_DOC_BYTES));
        for raw in [
            "",
            "not json",
            "{",
            "null",
            "[]",
            "42",
            r#""a string""#,
            r#"{"jobs":[{"job_id":"job-a"}]}"#,
            r#"{"version":2,"jobs":[{"job_id":"job-a"}]}"#,
            r#"{"version":"1","jobs":[{"job_id":"job-a"}]}"#,
            r#"{"version":1.5,"jobs":[{"job_id":"job-a"}]}"#,
            r#"{"version":1,"jobs":{"job_id":"job-a"}}"#,
            r#"{"version":1}"#,
            // A lone surrogate: not valid UTF-16 text, refused by the JSON parser.
            r#"{"version":1,"jobs":[{"job_id":"job-\ud800"}]}"#,
            "\u{feff}{\"version\":1,\"jobs\":[]}\u{0}",
            &huge,
        ] {
            let r = JobRegister::load(&mem_with(raw), BASE);
            assert!(r.is_empty(), "{:?}", &raw[..raw.len().min(60)]);
        }
        assert!(JobRegister::load(&Mem::default(), BASE).is_empty());
    }

    #[test]
    fn bad_entries_are_dropped_one_by_one() {
        let raw = r#"{"version":1,"jobs":[
            {"job_id":"job-ok","kind":"Backup","cluster_id":"c1","added_ms":5},
            {"job_id":""},
            {"job_id":"   "},
            {"kind":"Backup"},
            {"job_id":"job-\ufffd"},
            {"job_id":"job a"},
            {"job_id":"https://console/jobs/job-1"},
            {"job_id":"job-kind","kind":"Teleport"},
            {"job_id":42},
            {"job_id":"job-neg","added_ms":-1},
            "job-string",
            null,
            {"job_id":"job-foreign-last","last":{"jobId":"job-other","status":"SUCCESSFUL"},"last_seen_ms":9},
            {"job_id":"job-ctrl","cluster_name":"a\u0000b\u001b[31m"},
            {"job_id":"job-long","backup_name":"LONG"}
        ]}"#
        .replace("LONG", &"é".repeat(10_000));
        let r = JobRegister::load(&mem_with(&raw), BASE);
        let got: Vec<&str> = r.entries().iter().map(|e| e.job_id.as_str()).collect();
        assert_eq!(got, ["job-ok", "job-foreign-last", "job-ctrl", "job-long"]);
        assert_eq!(r.get("job-foreign-last").unwrap().last, None);
        assert_eq!(r.get("job-ctrl").unwrap().cluster_name, "ab[31m");
        assert_eq!(r.get("job-long").unwrap().backup_name.chars().count(), MAX_TEXT_CHARS);
    }

    #[test]
    fn duplicates_in_storage_are_merged() {
        let raw = r#"{"version":1,"jobs":[
            {"job_id":"job-a","kind":"Opened","added_ms":500},
            {"job_id":"job-a","kind":"Backup","cluster_id":"c1","added_ms":100,
             "last":{"jobId":"job-a","status":"IN_PROGRESS","progress":"40"},"last_seen_ms":7}
        ]}"#;
        let r = JobRegister::load(&mem_with(raw), BASE);
        assert_eq!(r.len(), 1);
        let e = r.get("job-a").unwrap();
        assert_eq!((e.kind.clone(), e.cluster_id.as_str(), e.added_ms), (JobKind::Backup, "c1", 100));
        assert_eq!(e.last.as_ref().unwrap().progress, Some(40));
    }

    #[test]
    fn add_is_idempotent_newest_first_and_keeps_richer_info() {
        let mut r = JobRegister::new();
        r.add(entry("job-1", JobKind::Backup, "c1", 100));
        r.add(entry("job-2", JobKind::Restore, "c2", 300));
        r.add(entry("job-3", JobKind::Backup, "c1", 200));
        assert_eq!(r.entries().iter().map(|e| e.added_ms).collect::<Vec<_>>(), [300, 200, 100]);
        // The same job opened later by link: nothing lost, nothing moved.
        r.add(entry("job-1", JobKind::Opened, "", 900));
        assert_eq!(r.len(), 3);
        let e = r.get("job-1").unwrap();
        assert_eq!((e.kind.clone(), e.cluster_id.as_str(), e.added_ms), (JobKind::Backup, "c1", 100));
        // A job first opened by link, then recognised: the kind is upgraded.
        r.add(entry("job-4", JobKind::Opened, "", 400));
        r.add(entry("job-4", JobKind::PolicyBackup, "c9", 400));
        assert_eq!(r.get("job-4").unwrap().kind, JobKind::PolicyBackup);
        assert_eq!(r.entries()[0].job_id, "job-4");
        // Invalid ids are not added.
        r.add(entry("", JobKind::Backup, "c1", 1));
        r.add(entry("a b", JobKind::Backup, "c1", 1));
        assert_eq!(r.len(), 4);
    }

    #[test]
    fn update_reports_changes_only() {
        let mut r = JobRegister::new();
        r.add(entry("job-1", JobKind::Backup, "c1", 100));
        assert!(r.update(&job("job-1", "PENDING", None), 1_000));
        assert!(!r.update(&job("job-1", "PENDING", None), 2_000));
        assert_eq!(r.get("job-1").unwrap().last_seen_ms, Some(2_000));
        assert!(r.update(&job("job-1", "IN_PROGRESS", Some(10)), 3_000));
        assert!(r.update(&job("job-1", "IN_PROGRESS", Some(11)), 4_000));
        // Unknown ids are not added.
        assert!(!r.update(&job("job-x", "PENDING", None), 5_000));
        assert_eq!(r.get("job-x"), None);
        // An answer without its id is filed under the requested id.
        assert!(r.update_for("job-1", &job("", "SUCCESSFUL", Some(100)), 6_000));
        assert_eq!(r.get("job-1").unwrap().last.as_ref().unwrap().job_id, "job-1");
    }

    #[test]
    fn cap_evicts_oldest_terminal_first() {
        let mut r = JobRegister::new();
        for i in 0..MAX_ENTRIES as u64 {
            r.add(entry(&format!("job-{i}"), JobKind::Backup, "c", 1_000 + i));
            // Every tenth job is finished; the oldest (job-0) is still running.
            if i % 10 == 5 {
                r.update(&job(&format!("job-{i}"), "SUCCESSFUL", Some(100)), 0);
            }
        }
        assert_eq!(r.len(), MAX_ENTRIES);
        r.add(entry("job-new-1", JobKind::Opened, "", 10_000));
        r.add(entry("job-new-2", JobKind::Opened, "", 10_001));
        assert_eq!(r.len(), MAX_ENTRIES);
        assert!(r.get("job-5").is_none() && r.get("job-15").is_none(), "oldest terminal went first");
        assert!(r.get("job-0").is_some() && r.get("job-25").is_some());
        assert_eq!(r.entries()[0].job_id, "job-new-2");

        // All running: the oldest goes.
        let mut r = JobRegister::new();
        for i in 0..=MAX_ENTRIES as u64 {
            r.add(entry(&format!("job-{i}"), JobKind::Backup, "c", 1 + i));
        }
        assert_eq!(r.len(), MAX_ENTRIES);
        assert!(r.get("job-0").is_none());

        // An oversized stored register is cut the same way on load.
        let jobs: Vec<JobEntry> =
            (0..MAX_ENTRIES as u64 + 50).map(|i| entry(&format!("job-{i}"), JobKind::Backup, "c", 1 + i)).collect();
        let raw = serde_json::to_string(&DocOut { version: SCHEMA_VERSION, jobs: &jobs }).unwrap();
        let r = JobRegister::load(&mem_with(&raw), BASE);
        assert_eq!(r.len(), MAX_ENTRIES);
        assert_eq!(r.entries()[0].job_id, format!("job-{}", MAX_ENTRIES + 49));
    }

    #[test]
    fn one_manual_backup_rule() {
        let mut r = JobRegister::new();
        assert!(r.active_manual_backup("c1").is_none());
        r.add(entry("job-1", JobKind::Backup, "c1", 100));
        // Not answered yet: counts as active.
        assert_eq!(r.active_manual_backup("c1").map(|e| e.job_id.as_str()), Some("job-1"));
        r.update(&job("job-1", "IN_PROGRESS", Some(5)), 1);
        assert!(r.active_manual_backup("c1").is_some());
        r.update(&job("job-1", "CANCELING", None), 2);
        assert!(r.active_manual_backup("c1").is_some());
        r.update(&job("job-1", "WHATEVER", None), 3);
        assert!(r.active_manual_backup("c1").is_some(), "unknown status is not terminal");
        assert!(r.active_manual_backup("c2").is_none());
        // Other kinds never block.
        r.add(entry("job-2", JobKind::PolicyBackup, "c2", 200));
        r.add(entry("job-3", JobKind::Restore, "c2", 300));
        r.add(entry("job-4", JobKind::Opened, "c2", 400));
        assert!(r.active_manual_backup("c2").is_none());
        for s in ["SUCCESSFUL", "FAILED", "CANCELED"] {
            r.update(&job("job-1", s, None), 4);
            assert!(r.active_manual_backup("c1").is_none(), "{s}");
        }
    }

    #[test]
    fn filters() {
        let mut r = JobRegister::new();
        r.add(entry("job-1", JobKind::Backup, "c1", 1));
        r.add(entry("job-2", JobKind::Restore, "c1", 2));
        r.add(entry("job-3", JobKind::PolicyBackup, "c2", 3));
        r.add(entry("job-4", JobKind::Opened, "", 4));
        r.add(entry("job-5", JobKind::Backup, "c2", 5));
        r.update(&job("job-1", "FAILED", None), 0);
        r.update(&job("job-2", "IN_PROGRESS", Some(3)), 0);
        r.update(&job("job-3", "SUCCESSFUL", Some(100)), 0);
        r.update(&job("job-5", "QUEUED_SOMEWHERE", None), 0);

        assert_eq!(r.filtered(None, None, None).len(), 5);
        assert_eq!(r.filtered(Some(""), Some("  "), Some("")).len(), 5);
        assert_eq!(ids(&r.filtered(Some("FAILED"), None, None)), ["job-1"]);
        assert_eq!(ids(&r.filtered(Some("failed"), None, None)), ["job-1"]);
        assert_eq!(ids(&r.filtered(Some("In progress"), None, None)), ["job-2"]);
        assert_eq!(ids(&r.filtered(Some("IN_PROGRESS"), None, None)), ["job-2"]);
        assert_eq!(ids(&r.filtered(Some("succeeded"), None, None)), ["job-3"]);
        assert_eq!(ids(&r.filtered(Some("unknown"), None, None)), ["job-5", "job-4"]);
        assert_eq!(ids(&r.filtered(Some("queued_somewhere"), None, None)), ["job-5"]);
        assert!(r.filtered(Some("PENDING"), None, None).is_empty());
        assert_eq!(ids(&r.filtered(None, Some("backup"), None)), ["job-5", "job-1"]);
        assert_eq!(ids(&r.filtered(None, Some("policy-backup"), None)), ["job-3"]);
        assert_eq!(ids(&r.filtered(None, Some("Policy backup"), None)), ["job-3"]);
        assert!(r.filtered(None, Some("teleport"), None).is_empty());
        assert_eq!(ids(&r.filtered(None, None, Some("c1"))), ["job-2", "job-1"]);
        assert_eq!(ids(&r.filtered(Some("failed"), Some("backup"), Some("c1"))), ["job-1"]);
        assert!(r.filtered(Some("failed"), Some("backup"), Some("c2")).is_empty());
    }

    #[test]
    fn kinds_round_trip_their_url_values() {
        for k in JobKind::ALL {
            assert_eq!(JobKind::parse(k.as_str()).as_ref(), Some(k));
            assert_eq!(JobKind::parse(k.label()).as_ref(), Some(k));
            assert_eq!(JobKind::parse(&format!("{k:?}")).as_ref(), Some(k));
        }
        assert_eq!(JobKind::parse(""), None);
    }

    #[test]
    fn job_ids() {
        assert_eq!(normalize_job_id("  job-03e1eefbd82dmo2oeb8pe2\n"), Some("job-03e1eefbd82dmo2oeb8pe2".into()));
        for bad in ["", " ", "job 1", "job/1", "job?x", "jöb", &"j".repeat(MAX_ID_LEN + 1)] {
            assert_eq!(normalize_job_id(bad), None, "{bad}");
        }
    }
}
