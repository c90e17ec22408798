//! Filtering and sorting of the rows the table shows.

use std::cmp::Ordering;
use std::sync::Arc;

use crate::model::secret_row::SecretRow;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortColumn {
    Name,
    DeletionDate,
    TimeLeft,
    LastChanged,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Ascending,
    Descending,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub column: SortColumn,
    pub direction: Direction,
}

impl Default for Sort {
    /// Most urgent first: what someone fixing an outage needs to see.
    fn default() -> Self {
        Sort {
            column: SortColumn::TimeLeft,
            direction: Direction::Ascending,
        }
    }
}

impl Sort {
    /// The sort after clicking `column`'s header: the same column flips, another starts ascending
    /// (newest first for "Last changed").
    pub fn toggled(self, column: SortColumn) -> Sort {
        if self.column == column {
            let direction = match self.direction {
                Direction::Ascending => Direction::Descending,
                Direction::Descending => Direction::Ascending,
            };
            Sort { column, direction }
        } else {
            let direction = match column {
                SortColumn::LastChanged => Direction::Descending,
                _ => Direction::Ascending,
            };
            Sort { column, direction }
        }
    }

    /// The `aria-sort` value for `column`'s header.
    pub fn aria_sort(self, column: SortColumn) -> &'static str {
        match (self.column == column, self.direction) {
            (false, _) => "none",
            (true, Direction::Ascending) => "ascending",
            (true, Direction::Descending) => "descending",
        }
    }
}

/// Splits a search query into lower-cased terms.
pub fn query_terms(query: &str) -> Vec<String> {
    query.split_whitespace().map(str::to_lowercase).collect()
}

/// The rows to show: those matching `query`, in `sort` order.
pub fn visible_rows(rows: &[Arc<SecretRow>], query: &str, sort: Sort) -> Vec<Arc<SecretRow>> {
    let terms = query_terms(query);
    matching(&sorted_rows(rows, sort), &terms)
        .cloned()
        .collect()
}

/// The rows that match every search term, in their given order.
pub fn matching<'a>(
    rows: &'a [Arc<SecretRow>],
    terms: &'a [String],
) -> impl Iterator<Item = &'a Arc<SecretRow>> {
    rows.iter().filter(move |r| r.matches(terms))
}

