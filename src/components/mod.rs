//! The views. Each file is one part of the page; state and behaviour come from `state::Dashboard`.

pub mod app;
pub mod backdrop;
pub mod bulk_dialog;
pub mod link_notice;
pub mod live_region;
pub mod page_header;
pub mod restore_dialog;
pub mod row_list;
pub mod scan_status;
pub mod secrets_table;
pub mod selection_bar;
pub mod toolbar;
