//! The one error type of the API client, and what it means for a person: a short message, a
//! suggested action, and the raw details (kept for a "details" toggle, never shown by default).

use std::fmt;

/// What kind of failure this is; decides the message, the action and whether a GET may retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The request never got an answer: offline, DNS, CORS refusal, connection reset.
    Network,
    /// No answer within the time-out.
    Timeout,
    /// Cancelled by the console itself (the view went away); never shown.
    Aborted,
    /// HTTP 401 or an invalid-key code: the key is missing, wrong or revoked.
    Unauthorized,
    /// HTTP 403 or a permission code (96012–96016, 96027): the key's role may not do this.
    Permission,
    /// HTTP 429: too many requests.
    RateLimited,
    /// HTTP 5xx.
    Server,
    /// The thing asked for does not exist (cluster, job, backup).
    NotFound,
    /// The body was not JSON (an HTML error page from a proxy, an empty body, …).
    NotJson,
    /// JSON, but not the documented shape.
    BadShape,
    /// The API answered with a non-zero `code`: a rule or a validation said no.
    Rejected,
    /// Any other HTTP status.
    Http,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub kind: ErrorKind,
    /// HTTP status, when there was a response.
    pub status: Option<u16>,
    /// The API's `code`, when the body had one.
    pub code: Option<i64>,
    /// The API's `message`, or a description of what went wrong on the wire.
    pub message: String,
    /// Seconds to wait before retrying, from `Retry-After`.
    pub retry_after_secs: Option<u64>,
    /// Raw details for the "details" toggle (a body snippet, a decode path). Never contains
    /// request headers, so never the key.
    pub detail: String,
    /// The answer was a page (HTML, text) rather than the API's JSON: a proxy, a gateway or a
    /// CDN answered, not the API.
    pub error_page: bool,
}

impl ApiError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        ApiError {
            kind,
            status: None,
            code: None,
            message: message.into(),
            retry_after_secs: None,
            detail: String::new(),
            error_page: false,
        }
    }

    pub fn network(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Network, message)
    }

    pub fn timeout(after_ms: u32) -> Self {
        Self::new(ErrorKind::Timeout, format!("no answer within {} s", after_ms.div_ceil(1000)))
    }

    pub fn aborted() -> Self {
        Self::new(ErrorKind::Aborted, "cancelled")
    }

    pub fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }

    /// May a GET be sent again on its own? (POST/DELETE never are.)
    pub fn is_retryable(&self) -> bool {
        matches!(self.kind, ErrorKind::Network | ErrorKind::Timeout | ErrorKind::RateLimited | ErrorKind::Server)
    }

    /// Did the key's role forbid this? Used to make the dialog's role line definite.
    pub fn is_permission(&self) -> bool {
        self.kind == ErrorKind::Permission
    }

    /// A short sentence saying what happened, for people.
    pub fn title(&self) -> String {
        if let Some(known) = self.code.and_then(code_meaning) {
            return known.0.to_owned();
        }
        match self.kind {
            ErrorKind::Network => "Could not reach the API.".into(),
            ErrorKind::Timeout => "The API did not answer in time.".into(),
            ErrorKind::Aborted => "The request was cancelled.".into(),
            ErrorKind::Unauthorized => "The API key was rejected.".into(),
            ErrorKind::Permission => "Your API key's role does not allow this.".into(),
            ErrorKind::RateLimited => "Too many requests: the API asked us to slow down.".into(),
            // An error page instead of the API's JSON comes from whatever stands in front of it.
            ErrorKind::Server if self.error_page => format!(
                "A proxy or gateway between the console and the API answered with an error page (HTTP {}).",
                self.status.unwrap_or(502)
            ),
            ErrorKind::Server => format!("The API had an internal error (HTTP {}).", self.status.unwrap_or(500)),
            ErrorKind::NotFound => "Not found.".into(),
            ErrorKind::NotJson => {
                "The API sent something that is not JSON (perhaps an error page from a proxy).".into()
            }
            ErrorKind::BadShape => "The API's answer was not in the expected form.".into(),
            ErrorKind::Rejected if !self.message.is_empty() => format!("The API refused: {}", self.message),
            ErrorKind::Rejected => "The API refused the request.".into(),
            ErrorKind::Http => format!("The API answered HTTP {}.", self.status.unwrap_or(0)),
        }
    }

    /// What the person can do about it.
    pub fn action(&self) -> String {
        if let Some(known) = self.code.and_then(code_meaning) {
            return known.1.to_owned();
        }
        match self.kind {
            ErrorKind::Network => "Check your connection and the API base URL in Settings, then try again.".into(),
            ErrorKind::Timeout => "Try again; if it keeps happening, the API may be overloaded.".into(),
            ErrorKind::Aborted => String::new(),
            ErrorKind::Unauthorized => "Open Settings and enter a valid API key.".into(),
            ErrorKind::Permission => {
                "Ask an Organization Owner or Project Admin to do this, or to give your key a role with this privilege."
                    .into()
            }
            // Says what will happen: nothing, until the person tries again.
            ErrorKind::RateLimited => match self.retry_after_secs {
                Some(s) => format!("Wait {s} s, then try again."),
                None => "Wait a moment, then try again.".into(),
            },
            ErrorKind::Server if self.error_page => {
                "Try again in a minute; if it persists, the proxy or the API behind it is down.".into()
            }
            ErrorKind::Server => "Try again in a minute. If it persists, check the service status.".into(),
            ErrorKind::NotFound => "It may have been deleted. Go back to the list and refresh.".into(),
            ErrorKind::NotJson | ErrorKind::BadShape => {
                "Check that the API base URL in Settings points at the Zilliz Cloud API, then try again.".into()
            }
            ErrorKind::Rejected => "Check your choices and try again.".into(),
            ErrorKind::Http => "Try again; if it persists, check the API base URL in Settings.".into(),
        }
    }

    /// Technical details for the "details" toggle.
    pub fn details(&self) -> String {
        let mut parts = Vec::new();
        if let Some(s) = self.status {
            parts.push(format!("HTTP {s}"));
        }
        if let Some(c) = self.code {
            parts.push(format!("code {c}"));
        }
        if !self.message.is_empty() {
            parts.push(self.message.clone());
        }
        if !self.detail.is_empty() {
            parts.push(self.detail.clone());
        }
        parts.join(" · ")
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.title(), self.details())
    }
}

