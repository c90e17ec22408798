//! The list of deleted secrets as it is built from ListSecrets pages, and what a restore does to it.
//!
//! A refresh keeps showing the rows it already has while new pages arrive, and only drops rows the
//! new scan did not see once the scan completes, so a failed refresh loses nothing. Secrets this
//! session restored stay hidden even if an eventually consistent ListSecrets still reports them
//! as deleted (for minutes after RestoreSecret), unless they come back with a different
//! `DeletedDate`, which means they were deleted again.

use std::sync::Arc;

use std::collections::{HashMap, HashSet};

use crate::model::secret_row::SecretRow;
use crate::wire::SecretListEntry;

#[derive(Debug, Default, Clone)]
pub struct Listing {
    rows: Vec<Arc<SecretRow>>,
    /// ARN → position in `rows`, so a scan of thousands of secrets stays linear.
    index: HashMap<String, usize>,
    /// ARNs seen as deleted by the scan under way (or the last one).
    seen: HashSet<String>,
    /// Entries the current scan has looked at, live ones included.
    scanned: usize,
    /// (ARN, DeletedDate) of every secret restored in this session.
    restored: Vec<(String, Option<f64>)>,
}

impl Listing {
    pub fn rows(&self) -> &[Arc<SecretRow>] {
        &self.rows
    }

    pub fn scanned(&self) -> usize {
        self.scanned
    }

    /// Deleted secrets found by the current scan so far.
    pub fn found(&self) -> usize {
        self.seen.len()
    }

    pub fn begin_scan(&mut self) {
        self.seen.clear();
        self.scanned = 0;
    }

    /// Adds one page, listed at `listed_at` (epoch ms); returns how many rows it added or changed.
    pub fn add_page(&mut self, entries: Vec<SecretListEntry>, listed_at: f64) -> usize {
        self.scanned += entries.len();
        let mut changed = 0;
        for entry in entries {
            let Some(mut row) = SecretRow::from_entry(entry, listed_at) else {
                continue;
            };
            if self.was_restored(&row) || !self.seen.insert(row.arn.clone()) {
                continue;
            }
            let known = self.index.get(&row.arn).copied();
            // A date an earlier scan saw in the future is still the purge time once it passed.
            if let Some(i) = known
                && self.rows[i].deleted_date == row.deleted_date
            {
                row.deleted_date_reading = row
                    .deleted_date_reading
                    .relisted(self.rows[i].deleted_date_reading);
            }
            match known {
                Some(i) if *self.rows[i] == row => {}
                Some(i) => {
                    self.rows[i] = Arc::new(row);
                    changed += 1;
                }
                None => {
                    self.index.insert(row.arn.clone(), self.rows.len());
                    self.rows.push(Arc::new(row));
                    changed += 1;
                }
            }
        }
        changed
    }

    /// The scan reached the last page: rows it did not see are gone (restored or purged).
    pub fn finish_scan(&mut self) {
        let seen = &self.seen;
        self.rows.retain(|r| seen.contains(&r.arn));
        self.reindex();
    }

    /// Removes a secret this session restored, and remembers it so that stale pages cannot bring
    /// it back: ListSecrets lags behind RestoreSecret for minutes.
    pub fn mark_gone(&mut self, arn: &str) -> Option<Arc<SecretRow>> {
        let row = self.remove(arn)?;
        self.restored.push((row.arn.clone(), row.deleted_date));
        Some(row)
    }

    /// Removes a secret that a restore found missing (purged, as far as this proxy's account and
    /// region can tell). Not remembered: if a later scan lists it, it is shown again, since a
    /// secret still listed as scheduled can still be restored.
    pub fn remove(&mut self, arn: &str) -> Option<Arc<SecretRow>> {
        let index = *self.index.get(arn)?;
        let row = self.rows.remove(index);
        self.reindex();
        self.seen.remove(arn);
        Some(row)
    }

    fn reindex(&mut self) {
        self.index = self
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| (r.arn.clone(), i))
            .collect();
    }

    fn was_restored(&self, row: &SecretRow) -> bool {
        self.restored
            .iter()
            .any(|(arn, date)| *arn == row.arn && *date == row.deleted_date)
    }
}

