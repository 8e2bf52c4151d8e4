//! App-wide state provided through context.
pub mod connection;
pub mod settings;

pub use connection::Connection;
