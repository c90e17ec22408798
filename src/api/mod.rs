//! Talking to the signing proxy: the HTTP client, the list worker's feed, error mapping and
//! retry policy.

pub mod client;
pub mod error;
pub mod list_feed;
pub mod retry;
