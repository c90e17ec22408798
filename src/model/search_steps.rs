//! How a search's effect on a long table is spread over frames.
//!
//! Search hides the rows that do not match. Showing or hiding a couple of thousand rows at once
//! costs the browser 40–80 ms of style and layout in the frame that answers the key, so a change
//! that touches many rows is made in steps: the first step goes down the table until the rows a
//! screen can hold are right (what the user sees with the table scrolled to the top), and each
//! later step, one per frame, changes at most [`CHANGES_PER_STEP`] rows. The match count is right
//! at once either way; only rows below the screen catch up over the next frames.

/// Matching rows the first step gets right: more than a tall screen shows.
pub const FIRST_SCREEN_ROWS: usize = 60;
/// Rows a later step shows or hides (about 5 ms of the browser's style and layout here).
pub const CHANGES_PER_STEP: usize = 250;

/// A table row as the search sees it.
pub trait SearchedRow {
    /// Whether the current search shows this row.
    fn wanted(&self) -> bool;
    /// Whether the row is shown now.
    fn shown(&self) -> bool;
    fn set_shown(&mut self, shown: bool);
}

/// Which step of a search this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// In the frame that answers the key: every row at once if that is few changes, else the
    /// rows at the top of the table.
    First,
    /// A later frame: the next [`CHANGES_PER_STEP`] changes.
    Next,
}

/// Shows and hides `rows[from..]`, in table order, as far as `step` goes. Returns where the next
/// step starts (which may find nothing left to do), or `None` once every row is as the search
/// wants.
pub fn apply_step<R: SearchedRow>(rows: &mut [R], from: usize, step: Step) -> Option<usize> {
    let from = from.min(rows.len());
    let pending = |r: &R| r.wanted() != r.shown();
    // How many changes, and how many wanted rows, this step goes through.
    let (changes, wanted_rows) = match step {
        Step::First if rows[from..].iter().filter(|r| pending(r)).count() > CHANGES_PER_STEP => {
            (usize::MAX, FIRST_SCREEN_ROWS)
        }
        Step::First => (usize::MAX, usize::MAX),
        Step::Next => (CHANGES_PER_STEP, usize::MAX),
    };
    let (mut changed, mut wanted_seen) = (0, 0);
    for (i, row) in rows.iter_mut().enumerate().skip(from) {
        if changed >= changes || wanted_seen >= wanted_rows {
            return Some(i);
        }
        let wanted = row.wanted();
        if pending(row) {
            row.set_shown(wanted);
            changed += 1;
        }
        wanted_seen += usize::from(wanted);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq)]
    struct Row {
        wanted: bool,
        shown: bool,
        sets: usize,
    }

    impl SearchedRow for Row {
        fn wanted(&self) -> bool {
            self.wanted
        }
        fn shown(&self) -> bool {
            self.shown
        }
        fn set_shown(&mut self, shown: bool) {
            self.shown = shown;
            self.sets += 1;
        }
    }

    /// `n` rows, all shown now; the search wants every `every`-th.
    fn table(n: usize, every: usize) -> Vec<Row> {
        (0..n)
            .map(|i| Row {
                wanted: i % every == 0,
                shown: true,
                sets: 0,
            })
            .collect()
    }

    fn right(rows: &[Row]) -> usize {
        rows.iter().filter(|r| r.wanted == r.shown).count()
    }

    #[test]
    fn few_changes_are_made_at_once() {
        let mut rows = table(300, 2);
        assert_eq!(apply_step(&mut rows, 0, Step::First), None);
        assert_eq!(right(&rows), 300);
        assert_eq!(rows.iter().map(|r| r.sets).sum::<usize>(), 150);
    }

    #[test]
    fn many_changes_start_with_the_top_of_the_table_then_go_on_a_step_at_a_time() {
        // 2,000 rows, every 4th wanted: 1,500 to hide.
        let mut rows = table(2000, 4);
        let next = apply_step(&mut rows, 0, Step::First).expect("more steps");
        // The first 60 wanted rows and every row between them are right; nothing below is touched.
        assert_eq!(
            rows[..next].iter().filter(|r| r.wanted).count(),
            FIRST_SCREEN_ROWS
        );
        assert_eq!(right(&rows[..next]), next);
        assert!(rows[next..].iter().all(|r| r.sets == 0));
        let mut at = Some(next);
        let mut steps = 1;
        while let Some(from) = at {
            at = apply_step(&mut rows, from, Step::Next);
            assert!(at.is_none_or(|next| next > from));
            steps += 1;
        }
        assert_eq!(right(&rows), 2000);
        // Each row changed once: the first step's 177, then the other 1,323 in steps of 250.
        assert!(rows.iter().all(|r| r.sets <= 1));
        assert_eq!(steps, 1 + 6);
    }

    #[test]
    fn showing_every_row_again_is_spread_the_same_way() {
        let mut rows = table(2000, 1);
        for row in rows.iter_mut() {
            row.shown = false;
        }
        let next = apply_step(&mut rows, 0, Step::First).expect("more steps");
        assert_eq!(next, FIRST_SCREEN_ROWS);
        let next = apply_step(&mut rows, next, Step::Next).expect("more steps");
        assert_eq!(next, FIRST_SCREEN_ROWS + CHANGES_PER_STEP);
    }

    #[test]
    fn the_last_step_ends_where_nothing_below_needs_changing() {
        // Only the top 300 rows change: the second step makes the other 240 changes and ends.
        let mut rows = table(2000, 1);
        for row in rows.iter_mut().take(300) {
            row.shown = false;
        }
        let next = apply_step(&mut rows, 0, Step::First);
        assert_eq!(next, Some(FIRST_SCREEN_ROWS));
        assert_eq!(apply_step(&mut rows, FIRST_SCREEN_ROWS, Step::Next), None);
        assert_eq!(right(&rows), 2000);
        assert_eq!(rows.iter().map(|r| r.sets).sum::<usize>(), 300);
    }

    #[test]
    fn a_start_past_the_end_is_the_end() {
        let mut rows = table(10, 2);
        assert_eq!(apply_step(&mut rows, 50, Step::Next), None);
        assert_eq!(apply_step(&mut rows, 50, Step::First), None);
        assert_eq!(apply_step::<Row>(&mut [], 0, Step::First), None);
    }
}
