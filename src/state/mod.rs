//! App-wide state provided through context.
pub mod connection;
pub mod jobs;
pub mod roles;
pub mod settings;
pub mod toasts;

pub use connection::Connection;
