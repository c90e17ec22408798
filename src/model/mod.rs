//! Pure logic with no browser in it, tested natively with `cargo test`: date reasoning, the
//! listing and its paging, sorting and filtering, text formatting.

pub mod batching;
pub mod bulk_run;
pub mod clock;
pub mod deadline;
pub mod dropped_filter;
pub mod fleet_scan;
pub mod format;
pub mod gone_batch;
pub mod listing;
pub mod reorder;
pub mod search_steps;
pub mod secret_link;
pub mod secret_row;
pub mod selection;
pub mod table_view;
pub mod target;
#[cfg(test)]
pub mod test_rows;
pub mod time_units;
pub mod view_url;
