//! How often a running scan hands listed pages to the table. Each hand-over adds rows across
//! the sorted table, and the browser then lays out and paints the rows that moved: with a fleet
//! of 12 targets streaming in, that work kept the page from sending the next requests (answers
//! waited ~100 ms behind it, docs/benchmarks.md section 5). So the table is updated at most every
//! [`BATCH_INTERVAL_MS`], and no sooner than [`COST_FACTOR`] times what drawing the last
//! hand-over took, which keeps the main thread free most of the time whatever the table's size.

/// The shortest interval between two hand-overs.
pub const BATCH_INTERVAL_MS: f64 = 120.0;
/// The interval after a hand-over, at least, as a multiple of what drawing it cost.
pub const COST_FACTOR: f64 = 3.0;

/// The least time from a hand-over to the next, given what drawing it cost (from the rows being
/// added to the frame that showed them painted).
pub fn interval_after(cost_ms: f64) -> f64 {
    BATCH_INTERVAL_MS.max(COST_FACTOR * cost_ms)
}

/// How long a page arriving now waits before the table may be updated: nothing if it has not
/// been yet (the first rows show at once), else the rest of the interval since the last update.
pub fn wait_ms(last_flush: Option<f64>, interval: f64, now: f64) -> f64 {
    last_flush.map_or(0.0, |at| (interval - (now - at)).max(0.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cheap_hand_overs_keep_the_base_interval() {
        assert_eq!(interval_after(0.0), BATCH_INTERVAL_MS);
        assert_eq!(interval_after(39.0), BATCH_INTERVAL_MS);
        // A clock that went back, or no measurement at all.
        assert_eq!(interval_after(-5.0), BATCH_INTERVAL_MS);
        assert_eq!(interval_after(f64::NAN), BATCH_INTERVAL_MS);
    }

    #[test]
    fn costly_hand_overs_space_the_next_out() {
        assert_eq!(interval_after(100.0), 300.0);
        assert_eq!(interval_after(250.0), 750.0);
    }

    #[test]
    fn the_first_page_is_drawn_at_once_and_later_ones_wait_out_the_interval() {
        assert_eq!(wait_ms(None, 300.0, 1_000.0), 0.0);
        assert_eq!(wait_ms(Some(1_000.0), 300.0, 1_100.0), 200.0);
        assert_eq!(wait_ms(Some(1_000.0), 300.0, 1_300.0), 0.0);
        assert_eq!(wait_ms(Some(1_000.0), 120.0, 5_000.0), 0.0);
    }
}
