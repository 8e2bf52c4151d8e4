//! One poller for every tab: the tabs of one console and API elect a leader (a Web Lock: the
//! first tab to ask holds it until it closes, hides or stops), only the leader asks the API,
//! and it sends each round's answers to the other tabs (a BroadcastChannel), which apply them
//! as if they had asked. Ten tabs open cost what one costs.
//!
//! What is decided here, natively tested: who may lead, who may poll, and which messages to
//! believe. A message is untrusted input (another version of the console, another app of the
//! origin): anything malformed, from another version, or older than one already applied from
//! the same leader is dropped.

use std::collections::HashMap;

use api_types::{ApiError, ErrorKind, Job};

use super::job_register::JobEntry;
use serde::{Deserialize, Serialize};

/// Bumped when the messages change meaning: tabs of two versions then ignore each other (each
/// still polls while it leads).
pub const VERSION: u32 = 1;

/// The lock and channel names for one API: tabs of another API (or base URL) do not share.
pub fn lock_name(base_url: &str) -> String {
    format!("zbc.jobs.poller:{base_url}")
}

pub fn channel_name(base_url: &str) -> String {
    format!("zbc.jobs:{base_url}")
}

/// Where this tab stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The browser has no Web Locks (an insecure origin): every tab polls for itself.
    Alone,
    /// Holds the lock: polls, and tells the others.
    Leader,
    /// Another tab leads (or none does yet): applies what the leader sends, asks nothing.
    Follower,
}

impl Role {
    pub fn polls(self) -> bool {
        matches!(self, Role::Alone | Role::Leader)
    }
}

/// A tab asks for the lock (or keeps it) only while it could poll: started, visible, with a
/// key, and not halted by a refused key. Otherwise it lets go, so that a visible tab leads.
pub fn wants_lead(started: bool, visible: bool, keyed: bool, halted: bool) -> bool {
    started && visible && keyed && !halted
}

/// One answer of a round, as sent to the other tabs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shared {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job: Option<Job>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<SharedError>,
}

/// What a follower needs of an error: its kind (to stop on "not found", halt on 401/403) and
/// what to show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SharedError {
    pub kind: String,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub status: Option<u16>,
    #[serde(default)]
    pub code: Option<i64>,
    #[serde(default)]
    pub retry_after_secs: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum Message {
    /// The leader applied a round; `seq` grows with each round it sends.
    Round { v: u32, from: String, seq: u64, answers: Vec<Shared> },
    /// A follower's Refresh: the leader asks about every job now.
    Refresh { v: u32, from: String },
    /// A follower started (or opened) a job: the leader follows it at once (it would see it
    /// in storage too, but only at its next write's `storage` event, and never from the same
    /// document).
    Added { v: u32, from: String, entry: Box<JobEntry> },
}

impl Shared {
    pub fn of(id: &str, result: &Result<Job, ApiError>) -> Shared {
        match result {
            Ok(job) => Shared { id: id.to_owned(), job: Some(job.clone()), error: None },
            Err(e) => Shared {
                id: id.to_owned(),
                job: None,
                error: Some(SharedError {
                    kind: kind_name(e.kind).to_owned(),
                    message: e.message.clone(),
                    status: e.status,
                    code: e.code,
                    retry_after_secs: e.retry_after_secs,
                }),
            },
        }
    }

    /// Back to an answer; `None` when it is neither (or names an error kind this version
    /// does not know).
    pub fn answer(self) -> Option<(String, Result<Job, ApiError>)> {
        let result = match (self.job, self.error) {
            (Some(job), None) => Ok(job),
            (None, Some(e)) => {
                let mut err = ApiError::new(kind_from(&e.kind)?, e.message);
                err.status = e.status;
                err.code = e.code;
                err.retry_after_secs = e.retry_after_secs;
                Err(err)
            }
            _ => return None,
        };
        Some((self.id, result))
    }
}

const KINDS: &[(ErrorKind, &str)] = &[
    (ErrorKind::Network, "network"),
    (ErrorKind::Timeout, "timeout"),
    (ErrorKind::Aborted, "aborted"),
    (ErrorKind::Unauthorized, "unauthorized"),
    (ErrorKind::Permission, "permission"),
    (ErrorKind::RateLimited, "rate-limited"),
    (ErrorKind::Server, "server"),
    (ErrorKind::NotFound, "not-found"),
    (ErrorKind::NotJson, "not-json"),
    (ErrorKind::BadShape, "bad-shape"),
    (ErrorKind::Rejected, "rejected"),
    (ErrorKind::Http, "http"),
];

fn kind_name(kind: ErrorKind) -> &'static str {
    KINDS.iter().find(|(k, _)| *k == kind).map_or("http", |(_, n)| n)
}

fn kind_from(name: &str) -> Option<ErrorKind> {
    KINDS.iter().find(|(_, n)| *n == name).map(|(k, _)| *k)
}

pub fn encode(m: &Message) -> String {
    serde_json::to_string(m).unwrap_or_default()
}

/// A message from the channel: `None` for anything that is not one of ours, of this version.
pub fn decode(raw: &str) -> Option<Message> {
    // A round of 100 answers is ~30 KB; far more is not ours.
    if raw.len() > 1_000_000 {
        return None;
    }
    let m: Message = serde_json::from_str(raw).ok()?;
    let v = match &m {
        Message::Round { v, .. } | Message::Refresh { v, .. } | Message::Added { v, .. } => *v,
    };
    (v == VERSION).then_some(m)
}

