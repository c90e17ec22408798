//! What the proxy is asked to serve, from the command line: the accounts (the own identity,
//! further `--profile`s, `--role-arn`s), the regions, and the rules they must keep (labels,
//! role ARNs, no account twice, at most [`MAX_TARGETS`] targets). Pure: nothing here talks to
//! AWS.

use crate::config::validate_region;
use anyhow::{Result, anyhow, bail};
use std::collections::HashSet;

/// Most targets (accounts × regions) one proxy serves.
pub const MAX_TARGETS: usize = 500;

/// The label the default chain's account has while its ID is not known.
pub const UNKNOWN_DEFAULT_LABEL: &str = "default";

/// A role to assume: `arn:<partition>:iam::<12 digits>:role/<path+name>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleArn {
    arn: String,
    account: String,
}

impl RoleArn {
    pub fn parse(arn: &str) -> Result<RoleArn> {
        let bad = |why: &str| {
            anyhow!(
                "invalid role ARN {arn:?}: {why} (expected arn:<partition>:iam::<12-digit account>:role/<name>, \
                 e.g. arn:aws:iam::123456789012:role/undelete)"
            )
        };
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        let [prefix, partition, service, region, account, resource] = parts[..] else {
            return Err(bad("not six ':'-separated parts"));
        };
        if prefix != "arn" {
            return Err(bad("it does not start with arn:"));
        }
        let partition_ok = !partition.is_empty()
            && partition
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !partition_ok {
            return Err(bad("the partition is not a name such as aws or aws-cn"));
        }
        if service != "iam" {
            return Err(bad("it is not an IAM ARN"));
        }
        if !region.is_empty() {
            return Err(bad("IAM ARNs have no region"));
        }
        if !is_account_id(account) {
            return Err(bad("the account is not 12 digits"));
        }
        let Some(path_and_name) = resource.strip_prefix("role/") else {
            return Err(bad("it does not name a role (role/...)"));
        };
        let name = path_and_name.rsplit('/').next().unwrap_or_default();
        let chars_ok = path_and_name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-/".contains(c));
        if name.is_empty() || name.len() > 64 || path_and_name.len() > 512 + 64 || !chars_ok {
            return Err(bad(
                "the role name is empty, too long or has characters IAM does not allow",
            ));
        }
        Ok(RoleArn {
            arn: arn.to_string(),
            account: account.to_string(),
        })
    }

    pub fn as_str(&self) -> &str {
        &self.arn
    }

    /// The account the role lives in.
    pub fn account(&self) -> &str {
        &self.account
    }
}

/// `--role-arn [LABEL=]ARN`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleSpec {
    pub label: Option<String>,
    pub arn: RoleArn,
}

impl RoleSpec {
    /// `ARN` or `LABEL=ARN` (a value starting with `arn:` is a bare ARN: role names may
    /// contain `=`).
    pub fn parse(value: &str) -> Result<RoleSpec> {
        let value = value.trim();
        let (label, arn) = match value.split_once('=') {
            Some((label, arn)) if !value.starts_with("arn:") => (Some(label), arn),
            _ => (None, value),
        };
        let arn = RoleArn::parse(arn)?;
        let label = label.map(validate_label).transpose()?;
        if let Some(label) = &label
            && is_account_id(label)
            && label != arn.account()
        {
            bail!(
                "--role-arn {value}: the label {label:?} is another account's ID; a label of 12 \
                 digits must be the role's own account ({})",
                arn.account()
            );
        }
        Ok(RoleSpec { label, arn })
    }
}

/// A clap value parser for `--role-arn`.
pub fn parse_role_spec(value: &str) -> Result<RoleSpec, String> {
    RoleSpec::parse(value).map_err(|e| e.to_string())
}

/// Labels name accounts in the UI and the logs: `[A-Za-z0-9._-]{1,64}`.
pub fn validate_label(label: &str) -> Result<String> {
    let ok = (1..=64).contains(&label.len())
        && label
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(label.to_string())
    } else {
        Err(anyhow!(
            "invalid label {label:?}: use 1 to 64 letters, digits, '.', '_' or '-'"
        ))
    }
}

