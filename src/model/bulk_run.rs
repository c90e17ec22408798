//! One bulk Cancel deletion: the secrets confirmed, what became of each, and which restores may
//! start next. RestoreSecret's quota is 50 calls a second per account and region, so at most
//! [`PER_TARGET`] run at once in one account-region; and at most [`IN_FLIGHT`] in all, the
//! browser's connections to one origin, so that Stop has no requests queued inside the browser
//! that it could no longer hold back.

use std::collections::HashMap;
use std::sync::Arc;

use crate::api::error::{ApiError, Operation};
use crate::model::format::{count_text, grouped};
use crate::model::secret_row::SecretRow;

pub const PER_TARGET: usize = 5;
pub const IN_FLIGHT: usize = 6;

#[derive(Debug, Clone, PartialEq)]
pub enum ItemState {
    Queued,
    Running,
    Restored,
    /// Refused, with the reason in plain words.
    Failed(String),
    /// The answer was lost and the check could not settle it: it may or may not have run.
    Unknown(String),
    /// Stop was pressed before its turn.
    NotStarted,
}

impl ItemState {
    /// What RestoreSecret's outcome (after its retries and check) makes of a secret.
    pub fn from_outcome<T>(outcome: &Result<T, ApiError>, name: &str) -> Self {
        match outcome {
            Ok(_) => ItemState::Restored,
            Err(e) if e.outcome_unknown() => {
                ItemState::Unknown(e.plain_words(Operation::Restore { name }))
            }
            Err(e) => ItemState::Failed(e.plain_words(Operation::Restore { name })),
        }
    }
}

