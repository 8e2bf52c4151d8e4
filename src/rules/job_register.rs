//! The console's own register of jobs. The API has Describe Job but no documented List Jobs
//! (docs/api-contract.md §3.2), so the console remembers every job it starts and every job id
//! opened by link or pasted, with the last answer, in localStorage per API base URL, so a reload
//! or a second tab loses nothing.
//!
//! Stored in two parts, so that the frequent writes (poll answers) stay small however long the
//! history is: finished jobs under `zbc.jobs.<base url>`, rewritten only when that set changes,
//! and unfinished ones under `zbc.jobs-active.<base url>`. Both are compact JSON (short keys,
//! empty fields left out: about half the first format). Finished jobs are forgotten 30 days
//! after they ended, and the register keeps at most 10,000 jobs.
//!
//! Storage is untrusted input: another version of the console, another app on the origin or a
//! user may have written anything there. Loading never panics; what is not ours is ignored.

use std::collections::HashMap;

use api_types::{Job, JobStatus};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::store::{Store, StoreFull};
use super::time::parse_iso8601_utc_ms;

pub const KEY_PREFIX: &str = "zbc.jobs.";
const ACTIVE_PREFIX: &str = "zbc.jobs-active.";
/// Bumped when the document's meaning changes; a document of another version is ignored
/// (and replaced at the next save) rather than half-understood. Version 1 (one document, long
/// keys) is still read, and replaced at the next save.
pub const SCHEMA_VERSION: u64 = 2;
/// The register keeps at most this many jobs; the oldest finished ones go first.
pub const MAX_ENTRIES: usize = 10_000;
/// A full register is about 2.5 MB; anything much larger was not written by us, and parsing it
/// would freeze the page.
pub const MAX_DOC_BYTES: usize = 6_000_000;
/// Finished jobs (and jobs the API no longer knows) are forgotten this long after they ended.
pub const KEEP_FINISHED_MS: u64 = 30 * 24 * 3_600_000;
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
    /// When the API said it does not know this job: it is no longer polled.
    pub gone_ms: Option<u64>,
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

    /// Nothing more will be learned: terminal, or gone from the API.
    pub fn is_over(&self) -> bool {
        self.gone_ms.is_some() || self.is_terminal()
    }

    /// When it was last of interest, for forgetting it: its end time, else when it was last
    /// seen or found gone, else when it was added.
    fn ended_ms(&self) -> u64 {
        self.last
            .as_ref()
            .and_then(|j| parse_iso8601_utc_ms(&j.end_time))
            .or(self.gone_ms)
            .or(self.last_seen_ms)
            .unwrap_or(self.added_ms)
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
        self.gone_ms = self.gone_ms.or(other.gone_ms);
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

/// The key of the finished part: present whenever the register is not empty, so its presence
/// says "this browser follows jobs for this API".
pub fn storage_key(base_url: &str) -> String {
    format!("{KEY_PREFIX}{base_url}")
}

/// The key of the unfinished part.
pub fn active_key(base_url: &str) -> String {
    format!("{ACTIVE_PREFIX}{base_url}")
}

/// One job as stored (format 2): short keys, empty fields left out.
#[derive(Serialize, Deserialize, Default)]
#[serde(default)]
struct Stored {
    #[serde(rename = "i")]
    job_id: String,
    #[serde(rename = "k", skip_serializing_if = "is_opened")]
    kind: JobKind,
    #[serde(rename = "c", skip_serializing_if = "String::is_empty")]
    cluster_id: String,
    #[serde(rename = "n", skip_serializing_if = "String::is_empty")]
    cluster_name: String,
    #[serde(rename = "b", skip_serializing_if = "String::is_empty")]
    backup_id: String,
    #[serde(rename = "m", skip_serializing_if = "String::is_empty")]
    backup_name: String,
    #[serde(rename = "a")]
    added_ms: u64,
    #[serde(rename = "l", skip_serializing_if = "Option::is_none")]
    last: Option<StoredJob>,
    #[serde(rename = "w", skip_serializing_if = "Option::is_none")]
    last_seen_ms: Option<u64>,
    #[serde(rename = "g", skip_serializing_if = "Option::is_none")]
    gone_ms: Option<u64>,
}

/// The last answer as stored: Describe Job's fields but its id (the entry's own).
#[derive(Serialize, Deserialize, Default)]
#[serde(default)]
struct StoredJob {
    #[serde(rename = "t", skip_serializing_if = "String::is_empty")]
    job_type: String,
    #[serde(rename = "s")]
    status: JobStatus,
    #[serde(rename = "p", skip_serializing_if = "Option::is_none")]
    progress: Option<u8>,
    #[serde(rename = "t0", skip_serializing_if = "String::is_empty")]
    start_time: String,
    #[serde(rename = "t1", skip_serializing_if = "String::is_empty")]
    end_time: String,
    #[serde(rename = "r", skip_serializing_if = "String::is_empty")]
    reason: String,
}

fn is_opened(k: &JobKind) -> bool {
    *k == JobKind::Opened
}

impl Stored {
    fn of(e: &JobEntry) -> Stored {
        Stored {
            job_id: e.job_id.clone(),
            kind: e.kind.clone(),
            cluster_id: e.cluster_id.clone(),
            cluster_name: e.cluster_name.clone(),
            backup_id: e.backup_id.clone(),
            backup_name: e.backup_name.clone(),
            added_ms: e.added_ms,
            last: e.last.as_ref().map(|j| StoredJob {
                job_type: j.job_type.clone(),
                status: j.status.clone(),
                progress: j.progress,
                start_time: j.start_time.clone(),
                end_time: j.end_time.clone(),
                reason: j.reason.clone(),
            }),
            last_seen_ms: e.last_seen_ms,
            gone_ms: e.gone_ms,
        }
    }

    fn into_entry(self) -> JobEntry {
        let job_id = self.job_id;
        JobEntry {
            last: self.last.map(|j| Job {
                job_id: job_id.clone(),
                job_type: j.job_type,
                status: j.status,
                progress: j.progress.filter(|p| *p <= 100),
                start_time: j.start_time,
                end_time: j.end_time,
                reason: j.reason,
            }),
            job_id,
            kind: self.kind,
            cluster_id: self.cluster_id,
            cluster_name: self.cluster_name,
            backup_id: self.backup_id,
            backup_name: self.backup_name,
            added_ms: self.added_ms,
            last_seen_ms: self.last_seen_ms,
            gone_ms: self.gone_ms,
        }
    }
}

#[derive(Serialize)]
struct DocOut {
    version: u64,
    jobs: Vec<Stored>,
}

/// What an answer changed in the register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Nothing shown (the answer is the same as the last).
    None,
    /// Progress, times or the reason: only the job's row.
    Progress,
    /// The status: lists, filters and the rules that read statuses too.
    Status,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct JobRegister {
    /// Newest first (by `added_ms`; among equal times, the latest added first).
    entries: Vec<JobEntry>,
    /// Job id → position in `entries`.
    index: HashMap<String, usize>,
    /// The finished part must be written at the next save (a job finished, was added or
    /// forgotten, or storage held an older format).
    finished_dirty: bool,
}

impl JobRegister {
    pub fn new() -> Self {
        JobRegister::default()
    }

    /// Reads the register for this API (both parts; format 1 too), forgetting finished jobs
    /// that ended more than `KEEP_FINISHED_MS` before `now_ms`. Missing, malformed, oversized,
    /// foreign or other-version data gives an empty register; entries without a valid id are
    /// dropped, duplicates merged.
    pub fn load(store: &dyn Store, base_url: &str, now_ms: u64) -> JobRegister {
        JobRegister::load_parts(store, &[storage_key(base_url), active_key(base_url)], now_ms)
    }

    /// As `load`, from the stored parts named (another tab's write names the one it changed:
    /// a progress answer must not cost a parse of 10,000 finished jobs).
    pub fn load_parts(store: &dyn Store, keys: &[String], now_ms: u64) -> JobRegister {
        let mut entries: Vec<JobEntry> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut dirty = false;
        for key in keys {
            let Some(raw) = store.get(key) else { continue };
            let (version, items) = read_doc(&raw);
            dirty |= version == Some(1);
            for entry in items {
                match index.get(&entry.job_id) {
                    Some(&i) => entries[i].merge(entry),
                    None => {
                        index.insert(entry.job_id.clone(), entries.len());
                        entries.push(entry);
                    }
                }
            }
        }
        // Stable: the stored order breaks ties.
        entries.sort_by_key(|e| std::cmp::Reverse(e.added_ms));
        let mut reg = JobRegister { entries, index: HashMap::new(), finished_dirty: dirty };
        reg.prune(now_ms);
        reg.enforce_cap();
        reg.reindex();
        reg
    }

    /// Writes the register: the unfinished part always (it is small), the finished part only
    /// when it changed or is missing. An empty register removes both. On a failed write
    /// (storage full) nothing in memory is lost, and the next save writes again.
    pub fn save(&mut self, store: &dyn Store, base_url: &str) -> Result<(), StoreFull> {
        let (finished_key, active_key) = (storage_key(base_url), active_key(base_url));
        if self.entries.is_empty() {
            store.remove(&finished_key);
            store.remove(&active_key);
            self.finished_dirty = false;
            return Ok(());
        }
        let doc = |over: bool| {
            let jobs = self.entries.iter().filter(|e| e.is_over() == over).map(Stored::of).collect();
            serde_json::to_string(&DocOut { version: SCHEMA_VERSION, jobs }).unwrap_or_default()
        };
        if self.finished_dirty || store.get(&finished_key).is_none() {
            store.try_set(&finished_key, &doc(true))?;
            self.finished_dirty = false;
        }
        if self.entries.iter().any(|e| !e.is_over()) {
            store.try_set(&active_key, &doc(false))
        } else {
            store.remove(&active_key);
            Ok(())
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
        self.finished_dirty |= entry.is_over();
        let at = self.entries.partition_point(|e| e.added_ms > entry.added_ms);
        self.entries.insert(at, entry);
        self.enforce_cap();
        self.reindex();
    }

    /// Takes in what another tab stored (a `storage` event): jobs it added, and newer answers.
    /// Returns the ids whose entry changed here, and whether a job was added or a status
    /// changed (what lists and filters read).
    pub fn merge_from(&mut self, other: JobRegister) -> (Vec<String>, bool) {
        let mut changed = Vec::new();
        let (mut added, mut statuses) = (false, false);
        for theirs in other.entries {
            match self.position(&theirs.job_id) {
                Some(i) => {
                    let before = self.entries[i].clone();
                    self.entries[i].merge(theirs);
                    let now = &self.entries[i];
                    if *now != before {
                        statuses |= now.status() != before.status() || now.gone_ms != before.gone_ms;
                        self.finished_dirty |= now.is_over() != before.is_over();
                        changed.push(before.job_id);
                    }
                }
                None => {
                    changed.push(theirs.job_id.clone());
                    self.entries.push(theirs);
                    added = true;
                }
            }
        }
        if added {
            self.entries.sort_by_key(|e| std::cmp::Reverse(e.added_ms));
            self.enforce_cap();
            self.reindex();
        }
        (changed, added || statuses)
    }

    /// Appends a job known to be older than every other (a test's fast path for large
    /// registers: `add` reindexes each time).
    #[cfg(test)]
    fn add_sorted_for_test(&mut self, entry: JobEntry) {
        self.index.insert(entry.job_id.clone(), self.entries.len());
        self.finished_dirty = true;
        self.entries.push(entry);
    }

    /// The API said it does not know this job: it stays listed, no longer followed.
    pub fn mark_gone(&mut self, job_id: &str, now_ms: u64) {
        if let Some(i) = self.position(job_id)
            && self.entries[i].gone_ms.is_none()
        {
            self.entries[i].gone_ms = Some(now_ms);
            self.finished_dirty = true;
        }
    }

    /// Records an answer for `job.job_id` and says what it changed (so the UI re-renders only
    /// changed rows, and lists only on a new status); `last_seen_ms` is refreshed either way.
    /// Unknown ids are not added.
    pub fn update(&mut self, job: &Job, now_ms: u64) -> Change {
        self.update_for(&job.job_id, job, now_ms)
    }

    /// As `update`, for an answer that lacks its own id (the id the request was made for).
    pub fn update_for(&mut self, job_id: &str, job: &Job, now_ms: u64) -> Change {
        let Some(i) = self.position(job_id) else {
            return Change::None;
        };
        let e = &mut self.entries[i];
        e.last_seen_ms = Some(now_ms);
        let same_status = e.last.as_ref().is_some_and(|l| l.status == job.status);
        if same_status && e.last.as_ref().is_some_and(|l| same_job_data(l, job)) {
            return Change::None;
        }
        let was_over = e.is_over();
        let mut job = job.clone();
        job.job_id = e.job_id.clone();
        e.last = Some(job);
        self.finished_dirty |= e.is_over() != was_over;
        if same_status { Change::Progress } else { Change::Status }
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
        self.position(job_id).map(|i| &self.entries[i])
    }

    /// Jobs still to follow (not known to be over), for the scheduler after a load.
    pub fn active(&self) -> impl Iterator<Item = &JobEntry> {
        self.entries.iter().filter(|e| !e.is_over())
    }

    /// The one-manual-backup rule: the newest Backup entry for this cluster whose last status
    /// is not terminal (or not known yet).
    pub fn active_manual_backup(&self, cluster_id: &str) -> Option<&JobEntry> {
        self.entries.iter().find(|e| e.kind == JobKind::Backup && e.cluster_id == cluster_id && !e.is_over())
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
                // A job the API no longer knows has no status worth filtering by.
                Some((unknown, want)) => match (e.status().filter(|_| e.gone_ms.is_none()), want) {
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
        self.index.get(job_id).copied()
    }

    fn reindex(&mut self) {
        self.index = self.entries.iter().enumerate().map(|(i, e)| (e.job_id.clone(), i)).collect();
    }

    /// Forgets finished jobs that ended more than `KEEP_FINISHED_MS` ago. The caller reindexes.
    fn prune(&mut self, now_ms: u64) {
        let before = self.entries.len();
        self.entries.retain(|e| !e.is_over() || e.ended_ms().saturating_add(KEEP_FINISHED_MS) > now_ms);
        self.finished_dirty |= self.entries.len() != before;
    }

    /// At most `MAX_ENTRIES`. The caller reindexes.
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
            if self.entries[i].is_over() {
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
        self.finished_dirty = true;
    }
}

/// The format version and the valid entries of one stored part. One bad entry costs only
/// itself (each stays raw text until read); a document of an unknown version, or too large to
/// be ours, gives nothing.
fn read_doc(raw: &str) -> (Option<u64>, Vec<JobEntry>) {
    if raw.len() > MAX_DOC_BYTES {
        return (None, Vec::new());
    }
    #[derive(Deserialize)]
    struct Doc<'a> {
        version: u64,
        #[serde(borrow)]
        jobs: Vec<&'a RawValue>,
    }
    let Ok(doc) = serde_json::from_str::<Doc>(raw) else {
        return (None, Vec::new());
    };
    let entry = |item: &RawValue| -> Option<JobEntry> {
        match doc.version {
            1 => serde_json::from_str::<JobEntry>(item.get()).ok(),
            SCHEMA_VERSION => serde_json::from_str::<Stored>(item.get()).ok().map(Stored::into_entry),
            _ => None,
        }
    };
    let jobs = doc.jobs.iter().take(MAX_ENTRIES * 2).filter_map(|item| entry(item)?.sanitized()).collect();
    (Some(doc.version), jobs)
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

    use crate::rules::store::memory::{FullStore, MemStore as Mem};

    /// "Now" for loads that must not forget anything: the epoch (pruning is tested on its own).
    const NOW: u64 = 0;

    fn load(store: &dyn Store) -> JobRegister {
        JobRegister::load(store, BASE, NOW)
    }

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
        assert_eq!(r.update(&done, 5_000), Change::Status);
        let m = Mem::default();
        r.save(&m, BASE).unwrap();
        let back = load(&m);
        assert_eq!(back.entries(), r.entries());
        assert_eq!(ids(&back.entries().iter().collect::<Vec<_>>()), ["job-b", "job-a"]);
        assert_eq!(back.get("job-a").unwrap().last.as_ref().unwrap().reason, "disk \"full\"");
        // Per API: another base URL sees nothing.
        assert!(JobRegister::load(&m, "http://127.0.0.1:8080", NOW).is_empty());
        // Two parts: the finished job in one, the running one in the other.
        assert!(m.get(&storage_key(BASE)).unwrap().contains("job-a"));
        assert!(m.get(&active_key(BASE)).unwrap().contains("job-b"));
        assert!(!m.get(&active_key(BASE)).unwrap().contains("job-a"));
        // Empty register removes both keys.
        JobRegister::new().save(&m, BASE).unwrap();
        assert_eq!(m.get(&storage_key(BASE)), None);
        assert_eq!(m.get(&active_key(BASE)), None);
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
            r#"{"version":3,"jobs":[{"i":"job-a"}]}"#,
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
            let r = load(&mem_with(raw));
            assert!(r.is_empty(), "{:?}", &raw[..raw.len().min(60)]);
        }
        assert!(load(&Mem::default()).is_empty());
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
        let r = load(&mem_with(&raw));
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
        let r = load(&mem_with(raw));
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
        assert_eq!(r.update(&job("job-1", "PENDING", None), 1_000), Change::Status);
        assert_eq!(r.update(&job("job-1", "PENDING", None), 2_000), Change::None);
        assert_eq!(r.get("job-1").unwrap().last_seen_ms, Some(2_000));
        assert_eq!(r.update(&job("job-1", "IN_PROGRESS", Some(10)), 3_000), Change::Status);
        assert_eq!(r.update(&job("job-1", "IN_PROGRESS", Some(11)), 4_000), Change::Progress);
        // Unknown ids are not added.
        assert_eq!(r.update(&job("job-x", "PENDING", None), 5_000), Change::None);
        assert_eq!(r.get("job-x"), None);
        // An answer without its id is filed under the requested id.
        assert_eq!(r.update_for("job-1", &job("", "SUCCESSFUL", Some(100)), 6_000), Change::Status);
        assert_eq!(r.get("job-1").unwrap().last.as_ref().unwrap().job_id, "job-1");
    }

    #[test]
    fn cap_evicts_oldest_terminal_first() {
        // Built through storage (one load), not 10,000 `add`s.
        let stored = |jobs: Vec<JobEntry>| {
            let raw =
                serde_json::to_string(&DocOut { version: SCHEMA_VERSION, jobs: jobs.iter().map(Stored::of).collect() })
                    .unwrap();
            load(&mem_with(&raw))
        };
        // Every tenth job is finished; the oldest (job-0) is still running.
        let mut r = stored(
            (0..MAX_ENTRIES as u64)
                .map(|i| {
                    let mut e = entry(&format!("job-{i}"), JobKind::Backup, "c", 1_000 + i);
                    if i % 10 == 5 {
                        e.last = Some(job(&e.job_id, "SUCCESSFUL", Some(100)));
                    }
                    e
                })
                .collect(),
        );
        assert_eq!(r.len(), MAX_ENTRIES);
        r.add(entry("job-new-1", JobKind::Opened, "", 100_000));
        r.add(entry("job-new-2", JobKind::Opened, "", 100_001));
        assert_eq!(r.len(), MAX_ENTRIES);
        assert!(r.get("job-5").is_none() && r.get("job-15").is_none(), "oldest terminal went first");
        assert!(r.get("job-0").is_some() && r.get("job-25").is_some());
        assert_eq!(r.entries()[0].job_id, "job-new-2");

        // All running: the oldest goes.
        let mut r =
            stored((0..MAX_ENTRIES as u64).map(|i| entry(&format!("job-{i}"), JobKind::Backup, "c", 1 + i)).collect());
        r.add(entry("job-last", JobKind::Backup, "c", 1_000_000));
        assert_eq!(r.len(), MAX_ENTRIES);
        assert!(r.get("job-0").is_none());

        // An oversized stored register is cut the same way on load.
        let r = stored(
            (0..MAX_ENTRIES as u64 + 50).map(|i| entry(&format!("job-{i}"), JobKind::Backup, "c", 1 + i)).collect(),
        );
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

    fn finished(id: &str, added: u64, end_iso: &str) -> JobEntry {
        let mut last = job(id, "SUCCESSFUL", Some(100));
        last.end_time = end_iso.into();
        JobEntry { last: Some(last), last_seen_ms: Some(added), ..entry(id, JobKind::Backup, "c1", added) }
    }

    #[test]
    fn format_one_is_read_and_replaced_by_the_compact_format() {
        let raw = r#"{"version":1,"jobs":[
            {"job_id":"job-a","kind":"Backup","cluster_id":"c1","cluster_name":"prod","backup_id":"","backup_name":"n1","added_ms":5,
             "last":{"jobId":"job-a","type":"BACKUP","status":"SUCCESSFUL","progress":"100","startTime":"2026-12-01T10:00:00Z","endTime":"2026-12-01T10:05:00Z","reason":""},
             "last_seen_ms":9},
            {"job_id":"job-b","kind":"Restore","added_ms":6}
        ]}"#;
        let m = mem_with(raw);
        let mut r = JobRegister::load(&m, BASE, 1_796_637_600_000);
        assert_eq!(r.len(), 2);
        r.save(&m, BASE).unwrap();
        let finished = m.get(&storage_key(BASE)).unwrap();
        assert!(finished.starts_with(r#"{"version":2,"#), "{finished}");
        assert!(finished.contains(r#""i":"job-a""#) && !finished.contains("job_id"), "{finished}");
        // Empty fields are left out, and the answer's id is not repeated.
        assert!(!finished.contains(r#""b":"#) && finished.matches("job-a").count() == 1, "{finished}");
        let back = JobRegister::load(&m, BASE, 1_796_637_600_000);
        assert_eq!(back.entries(), r.entries());
        // About half the first format's size.
        assert!(finished.len() * 10 < raw.len() * 7, "{} vs {}", finished.len(), raw.len());
    }

    #[test]
    fn finished_jobs_are_forgotten_thirty_days_after_they_ended() {
        let day = 86_400_000;
        let m = Mem::default();
        let mut r = JobRegister::new();
        // Ended 2026-11-01; now is 2026-12-07 (36 days later).
        r.add(finished("job-old", 1, "2026-11-01T10:00:00Z"));
        r.add(finished("job-recent", 2, "2026-11-20T10:00:00Z"));
        // Added long ago but still running: never forgotten.
        r.add(entry("job-running", JobKind::Backup, "c1", 3));
        // Gone from the API 31 days ago, with no end time: forgotten from then.
        let mut gone = entry("job-gone", JobKind::Opened, "", 4);
        gone.gone_ms = Some(1_796_637_600_000 - 31 * day);
        r.add(gone);
        r.save(&m, BASE).unwrap();
        let back = JobRegister::load(&m, BASE, 1_796_637_600_000);
        let left: Vec<&str> = back.entries().iter().map(|e| e.job_id.as_str()).collect();
        assert_eq!(left, ["job-running", "job-recent"]);
        assert_eq!(KEEP_FINISHED_MS, 30 * day);
    }

    #[test]
    fn the_finished_part_is_written_only_when_it_changes() {
        let m = Mem::default();
        let mut r = JobRegister::new();
        for i in 0..50 {
            r.add(finished(&format!("job-f{i}"), i, "2026-12-01T10:00:00Z"));
        }
        r.add(entry("job-run", JobKind::Backup, "c1", 100));
        r.save(&m, BASE).unwrap();
        // A progress answer: only the small part is rewritten.
        m.set(&storage_key(BASE), "sentinel");
        r.update(&job("job-run", "IN_PROGRESS", Some(5)), 1);
        r.save(&m, BASE).unwrap();
        assert_eq!(m.get(&storage_key(BASE)).as_deref(), Some("sentinel"));
        assert!(m.get(&active_key(BASE)).unwrap().contains("job-run"));
        // It finishes: the finished part is written, the active part removed.
        r.update(&job("job-run", "SUCCESSFUL", Some(100)), 2);
        r.save(&m, BASE).unwrap();
        assert!(m.get(&storage_key(BASE)).unwrap().contains("job-run"));
        assert_eq!(m.get(&active_key(BASE)), None);
    }

    #[test]
    fn a_full_storage_loses_nothing_in_memory_and_writes_again_later() {
        let store = FullStore(2_000, Mem::default());
        let mut r = JobRegister::new();
        r.add(entry("job-1", JobKind::Backup, "c1", 1));
        r.save(&store, BASE).unwrap();
        for i in 0..40 {
            r.add(finished(&format!("job-f{i:02}"), 10 + i, "2026-12-01T10:00:00Z"));
        }
        assert_eq!(r.save(&store, BASE), Err(StoreFull));
        assert_eq!(r.len(), 41, "memory keeps every job");
        // Room again: the next save writes everything (the finished part is still due).
        let roomy = FullStore(1_000_000, Mem(store.1.0.clone()));
        r.save(&roomy, BASE).unwrap();
        assert_eq!(JobRegister::load(&roomy, BASE, NOW).len(), 41);
    }

    #[test]
    fn ten_thousand_jobs_fit_in_a_browser_storage() {
        let mut r = JobRegister::new();
        for i in 0..MAX_ENTRIES as u64 {
            let mut e = finished(&format!("job-{i:021}"), 1_796_000_000_000 + i, "2026-12-01T10:05:00Z");
            e.cluster_name = "prod-search".into();
            e.backup_name = format!("prod-search_backup{i}");
            if let Some(l) = e.last.as_mut() {
                l.start_time = "2026-12-01T10:00:00Z".into();
            }
            r.add_sorted_for_test(e);
        }
        let m = Mem::default();
        r.save(&m, BASE).unwrap();
        let size = m.get(&storage_key(BASE)).unwrap().len();
        // Chromium keeps 10 MiB of UTF-16 per origin: 5 M characters; a register of 10,000 jobs
        // must leave most of it to the rest of the origin.
        assert!(size < 2_600_000, "{size}");
        assert!(size < MAX_DOC_BYTES);
        assert_eq!(JobRegister::load(&m, BASE, 1_796_637_600_000).len(), MAX_ENTRIES);
    }

    #[test]
    fn one_part_can_be_read_alone() {
        let m = Mem::default();
        let mut r = JobRegister::new();
        r.add(finished("job-done", 1, "2026-12-01T10:00:00Z"));
        r.add(entry("job-run", JobKind::Backup, "c1", 2));
        r.save(&m, BASE).unwrap();
        let active = JobRegister::load_parts(&m, &[active_key(BASE)], NOW);
        assert_eq!(active.entries().iter().map(|e| e.job_id.as_str()).collect::<Vec<_>>(), ["job-run"]);
        assert_eq!(JobRegister::load_parts(&m, &[storage_key(BASE)], NOW).len(), 1);
    }

    #[test]
    fn another_tabs_register_is_merged_in() {
        let mut mine = JobRegister::new();
        mine.add(entry("job-1", JobKind::Backup, "c1", 1));
        mine.add(entry("job-2", JobKind::Backup, "c1", 2));
        let mut theirs = mine.clone();
        theirs.add(entry("job-3", JobKind::Restore, "c2", 3));
        theirs.update(&job("job-1", "IN_PROGRESS", Some(50)), 10);
        let (changed, lists) = mine.merge_from(theirs.clone());
        assert_eq!(changed, ["job-3", "job-1"]);
        assert!(lists, "a job was added");
        assert_eq!(mine.entries()[0].job_id, "job-3");
        assert_eq!(mine.get("job-1").unwrap().last.as_ref().unwrap().progress, Some(50));
        // The same again: nothing changes.
        assert_eq!(mine.merge_from(theirs.clone()), (vec![], false));
        // Progress alone does not touch the lists.
        theirs.update(&job("job-1", "IN_PROGRESS", Some(60)), 20);
        assert_eq!(mine.merge_from(theirs.clone()), (vec!["job-1".to_owned()], false));
        // An older answer from the other tab does not replace a newer one here.
        mine.update(&job("job-1", "SUCCESSFUL", Some(100)), 30);
        assert_eq!(mine.merge_from(theirs).0, Vec::<String>::new());
        assert!(mine.get("job-1").unwrap().is_terminal());
    }

    #[test]
    fn a_job_gone_from_the_api_is_over_and_has_no_status_to_filter_by() {
        let mut r = JobRegister::new();
        r.add(entry("job-1", JobKind::Backup, "c1", 1));
        r.update(&job("job-1", "IN_PROGRESS", Some(5)), 1);
        r.mark_gone("job-1", 50);
        let e = r.get("job-1").unwrap();
        assert!(e.is_over() && !e.is_terminal());
        assert!(r.active_manual_backup("c1").is_none(), "a job the API does not know blocks nothing");
        assert!(r.filtered(Some("IN_PROGRESS"), None, None).is_empty());
        assert_eq!(r.filtered(Some("unknown"), None, None).len(), 1);
        assert_eq!(r.active().count(), 0);
    }

    #[test]
    fn lookups_use_the_index_after_every_change() {
        let mut r = JobRegister::new();
        for i in 0..100 {
            r.add(entry(&format!("job-{i}"), JobKind::Backup, "c", (i * 7919) % 101));
        }
        for e in r.entries() {
            assert_eq!(r.get(&e.job_id).map(|x| &x.job_id), Some(&e.job_id));
        }
        let mut other = JobRegister::new();
        other.add(entry("job-new", JobKind::Opened, "", 50));
        r.merge_from(other);
        assert_eq!(r.get("job-new").unwrap().added_ms, 50);
        assert_eq!(r.get("job-3").unwrap().added_ms, (3 * 7919) % 101);
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