impl std::error::Error for ApiError {}

/// The kind an API `code` stands for, when it is not a plain rejection.
pub fn code_kind(code: i64) -> ErrorKind {
    match code {
        21119 | 80001 | 80002 => ErrorKind::Unauthorized,
        96012..=96016 | 96027 => ErrorKind::Permission,
        96018 | 96026 | 80020 => ErrorKind::NotFound,
        _ => ErrorKind::Rejected,
    }
}

/// Every documented code (docs/api-contract.md §6) with its meaning and the action to suggest.
pub fn code_meaning(code: i64) -> Option<(&'static str, &'static str)> {
    const FIX: &str = "Check your choices and try again.";
    const ADMIN: &str = "Ask an Organization Owner or Project Admin, or use a key with that role.";
    Some(match code {
        96000 => ("The cloud provider id is not valid.", FIX),
        96001 => ("The region id is not valid.", FIX),
        96002 => ("The CU size is not valid: it must be a positive number.", FIX),
        96003 => ("The CU type is not valid.", FIX),
        96004 => ("The dedicated plan is not valid.", FIX),
        96005 => ("The project id is not valid (it starts with proj-).", FIX),
        96006 => ("The duration is not a valid ISO-8601 duration.", FIX),
        96007 => ("The time is not a valid ISO-8601 UTC timestamp.", FIX),
        96008 => ("The page size must be between 1 and 100.", FIX),
        96009 => ("The page number is not valid.", FIX),
        96010 => ("The cluster name may contain only letters, digits and hyphens.", "Choose another name."),
        96011 => ("A valid period, or a start and an end time, is needed.", FIX),
        96012 => (
            "No permission on this project: it belongs to another organization than your API key.",
            "Use an API key of the project's organization.",
        ),
        96013 => ("No permission on this project: an Organization Owner or Project Owner is needed.", ADMIN),
        96014 => (
            "No permission on this cluster: it belongs to another organization than your API key.",
            "Use an API key of the cluster's organization.",
        ),
        96015 => ("No permission on this cluster: an Organization Owner or Project Admin is needed.", ADMIN),
        96016 => ("No permission on this cluster: your API key's scope does not include it.", ADMIN),
        96017 => ("A cluster with this name already exists in the project.", "Choose another name."),
        96018 => ("The cluster was not found.", "It may have been deleted. Go back to Clusters and refresh."),
        96019 => ("This region does not offer the Free plan.", "Choose another region."),
        96020 => ("This region does not offer the Serverless plan.", "Choose another region."),
        96021 => ("Free clusters cannot be backed up.", "Upgrade the cluster to a Dedicated cluster."),
        96022 => ("Serverless clusters cannot be backed up.", "Migrate to a Dedicated cluster."),
        96023 => ("This combination of CU type, CU size and plan does not exist.", FIX),
        96024 => ("The cluster's metrics could not be read.", "Try again later."),
        96025 => ("No cluster id was given.", FIX),
        96026 => ("The job was not found.", "Check the job id; jobs of another organization are not visible."),
        96027 => ("No permission on this project: your API key's scope does not include it.", ADMIN),
        96028 => (
            "This feature is only for clusters on the Enterprise plan or above.",
            "Upgrade the project's plan, or leave this option off.",
        ),
        96029 => ("The backup type is not valid (CLUSTER or COLLECTION).", FIX),
        96030 => ("The backup creation method is not valid (MANUAL or AUTO).", FIX),
        96031 => ("The restore policy is not valid: the collection status must be KEEP or RELEASE.", FIX),
        96032 => ("The backup frequency is not valid.", "Choose one or more days of the week."),
        96033 => ("The backup start time is not valid.", "Choose a two-hour window on the hour, in UTC."),
        96034 => ("The retention must be between 1 and 30 days.", FIX),
        96035 => ("The time range is not valid: the start must be before the end.", FIX),
        96036 => ("The cluster id is not valid.", FIX),
        96037 => ("The target collection status must be LOADED or UNLOADED.", FIX),
        96038 => (
            "The backup could not be created.",
            "Read the reason above; if a backup is already running, wait until it finishes.",
        ),
        96039 => ("The collection could not be restored.", "Read the reason above, then try again."),
        96040 => ("The cluster could not be restored.", "Read the reason above, then try again."),
        21119 => ("The API key was rejected.", "Open Settings and enter a valid API key."),
        80001 | 80002 => ("The API key or token is not valid.", "Open Settings and enter a valid API key."),
        80020 => ("The cluster does not exist, or its id is not valid.", "Go back to Clusters and refresh."),
        40013 => ("A cluster with this name already exists.", "Choose another name."),
        63104 => ("A project plan can only be upgraded, not downgraded.", "Choose a higher plan."),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_code_has_a_message_and_an_action() {
        for code in (96000..=96040).chain([21119, 40013, 63104, 80001, 80002, 80020]) {
            let (title, action) = code_meaning(code).unwrap_or_else(|| panic!("code {code} has no message"));
            assert!(title.ends_with('.') && !action.is_empty(), "{code}");
        }
        assert!(code_meaning(12345).is_none());
    }

    #[test]
    fn kinds_of_codes() {
        assert_eq!(code_kind(21119), ErrorKind::Unauthorized);
        for c in [96012, 96013, 96014, 96015, 96016, 96027] {
            assert_eq!(code_kind(c), ErrorKind::Permission);
        }
        assert_eq!(code_kind(96026), ErrorKind::NotFound);
        assert_eq!(code_kind(96038), ErrorKind::Rejected);
    }

    #[test]
    fn retryable_kinds() {
        assert!(ApiError::network("reset").is_retryable());
        assert!(ApiError::timeout(10_000).is_retryable());
        assert_eq!(ApiError::timeout(10_000).message, "no answer within 10 s");
        assert_eq!(ApiError::timeout(2_500).message, "no answer within 3 s");
        assert!(!ApiError::new(ErrorKind::Unauthorized, "").is_retryable());
        assert!(!ApiError::new(ErrorKind::Rejected, "").is_retryable());
    }

    #[test]
    fn rate_limit_action_names_the_wait_and_promises_nothing() {
        let mut e = ApiError::new(ErrorKind::RateLimited, "");
        e.retry_after_secs = Some(3);
        assert_eq!(e.action(), "Wait 3 s, then try again.");
        e.retry_after_secs = None;
        assert_eq!(e.action(), "Wait a moment, then try again.");
        assert!(!e.action().contains("will retry"));
    }

    #[test]
    fn an_error_page_from_a_proxy_says_so() {
        let mut proxy = ApiError::new(ErrorKind::Server, "").with_status(502);
        proxy.error_page = true;
        assert_eq!(
            proxy.title(),
            "A proxy or gateway between the console and the API answered with an error page (HTTP 502)."
        );
        assert!(!proxy.title().contains("internal error"));
        assert!(proxy.is_retryable());
        let api = ApiError::new(ErrorKind::Server, "").with_status(500);
        assert_eq!(api.title(), "The API had an internal error (HTTP 500).");
        // A 200 that is not JSON is still "not the API".
        let odd = ApiError::new(ErrorKind::NotJson, "").with_status(200);
        assert!(odd.title().contains("not JSON"), "{}", odd.title());
        assert!(odd.action().contains("API base URL"));
    }
}
