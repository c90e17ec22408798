//! Lengths of time in milliseconds, the unit of every date and duration in the model (what
//! JavaScript's `Date` counts in).

pub const MINUTE_MS: f64 = 60_000.0;
pub const HOUR_MS: f64 = 60.0 * MINUTE_MS;
pub const DAY_MS: f64 = 24.0 * HOUR_MS;
