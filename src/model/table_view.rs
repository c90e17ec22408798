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

/// Which rows the table shows: those matching every search term, in the chosen account and
/// region (`None`: all of them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowFilter {
    /// The lower-cased search terms.
    pub terms: Vec<String>,
    /// A target's [`Target::account_key`](crate::model::target::Target::account_key).
    pub account: Option<String>,
    pub region: Option<String>,
    /// Only rows of exactly this name (a link whose name is scheduled in several places).
    pub name: Option<String>,
}

impl RowFilter {
    pub fn shows(&self, row: &SecretRow) -> bool {
        self.name.as_ref().is_none_or(|n| *n == row.name)
            && self
                .account
                .as_ref()
                .is_none_or(|a| *a == row.target.account_key())
            && self.region.as_ref().is_none_or(|r| *r == row.target.region)
            && row.matches(&self.terms)
    }

    /// Whether it narrows the table at all.
    pub fn narrows(&self) -> bool {
        !self.terms.is_empty()
            || self.account.is_some()
            || self.region.is_some()
            || self.name.is_some()
    }

    /// Whether it narrows by anything but the search terms.
    pub fn by_place(&self) -> bool {
        self.account.is_some() || self.region.is_some() || self.name.is_some()
    }
}

/// The rows to show: those matching `query`, in `sort` order.
pub fn visible_rows(rows: &[Arc<SecretRow>], query: &str, sort: Sort) -> Vec<Arc<SecretRow>> {
    let filter = RowFilter {
        terms: query_terms(query),
        ..Default::default()
    };
    matching(&sorted_rows(rows, sort), &filter)
        .cloned()
        .collect()
}

/// The rows the filter shows, in their given order.
pub fn matching<'a>(
    rows: &'a [Arc<SecretRow>],
    filter: &'a RowFilter,
) -> impl Iterator<Item = &'a Arc<SecretRow>> {
    rows.iter().filter(move |r| filter.shows(r))
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
            .then_with(|| a.id.cmp(&b.id))
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
    use crate::model::target::Target;
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
                &Arc::new(Target::proxy_default("us-east-1")),
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

    fn fleet_row(name: &str, account: &str, region: &str, days: f64) -> Arc<SecretRow> {
        let config = crate::wire::ProxyConfig {
            targets: Some(vec![crate::wire::TargetInfo {
                account: Some(account.into()),
                label: Some(format!("acct-{}", &account[..1])),
                region: Some(region.into()),
                available: true,
                reason: None,
            }]),
            ..Default::default()
        };
        let target = crate::model::target::targets_of(&config).remove(0);
        let entry = SecretListEntry {
            arn: Some(format!(
                "arn:aws:secretsmanager:{region}:{account}:secret:{name}"
            )),
            name: Some(name.into()),
            deleted_date: Some(WireDate::EpochMillis(NOW + days * DAY_MS)),
            ..Default::default()
        };
        Arc::new(SecretRow::from_entry(entry, &target, NOW).unwrap())
    }

    #[test]
    fn rows_of_every_target_merge_most_urgent_first_and_filter_by_account_and_region() {
        let rows = vec![
            fleet_row("a", "111111111111", "us-east-1", 20.0),
            fleet_row("b", "222222222222", "eu-west-1", 3.0),
            fleet_row("shared", "111111111111", "eu-west-1", 9.0),
            fleet_row("shared", "222222222222", "eu-west-1", 9.0),
        ];
        let sorted = sorted_rows(&rows, Sort::default());
        assert_eq!(names(&sorted), ["b", "shared", "shared", "a"]);
        // Equal names and dates: the ARN (which holds the account) decides, every time.
        assert!(sorted[1].arn < sorted[2].arn);
        let shown = |filter: &RowFilter| -> Vec<(String, String)> {
            matching(&sorted, filter)
                .map(|r| (r.name.clone(), r.target.key()))
                .collect()
        };
        let by_account = RowFilter {
            account: Some("222222222222".into()),
            ..Default::default()
        };
        assert_eq!(
            shown(&by_account),
            [
                ("b".to_string(), "222222222222/eu-west-1".to_string()),
                ("shared".to_string(), "222222222222/eu-west-1".to_string())
            ]
        );
        let by_region = RowFilter {
            region: Some("us-east-1".into()),
            ..Default::default()
        };
        assert_eq!(shown(&by_region).len(), 1);
        let both = RowFilter {
            terms: query_terms("shared"),
            account: Some("111111111111".into()),
            region: Some("eu-west-1".into()),
            name: None,
        };
        assert_eq!(shown(&both).len(), 1);
        assert!(both.narrows() && !RowFilter::default().narrows());
        // A link's name: that exact name only, in every place it is scheduled.
        let by_name = RowFilter {
            name: Some("shared".into()),
            ..Default::default()
        };
        assert_eq!(shown(&by_name).len(), 2);
        assert!(by_name.by_place() && !RowFilter::default().by_place());
        // Search by label and region too.
        let by_label = RowFilter {
            terms: query_terms("acct-1 eu-west"),
            ..Default::default()
        };
        assert_eq!(shown(&by_label).len(), 1);
    }
}
