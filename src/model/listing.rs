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
use crate::model::target::Target;
use crate::wire::SecretListEntry;

#[derive(Debug, Default, Clone)]
pub struct Listing {
    rows: Vec<Arc<SecretRow>>,
    /// Row id → position in `rows`, so a scan of thousands of secrets stays linear.
    index: HashMap<String, usize>,
    /// Ids of rows seen as deleted by each target's scan under way (or its last one).
    seen: HashSet<String>,
    /// Entries each target's current scan has looked at, live ones included.
    scanned: HashMap<String, usize>,
    /// (row id, DeletedDate) of every secret restored in this session.
    restored: Vec<(String, Option<f64>)>,
}

impl Listing {
    pub fn rows(&self) -> &[Arc<SecretRow>] {
        &self.rows
    }

    /// Entries looked at by the current scans of every target.
    pub fn scanned(&self) -> usize {
        self.scanned.values().sum()
    }

    /// Deleted secrets found by the current scans so far.
    pub fn found(&self) -> usize {
        self.seen.len()
    }

    /// Whether the row `id` is listed.
    pub fn has(&self, id: &str) -> bool {
        self.index.contains_key(id)
    }

    /// How many rows shown are of these targets (keys).
    pub fn rows_of(&self, targets: &[String]) -> usize {
        self.rows
            .iter()
            .filter(|r| targets.iter().any(|t| id_in(&r.id, t)))
            .count()
    }

    /// A scan of `target` (its key) starts: its rows stay shown until it completes.
    pub fn begin_scan(&mut self, target: &str) {
        self.seen.retain(|id| !id_in(id, target));
        self.scanned.insert(target.to_string(), 0);
    }

    /// Adds one page of `target`, listed at `listed_at` (epoch ms); returns how many rows it
    /// added or changed.
    pub fn add_page(
        &mut self,
        target: &Arc<Target>,
        entries: Vec<SecretListEntry>,
        listed_at: f64,
    ) -> usize {
        *self.scanned.entry(target.key()).or_default() += entries.len();
        let mut changed = 0;
        for entry in entries {
            let Some(mut row) = SecretRow::from_entry(entry, target, listed_at) else {
                continue;
            };
            if self.was_restored(&row) || !self.seen.insert(row.id.clone()) {
                continue;
            }
            let known = self.index.get(&row.id).copied();
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
                    self.index.insert(row.id.clone(), self.rows.len());
                    self.rows.push(Arc::new(row));
                    changed += 1;
                }
            }
        }
        changed
    }

    /// `target`'s scan reached its last page: its rows that scan did not see are gone (restored
    /// or purged). Other targets' rows are untouched.
    pub fn finish_scan(&mut self, target: &str) {
        let seen = &self.seen;
        self.rows
            .retain(|r| !id_in(&r.id, target) || seen.contains(&r.id));
        self.reindex();
    }

    /// Keeps only the rows of these targets (keys): the proxy no longer serves the others, so
    /// their rows could not be restored.
    pub fn keep_targets(&mut self, targets: &[String]) {
        let before = self.rows.len();
        self.rows
            .retain(|r| targets.iter().any(|t| id_in(&r.id, t)));
        self.seen.retain(|id| targets.iter().any(|t| id_in(id, t)));
        self.scanned.retain(|key, _| targets.contains(key));
        if self.rows.len() != before {
            self.reindex();
        }
    }

    /// Removes a secret this session restored (by row id), and remembers it so that stale pages
    /// cannot bring it back: ListSecrets lags behind RestoreSecret for minutes.
    pub fn mark_gone(&mut self, id: &str) -> Option<Arc<SecretRow>> {
        let row = self.remove(id)?;
        self.restored.push((row.id.clone(), row.deleted_date));
        Some(row)
    }

    /// Removes a secret that a restore found missing (purged, as far as its account and region
    /// can tell). Not remembered: if a later scan lists it, it is shown again, since a secret
    /// still listed as scheduled can still be restored.
    pub fn remove(&mut self, id: &str) -> Option<Arc<SecretRow>> {
        let index = *self.index.get(id)?;
        let row = self.rows.remove(index);
        self.reindex();
        self.seen.remove(id);
        Some(row)
    }

    fn reindex(&mut self) {
        self.index = self
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.clone(), i))
            .collect();
    }

    fn was_restored(&self, row: &SecretRow) -> bool {
        self.restored
            .iter()
            .any(|(id, date)| *id == row.id && *date == row.deleted_date)
    }
}