/// An AWS account ID: exactly 12 ASCII digits.
pub fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

/// Checks an STS external ID (2 to 1224 characters of `[\w+=,.@:/-]`).
pub fn validate_external_id(id: &str) -> Result<()> {
    let ok = (2..=1224).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+=,.@:/-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(anyhow!(
            "invalid --external-id: use 2 to 1224 letters, digits or _+=,.@:/- (the value is not shown)"
        ))
    }
}

/// The `--region` values (each may be `a,b,c`), validated, in order, without repeats.
pub fn parse_regions(values: &[String]) -> Result<Vec<String>> {
    let mut regions: Vec<String> = Vec::new();
    for value in values {
        for region in value.split(',') {
            let region = region.trim();
            validate_region(region).map_err(|e| anyhow!("--region {value:?}: {e}"))?;
            if !regions.iter().any(|r| r == region) {
                regions.push(region.to_string());
            }
        }
    }
    Ok(regions)
}

/// Where an account's credentials come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountSource {
    /// The standard chain with no `--profile` (`AWS_PROFILE`, environment, SSO, IMDS, ...).
    DefaultChain,
    /// `--profile NAME`.
    Profile(String),
    /// `--role-arn`, assumed from the own identity.
    Role(RoleArn),
}

/// One account to serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountSpec {
    /// `None`: the account ID is the label (the default chain; known once STS answers).
    pub label: Option<String>,
    pub source: AccountSource,
}

impl AccountSpec {
    /// The account ID when it is known without asking AWS (a role's, from its ARN).
    pub fn known_account(&self) -> Option<&str> {
        match &self.source {
            AccountSource::Role(arn) => Some(arn.account()),
            _ => None,
        }
    }
}

/// The accounts, in the order the UI lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountPlan {
    /// The proxy's own identity: it assumes the roles. Its account is `accounts[0]` unless
    /// `--no-own-account`.
    pub own: AccountSource,
    pub accounts: Vec<AccountSpec>,
}

/// Builds the account list: the own identity (first `--profile`, else the default chain)
/// unless `own_account` is false, then the further `--profile`s, then the `--role-arn`s.
/// Refuses repeated profiles, labels or role accounts, and an empty list.
pub fn plan_accounts(
    profiles: &[String],
    roles: &[RoleSpec],
    own_account: bool,
) -> Result<AccountPlan> {
    let mut seen_profiles = HashSet::new();
    for profile in profiles {
        validate_label(profile)
            .map_err(|e| anyhow!("--profile {profile:?} is its account's label: {e}"))?;
        if !seen_profiles.insert(profile.as_str()) {
            bail!("--profile {profile} is given twice");
        }
    }
    let own = match profiles.first() {
        Some(profile) => AccountSource::Profile(profile.clone()),
        None => AccountSource::DefaultChain,
    };
    let mut accounts = Vec::new();
    if own_account {
        accounts.push(account_of(own.clone()));
    }
    for profile in profiles.iter().skip(1) {
        accounts.push(account_of(AccountSource::Profile(profile.clone())));
    }
    for role in roles {
        let label = role
            .label
            .clone()
            .unwrap_or_else(|| role.arn.account().to_string());
        accounts.push(AccountSpec {
            label: Some(label),
            source: AccountSource::Role(role.arn.clone()),
        });
    }
    if accounts.is_empty() {
        bail!(
            "no account to serve: --no-own-account leaves only further --profile and --role-arn \
             accounts, and none was given"
        );
    }

    let mut labels: Vec<(&str, String)> = Vec::new();
    for account in &accounts {
        let label = match &account.label {
            Some(label) => label.as_str(),
            None => UNKNOWN_DEFAULT_LABEL,
        };
        let name = describe_source(&account.source);
        if let Some((_, first)) = labels.iter().find(|(l, _)| *l == label) {
            bail!(
                "the label {label:?} names two accounts ({first} and {name}): labels must be unique"
            );
        }
        labels.push((label, name));
    }
    check_distinct_accounts(
        &accounts
            .iter()
            .map(|a| {
                (
                    describe_source(&a.source),
                    a.known_account().map(str::to_owned),
                )
            })
            .collect::<Vec<_>>(),
    )?;
    Ok(AccountPlan { own, accounts })
}

