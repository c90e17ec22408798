//! The targets the proxy serves while it runs: accounts (each with its credentials' [`Signer`]
//! and, once known, its ID) × regions (each with its endpoint). Answers which target a call
//! names ([`Fleet::route`]), lists the targets for `GET /api/config` ([`Fleet::views`]), and
//! learns the IDs of accounts whose credentials failed at start-up ([`Fleet::learn_ids`]).

use crate::errors::Refusal;
use crate::routing::{TargetName, TargetPath, target_in_path};
use crate::signing::Signer;
use crate::sts::{IdentityProbe, one_line};
use crate::targets::{UNKNOWN_DEFAULT_LABEL, check_target_count};
use serde::Serialize;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use tokio::task::JoinSet;
use url::Url;

/// An account whose ID is not known is asked again at most this often (on `GET /api/config`).
pub const PROBE_INTERVAL: Duration = Duration::from_secs(10);

/// Bound for asking an account's ID again while serving (start-up has its own).
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(3);

/// One region and the endpoint its calls go to.
#[derive(Debug, Clone)]
pub struct RegionEndpoint {
    pub name: String,
    pub endpoint: Url,
}

impl RegionEndpoint {
    /// The endpoint as shown to people and to the UI (no trailing slash).
    pub fn endpoint_display(&self) -> String {
        self.endpoint.as_str().trim_end_matches('/').to_string()
    }
}

/// One account: its label, how it is reached, its credentials, and its ID once known.
pub struct Account {
    /// `None`: the label is the account ID.
    label: Option<String>,
    /// How it is reached, for people: `default credential chain`, `profile ops`,
    /// `assumed role arn:...`.
    source: String,
    signer: Arc<Signer>,
    id: RwLock<Option<String>>,
    /// Asks STS for the ID (profiles and the default chain; a role's ID is in its ARN).
    probe: Option<Probe>,
}

struct Probe {
    identity: IdentityProbe,
    /// When it was last asked (to ask at most every [`PROBE_INTERVAL`]); held while asking.
    last: tokio::sync::Mutex<Option<Instant>>,
    /// Why the ID is not known.
    failure: RwLock<Option<String>>,
}

impl std::fmt::Debug for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Account")
            .field("label", &self.label())
            .field("id", &self.id())
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

impl Account {
    /// An account whose ID is known (a role's, or fixed in tests and embedding).
    pub fn known(
        id: impl Into<String>,
        label: Option<String>,
        source: impl Into<String>,
        signer: Arc<Signer>,
    ) -> Account {
        Account {
            label,
            source: source.into(),
            signer,
            id: RwLock::new(Some(id.into())),
            probe: None,
        }
    }

    /// An account whose ID is learned from STS with `probe`.
    pub fn probed(
        label: Option<String>,
        source: impl Into<String>,
        signer: Arc<Signer>,
        probe: IdentityProbe,
    ) -> Account {
        Account {
            label,
            source: source.into(),
            signer,
            id: RwLock::new(None),
            probe: Some(Probe {
                identity: probe,
                last: tokio::sync::Mutex::new(None),
                failure: RwLock::new(None),
            }),
        }
    }