/// Whether a row id (`SecretRow::id`: the target's key, a newline, the ARN) is of `target`.
fn id_in(id: &str, target: &str) -> bool {
    id.strip_prefix(target)
        .is_some_and(|rest| rest.starts_with('\n'))
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

    fn one() -> Arc<Target> {
        Arc::new(Target::proxy_default("us-east-1"))
    }

    fn key() -> String {
        one().key()
    }

    fn id(name: &str) -> String {
        format!("{}\narn:{name}", key())
    }

    /// One scan of [`one`] that lists `entries` and completes.
    fn full_scan(l: &mut Listing, entries: Vec<SecretListEntry>) {
        l.begin_scan(&key());
        l.add_page(&one(), entries, 0.0);
        l.finish_scan(&key());
    }

    fn names(listing: &Listing) -> Vec<&str> {
        listing.rows().iter().map(|r| r.name.as_str()).collect()
    }

    #[test]
    fn keeps_only_deleted_entries_and_counts_everything_scanned() {
        let mut l = Listing::default();
        l.begin_scan(&key());
        assert_eq!(
            l.add_page(
                &one(),
                vec![entry("a", Some(1.0)), entry("live", None)],
                0.0
            ),
            1
        );
        assert_eq!(l.add_page(&one(), vec![entry("b", Some(2.0))], 0.0), 1);
        l.finish_scan(&key());
        assert_eq!(names(&l), ["a", "b"]);
        assert_eq!((l.scanned(), l.found()), (3, 2));
    }

    #[test]
    fn duplicates_across_pages_count_once() {
        let mut l = Listing::default();
        l.begin_scan(&key());
        l.add_page(&one(), vec![entry("a", Some(1.0))], 0.0);
        assert_eq!(l.add_page(&one(), vec![entry("a", Some(1.0))], 0.0), 0);
        assert_eq!(l.found(), 1);
        assert_eq!(l.rows().len(), 1);
    }

    #[test]
    fn a_refresh_keeps_old_rows_until_it_completes() {
        let mut l = Listing::default();
        full_scan(&mut l, vec![entry("a", Some(1.0)), entry("b", Some(2.0))]);

        // A refresh that fails after its first page: nothing is lost.
        l.begin_scan(&key());
        l.add_page(
            &one(),
            vec![entry("b", Some(2.0)), entry("c", Some(3.0))],
            0.0,
        );
        assert_eq!(names(&l), ["a", "b", "c"]);

        // A refresh that completes: "a" was restored elsewhere and goes.
        full_scan(&mut l, vec![entry("b", Some(2.0)), entry("c", Some(3.0))]);
        assert_eq!(names(&l), ["b", "c"]);
    }

    #[test]
    fn changed_entries_replace_old_ones() {
        let mut l = Listing::default();
        l.begin_scan(&key());
        l.add_page(&one(), vec![entry("a", Some(1.0))], 0.0);
        l.begin_scan(&key());
        assert_eq!(l.add_page(&one(), vec![entry("a", Some(9.0))], 0.0), 1);
        assert_eq!(l.rows()[0].deleted_date, Some(9.0));
    }

    #[test]
    fn a_purge_time_seen_in_the_future_stays_one_after_it_passes() {
        let mut l = Listing::default();
        l.add_page(
            &one(),
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
        l.begin_scan(&key());
        l.add_page(
            &one(),
            vec![
                entry("a", Some(100.0 * HOUR_MS)),
                entry("b", Some(10.0 * HOUR_MS)),
            ],
            150.0 * HOUR_MS,
        );
        assert_eq!(purge(&l), [true, false]);
        // A new date (deleted again) is read afresh.
        l.begin_scan(&key());
        l.add_page(
            &one(),
            vec![entry("a", Some(120.0 * HOUR_MS))],
            150.0 * HOUR_MS,
        );
        assert_eq!(purge(&l), [false, false]);
    }

    #[test]
    fn a_restored_secret_is_not_resurrected_by_a_stale_list() {
        let mut l = Listing::default();
        full_scan(&mut l, vec![entry("a", Some(1.0)), entry("b", Some(2.0))]);
        assert_eq!(l.mark_gone(&id("a")).unwrap().name, "a");
        assert_eq!(l.mark_gone(&id("a")), None);

        full_scan(&mut l, vec![entry("a", Some(1.0)), entry("b", Some(2.0))]);
        assert_eq!(names(&l), ["b"]);
        assert_eq!(l.found(), 1);

        // Deleted again later (a new DeletedDate): it shows again.
        l.begin_scan(&key());
        l.add_page(&one(), vec![entry("a", Some(50.0))], 0.0);
        assert_eq!(names(&l), ["b", "a"]);
    }

    #[test]
    fn a_secret_found_missing_comes_back_if_a_later_scan_lists_it() {
        let mut l = Listing::default();
        full_scan(&mut l, vec![entry("a", Some(10.0)), entry("b", Some(20.0))]);
        assert_eq!(l.remove(&id("a")).unwrap().name, "a");
        assert_eq!(names(&l), ["b"]);
        full_scan(&mut l, vec![entry("a", Some(10.0)), entry("b", Some(20.0))]);
        assert_eq!(names(&l), ["b", "a"]);
    }

    #[test]
    fn updates_find_the_right_row_after_removals() {
        let mut l = Listing::default();
        full_scan(
            &mut l,
            vec![
                entry("a", Some(1.0)),
                entry("b", Some(2.0)),
                entry("c", Some(3.0)),
            ],
        );
        l.mark_gone(&id("a"));
        full_scan(&mut l, vec![entry("c", Some(30.0)), entry("b", Some(20.0))]);
        let dates: Vec<_> = l
            .rows()
            .iter()
            .map(|r| (r.name.as_str(), r.deleted_date))
            .collect();
        assert_eq!(dates, [("b", Some(20.0)), ("c", Some(30.0))]);
        assert_eq!(l.mark_gone(&id("c")).unwrap().deleted_date, Some(30.0));
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

    fn fleet(account: &str) -> Arc<Target> {
        let config = crate::wire::ProxyConfig {
            targets: Some(vec![crate::wire::TargetInfo {
                account: Some(account.into()),
                label: None,
                region: Some("us-east-1".into()),
                available: true,
                reason: None,
            }]),
            ..Default::default()
        };
        crate::model::target::targets_of(&config).remove(0)
    }

    #[test]
    fn each_target_scan_drops_only_its_own_rows_and_a_failed_one_keeps_them() {
        let (a, b) = (fleet("111111111111"), fleet("222222222222"));
        let mut l = Listing::default();
        for t in [&a, &b] {
            l.begin_scan(&t.key());
            l.add_page(t, vec![entry("x", Some(1.0)), entry("y", Some(2.0))], 0.0);
            l.finish_scan(&t.key());
        }
        assert_eq!(names(&l), ["x", "y", "x", "y"]);
        assert_eq!((l.found(), l.scanned()), (4, 4));
        // A's new scan completes without "x"; B's fails after no page: B's rows stay.
        l.begin_scan(&a.key());
        l.begin_scan(&b.key());
        l.add_page(&a, vec![entry("y", Some(2.0))], 0.0);
        l.finish_scan(&a.key());
        assert_eq!(names(&l), ["y", "x", "y"]);
        assert_eq!((l.found(), l.scanned()), (1, 1));
        // Restoring "y" in A leaves B's "y".
        let gone = l.mark_gone(&format!("{}\narn:y", a.key())).unwrap();
        assert_eq!(gone.target, a);
        assert_eq!(l.rows().iter().filter(|r| r.name == "y").count(), 1);
        assert_eq!(l.rows()[1].target, b);
        // The proxy now serves only A: B's rows go.
        l.keep_targets(&[a.key()]);
        assert!(l.rows().is_empty());
    }
}
