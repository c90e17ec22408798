//! The rows a bulk restore brought back, waiting to leave the table together.
//!
//! Every row that leaves re-sorts the table, re-lays it out and re-runs each row's checkbox
//! (they all watch the one selection). Done once per answer, that work kept the main thread
//! busy enough that answers waited behind it and the next restores left late. Behind the modal
//! dialog nobody reads the table row by row: the first row leaves at once (the run is seen to
//! work), the rest in batches, and the last batch as soon as the run ends.

/// How long restored rows wait, at most, before they leave the table together.
pub const BATCH_EVERY_MS: f64 = 500.0;

#[derive(Debug, Default)]
pub struct GoneBatch {
    waiting: Vec<String>,
    /// When rows last left the table in this run; `None` before the first.
    last_left_at: Option<f64>,
}

impl GoneBatch {
    /// A new run: its first restored row leaves at once.
    pub fn restart(&mut self) {
        self.last_left_at = None;
    }

    pub fn push(&mut self, id: String) {
        self.waiting.push(id);
    }

    /// Whether no row of this run has left the table yet.
    pub fn none_left(&self) -> bool {
        self.last_left_at.is_none()
    }

    pub fn is_waiting(&self) -> bool {
        !self.waiting.is_empty()
    }

    /// The rows to take out of the table now, if it is time: the first of a run, a batch every
    /// [`BATCH_EVERY_MS`], or everything once the run is over.
    pub fn take_due(&mut self, now_ms: f64, run_over: bool) -> Vec<String> {
        let due = run_over
            || self
                .last_left_at
                .is_none_or(|at| now_ms - at >= BATCH_EVERY_MS);
        if !due || self.waiting.is_empty() {
            return Vec::new();
        }
        self.last_left_at = Some(now_ms);
        std::mem::take(&mut self.waiting)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_row_leaves_at_once_then_rows_leave_in_batches() {
        let mut b = GoneBatch::default();
        assert!(b.take_due(0.0, false).is_empty(), "nothing waits");
        assert!(b.none_left());
        b.push("a".into());
        assert_eq!(b.take_due(10.0, false), ["a"]);
        assert!(!b.none_left());
        b.push("b".into());
        b.push("c".into());
        assert!(b.take_due(10.0 + BATCH_EVERY_MS - 1.0, false).is_empty());
        assert!(b.is_waiting());
        assert_eq!(b.take_due(10.0 + BATCH_EVERY_MS, false), ["b", "c"]);
        assert!(!b.is_waiting());
    }

    #[test]
    fn everything_leaves_once_the_run_is_over() {
        let mut b = GoneBatch::default();
        b.push("a".into());
        b.take_due(0.0, false);
        b.push("b".into());
        assert_eq!(b.take_due(1.0, true), ["b"]);
    }

    #[test]
    fn a_new_run_starts_with_a_row_leaving_at_once() {
        let mut b = GoneBatch::default();
        b.push("a".into());
        b.take_due(100.0, false);
        b.restart();
        b.push("b".into());
        assert_eq!(b.take_due(101.0, false), ["b"]);
    }
}