/// Where a ListSecrets walk is: which token to send next, and a guard against a server that
/// hands back a token it already gave (which would loop forever).
#[derive(Debug, Default, Clone)]
pub struct Pager {
    next: Option<String>,
    finished: bool,
    tokens: HashSet<String>,
    pages: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepeatedToken;

impl Pager {
    /// The `NextToken` for the next request; `None` for the first page.
    pub fn token(&self) -> Option<&str> {
        self.next.as_deref()
    }

    pub fn finished(&self) -> bool {
        self.finished
    }

    pub fn pages(&self) -> usize {
        self.pages
    }

    /// Records a page's `NextToken`. A missing or empty token ends the walk.
    pub fn advance(&mut self, next_token: Option<String>) -> Result<(), RepeatedToken> {
        self.pages += 1;
        match next_token.filter(|t| !t.is_empty()) {
            None => {
                self.finished = true;
                self.next = None;
                Ok(())
            }
            Some(token) => {
                if !self.tokens.insert(token.clone()) {
                    return Err(RepeatedToken);
                }
                self.next = Some(token);
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::deadline::DateReading;
    use crate::model::time_units::HOUR_MS;
    use crate::wire::WireDate;

    fn entry(name: &str, deleted: Option<f64>) -> SecretListEntry {
        SecretListEntry {
            arn: Some(format!("arn:{name}")),
            name: Some(name.into()),
            deleted_date: deleted.map(WireDate::EpochMillis),
            ..Default::default()
        }
    }

    fn names(listing: &Listing) -> Vec<&str> {
        listing.rows().iter().map(|r| r.name.as_str()).collect()
    }

    #[test]
    fn keeps_only_deleted_entries_and_counts_everything_scanned() {
        let mut l = Listing::default();
        l.begin_scan();
        assert_eq!(
            l.add_page(vec![entry("a", Some(1.0)), entry("live", None)], 0.0),
            1
        );
        assert_eq!(l.add_page(vec![entry("b", Some(2.0))], 0.0), 1);
        l.finish_scan();
        assert_eq!(names(&l), ["a", "b"]);
        assert_eq!((l.scanned(), l.found()), (3, 2));
    }

    #[test]
    fn duplicates_across_pages_count_once() {
        let mut l = Listing::default();
        l.begin_scan();
        l.add_page(vec![entry("a", Some(1.0))], 0.0);
        assert_eq!(l.add_page(vec![entry("a", Some(1.0))], 0.0), 0);
        assert_eq!(l.found(), 1);
        assert_eq!(l.rows().len(), 1);
    }

    #[test]
    fn a_refresh_keeps_old_rows_until_it_completes() {
        let mut l = Listing::default();
        l.begin_scan();
        l.add_page(vec![entry("a", Some(1.0)), entry("b", Some(2.0))], 0.0);
        l.finish_scan();

        // A refresh that fails after its first page: nothing is lost.
        l.begin_scan();
        l.add_page(vec![entry("b", Some(2.0)), entry("c", Some(3.0))], 0.0);
        assert_eq!(names(&l), ["a", "b", "c"]);

        // A refresh that completes: "a" was restored elsewhere and goes.
        l.begin_scan();
        l.add_page(vec![entry("b", Some(2.0)), entry("c", Some(3.0))], 0.0);
        l.finish_scan();
        assert_eq!(names(&l), ["b", "c"]);
    }

    #[test]
    fn changed_entries_replace_old_ones() {
        let mut l = Listing::default();
        l.begin_scan();
        l.add_page(vec![entry("a", Some(1.0))], 0.0);
        l.begin_scan();
        assert_eq!(l.add_page(vec![entry("a", Some(9.0))], 0.0), 1);
        assert_eq!(l.rows()[0].deleted_date, Some(9.0));
    }

    #[test]
    fn a_purge_time_seen_in_the_future_stays_one_after_it_passes() {
        let mut l = Listing::default();
        l.add_page(
            vec![
                entry("a", Some(100.0 * HOUR_MS)),
                entry("b", Some(10.0 * HOUR_MS)),
            ],
            50.0 * HOUR_MS,
        );
        let purge = |l: &Listing| -> Vec<bool> {
            l.rows()
                .iter()
                .map(|r| r.deleted_date_reading == DateReading::PurgeTime)
                .collect()
        };
        assert_eq!(purge(&l), [true, false]);
        // A refresh after the purge time: the same date is still the purge time.
        l.begin_scan();
        l.add_page(
            vec![
                entry("a", Some(100.0 * HOUR_MS)),
                entry("b", Some(10.0 * HOUR_MS)),
            ],
            150.0 * HOUR_MS,
        );
        assert_eq!(purge(&l), [true, false]);
        // A new date (deleted again) is read afresh.
        l.begin_scan();
        l.add_page(vec![entry("a", Some(120.0 * HOUR_MS))], 150.0 * HOUR_MS);
        assert_eq!(purge(&l), [false, false]);
    }

    #[test]
    fn a_restored_secret_is_not_resurrected_by_a_stale_list() {
        let mut l = Listing::default();
        l.begin_scan();
        l.add_page(vec![entry("a", Some(1.0)), entry("b", Some(2.0))], 0.0);
        l.finish_scan();
        assert_eq!(l.mark_gone("arn:a").unwrap().name, "a");
        assert_eq!(l.mark_gone("arn:a"), None);

        l.begin_scan();
        l.add_page(vec![entry("a", Some(1.0)), entry("b", Some(2.0))], 0.0);
        l.finish_scan();
        assert_eq!(names(&l), ["b"]);
        assert_eq!(l.found(), 1);

        // Deleted again later (a new DeletedDate): it shows again.
        l.begin_scan();
        l.add_page(vec![entry("a", Some(50.0))], 0.0);
        assert_eq!(names(&l), ["b", "a"]);
    }

    #[test]
    fn a_secret_found_missing_comes_back_if_a_later_scan_lists_it() {
        let mut l = Listing::default();
        l.begin_scan();
        l.add_page(vec![entry("a", Some(10.0)), entry("b", Some(20.0))], 0.0);
        l.finish_scan();
        assert_eq!(l.remove("arn:a").unwrap().name, "a");
        assert_eq!(names(&l), ["b"]);
        l.begin_scan();
        l.add_page(vec![entry("a", Some(10.0)), entry("b", Some(20.0))], 0.0);
        l.finish_scan();
        assert_eq!(names(&l), ["b", "a"]);
    }

    #[test]
    fn updates_find_the_right_row_after_removals() {
        let mut l = Listing::default();
        l.begin_scan();
        l.add_page(
            vec![
                entry("a", Some(1.0)),
                entry("b", Some(2.0)),
                entry("c", Some(3.0)),
            ],
            0.0,
        );
        l.finish_scan();
        l.mark_gone("arn:a");
        l.begin_scan();
        l.add_page(vec![entry("c", Some(30.0)), entry("b", Some(20.0))], 0.0);
        l.finish_scan();
        let dates: Vec<_> = l
            .rows()
            .iter()
            .map(|r| (r.name.as_str(), r.deleted_date))
            .collect();
        assert_eq!(dates, [("b", Some(20.0)), ("c", Some(30.0))]);
        assert_eq!(l.mark_gone("arn:c").unwrap().deleted_date, Some(30.0));
        assert_eq!(names(&l), ["b"]);
    }

    #[test]
    fn pager_walks_tokens_and_stops_on_empty_or_missing() {
        let mut p = Pager::default();
        assert_eq!(p.token(), None);
        p.advance(Some("100".into())).unwrap();
        assert_eq!(p.token(), Some("100"));
        assert!(!p.finished());
        p.advance(Some(String::new())).unwrap();
        assert!(p.finished());
        assert_eq!(p.pages(), 2);
    }

    #[test]
    fn pager_refuses_a_repeated_token() {
        let mut p = Pager::default();
        p.advance(Some("x".into())).unwrap();
        assert_eq!(p.advance(Some("x".into())), Err(RepeatedToken));
    }
}
