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

/// The path the console is served under: "" at a host's root, "/backup-console" under a
/// sub-path. Read once at start from the document's `<base href>` (which an operator sets when
/// deploying, no rebuild), so every link carries it; "" until then (native tests).
static BASE: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Sets the base path once, from the document's base URL ("http://host/backup-console/").
pub fn set_base(base_url: &str) {
    let _ = BASE.set(base_path_of(base_url));
}

/// The directory of a URL's path without its last slash: what relative URLs resolve against.
fn base_path_of(url: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = after_scheme.find('/').map_or("", |i| &after_scheme[i..]);
    let path = path.split(['?', '#']).next().unwrap_or_default();
    path[..path.rfind('/').unwrap_or(0)].to_owned()
}

/// The base path without its trailing slash ("" at the root).
pub fn base() -> &'static str {
    BASE.get().map_or("", String::as_str)
}

impl Route {
    /// The link to this place, as the address bar shows it (with the base path): for `<a>`,
    /// notices and anything copied. Ids come from the network: each is one percent-encoded
    /// segment, so none can reshape the URL.
    pub fn href(&self) -> String {
        format!("{}{}", base(), self.path())
    }

    /// The place inside the console, without the base path: for the router's own `<A>`,
    /// `navigate` and `Redirect`, which add the base themselves.
    pub fn path(&self) -> String {
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
        assert_eq!(base_path_of("http://127.0.0.1:8080/"), "");
        assert_eq!(base_path_of("https://ops.example.com/backup-console/"), "/backup-console");
        assert_eq!(base_path_of("https://ops.example.com/a/b/index.html?x=/y#z"), "/a/b");
        assert_eq!(base_path_of("http://127.0.0.1:18182"), "");
        // Without a base (the root), the link and the router's path are the same.
        assert_eq!(Route::Job("j".into()).path(), Route::Job("j".into()).href());
    }
}
