//! The console's API client: one async function per endpoint (see `client.rs`); models, decoding
//! and error messages come from the `api-types` crate.
pub mod client;
pub mod key;
pub(crate) mod transport;

pub use api_types::{ApiError, ErrorKind};
pub use client::ApiClient;
