//! Plain-Rust rules (no web-sys, no Leptos): decisions the views only render.
pub mod backoff;
pub mod backup_form;
pub mod cost;
pub mod eligibility;
pub mod format;
pub mod job_register;
pub mod polling;
pub mod rate_limit;
pub mod time;