    pub fn id(&self) -> Option<String> {
        self.id.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The label; the account ID where none was given (`default` while the ID is not known).
    pub fn label(&self) -> String {
        match &self.label {
            Some(label) => label.clone(),
            None => self
                .id()
                .unwrap_or_else(|| UNKNOWN_DEFAULT_LABEL.to_string()),
        }
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    pub fn signer(&self) -> &Signer {
        &self.signer
    }

    /// Whether its calls can be signed now, and why not.
    pub fn availability(&self) -> Result<(), String> {
        if self.id().is_none() {
            let why = self
                .probe
                .as_ref()
                .and_then(|p| p.failure.read().unwrap_or_else(|e| e.into_inner()).clone());
            return Err(why.unwrap_or_else(|| "its account ID is not known yet".to_string()));
        }
        match self.signer.failure() {
            Some(why) => Err(one_line(&why)),
            None => Ok(()),
        }
    }

    /// Asks STS for the ID (bounded by `timeout`) unless it is known, it was asked less than
    /// `interval` ago, or it is being asked right now. `None` when it did not ask.
    async fn ask_id(
        &self,
        timeout: Duration,
        interval: Duration,
    ) -> Option<Result<String, String>> {
        let probe = self.probe.as_ref()?;
        if self.id().is_some() {
            return None;
        }
        let mut last = probe.last.try_lock().ok()?;
        if last.is_some_and(|at| at.elapsed() < interval) {
            return None;
        }
        *last = Some(Instant::now());
        let asked = async {
            // The credentials first: their failure is the clearer reason.
            self.signer
                .credentials()
                .await
                .map_err(|why| format!("no credentials: {}", one_line(&why)))?;
            probe.identity.account_id().await
        };
        let answer = match tokio::time::timeout(timeout, asked).await {
            Ok(answer) => answer,
            Err(_) => Err(format!(
                "STS GetCallerIdentity did not answer within {} s",
                timeout.as_secs()
            )),
        };
        if let Err(why) = &answer {
            *probe.failure.write().unwrap_or_else(|e| e.into_inner()) = Some(why.clone());
            // Credentials STS refused are resolved afresh next time (a profile fixed meanwhile).
            self.signer.invalidate().await;
        }
        Some(answer)
    }

    fn set_id(&self, id: String) {
        if let Some(probe) = &self.probe {
            *probe.failure.write().unwrap_or_else(|e| e.into_inner()) = None;
        }
        *self.id.write().unwrap_or_else(|e| e.into_inner()) = Some(id);
    }

    fn set_probe_failure(&self, why: String) {
        if let Some(probe) = &self.probe {
            *probe.failure.write().unwrap_or_else(|e| e.into_inner()) = Some(why);
        }
    }
}

/// One target: an account in a region.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    pub account: &'a Account,
    pub region: &'a RegionEndpoint,
}

impl Target<'_> {
    pub fn name(&self) -> TargetName {
        TargetName {
            account: self.account.id().unwrap_or_else(|| "-".to_string()),
            label: self.account.label(),
            region: self.region.name.clone(),
        }
    }
}

/// A target as `GET /api/config` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetView {
    pub account: Option<String>,
    pub label: String,
    pub region: String,
    pub available: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// An account as [`target_views`] needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountView {
    pub id: Option<String>,
    pub label: String,
    pub availability: Result<(), String>,
}

/// Accounts × regions, accounts in order, regions in order within each account.
pub fn target_views(accounts: &[AccountView], regions: &[String]) -> Vec<TargetView> {
    accounts
        .iter()
        .flat_map(|account| {
            regions.iter().map(move |region| TargetView {
                account: account.id.clone(),
                label: account.label.clone(),
                region: region.clone(),
                available: account.availability.is_ok(),
                reason: account.availability.clone().err(),
            })
        })
        .collect()
}

/// The accounts × regions one proxy serves.
#[derive(Debug)]
pub struct Fleet {
    accounts: Vec<Arc<Account>>,
    regions: Vec<RegionEndpoint>,
}

impl Fleet {
    /// Refuses no target or more than [`crate::targets::MAX_TARGETS`].
    pub fn new(accounts: Vec<Account>, regions: Vec<RegionEndpoint>) -> anyhow::Result<Fleet> {
        check_target_count(accounts.len(), regions.len())?;
        Ok(Fleet {
            accounts: accounts.into_iter().map(Arc::new).collect(),
            regions,
        })
    }

    /// One account (`account_id`, fixed credentials) in one region (tests, embedding).
    pub fn single(
        account_id: &str,
        region: &str,
        endpoint: &str,
        signer: Signer,
    ) -> anyhow::Result<Fleet> {
        crate::config::validate_region(region)?;
        Fleet::new(
            vec![Account::known(
                account_id,
                None,
                "fixed credentials",
                Arc::new(signer),
            )],
            vec![RegionEndpoint {
                name: region.to_string(),
                endpoint: crate::config::parse_endpoint(endpoint)?,
            }],
        )
    }

    pub fn accounts(&self) -> impl Iterator<Item = &Account> {
        self.accounts.iter().map(|a| a.as_ref())
    }

    pub fn regions(&self) -> &[RegionEndpoint] {
        &self.regions
    }

    pub fn target_count(&self) -> usize {
        self.accounts.len() * self.regions.len()
    }