impl ItemState {
    /// What the row says when its restore did not succeed.
    pub fn reason_text(&self) -> Option<String> {
        match self {
            ItemState::Failed(words) => Some(format!("Restore failed: {words}")),
            ItemState::Unknown(words) => Some(format!("Restore outcome unknown: {words}")),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct BulkItem {
    pub row: Arc<SecretRow>,
    pub state: ItemState,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct BulkRun {
    items: Vec<BulkItem>,
    stopped: bool,
}

/// How many items are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub total: usize,
    pub restored: usize,
    pub failed: usize,
    pub unknown: usize,
    pub not_started: usize,
    /// Queued or running.
    pub pending: usize,
}

impl BulkRun {
    /// A run over these rows, each once, in the order given.
    pub fn new(rows: impl IntoIterator<Item = Arc<SecretRow>>) -> Self {
        let mut items: Vec<BulkItem> = Vec::new();
        for row in rows {
            if !items.iter().any(|i| i.row.id == row.id) {
                items.push(BulkItem {
                    row,
                    state: ItemState::Queued,
                });
            }
        }
        BulkRun {
            items,
            stopped: false,
        }
    }

    pub fn items(&self) -> &[BulkItem] {
        &self.items
    }

    /// The queued rows that may start now, marked running: as many as the bounds allow, in
    /// order, skipping an account-region that already has [`PER_TARGET`] running.
    pub fn start_next(&mut self) -> Vec<Arc<SecretRow>> {
        if self.stopped {
            return Vec::new();
        }
        let mut running: HashMap<String, usize> = HashMap::new();
        for item in &self.items {
            if item.state == ItemState::Running {
                *running.entry(item.row.target.key()).or_default() += 1;
            }
        }
        let mut in_flight: usize = running.values().sum();
        let mut started = Vec::new();
        for item in &mut self.items {
            if in_flight >= IN_FLIGHT {
                break;
            }
            if item.state != ItemState::Queued {
                continue;
            }
            let here = running.entry(item.row.target.key()).or_default();
            if *here >= PER_TARGET {
                continue;
            }
            *here += 1;
            in_flight += 1;
            item.state = ItemState::Running;
            started.push(item.row.clone());
        }
        started
    }

    /// Records the outcome of the running restore of row `id`.
    pub fn finish(&mut self, id: &str, state: ItemState) {
        if let Some(item) = self
            .items
            .iter_mut()
            .find(|i| i.row.id == id && i.state == ItemState::Running)
        {
            item.state = state;
        }
    }

    /// No further restore starts; those already sent finish and are reported.
    pub fn stop(&mut self) {
        self.stopped = true;
        for item in &mut self.items {
            if item.state == ItemState::Queued {
                item.state = ItemState::NotStarted;
            }
        }
    }

    pub fn stopped(&self) -> bool {
        self.stopped
    }

    /// Some restore is still queued or waiting for its answer.
    pub fn is_running(&self) -> bool {
        self.counts().pending > 0
    }

    pub fn counts(&self) -> Counts {
        let mut c = Counts {
            total: self.items.len(),
            ..Counts::default()
        };
        for item in &self.items {
            match item.state {
                ItemState::Queued | ItemState::Running => c.pending += 1,
                ItemState::Restored => c.restored += 1,
                ItemState::Failed(_) => c.failed += 1,
                ItemState::Unknown(_) => c.unknown += 1,
                ItemState::NotStarted => c.not_started += 1,
            }
        }
        c
    }

    /// The rows to try again: those refused and those whose outcome is not known (a restore
    /// is safe to repeat).
    pub fn retryable(&self) -> Vec<Arc<SecretRow>> {
        self.items
            .iter()
            .filter(|i| matches!(i.state, ItemState::Failed(_) | ItemState::Unknown(_)))
            .map(|i| i.row.clone())
            .collect()
    }

    /// "Restored 12 of 40", with what went wrong so far.
    pub fn progress_text(&self) -> String {
        let c = self.counts();
        let mut text = format!("Restored {} of {}", grouped(c.restored), grouped(c.total));
        if let Some(problems) = problems(c) {
            text = format!("{text} ({problems})");
        }
        text
    }

    /// What the run did, once nothing is pending: "Restored 38 of 40: 1 failed, 1 outcome
    /// unknown." Stopped: "Stopped. Restored 10 of 40; 30 not started."
    pub fn summary_text(&self) -> String {
        let c = self.counts();
        let restored = format!("Restored {} of {}", grouped(c.restored), grouped(c.total));
        let mut parts = Vec::new();
        if let Some(problems) = problems(c) {
            parts.push(problems);
        }
        if c.not_started > 0 {
            parts.push(format!("{} not started", grouped(c.not_started)));
        }
        let text = if parts.is_empty() {
            format!("{restored}.")
        } else {
            format!("{restored}: {}.", parts.join(", "))
        };
        if self.stopped {
            format!("Stopped. {text}")
        } else {
            text
        }
    }
}

fn problems(c: Counts) -> Option<String> {
    let mut parts = Vec::new();
    if c.failed > 0 {
        parts.push(format!("{} failed", grouped(c.failed)));
    }
    if c.unknown > 0 {
        parts.push(count_text(c.unknown, "outcome unknown", "outcomes unknown"));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::target::Target;
    use crate::model::test_rows::{scheduled_row, targets_in};

    fn targets(regions: &[&str]) -> Vec<Arc<Target>> {
        targets_in(regions)
    }

    fn row(target: &Arc<Target>, name: &str) -> Arc<SecretRow> {
        scheduled_row(target, name)
    }

    fn rows(target: &Arc<Target>, n: usize) -> Vec<Arc<SecretRow>> {
        (0..n).map(|i| row(target, &format!("s{i}"))).collect()
    }

    #[test]
    fn outcomes_are_restored_refused_or_unknown() {
        assert_eq!(
            ItemState::from_outcome(&Ok::<(), ApiError>(()), "a"),
            ItemState::Restored
        );
        let gone = ApiError::from_response(
            400,
            r#"{"__type":"ResourceNotFoundException","message":"no such secret"}"#,
        );
        assert!(matches!(
            ItemState::from_outcome(&Err::<(), _>(gone), "prod/db"),
            ItemState::Failed(words) if words.contains("prod/db") && words.contains("purged")
        ));
        assert!(matches!(
            ItemState::from_outcome(&Err::<(), _>(ApiError::network("reset")), "prod/db"),
            ItemState::Unknown(words) if words.contains("retrying is safe")
        ));
    }

    #[test]
    fn each_secret_is_restored_once_however_often_it_is_given() {
        let t = targets(&["us-east-1"]);
        let a = row(&t[0], "a");
        let mut run = BulkRun::new([a.clone(), a.clone()]);
        assert_eq!(run.counts().total, 1);
        assert_eq!(run.start_next(), vec![a.clone()]);
        // Asked again while it runs (a second Confirm): nothing more starts.
        assert!(run.start_next().is_empty());
        run.finish(&a.id, ItemState::Restored);
        // A late second answer for the same row changes nothing.
        run.finish(&a.id, ItemState::Failed("late".into()));
        assert!(run.start_next().is_empty());
        assert!(!run.is_running());
        assert_eq!(run.summary_text(), "Restored 1 of 1.");
    }

    #[test]
    fn at_most_five_run_in_one_account_region_and_six_in_all() {
        let t = targets(&["us-east-1", "eu-west-1"]);
        let mut all = rows(&t[0], 8);
        all.extend(rows(&t[1], 3));
        let mut run = BulkRun::new(all.clone());
        let first = run.start_next();
        // Five of the first region, then one of the second: six in all.
        assert_eq!(first.len(), IN_FLIGHT);
        assert_eq!(
            first
                .iter()
                .filter(|r| r.target.region == "us-east-1")
                .count(),
            PER_TARGET
        );
        assert_eq!(first[5].target.region, "eu-west-1");
        // An answer from the first region frees a slot, and that region may take one more.
        run.finish(&first[0].id, ItemState::Restored);
        let next = run.start_next();
        assert_eq!(next.len(), 1);
        assert_eq!(next[0].target.region, "us-east-1");
        assert_eq!(run.progress_text(), "Restored 1 of 11");
    }

    #[test]
    fn stop_keeps_what_was_sent_and_reports_what_was_not() {
        let t = targets(&["us-east-1"]);
        let all = rows(&t[0], 10);
        let mut run = BulkRun::new(all.clone());
        let started = run.start_next();
        assert_eq!(started.len(), PER_TARGET);
        run.stop();
        assert!(run.start_next().is_empty());
        assert!(run.is_running());
        run.finish(&started[0].id, ItemState::Restored);
        run.finish(&started[1].id, ItemState::Failed("Access denied".into()));
        run.finish(&started[2].id, ItemState::Unknown("lost".into()));
        run.finish(&started[3].id, ItemState::Restored);
        assert_eq!(
            run.progress_text(),
            "Restored 2 of 10 (1 failed, 1 outcome unknown)"
        );
        run.finish(&started[4].id, ItemState::Restored);
        assert!(!run.is_running());
        assert_eq!(
            run.summary_text(),
            "Stopped. Restored 3 of 10: 1 failed, 1 outcome unknown, 5 not started."
        );
        assert_eq!(
            run.retryable(),
            vec![started[1].clone(), started[2].clone()]
        );
        let reasons: Vec<_> = run.items().iter().map(|i| i.state.reason_text()).collect();
        assert_eq!(reasons[1].as_deref(), Some("Restore failed: Access denied"));
        assert_eq!(reasons[2].as_deref(), Some("Restore outcome unknown: lost"));
        assert_eq!(reasons[0], None);
        let c = run.counts();
        assert_eq!(
            (c.restored, c.failed, c.unknown, c.not_started),
            (3, 1, 1, 5)
        );
    }
}
