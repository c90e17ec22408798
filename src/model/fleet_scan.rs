//! Where listing every account-region stands: which targets wait, are being listed, were listed
//! to their end, or failed and why. A failed target does not blank the table; only when every
//! target was listed to its end may the page say that nothing is scheduled for deletion.

use std::sync::Arc;

use crate::api::error::{ApiError, ErrorKind};
use crate::model::format::{count_text, grouped};
use crate::model::target::Target;

#[derive(Debug, Clone, PartialEq)]
pub enum TargetState {
    Waiting,
    Listing,
    Listed,
    Failed(ApiError),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub enum FleetScan {
    /// The proxy's settings (which targets it serves) are being read.
    #[default]
    ReadingSettings,
    /// They could not be read, so no target is known.
    SettingsFailed(ApiError),
    Targets(Vec<(Arc<Target>, TargetState)>),
}

impl FleetScan {
    /// Every target waits to be listed, except those that cannot be called at all.
    pub fn start(targets: &[Arc<Target>]) -> Self {
        FleetScan::Targets(
            targets
                .iter()
                .map(|t| (t.clone(), initial_state(t)))
                .collect(),
        )
    }

    /// A new set of targets in which those with these keys (and those not scanned before) are
    /// listed again, and every other one keeps its state; with the targets to list now. A
    /// target that still waits for its turn in the running scan keeps it: listing it again
    /// would only double its calls.
    pub fn retry(&self, targets: &[Arc<Target>], keys: &[String]) -> (Self, Vec<Arc<Target>>) {
        let before = self.states();
        let mut to_list = Vec::new();
        let states = targets
            .iter()
            .map(|t| {
                let key = t.key();
                let kept = before
                    .iter()
                    .find(|(old, _)| old.key() == key)
                    .map(|(_, state)| state.clone())
                    .filter(|_| !keys.contains(&key));
                let state = kept.unwrap_or_else(|| {
                    let state = initial_state(t);
                    if state == TargetState::Waiting {
                        to_list.push(t.clone());
                    }
                    state
                });
                (t.clone(), state)
            })
            .collect();
        (FleetScan::Targets(states), to_list)
    }

    /// The targets waiting to be listed, in order.
    pub fn waiting(&self) -> Vec<Arc<Target>> {
        self.states()
            .iter()
            .filter(|(_, s)| *s == TargetState::Waiting)
            .map(|(t, _)| t.clone())
            .collect()
    }

    pub fn set(&mut self, key: &str, state: TargetState) {
        if let FleetScan::Targets(targets) = self
            && let Some((_, old)) = targets.iter_mut().find(|(t, _)| t.key() == key)
        {
            *old = state;
        }
    }

    pub fn states(&self) -> &[(Arc<Target>, TargetState)] {
        match self {
            FleetScan::Targets(targets) => targets,
            _ => &[],
        }
    }

    pub fn targets(&self) -> Vec<Arc<Target>> {
        self.states().iter().map(|(t, _)| t.clone()).collect()
    }

    /// More than one target: rows name their account and region.
    pub fn several(&self) -> bool {
        self.states().len() > 1
    }

    pub fn is_running(&self) -> bool {
        match self {
            FleetScan::ReadingSettings => true,
            FleetScan::SettingsFailed(_) => false,
            FleetScan::Targets(targets) => targets
                .iter()
                .any(|(_, s)| matches!(s, TargetState::Waiting | TargetState::Listing)),
        }
    }

    pub fn listed(&self) -> usize {
        self.count(|s| *s == TargetState::Listed)
    }

    fn count(&self, which: impl Fn(&TargetState) -> bool) -> usize {
        self.states().iter().filter(|(_, s)| which(s)).count()
    }

    /// The targets that could not be listed, and why.
    pub fn failures(&self) -> Vec<(Arc<Target>, ApiError)> {
        self.states()
            .iter()
            .filter_map(|(t, s)| match s {
                TargetState::Failed(e) => Some((t.clone(), e.clone())),
                _ => None,
            })
            .collect()
    }

    /// The keys of the targets that could not be listed.
    pub fn failed_keys(&self) -> Vec<String> {
        self.failures().iter().map(|(t, _)| t.key()).collect()
    }

    /// Every target was listed to its end: only then is an empty table the whole truth.
    pub fn all_listed(&self) -> bool {
        matches!(self, FleetScan::Targets(t) if !t.is_empty())
            && self.listed() == self.states().len()
    }

