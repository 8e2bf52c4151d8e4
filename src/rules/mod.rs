//! Plain-Rust rules (no web-sys, no Leptos): decisions the views only render.
pub mod backoff;
pub mod format;
pub mod rate_limit;