    /// The first account in the first region: what `POST /api/secretsmanager` calls.
    pub fn first(&self) -> Target<'_> {
        Target {
            account: &self.accounts[0],
            region: &self.regions[0],
        }
    }

    /// The served target with this account ID and region.
    pub fn find(&self, account: &str, region: &str) -> Option<Target<'_>> {
        let region = self.regions.iter().find(|r| r.name == region)?;
        let account = self
            .accounts
            .iter()
            .find(|a| a.id().as_deref() == Some(account))?;
        Some(Target { account, region })
    }

    /// The target a Secrets Manager path names (`None`: not such a path). Malformed:
    /// `InvalidTarget`; well-formed but not served: `UnknownTarget`.
    pub fn route(&self, path: &str) -> Option<Result<Target<'_>, Refusal>> {
        Some(match target_in_path(path)? {
            Ok(TargetPath::First) => Ok(self.first()),
            Ok(TargetPath::Named { account, region }) => {
                self.find(account, region)
                    .ok_or_else(|| Refusal::UnknownTarget {
                        account: account.to_string(),
                        region: region.to_string(),
                    })
            }
            Err(refusal) => Err(refusal),
        })
    }

    /// How the logs name the target of a call to `path`: the served target, or the account
    /// and region the path gives when it is not served, `-` for what is not known.
    pub fn name_for_path(&self, path: &str) -> Option<TargetName> {
        Some(match target_in_path(path)? {
            Ok(TargetPath::First) => self.first().name(),
            Ok(TargetPath::Named { account, region }) => match self.find(account, region) {
                Some(target) => target.name(),
                None => TargetName {
                    account: account.to_string(),
                    region: region.to_string(),
                    ..TargetName::unknown()
                },
            },
            Err(_) => TargetName::unknown(),
        })
    }

    /// The targets as `GET /api/config` lists them (asks again for unknown account IDs
    /// first, see [`Fleet::learn_ids`]).
    pub async fn views(&self) -> Vec<TargetView> {
        self.learn_ids(PROBE_TIMEOUT, PROBE_INTERVAL).await;
        let accounts: Vec<AccountView> = self
            .accounts
            .iter()
            .map(|a| AccountView {
                id: a.id(),
                label: a.label(),
                availability: a.availability(),
            })
            .collect();
        let regions: Vec<String> = self.regions.iter().map(|r| r.name.clone()).collect();
        target_views(&accounts, &regions)
    }

    /// Asks STS, all at once, for the ID of every account that does not have one yet (at most
    /// every `interval` each, bounded by `timeout`). An ID that another account already has is
    /// not taken: that account stays unavailable, with the reason; the repeats are returned
    /// (account ID, how the first account is reached, how the second one is).
    pub async fn learn_ids(
        &self,
        timeout: Duration,
        interval: Duration,
    ) -> Vec<(String, String, String)> {
        let mut repeats = Vec::new();
        let mut asking = JoinSet::new();
        for (index, account) in self.accounts.iter().enumerate() {
            if account.probe.is_some() && account.id().is_none() {
                let account = account.clone();
                asking.spawn(async move { (index, account.ask_id(timeout, interval).await) });
            }
        }
        while let Some(done) = asking.join_next().await {
            let Ok((index, Some(Ok(id)))) = done else {
                continue;
            };
            let account = &self.accounts[index];
            let twin = self
                .accounts
                .iter()
                .find(|other| other.id().as_deref() == Some(id.as_str()));
            match twin {
                Some(other) => {
                    account.set_probe_failure(format!(
                        "its credentials are for account {id}, which is already served as {}",
                        other.label()
                    ));
                    repeats.push((id, other.source.clone(), account.source.clone()));
                }
                None => account.set_id(id),
            }
        }
        repeats
    }

    /// Resolves, all at once, the credentials of every account whose ID needs no asking (the
    /// assumed roles), waiting at most `timeout`; one still resolving then goes on in the
    /// background (its result is cached as any). Failures are the accounts' availability.
    pub async fn resolve_credentials(&self, timeout: Duration) {
        // Plain tasks, not a `JoinSet`: dropping their handles at the timeout leaves them running.
        let resolving: Vec<_> = self
            .accounts
            .iter()
            .filter(|account| account.probe.is_none())
            .map(|account| {
                let account = account.clone();
                tokio::spawn(async move {
                    let _ = account.signer.credentials().await;
                })
            })
            .collect();
        let _ = tokio::time::timeout(timeout, async {
            for task in resolving {
                let _ = task.await;
            }
        })
        .await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_credential_types::Credentials;

    fn signer() -> Arc<Signer> {
        Arc::new(Signer::with_static_credentials(Credentials::new(
            "AKID", "secret", None, None, "Test",
        )))
    }

    fn region(name: &str) -> RegionEndpoint {
        RegionEndpoint {
            name: name.to_string(),
            endpoint: Url::parse("http://127.0.0.1:5000").unwrap(),
        }
    }

    fn fleet() -> Fleet {
        Fleet::new(
            vec![
                Account::known("123456789012", None, "default credential chain", signer()),
                Account::known(
                    "210987654321",
                    Some("prod".into()),
                    "assumed role",
                    signer(),
                ),
            ],
            vec![region("eu-west-1"), region("us-east-1")],
        )
        .unwrap()
    }

    #[test]
    fn targets_are_accounts_times_regions_in_order() {
        let ok = |id: &str, label: &str| AccountView {
            id: Some(id.into()),
            label: label.into(),
            availability: Ok(()),
        };
        let views = target_views(
            &[
                ok("123456789012", "123456789012"),
                AccountView {
                    id: None,
                    label: "ops".into(),
                    availability: Err("no credentials: token expired".into()),
                },
            ],
            &["eu-west-1".into(), "us-east-1".into()],
        );
        let json = serde_json::to_value(&views).unwrap();
        assert_eq!(
            json,
            serde_json::json!([
                {"account": "123456789012", "label": "123456789012", "region": "eu-west-1", "available": true},
                {"account": "123456789012", "label": "123456789012", "region": "us-east-1", "available": true},
                {"account": null, "label": "ops", "region": "eu-west-1", "available": false,
                 "reason": "no credentials: token expired"},
                {"account": null, "label": "ops", "region": "us-east-1", "available": false,
                 "reason": "no credentials: token expired"},
            ])
        );
    }

    #[test]
    fn paths_route_to_served_targets_only() {
        let fleet = fleet();
        let first = fleet.route("/api/secretsmanager").unwrap().unwrap();
        assert_eq!(first.name().account, "123456789012");
        assert_eq!(first.name().region, "eu-west-1");

        let prod = fleet
            .route("/api/secretsmanager/210987654321/us-east-1")
            .unwrap()
            .unwrap();
        assert_eq!(
            prod.name(),
            TargetName {
                account: "210987654321".into(),
                label: "prod".into(),
                region: "us-east-1".into()
            }
        );

        for (path, status, ty) in [
            (
                "/api/secretsmanager/210987654321/eu-west-3",
                404,
                "UnknownTarget",
            ),
            (
                "/api/secretsmanager/333333333333/us-east-1",
                404,
                "UnknownTarget",
            ),
            (
                "/api/secretsmanager/21098765432/us-east-1",
                400,
                "InvalidTarget",
            ),
        ] {
            let refusal = fleet.route(path).unwrap().unwrap_err();
            assert_eq!(
                (refusal.status().as_u16(), refusal.error_type()),
                (status, ty),
                "{path}"
            );
        }
        assert!(fleet.route("/api/config").is_none());
    }

    #[test]
    fn logs_name_the_target_a_path_gives() {
        let fleet = fleet();
        assert_eq!(
            fleet
                .name_for_path("/api/secretsmanager/210987654321/eu-west-1")
                .unwrap()
                .label,
            "prod"
        );
        assert_eq!(
            fleet.name_for_path("/api/secretsmanager/333333333333/eu-west-3"),
            Some(TargetName {
                account: "333333333333".into(),
                label: "-".into(),
                region: "eu-west-3".into()
            })
        );
        assert_eq!(
            fleet.name_for_path("/api/secretsmanager/x"),
            Some(TargetName::unknown())
        );
        assert_eq!(fleet.name_for_path("/api/config"), None);
    }

    #[test]
    fn labels_default_to_the_account_id() {
        let fleet = fleet();
        let labels: Vec<String> = fleet.accounts().map(|a| a.label()).collect();
        assert_eq!(labels, ["123456789012", "prod"]);
        assert_eq!(fleet.target_count(), 4);
    }

    #[test]
    fn no_target_or_too_many_is_refused() {
        assert!(Fleet::new(vec![], vec![region("eu-west-1")]).is_err());
        let accounts = (0..126)
            .map(|i| Account::known(format!("{i:012}"), None, "test", signer()))
            .collect();
        let regions = ["a-1", "b-1", "c-1", "d-1"].map(region).to_vec();
        let error = Fleet::new(accounts, regions).unwrap_err().to_string();
        assert!(error.contains("at most 500"), "{error}");
    }
}