    /// What the progress line says while listing: "Listed 9 of 12 account-regions · 4,210
    /// secrets read · 37 scheduled for deletion…", or for one target "Scanned 1,200 secrets, 37
    /// scheduled for deletion…".
    pub fn progress_text(&self, read: usize, found: usize) -> String {
        match self {
            FleetScan::ReadingSettings => "Reading the proxy's settings…".into(),
            _ if !self.several() => format!(
                "Scanned {}, {} scheduled for deletion…",
                count_text(read, "secret", "secrets"),
                grouped(found)
            ),
            _ => {
                let failed = self.failures().len();
                let failed = if failed > 0 {
                    format!(" ({} could not be listed)", grouped(failed))
                } else {
                    String::new()
                };
                format!(
                    "Listed {} of {} account-regions{failed} · {} read · {} scheduled for deletion…",
                    grouped(self.listed()),
                    grouped(self.states().len()),
                    count_text(read, "secret", "secrets"),
                    grouped(found)
                )
            }
        }
    }

    /// What the live region says once every target was listed or failed. `shown` rows are in
    /// the table, `unfinished` of them from targets that could not be listed to their end (the
    /// table keeps what was listed of them); `narrowed` is how many rows a search or filter
    /// leaves, and whether the filter is by account or region.
    pub fn ended_text(
        &self,
        shown: usize,
        unfinished: usize,
        narrowed: Option<(usize, bool)>,
    ) -> String {
        if matches!(self, FleetScan::SettingsFailed(_)) {
            return "Could not read the proxy's settings.".into();
        }
        let mut said = format!(
            "{} scheduled for deletion",
            count_text(shown, "secret", "secrets")
        );
        if unfinished > 0 {
            let place = if self.several() {
                "from account-regions that could not be listed to the end"
            } else {
                "listed before the error"
            };
            said = format!("{said} ({} {place})", grouped(unfinished));
        }
        said.push('.');
        match narrowed {
            Some((matches, true)) => said = format!("{said} {} shown.", grouped(matches)),
            Some((matches, false)) => {
                said = format!(
                    "{said} {} the search.",
                    count_text(matches, "matches", "match")
                )
            }
            None => {}
        }
        let failed = self.failures().len();
        if failed > 0 {
            said = if self.several() {
                format!(
                    "{said} {} of {} could not be listed.",
                    grouped(failed),
                    count_text(self.states().len(), "account-region", "account-regions")
                )
            } else {
                format!("{said} The list could not be loaded to its end.")
            };
        }
        said
    }
}

fn initial_state(target: &Target) -> TargetState {
    if target.api_path().is_some() {
        return TargetState::Waiting;
    }
    TargetState::Failed(ApiError {
        kind: ErrorKind::NoCredentials,
        code: "CredentialsUnavailable".into(),
        message: target
            .unavailable
            .clone()
            .unwrap_or_else(|| "the proxy cannot call this account yet".into()),
        status: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::target::targets_of;
    use crate::wire::{ProxyConfig, TargetInfo};

    fn targets(accounts: &[Option<&str>]) -> Vec<Arc<Target>> {
        let infos = accounts
            .iter()
            .enumerate()
            .map(|(i, account)| TargetInfo {
                account: account.map(str::to_string),
                label: Some(format!("acct{i}")),
                region: Some("us-east-1".into()),
                available: account.is_some(),
                reason: account.is_none().then(|| "SSO session expired".into()),
            })
            .collect();
        targets_of(&ProxyConfig {
            targets: Some(infos),
            ..Default::default()
        })
    }

    fn denied() -> ApiError {
        ApiError::from_response(403, r#"{"__type":"AccessDeniedException","message":"no"}"#)
    }

    #[test]
    fn a_target_without_an_account_id_fails_at_once_with_its_reason() {
        let t = targets(&[Some("111111111111"), None]);
        let scan = FleetScan::start(&t);
        assert_eq!(scan.waiting(), vec![t[0].clone()]);
        let failures = scan.failures();
        assert_eq!(failures.len(), 1);
        assert_eq!(failures[0].1.kind, ErrorKind::NoCredentials);
        assert_eq!(failures[0].1.message, "SSO session expired");
        assert!(scan.is_running());
    }

    #[test]
    fn nothing_is_all_clear_until_every_target_is_listed() {
        let t = targets(&[Some("111111111111"), Some("222222222222")]);
        let mut scan = FleetScan::start(&t);
        assert!(!scan.all_listed());
        scan.set(&t[0].key(), TargetState::Listed);
        scan.set(&t[1].key(), TargetState::Failed(denied()));
        assert!(!scan.is_running());
        assert!(!scan.all_listed());
        assert_eq!((scan.listed(), scan.failures().len()), (1, 1));
        // Retry only the failed one: the listed one keeps its state.
        let (again, to_list) = scan.retry(&t, &[t[1].key()]);
        assert_eq!(to_list, vec![t[1].clone()]);
        assert_eq!(again.waiting(), vec![t[1].clone()]);
        assert_eq!(again.listed(), 1);
        let mut again = again;
        again.set(&t[1].key(), TargetState::Listed);
        assert!(again.all_listed());
        assert!(!FleetScan::start(&[]).all_listed());
        assert!(!FleetScan::ReadingSettings.all_listed());
    }

    #[test]
    fn a_retry_lists_targets_that_are_new_in_the_settings() {
        let before = targets(&[Some("111111111111"), None]);
        let scan = FleetScan::start(&before);
        // The account's credentials work now: it has an ID, so it is a new target.
        let after = targets(&[Some("111111111111"), Some("333333333333")]);
        let mut listed = scan.clone();
        listed.set(&before[0].key(), TargetState::Listed);
        let (again, to_list) = listed.retry(&after, &[before[1].key()]);
        assert_eq!(to_list, vec![after[1].clone()]);
        assert_eq!(again.waiting(), vec![after[1].clone()]);
        assert_eq!(again.listed(), 1);
    }

    #[test]
    fn a_retry_while_targets_still_wait_their_turn_lists_only_the_failed_ones() {
        let t = targets(&[
            Some("111111111111"),
            Some("222222222222"),
            Some("333333333333"),
        ]);
        let mut scan = FleetScan::start(&t);
        // The first fails at once; the other two are still queued behind the bound.
        scan.set(&t[0].key(), TargetState::Failed(denied()));
        let (again, to_list) = scan.retry(&t, &[t[0].key()]);
        assert_eq!(to_list, vec![t[0].clone()]);
        // All three wait, but the two queued ones are already in the queue.
        assert_eq!(again.waiting().len(), 3);
        // A retried target whose account is still unknown cannot be called: not listed.
        let unknown = targets(&[None]);
        let (_, to_list) = FleetScan::start(&unknown).retry(&unknown, &[unknown[0].key()]);
        assert!(to_list.is_empty());
    }

    #[test]
    fn the_end_of_a_scan_counts_the_rows_shown_and_says_which_are_unfinished() {
        let t = targets(&[Some("111111111111"), Some("222222222222")]);
        let mut scan = FleetScan::start(&t);
        scan.set(&t[0].key(), TargetState::Listed);
        scan.set(&t[1].key(), TargetState::Listed);
        assert_eq!(
            scan.ended_text(14, 0, None),
            "14 secrets scheduled for deletion."
        );
        assert_eq!(
            scan.ended_text(1, 0, Some((0, false))),
            "1 secret scheduled for deletion. 0 match the search."
        );
        scan.set(&t[1].key(), TargetState::Failed(denied()));
        assert_eq!(
            scan.ended_text(18, 4, Some((3, true))),
            "18 secrets scheduled for deletion (4 from account-regions that could not be listed \
             to the end). 3 shown. 1 of 2 account-regions could not be listed."
        );
        let one = targets(&[Some("111111111111")]);
        let mut single = FleetScan::start(&one);
        single.set(&one[0].key(), TargetState::Failed(denied()));
        assert_eq!(
            single.ended_text(5, 5, None),
            "5 secrets scheduled for deletion (5 listed before the error). The list could not \
             be loaded to its end."
        );
        let unread = FleetScan::SettingsFailed(denied());
        assert_eq!(
            unread.ended_text(5, 0, None),
            "Could not read the proxy's settings."
        );
    }

    #[test]
    fn progress_names_targets_only_when_there_are_several() {
        let one = FleetScan::start(&targets(&[Some("111111111111")]));
        assert_eq!(
            one.progress_text(1200, 37),
            "Scanned 1,200 secrets, 37 scheduled for deletion…"
        );
        let t = targets(&[
            Some("111111111111"),
            Some("222222222222"),
            Some("333333333333"),
        ]);
        let mut many = FleetScan::start(&t);
        many.set(&t[0].key(), TargetState::Listed);
        many.set(&t[1].key(), TargetState::Failed(denied()));
        assert_eq!(
            many.progress_text(4210, 1),
            "Listed 1 of 3 account-regions (1 could not be listed) · 4,210 secrets read · 1 scheduled \
             for deletion…"
        );
    }
}