/// All rows in `sort` order (ties broken by name, then ARN). Rows without the sorted value go
/// last in either direction. The table renders these once and hides the ones a search excludes,
/// which is far cheaper for the browser than removing and re-creating thousands of rows.
pub fn sorted_rows(rows: &[Arc<SecretRow>], sort: Sort) -> Vec<Arc<SecretRow>> {
    let key = |row: &SecretRow| -> Option<f64> {
        match sort.column {
            SortColumn::Name => None,
            SortColumn::DeletionDate => row.deadline().shown_date(),
            SortColumn::TimeLeft => row.deadline().soonest_purge(),
            SortColumn::LastChanged => row.last_changed,
        }
    };
    let by_name = |a: &SecretRow, b: &SecretRow| {
        a.lower_name()
            .cmp(b.lower_name())
            .then_with(|| a.arn.cmp(&b.arn))
    };
    let flip = |o: Ordering| match sort.direction {
        Direction::Ascending => o,
        Direction::Descending => o.reverse(),
    };
    let mut sorted = rows.to_vec();
    sorted.sort_by(|a, b| {
        if sort.column == SortColumn::Name {
            return flip(by_name(a, b));
        }
        match (key(a), key(b)) {
            (Some(x), Some(y)) => flip(x.total_cmp(&y)).then_with(|| by_name(a, b)),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => by_name(a, b),
        }
    });
    sorted
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::time_units::DAY_MS;
    use crate::wire::{SecretListEntry, Tag, WireDate};

    const NOW: f64 = 1_790_000_000_000.0;

    fn row(name: &str, deleted: Option<f64>, changed: Option<f64>) -> Arc<SecretRow> {
        Arc::new(
            SecretRow::from_entry(
                SecretListEntry {
                    arn: Some(format!("arn:{name}")),
                    name: Some(name.into()),
                    deleted_date: Some(deleted.map_or(WireDate::Unreadable, WireDate::EpochMillis)),
                    last_changed_date: changed.map(WireDate::EpochMillis),
                    tags: vec![Tag {
                        key: Some("env".into()),
                        value: Some(name.split('/').next().unwrap().into()),
                    }],
                    ..Default::default()
                },
                NOW,
            )
            .unwrap(),
        )
    }

    fn names(rows: &[Arc<SecretRow>]) -> Vec<&str> {
        rows.iter().map(|r| r.name.as_str()).collect()
    }

    fn sample() -> Vec<Arc<SecretRow>> {
        vec![
            // Purge in 20 days (moto / DescribeSecret reading).
            row(
                "prod/api",
                Some(NOW + 20.0 * DAY_MS),
                Some(NOW - 3.0 * DAY_MS),
            ),
            // Deleted 5 days ago (AWS ListSecrets reading): may go in 2 days.
            row(
                "prod/db",
                Some(NOW - 5.0 * DAY_MS),
                Some(NOW - 1.0 * DAY_MS),
            ),
            row("Staging/cache", Some(NOW + 8.0 * DAY_MS), None),
            row("broken", None, Some(NOW - 10.0 * DAY_MS)),
        ]
    }

    #[test]
    fn default_sort_is_most_urgent_first_across_both_readings() {
        let out = visible_rows(&sample(), "", Sort::default());
        assert_eq!(
            names(&out),
            ["prod/db", "Staging/cache", "prod/api", "broken"]
        );
    }

    #[test]
    fn descending_keeps_unknown_values_last() {
        let sort = Sort::default().toggled(SortColumn::TimeLeft);
        assert_eq!(sort.direction, Direction::Descending);
        let out = visible_rows(&sample(), "", sort);
        assert_eq!(
            names(&out),
            ["prod/api", "Staging/cache", "prod/db", "broken"]
        );
    }

    #[test]
    fn name_sort_ignores_case() {
        let sort = Sort::default().toggled(SortColumn::Name);
        let out = visible_rows(&sample(), "", sort);
        assert_eq!(
            names(&out),
            ["broken", "prod/api", "prod/db", "Staging/cache"]
        );
        let out = visible_rows(&sample(), "", sort.toggled(SortColumn::Name));
        assert_eq!(
            names(&out),
            ["Staging/cache", "prod/db", "prod/api", "broken"]
        );
    }

    #[test]
    fn deletion_date_and_last_changed_sorts() {
        let sort = Sort::default().toggled(SortColumn::DeletionDate);
        let out = visible_rows(&sample(), "", sort);
        assert_eq!(
            names(&out),
            ["prod/db", "Staging/cache", "prod/api", "broken"]
        );
        let sort = Sort::default().toggled(SortColumn::LastChanged);
        assert_eq!(sort.direction, Direction::Descending);
        let out = visible_rows(&sample(), "", sort);
        assert_eq!(
            names(&out),
            ["prod/db", "prod/api", "broken", "Staging/cache"]
        );
    }

    #[test]
    fn filter_by_terms_keeps_sort_order() {
        let out = visible_rows(&sample(), "  PROD ", Sort::default());
        assert_eq!(names(&out), ["prod/db", "prod/api"]);
        let out = visible_rows(&sample(), "env=staging", Sort::default());
        assert_eq!(names(&out), ["Staging/cache"]);
        assert!(visible_rows(&sample(), "nothing-like-this", Sort::default()).is_empty());
    }

    #[test]
    fn aria_sort_values() {
        let sort = Sort::default();
        assert_eq!(sort.aria_sort(SortColumn::TimeLeft), "ascending");
        assert_eq!(sort.aria_sort(SortColumn::Name), "none");
        assert_eq!(
            sort.toggled(SortColumn::TimeLeft)
                .aria_sort(SortColumn::TimeLeft),
            "descending"
        );
    }
}
