//! Reusable view pieces.
pub mod backup_table;
pub mod cluster_table;
pub mod create_backup;
pub mod data_table;
pub mod error_panel;
pub mod header;
pub mod job_table;
pub mod lazy_view;
pub mod needs_key;
pub mod status_badge;
pub mod toasts;