fn account_of(source: AccountSource) -> AccountSpec {
    let label = match &source {
        AccountSource::Profile(name) => Some(name.clone()),
        _ => None,
    };
    AccountSpec { label, source }
}

/// How an account is reached, for messages: `the default credential chain`, `--profile ops`,
/// `--role-arn arn:...`.
pub fn describe_source(source: &AccountSource) -> String {
    match source {
        AccountSource::DefaultChain => "the default credential chain".to_string(),
        AccountSource::Profile(name) => format!("--profile {name}"),
        AccountSource::Role(arn) => format!("--role-arn {}", arn.as_str()),
    }
}

/// Refuses an account ID reached twice, naming both ways it was reached. `accounts`: (how it
/// is reached, its ID when known).
pub fn check_distinct_accounts(accounts: &[(String, Option<String>)]) -> Result<()> {
    for (i, (name, id)) in accounts.iter().enumerate() {
        let Some(id) = id else { continue };
        if let Some((first, _)) = accounts[..i]
            .iter()
            .find(|(_, other)| other.as_deref() == Some(id.as_str()))
        {
            bail!(
                "account {id} is reached twice, by {first} and by {name}: serve each account once"
            );
        }
    }
    Ok(())
}

/// Refuses no target, or more than [`MAX_TARGETS`].
pub fn check_target_count(accounts: usize, regions: usize) -> Result<usize> {
    let targets = accounts * regions;
    if targets == 0 {
        bail!("no target to serve: {accounts} account(s) × {regions} region(s)");
    }
    if targets > MAX_TARGETS {
        bail!(
            "{accounts} accounts × {regions} regions = {targets} targets: at most {MAX_TARGETS} \
             are served by one proxy (run one proxy per group of accounts, or name fewer regions)"
        );
    }
    Ok(targets)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    fn role(value: &str) -> RoleSpec {
        RoleSpec::parse(value).unwrap()
    }

    #[test]
    fn role_arns_are_validated() {
        let arn = RoleArn::parse("arn:aws:iam::210987654321:role/undelete").unwrap();
        assert_eq!(arn.account(), "210987654321");
        assert_eq!(arn.as_str(), "arn:aws:iam::210987654321:role/undelete");
        for ok in [
            "arn:aws-cn:iam::123456789012:role/ops/undelete",
            "arn:aws-us-gov:iam::123456789012:role/a+b=c,d.e@f_g-h",
        ] {
            RoleArn::parse(ok).unwrap();
        }
        for (bad, why) in [
            ("arn:aws:iam::12345678901:role/x", "12 digits"),
            ("arn:aws:iam::1234567890123:role/x", "12 digits"),
            ("arn:aws:iam::12345678901a:role/x", "12 digits"),
            ("arn:aws:sts::123456789012:role/x", "not an IAM ARN"),
            ("arn:aws:iam:us-east-1:123456789012:role/x", "no region"),
            ("arn:aws:iam::123456789012:user/x", "does not name a role"),
            ("arn:aws:iam::123456789012:role/", "role name"),
            ("arn:aws:iam::123456789012:role/ops/", "role name"),
            ("arn:aws:iam::123456789012:role/a b", "role name"),
            ("arn:AWS:iam::123456789012:role/x", "partition"),
            ("arn::iam::123456789012:role/x", "partition"),
            ("aws:iam::123456789012:role/x", "six"),
            ("urn:aws:iam::123456789012:role/x", "arn:"),
            ("", "six"),
        ] {
            let error = RoleArn::parse(bad).unwrap_err().to_string();
            assert!(error.contains(why), "{bad:?}: {error}");
            assert!(error.contains("expected arn:<partition>"), "{error}");
        }
        let long = format!("arn:aws:iam::123456789012:role/{}", "n".repeat(65));
        assert!(RoleArn::parse(&long).is_err());
    }

    #[test]
    fn role_specs_take_an_optional_label() {
        let bare = role("arn:aws:iam::210987654321:role/undelete");
        assert_eq!(bare.label, None);
        let labelled = role("prod=arn:aws:iam::210987654321:role/undelete");
        assert_eq!(labelled.label.as_deref(), Some("prod"));
        assert_eq!(labelled.arn.account(), "210987654321");
        // A role name may contain '=': a value starting with arn: is a bare ARN.
        let with_equals = role("arn:aws:iam::210987654321:role/a=b");
        assert_eq!(with_equals.label, None);
        assert_eq!(
            with_equals.arn.as_str(),
            "arn:aws:iam::210987654321:role/a=b"
        );
        // Its own account ID as label is the same as no label; another account's is refused.
        role("210987654321=arn:aws:iam::210987654321:role/x");
        let error = RoleSpec::parse("111111111111=arn:aws:iam::210987654321:role/x")
            .unwrap_err()
            .to_string();
        assert!(error.contains("another account's ID"), "{error}");
        for bad in [
            "=arn:aws:iam::210987654321:role/x",
            "pro d=arn:aws:iam::210987654321:role/x",
            "prod=",
            "prod=arn:aws:iam::1:role/x",
        ] {
            assert!(RoleSpec::parse(bad).is_err(), "{bad:?}");
        }
        assert!(
            parse_role_spec("nonsense")
                .unwrap_err()
                .contains("invalid role ARN")
        );
    }

    #[test]
    fn labels_are_short_plain_words() {
        for ok in ["prod", "eu.prod-2", "A_b", &"x".repeat(64)] {
            assert_eq!(validate_label(ok).unwrap(), ok);
        }
        for bad in ["", "a b", "prod/eu", "ü", &"x".repeat(65), "a=b"] {
            assert!(validate_label(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn account_ids_are_twelve_digits() {
        assert!(is_account_id("123456789012"));
        for bad in [
            "12345678901",
            "1234567890123",
            "12345678901x",
            "",
            "١٢٣٤٥٦٧٨٩٠١٢",
        ] {
            assert!(!is_account_id(bad), "{bad:?}");
        }
    }

    #[test]
    fn external_ids_are_checked_without_echoing_them() {
        validate_external_id("undelete-2026:x/y").unwrap();
        for bad in ["x", "has space", &"y".repeat(1225)] {
            let error = validate_external_id(bad).unwrap_err().to_string();
            assert!(error.contains("--external-id"), "{error}");
        }
        let error = validate_external_id("secret value")
            .unwrap_err()
            .to_string();
        assert!(!error.contains("secret"), "{error}");
    }

    #[test]
    fn regions_are_split_deduplicated_and_validated() {
        assert_eq!(
            parse_regions(&strings(&[
                "eu-west-1,us-east-1",
                "eu-west-1",
                " ap-south-1 "
            ]))
            .unwrap(),
            ["eu-west-1", "us-east-1", "ap-south-1"]
        );
        assert_eq!(parse_regions(&[]).unwrap(), Vec::<String>::new());
        for bad in [
            &["eu-west-1,,us-east-1"][..],
            &["EU-WEST-1"],
            &["us-east-1.evil.test"],
            &[""],
        ] {
            let error = parse_regions(&strings(bad)).unwrap_err().to_string();
            assert!(error.contains("--region"), "{error}");
        }
    }

    #[test]
    fn accounts_come_in_cli_order_own_identity_first() {
        let plan = plan_accounts(
            &strings(&["hub", "ops"]),
            &[
                role("prod=arn:aws:iam::210987654321:role/undelete"),
                role("arn:aws:iam::333333333333:role/undelete"),
            ],
            true,
        )
        .unwrap();
        assert_eq!(plan.own, AccountSource::Profile("hub".into()));
        let labels: Vec<_> = plan.accounts.iter().map(|a| a.label.clone()).collect();
        assert_eq!(
            labels,
            [
                Some("hub".to_string()),
                Some("ops".to_string()),
                Some("prod".to_string()),
                Some("333333333333".to_string()),
            ]
        );
        assert_eq!(plan.accounts[2].known_account(), Some("210987654321"));
        assert_eq!(plan.accounts[0].known_account(), None);

        let default = plan_accounts(&[], &[], true).unwrap();
        assert_eq!(default.own, AccountSource::DefaultChain);
        assert_eq!(
            default.accounts,
            [AccountSpec {
                label: None,
                source: AccountSource::DefaultChain
            }]
        );
    }

    #[test]
    fn no_own_account_leaves_the_own_identity_out() {
        let plan = plan_accounts(
            &strings(&["hub", "ops"]),
            &[role("arn:aws:iam::210987654321:role/x")],
            false,
        )
        .unwrap();
        assert_eq!(plan.own, AccountSource::Profile("hub".into()));
        assert_eq!(plan.accounts.len(), 2);
        assert_eq!(
            plan.accounts[0].source,
            AccountSource::Profile("ops".into())
        );

        let error = plan_accounts(&[], &[], false).unwrap_err().to_string();
        assert!(error.contains("no account to serve"), "{error}");
        assert!(plan_accounts(&strings(&["hub"]), &[], false).is_err());
    }

    #[test]
    fn repeated_profiles_labels_and_accounts_are_refused() {
        let error = plan_accounts(&strings(&["ops", "ops"]), &[], true)
            .unwrap_err()
            .to_string();
        assert!(error.contains("--profile ops is given twice"), "{error}");

        let error = plan_accounts(
            &strings(&["prod"]),
            &[role("prod=arn:aws:iam::210987654321:role/x")],
            true,
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.contains("\"prod\" names two accounts (--profile prod and --role-arn arn:aws:iam::210987654321:role/x)"),
            "{error}"
        );

        let error = plan_accounts(
            &[],
            &[
                role("a=arn:aws:iam::210987654321:role/x"),
                role("b=arn:aws:iam::210987654321:role/y"),
            ],
            true,
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.contains("account 210987654321 is reached twice, by --role-arn arn:aws:iam::210987654321:role/x and by --role-arn arn:aws:iam::210987654321:role/y"),
            "{error}"
        );

        // The default chain's placeholder label is taken while its ID is unknown.
        assert!(
            plan_accounts(
                &[],
                &[role("default=arn:aws:iam::210987654321:role/x")],
                true
            )
            .is_err()
        );
        plan_accounts(
            &[],
            &[role("default=arn:aws:iam::210987654321:role/x")],
            false,
        )
        .unwrap();

        let error = plan_accounts(&strings(&["my profile"]), &[], true)
            .unwrap_err()
            .to_string();
        assert!(error.contains("--profile \"my profile\""), "{error}");
    }

    #[test]
    fn accounts_learned_later_are_checked_for_repeats() {
        let reached = |items: &[(&str, Option<&str>)]| {
            items
                .iter()
                .map(|(n, id)| (n.to_string(), id.map(str::to_owned)))
                .collect::<Vec<_>>()
        };
        check_distinct_accounts(&reached(&[
            ("the default credential chain", Some("123456789012")),
            ("--profile ops", None),
            ("--role-arn x", Some("210987654321")),
        ]))
        .unwrap();
        let error = check_distinct_accounts(&reached(&[
            ("the default credential chain", Some("123456789012")),
            (
                "--role-arn arn:aws:iam::123456789012:role/x",
                Some("123456789012"),
            ),
        ]))
        .unwrap_err()
        .to_string();
        assert_eq!(
            error,
            "account 123456789012 is reached twice, by the default credential chain and by \
             --role-arn arn:aws:iam::123456789012:role/x: serve each account once"
        );
    }

    #[test]
    fn at_most_500_targets_and_at_least_one() {
        assert_eq!(check_target_count(1, 1).unwrap(), 1);
        assert_eq!(check_target_count(125, 4).unwrap(), 500);
        let error = check_target_count(126, 4).unwrap_err().to_string();
        assert!(
            error.starts_with("126 accounts × 4 regions = 504 targets: at most 500"),
            "{error}"
        );
        assert!(check_target_count(0, 3).is_err());
        assert!(check_target_count(2, 0).is_err());
    }
}
