//! Which rows can stay where they are in the DOM when the table's order changes.
//!
//! Leptos' keyed `<For>` moves every row that shifted past a newly inserted one (thousands of DOM
//! moves while a scan inserts rows across a sorted table). Keeping the longest run of rows that
//! are already in the right relative order, and moving only the others, is the fewest moves
//! possible; new rows are inserted in place.

/// For each row of the new order, where it was in the old order (`None` for a new row), gives
/// whether it can stay put: the rows of one longest increasing subsequence of old positions.
pub fn rows_that_stay(old_positions: &[Option<usize>]) -> Vec<bool> {
    // Patience sorting: `tails[k]` is the index (into `old_positions`) of the smallest old
    // position that ends an increasing run of length k + 1; `previous` links each run back.
    let mut tails: Vec<usize> = Vec::new();
    let mut previous: Vec<Option<usize>> = vec![None; old_positions.len()];
    for (i, position) in old_positions.iter().enumerate() {
        let Some(position) = *position else { continue };
        let k = tails.partition_point(|&t| old_positions[t].is_some_and(|p| p < position));
        previous[i] = k.checked_sub(1).map(|k| tails[k]);
        if k == tails.len() {
            tails.push(i);
        } else {
            tails[k] = i;
        }
    }
    let mut stays = vec![false; old_positions.len()];
    let mut at = tails.last().copied();
    while let Some(i) = at {
        stays[i] = true;
        at = previous[i];
    }
    stays
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moved(old_positions: &[Option<usize>]) -> usize {
        let stays = rows_that_stay(old_positions);
        old_positions
            .iter()
            .zip(&stays)
            .filter(|(p, stays)| p.is_some() && !**stays)
            .count()
    }

    #[test]
    fn insertions_move_nothing() {
        // Old rows 0..5 with new rows between them: every old row keeps its place.
        let order = [
            None,
            Some(0),
            None,
            Some(1),
            Some(2),
            None,
            None,
            Some(3),
            Some(4),
            None,
        ];
        let stays = rows_that_stay(&order);
        assert_eq!(moved(&order), 0);
        assert!(order.iter().zip(&stays).all(|(p, s)| p.is_some() == *s));
    }

    #[test]
    fn one_row_moving_far_is_one_move() {
        assert_eq!(moved(&[Some(1), Some(2), Some(3), Some(4), Some(0)]), 1);
        assert_eq!(moved(&[Some(4), Some(0), Some(1), Some(2), Some(3)]), 1);
    }

    #[test]
    fn a_reversal_keeps_one_row() {
        let order: Vec<_> = (0..6).rev().map(Some).collect();
        assert_eq!(moved(&order), 5);
    }

    #[test]
    fn the_kept_rows_are_in_increasing_old_order() {
        let order = [
            Some(3),
            Some(1),
            None,
            Some(4),
            Some(0),
            Some(5),
            Some(2),
            Some(6),
        ];
        let stays = rows_that_stay(&order);
        let kept: Vec<usize> = order
            .iter()
            .zip(&stays)
            .filter_map(|(p, s)| if *s { *p } else { None })
            .collect();
        assert!(kept.windows(2).all(|w| w[0] < w[1]), "{kept:?}");
        assert_eq!(kept.len(), 4, "{kept:?}"); // e.g. 1, 4, 5, 6
    }

    #[test]
    fn empty_and_all_new() {
        assert!(rows_that_stay(&[]).is_empty());
        assert_eq!(rows_that_stay(&[None, None]), vec![false, false]);
    }
}
