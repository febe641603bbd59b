//! Client and admin HTTP routes and their JSON types.
//!
//! The API talks to the node only through a [`NodeHandle`](crate::node::NodeHandle); it
//! never touches the core. Every failure leaves here as an [`ApiError`]: a status code and
//! a JSON body, including unknown routes, wrong methods, malformed input and oversized
//! bodies.

pub mod admin;
pub mod auth;
pub mod error;
mod guard;
mod routes;
pub mod server;
pub mod types;

pub use error::{ApiError, ErrorBody, ErrorDetail};
pub use guard::{BodyTimeouts, CLIENT_BODY_LIMIT, MAX_HEADER_BYTES, MAX_URI_BYTES};
pub use routes::{peer_only_router, router, MAX_KEY_BYTES, MAX_VALUE_BYTES};
pub use server::{open_file_limit, serve_http, HttpSettings};
