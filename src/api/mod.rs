//! Client and admin HTTP routes (SPEC §2) and their JSON types.
//!
//! Every failure leaves here as an [`ApiError`]: a status code and a JSON body.

pub mod error;
pub mod types;

pub use error::{ApiError, ErrorBody, ErrorDetail};