/// The rounds a follower has applied, per leader: a round is applied once, in order.
#[derive(Debug, Default, Clone)]
pub struct Inbox {
    seen: HashMap<String, u64>,
}

impl Inbox {
    /// Whether to apply this round: not our own, and newer than the last from that leader.
    pub fn accept(&mut self, me: &str, from: &str, seq: u64) -> bool {
        if from == me {
            return false;
        }
        match self.seen.get(from) {
            Some(&last) if seq <= last => false,
            _ => {
                self.seen.insert(from.to_owned(), seq);
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixtures::job;

    #[test]
    fn only_a_tab_that_could_poll_leads() {
        assert!(wants_lead(true, true, true, false));
        // Hidden, halted, without a key, or not started: it lets a visible tab lead.
        assert!(!wants_lead(true, false, true, false));
        assert!(!wants_lead(true, true, true, true));
        assert!(!wants_lead(true, true, false, false));
        assert!(!wants_lead(false, true, true, false));
        assert!(Role::Leader.polls() && Role::Alone.polls() && !Role::Follower.polls());
    }

    #[test]
    fn names_are_per_api() {
        assert_ne!(lock_name("http://127.0.0.1:8080"), lock_name("https://api.cloud.zilliz.com"));
        assert_ne!(channel_name("http://a"), channel_name("http://b"));
    }

    #[test]
    fn a_round_travels_intact() {
        let mut refused = ApiError::new(ErrorKind::Unauthorized, "The apikey is illegal");
        refused.status = Some(401);
        refused.code = Some(21119);
        let mut limited = ApiError::new(ErrorKind::RateLimited, "slow down");
        limited.retry_after_secs = Some(3);
        let answers = [
            ("job-1", Ok(job("job-1", "IN_PROGRESS", Some(40)))),
            ("job-2", Err(refused)),
            ("job-3", Err(limited)),
            ("job-4", Err(ApiError::new(ErrorKind::NotFound, "The job was not found."))),
        ];
        let m = Message::Round {
            v: VERSION,
            from: "tab-a".into(),
            seq: 7,
            answers: answers.iter().map(|(id, r)| Shared::of(id, r)).collect(),
        };
        let Some(Message::Round { answers: back, seq, from, .. }) = decode(&encode(&m)) else { panic!("not decoded") };
        assert_eq!((seq, from.as_str()), (7, "tab-a"));
        let back: Vec<_> = back.into_iter().filter_map(Shared::answer).collect();
        assert_eq!(back.len(), 4);
        for ((id, want), (got_id, got)) in answers.iter().zip(&back) {
            assert_eq!(id, got_id);
            match (want, got) {
                (Ok(a), Ok(b)) => assert_eq!(a, b),
                (Err(a), Err(b)) => {
                    assert_eq!(
                        (a.kind, a.status, a.code, a.retry_after_secs),
                        (b.kind, b.status, b.code, b.retry_after_secs)
                    );
                    assert_eq!(a.message, b.message);
                }
                other => panic!("{other:?}"),
            }
        }
        let r = Message::Refresh { v: VERSION, from: "tab-b".into() };
        assert_eq!(decode(&encode(&r)), Some(r));
        let entry =
            JobEntry { job_id: "job-9".into(), backup_name: "nightly".into(), added_ms: 5, ..JobEntry::default() };
        let a = Message::Added { v: VERSION, from: "tab-b".into(), entry: Box::new(entry) };
        assert_eq!(decode(&encode(&a)), Some(a));
    }

    #[test]
    fn what_is_not_ours_is_dropped() {
        for raw in [
            "",
            "null",
            "{}",
            "not json",
            r#"{"type":"Round","v":2,"from":"x","seq":1,"answers":[]}"#,
            r#"{"type":"Refresh","v":0,"from":"x"}"#,
            r#"{"type":"Teleport","v":1}"#,
            r#"{"type":"Round","v":1,"from":"x","seq":-1,"answers":[]}"#,
            r#"{"type":"Round","v":1,"from":"x","seq":1,"answers":{}}"#,
        ] {
            assert_eq!(decode(raw), None, "{raw}");
        }
        assert_eq!(decode(&format!(r#"{{"type":"Refresh","v":1,"from":"{}"}}"#, "x".repeat(1_000_001))), None);
        // An answer that is neither a job nor an error, or an error of an unknown kind.
        assert_eq!(Shared { id: "j".into(), job: None, error: None }.answer(), None);
        let odd = SharedError {
            kind: "cosmic-ray".into(),
            message: String::new(),
            status: None,
            code: None,
            retry_after_secs: None,
        };
        assert_eq!(Shared { id: "j".into(), job: None, error: Some(odd) }.answer(), None);
    }

    #[test]
    fn each_round_is_applied_once_in_order() {
        let mut inbox = Inbox::default();
        assert!(!inbox.accept("me", "me", 1), "not our own");
        assert!(inbox.accept("me", "tab-a", 1));
        assert!(!inbox.accept("me", "tab-a", 1), "not twice");
        assert!(inbox.accept("me", "tab-a", 3));
        assert!(!inbox.accept("me", "tab-a", 2), "not an older one");
        // A new leader (after a hand-over) starts its own count.
        assert!(inbox.accept("me", "tab-b", 1));
        assert!(inbox.accept("me", "tab-a", 4));
    }

    #[test]
    fn every_error_kind_has_a_name() {
        for (kind, name) in KINDS {
            assert_eq!(kind_from(kind_name(*kind)), Some(*kind));
            assert_eq!(kind_from(name), Some(*kind));
        }
    }
}
