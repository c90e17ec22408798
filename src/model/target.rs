//! The account-regions ("targets") the proxy serves, as `GET /api/config` lists them, and how each
//! is named and addressed.
//!
//! Every call names its target in the path (`/api/secretsmanager/{account}/{region}`), so that a
//! proxy restarted for other accounts answers `UnknownTarget` instead of acting somewhere else.

use std::sync::Arc;

use crate::wire::{ProxyConfig, TargetInfo};

/// Where a target's calls go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `POST /api/secretsmanager/{account}/{region}`.
    Addressed,
    /// `POST /api/secretsmanager`: a proxy that lists no targets serves one account and region.
    ProxyDefault,
    /// Nothing can be called: the proxy does not know the account's ID yet, or named it in a
    /// form this dashboard will not put in a path.
    Unreachable,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The 12-digit account ID, when known.
    pub account: Option<String>,
    /// The account's label: its ID when it has no other.
    pub label: String,
    pub region: String,
    pub route: Route,
    /// Why the proxy could not use the account's credentials when it last tried.
    pub unavailable: Option<String>,
}

impl Target {
    /// The one target of a proxy that lists none.
    pub fn proxy_default(region: impl Into<String>) -> Target {
        Target {
            account: None,
            label: String::new(),
            region: region.into(),
            route: Route::ProxyDefault,
            unavailable: None,
        }
    }

    /// What tells this target apart from every other one the proxy serves.
    pub fn key(&self) -> String {
        format!(
            "{}/{}",
            self.account.as_deref().unwrap_or(&self.label),
            self.region
        )
    }

    /// The proxy path of this target's calls, unless it cannot be called.
    pub fn api_path(&self) -> Option<String> {
        match (&self.route, &self.account) {
            (Route::Addressed, Some(account)) => {
                Some(format!("/api/secretsmanager/{account}/{}", self.region))
            }
            (Route::ProxyDefault, _) => Some("/api/secretsmanager".into()),
            _ => None,
        }
    }

    /// Whether the label is a name of its own rather than the account ID.
    pub fn has_label(&self) -> bool {
        !self.label.is_empty() && self.account.as_deref() != Some(self.label.as_str())
    }

    /// The account as a person reads it: "prod (210987654321)", "210987654321", or
    /// "ops (account ID not known)".
    pub fn account_text(&self) -> String {
        match (&self.account, self.has_label()) {
            (Some(id), true) => format!("{} ({id})", self.label),
            (Some(id), false) => id.clone(),
            (None, _) if !self.label.is_empty() => {
                format!("{} (account ID not known)", self.label)
            }
            (None, _) => "account not known".into(),
        }
    }

    /// What the account filter tells accounts apart by: the ID, or the label while the ID is
    /// not known.
    pub fn account_key(&self) -> &str {
        self.account.as_deref().unwrap_or(&self.label)
    }

    /// The short name of the account: its label, or its ID.
    pub fn account_name(&self) -> &str {
        if self.label.is_empty() {
            self.account.as_deref().unwrap_or("unknown account")
        } else {
            &self.label
        }
    }

    /// "prod (eu-west-1)": how a row's controls name where the secret lives.
    pub fn place(&self) -> String {
        format!("{} ({})", self.account_name(), self.region)
    }

    /// "prod (210987654321) in eu-west-1".
    pub fn place_text(&self) -> String {
        format!("{} in {}", self.account_text(), self.region)
    }
}

/// The account key (`Target::account_key`) of the account that `text` names by key, ID or label.
pub fn account_key_for<'a>(targets: &'a [Arc<Target>], text: &str) -> Option<&'a str> {
    let by = |f: &dyn Fn(&Target) -> bool| targets.iter().find(|t| f(t)).map(|t| t.account_key());
    by(&|t| t.account_key() == text)
        .or_else(|| by(&|t| t.account.as_deref() == Some(text)))
        .or_else(|| by(&|t| !t.label.is_empty() && t.label == text))
}

/// The targets of a proxy's settings, in its order. A proxy that lists none serves one: its
/// region, at its default path.
pub fn targets_of(config: &ProxyConfig) -> Vec<Arc<Target>> {
    match &config.targets {
        None => vec![Arc::new(Target::proxy_default(
            config.region.clone().unwrap_or_default(),
        ))],
        Some(targets) => {
            let mut seen = std::collections::HashSet::new();
            targets
                .iter()
                .map(target_of)
                // The same target twice would list its secrets twice.
                .filter(|t| seen.insert(t.key()))
                .map(Arc::new)
                .collect()
        }
    }
}

fn target_of(info: &TargetInfo) -> Target {
    let account = info.account.clone().filter(|a| !a.is_empty());
    let region = info.region.clone().unwrap_or_default();
    let addressable = account.as_deref().is_some_and(is_account_id) && is_region(&region);
    let unavailable = (!info.available).then(|| {
        info.reason
            .clone()
            .filter(|r| !r.trim().is_empty())
            .unwrap_or_else(|| "the proxy could not use this account's credentials".into())
    });
    let unavailable = match (&account, addressable) {
        (Some(_), false) => Some(
            "the proxy names this account or region in a form the dashboard does not recognise"
                .into(),
        ),
        _ => unavailable,
    };
    Target {
        label: info
            .label
            .clone()
            .filter(|l| !l.is_empty())
            .or_else(|| account.clone())
            .unwrap_or_default(),
        account,
        region,
        route: if addressable {
            Route::Addressed
        } else {
            Route::Unreachable
        },
        unavailable,
    }
}

fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

fn is_region(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 32
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// "2 accounts × 3 regions": what a fleet spans.
pub fn scope_text(targets: &[Arc<Target>]) -> String {
    let accounts = distinct(targets.iter().map(|t| t.account_text()));
    let regions = distinct(targets.iter().map(|t| t.region.clone()));
    let count =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    format!(
        "{} × {} ({})",
        count(accounts.len(), "account", "accounts"),
        count(regions.len(), "region", "regions"),
        count(targets.len(), "account-region", "account-regions"),
    )
}

/// The distinct values, in first-seen order.
pub fn distinct(values: impl Iterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for value in values {
        if !out.contains(&value) {
            out.push(value);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(account: Option<&str>, label: &str, region: &str) -> TargetInfo {
        TargetInfo {
            account: account.map(str::to_string),
            label: Some(label.into()),
            region: Some(region.into()),
            available: true,
            reason: None,
        }
    }

    fn config(targets: Vec<TargetInfo>) -> ProxyConfig {
        ProxyConfig {
            targets: Some(targets),
            ..Default::default()
        }
    }

    #[test]
    fn a_proxy_without_targets_serves_one_at_its_default_path() {
        let c = ProxyConfig {
            region: Some("eu-west-1".into()),
            ..Default::default()
        };
        let targets = targets_of(&c);
        assert_eq!(targets.len(), 1);
        assert_eq!(targets[0].region, "eu-west-1");
        assert_eq!(
            targets[0].api_path().as_deref(),
            Some("/api/secretsmanager")
        );
    }

    #[test]
    fn targets_are_addressed_by_account_and_region() {
        let targets = targets_of(&config(vec![
            info(Some("123456789012"), "123456789012", "us-east-1"),
            info(Some("210987654321"), "prod", "eu-west-1"),
        ]));
        assert_eq!(
            targets[1].api_path().as_deref(),
            Some("/api/secretsmanager/210987654321/eu-west-1")
        );
        assert_eq!(targets[0].account_text(), "123456789012");
        assert!(!targets[0].has_label());
        assert_eq!(targets[1].account_text(), "prod (210987654321)");
        assert_eq!(targets[1].place(), "prod (eu-west-1)");
        assert_eq!(targets[0].place(), "123456789012 (us-east-1)");
        assert_eq!(targets[1].place_text(), "prod (210987654321) in eu-west-1");
        assert_eq!(targets[1].key(), "210987654321/eu-west-1");
        // A link may name an account by ID or label.
        assert_eq!(account_key_for(&targets, "prod"), Some("210987654321"));
        assert_eq!(
            account_key_for(&targets, "210987654321"),
            Some("210987654321")
        );
        assert_eq!(account_key_for(&targets, "staging"), None);
    }

    #[test]
    fn unknown_or_odd_accounts_and_regions_are_never_put_in_a_path() {
        let mut unknown = info(None, "ops", "us-east-1");
        unknown.available = false;
        unknown.reason = Some("the SSO session has expired".into());
        let targets = targets_of(&config(vec![
            unknown,
            info(Some("12345678901/../x"), "x", "us-east-1"),
            info(Some("123456789012"), "y", "us-east-1/../../x"),
            info(Some("123456789012"), "z", "US-EAST-1"),
        ]));
        assert!(targets.iter().all(|t| t.api_path().is_none()));
        assert_eq!(
            targets[0].unavailable.as_deref(),
            Some("the SSO session has expired")
        );
        assert_eq!(targets[0].account_text(), "ops (account ID not known)");
        assert!(targets[1].unavailable.as_deref().unwrap().contains("form"));
    }

    #[test]
    fn an_unavailable_account_with_an_id_is_still_called() {
        let mut role = info(Some("210987654321"), "prod", "us-east-1");
        role.available = false;
        let targets = targets_of(&config(vec![role]));
        assert!(targets[0].api_path().is_some());
        assert!(targets[0].unavailable.is_some());
    }

    #[test]
    fn a_target_listed_twice_counts_once() {
        let t = info(Some("123456789012"), "a", "us-east-1");
        assert_eq!(targets_of(&config(vec![t.clone(), t])).len(), 1);
    }

    #[test]
    fn scope_counts_accounts_regions_and_targets() {
        let targets = targets_of(&config(vec![
            info(Some("123456789012"), "own", "us-east-1"),
            info(Some("123456789012"), "own", "eu-west-1"),
            info(Some("210987654321"), "prod", "us-east-1"),
            info(Some("210987654321"), "prod", "eu-west-1"),
        ]));
        assert_eq!(
            scope_text(&targets),
            "2 accounts × 2 regions (4 account-regions)"
        );
        assert_eq!(
            scope_text(&targets[..1]),
            "1 account × 1 region (1 account-region)"
        );
    }
}
