//! Every place in the console as a type: the router matches these segments (`lib.rs`) and every
//! link is written by `Route::href`, so a route is spelt in this file only.

use crate::rules::format::percent_encode;

/// Path segments, shared by the router and `href`.
pub const CLUSTERS: &str = "clusters";
pub const BACKUPS: &str = "backups";
pub const JOBS: &str = "jobs";
pub const SETTINGS: &str = "settings";
/// The parameter of an id segment (`/clusters/:id`, `/jobs/:id`).
pub const ID: &str = "id";
/// The backup's parameter in `/clusters/:id/backups/:backup`.
pub const BACKUP_ID: &str = "backup";
/// The section of a cluster's page where the Upgrade fix lands.
pub const UPGRADE_SECTION: &str = "upgrade";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Clusters,
    Cluster(String),
    /// A cluster's page at "Backups need a Dedicated cluster".
    ClusterUpgrade(String),
    Backups,
    /// A backup's details: (cluster id, backup id).
    Backup(String, String),
    Jobs,
    Job(String),
    Settings,
}

impl Route {
    /// The link to this place. Ids come from the network: each is one percent-encoded segment,
    /// so none can reshape the URL.
    pub fn href(&self) -> String {
        match self {
            Route::Clusters => format!("/{CLUSTERS}"),
            Route::Cluster(id) => format!("/{CLUSTERS}/{}", percent_encode(id)),
            Route::ClusterUpgrade(id) => format!("/{CLUSTERS}/{}#{UPGRADE_SECTION}", percent_encode(id)),
            Route::Backups => format!("/{BACKUPS}"),
            Route::Backup(cluster, backup) => {
                format!("/{CLUSTERS}/{}/{BACKUPS}/{}", percent_encode(cluster), percent_encode(backup))
            }
            Route::Jobs => format!("/{JOBS}"),
            Route::Job(id) => format!("/{JOBS}/{}", percent_encode(id)),
            Route::Settings => format!("/{SETTINGS}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hrefs() {
        assert_eq!(Route::Clusters.href(), "/clusters");
        assert_eq!(Route::Cluster("in01-3f9a1c7e5b2d401".into()).href(), "/clusters/in01-3f9a1c7e5b2d401");
        assert_eq!(Route::ClusterUpgrade("in03-x".into()).href(), "/clusters/in03-x#upgrade");
        assert_eq!(Route::Backups.href(), "/backups");
        assert_eq!(
            Route::Backup("in01-a".into(), "backup1_0b9d15a0dde".into()).href(),
            "/clusters/in01-a/backups/backup1_0b9d15a0dde"
        );
        assert_eq!(Route::Backup("in01-a".into(), "x/y".into()).href(), "/clusters/in01-a/backups/x%2Fy");
        assert_eq!(Route::Jobs.href(), "/jobs");
        assert_eq!(Route::Settings.href(), "/settings");
        // An id that would reshape the URL stays one segment.
        assert_eq!(Route::Job("job-1/../x?y#z".into()).href(), "/jobs/job-1%2F..%2Fx%3Fy%23z");
        assert_eq!(percent_encode("in01-abc_1.2~"), "in01-abc_1.2~");
        assert_eq!(percent_encode("a/b?c#d é"), "a%2Fb%3Fc%23d%20%C3%A9");
    }
}
