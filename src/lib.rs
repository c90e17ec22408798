//! Undelete: a dashboard of AWS Secrets Manager secrets scheduled for deletion, with a safe,
//! confirmed "cancel deletion" per secret.
//!
//! - `wire`: AWS JSON 1.1 request/response types.
//! - `api`: the HTTP client for the signing proxy, error mapping, retry policy.
//! - `model`: pure logic (dates, listing, sorting, filtering), tested natively.
//! - `state`: reactive state and the scan/restore controllers.
//! - `bulk`: the selection and the bulk Cancel deletion.
//! - `links`: the view in the address, and links that open a secret's restore.
//! - `components`: the views.
//! - `browser`: thin wrappers over browser APIs.

pub mod api;
pub mod browser;
pub mod bulk;
pub mod components;
pub mod links;
pub mod model;
pub mod state;
pub mod wire;

/// Mounts the app on `<body>`. The `undelete:app-mounted` mark tells apart, in `make bench`'s
/// time to the first row, waiting for the app from waiting for the first page.
pub fn start() {
    leptos::mount::mount_to_body(components::app::App);
    browser::mark("undelete:app-mounted");
}
