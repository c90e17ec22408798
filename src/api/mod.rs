//! Talking to the signing proxy: the HTTP client, error mapping, retry
//! policy, and checking a restore whose answer was lost.

pub mod client;
pub mod error;
pub mod restore_check;
pub mod retry;
