//! Talking to the signing proxy: the HTTP client, error mapping and retry policy.

pub mod client;
pub mod error;
pub mod retry;
