//! The Zilliz Cloud control-plane API v2 as the console sees it.
//!
//! Everything that arrives from the network is untrusted: [`decode::decode_response`] is the one
//! entry point that turns (status, headers, body) into a typed value or an [`ApiError`] a person
//! can act on, and it never panics. Models are tolerant of the documented inconsistencies
//! (see `docs/api-contract.md` §9): unknown enum values are kept as text, numbers
//! may arrive as strings, `null` means "not given".

pub mod decode;
pub mod enums;
pub mod error;
mod lenient;
pub mod models;

pub use decode::{DataSpan, check_response, decode_data, decode_response};
pub use enums::*;
pub use error::{ApiError, ErrorKind};
pub use models::*;
