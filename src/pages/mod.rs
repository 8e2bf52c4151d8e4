//! One file per route.
pub mod backup;
pub mod backups;
pub mod cluster;
pub mod clusters;
pub mod jobs;
pub mod not_found;
pub mod settings;
