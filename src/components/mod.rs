//! Reusable view pieces.
pub mod cluster_table;
pub mod error_panel;
pub mod header;
pub mod needs_key;
pub mod status_badge;
