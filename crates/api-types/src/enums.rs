//! Enumerations of the API. Each keeps values it does not know as `Unknown(raw)`, so a new
//! server-side value is shown as its text instead of failing the whole response.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! api_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $wire:literal $(| $alias:literal)* => $label:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $($variant,)+
            /// A value this console does not know, kept verbatim.
            Unknown(String),
        }

        impl $name {
            /// Every known value, in documentation order.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),+];

            /// Accepts the documented spelling and every known alias, ignoring ASCII case.
            pub fn parse(raw: &str) -> Self {
                let s = raw.trim();
                $(
                    if s.eq_ignore_ascii_case($wire) $(|| s.eq_ignore_ascii_case($alias))* {
                        return Self::$variant;
                    }
                )+
                Self::Unknown(raw.to_owned())
            }

            /// The documented wire spelling (or the raw text for unknown values).
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)+
                    Self::Unknown(s) => s,
                }
            }

            /// A short label for people.
            pub fn label(&self) -> &str {
                match self {
                    $(Self::$variant => $label,)+
                    Self::Unknown(s) if s.is_empty() => "Unknown",
                    Self::Unknown(s) => s,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                // Any JSON value is accepted: a number or null becomes Unknown with its text.
                Ok(match $crate::lenient::Loose::deserialize(d)? {
                    $crate::lenient::Loose::Str(s) => Self::parse(&s),
                    $crate::lenient::Loose::Null => Self::Unknown(String::new()),
                    other => Self::Unknown(other.text().unwrap_or_else(|| other.kind().to_owned())),
                })
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::Unknown(String::new())
            }
        }
    };
}

api_enum! {
    /// Cluster status. The API's raw STOPPING/STOPPED are what the console calls
    /// suspending/suspended; both spellings are accepted (docs/api-contract.md §9.8).
    ClusterStatus {
        Creating = "CREATING" => "Creating",
        Initializing = "INITIALIZING" => "Initializing",
        Running = "RUNNING" => "Running",
        Stopping = "STOPPING" | "SUSPENDING" => "Suspending",
        Stopped = "STOPPED" | "SUSPENDED" => "Suspended",
        Resuming = "RESUMING" => "Resuming",
        Modifying = "MODIFYING" => "Modifying",
        Restoring = "RESTORING" => "Restoring",
        Deleting = "DELETING" => "Deleting",
        Deleted = "DELETED" => "Deleted",
    }
}

api_enum! {
    /// A cluster's `plan` field: a billing plan for Dedicated clusters, or the tier name for
    /// Free/Serverless ones (a Free cluster may be reported as "Serverless", docs/api-contract.md §9.7).
    Plan {
        Free = "Free" => "Free",
        Serverless = "Serverless" => "Serverless",
        Standard = "Standard" => "Standard",
        Enterprise = "Enterprise" => "Enterprise",
        BusinessCritical = "BusinessCritical" | "Business Critical" | "Business_Critical" => "Business Critical",
    }
}

api_enum! {
    BackupType {
        Cluster = "CLUSTER" => "Cluster",
        Collection = "COLLECTION" => "Collection",
    }
}

api_enum! {
    CreationMethod {
        Manual = "MANUAL" => "Manual",
        Auto = "AUTO" => "Automatic",
    }
}

api_enum! {
    /// Backup status: CREATING and AVAILABLE are documented; the rest are accepted for safety.
    BackupStatus {
        Creating = "CREATING" => "Creating",
        Available = "AVAILABLE" => "Available",
        Deleting = "DELETING" => "Deleting",
        Failed = "FAILED" => "Failed",
        Cancelling = "CANCELLING" | "CANCELING" => "Cancelling",
        Cancelled = "CANCELLED" | "CANCELED" => "Cancelled",
    }
}

api_enum! {
    JobStatus {
        Pending = "PENDING" => "Pending",
        InProgress = "IN_PROGRESS" | "IN PROGRESS" | "INPROGRESS" | "RUNNING" => "In progress",
        Successful = "SUCCESSFUL" | "SUCCESS" | "SUCCEEDED" => "Successful",
        Failed = "FAILED" | "ERROR" => "Failed",
        Canceling = "CANCELING" | "CANCELLING" => "Canceling",
        Canceled = "CANCELED" | "CANCELLED" => "Canceled",
    }
}

impl JobStatus {
    /// Terminal states are never polled again. Unknown values are treated as not terminal,
    /// but the poller gives them a slow interval.
    pub fn is_terminal(&self) -> bool {
        matches!(self, Self::Successful | Self::Failed | Self::Canceled)
    }
}

api_enum! {
    PolicyStatus {
        Enabled = "ENABLED" => "Enabled",
        Disabled = "DISABLED" => "Disabled",
    }
}

api_enum! {
    OrgType {
        Saas = "SAAS" => "SaaS",
        Byoc = "BYOC" => "BYOC",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_and_case_are_accepted() {
        assert_eq!(ClusterStatus::parse("SUSPENDED"), ClusterStatus::Stopped);
        assert_eq!(ClusterStatus::parse("stopped"), ClusterStatus::Stopped);
        assert_eq!(CreationMethod::parse("manual"), CreationMethod::Manual);
        assert_eq!(JobStatus::parse("CANCELLED"), JobStatus::Canceled);
        assert_eq!(Plan::parse("BusinessCritical"), Plan::BusinessCritical);
    }

    #[test]
    fn unknown_values_are_kept_verbatim() {
        let s: ClusterStatus = serde_json::from_str("\"HIBERNATING\"").unwrap();
        assert_eq!(s, ClusterStatus::Unknown("HIBERNATING".into()));
        assert_eq!(s.label(), "HIBERNATING");
        let n: JobStatus = serde_json::from_str("42").unwrap();
        assert_eq!(n.as_str(), "42");
        let z: JobStatus = serde_json::from_str("null").unwrap();
        assert_eq!(z.label(), "Unknown");
    }

    #[test]
    fn serialises_the_documented_spelling() {
        assert_eq!(serde_json::to_string(&ClusterStatus::parse("SUSPENDED")).unwrap(), "\"STOPPED\"");
        assert_eq!(serde_json::to_string(&JobStatus::InProgress).unwrap(), "\"IN_PROGRESS\"");
    }

    #[test]
    fn terminal_job_states() {
        let terminal: Vec<_> = JobStatus::KNOWN.iter().filter(|s| s.is_terminal()).map(|s| s.as_str()).collect();
        assert_eq!(terminal, ["SUCCESSFUL", "FAILED", "CANCELED"]);
        assert!(!JobStatus::Unknown("X".into()).is_terminal());
    }
}
