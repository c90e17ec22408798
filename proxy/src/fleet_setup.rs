//! Start-up: from the command line's accounts and regions to a [`Fleet`] — the own identity's
//! AWS configuration, one per further `--profile`, an `AssumeRoleProvider` per `--role-arn`,
//! each region's endpoint — then each account's ID (STS) and one start-up line per account.

use crate::config::{self, validate_region};
use crate::fleet::{Account, Fleet, RegionEndpoint};
use crate::signing::{self, Signer};
use crate::sts::{self, IdentityProbe};
use crate::targets::{
    AccountSource, AccountSpec, RoleSpec, check_target_count, parse_regions, plan_accounts,
    validate_external_id,
};
use anyhow::{Context, Result, bail};
use aws_config::SdkConfig;
use std::sync::Arc;
use std::time::Duration;

/// How long start-up waits for credentials and account IDs before serving anyway (the accounts
/// not ready by then are tried again, see [`crate::fleet`]).
pub const STARTUP_TIMEOUT: Duration = Duration::from_secs(10);

/// The accounts and regions asked for on the command line.
#[derive(Debug, Clone, Default)]
pub struct FleetArgs {
    /// `--region` values (each may be `a,b`); none: the chain's region.
    pub regions: Vec<String>,
    pub profiles: Vec<String>,
    pub roles: Vec<RoleSpec>,
    pub external_id: Option<String>,
    /// False with `--no-own-account`.
    pub own_account: bool,
    pub endpoint_url: Option<String>,
}

/// A fleet ready to serve, and what start-up says about it.
#[derive(Debug)]
pub struct FleetSetup {
    pub fleet: Fleet,
    /// One line per account, for stdout.
    pub account_lines: Vec<String>,
    /// Where the Secrets Manager endpoint came from (`--endpoint-url`, ..., or `AWS default`:
    /// each region's own).
    pub endpoint_source: String,
}

/// Builds the fleet and learns what it can about its accounts within [`STARTUP_TIMEOUT`].
/// Refuses bad flags, an account reached twice, no target and more than 500.
pub async fn set_up(args: &FleetArgs) -> Result<FleetSetup> {
    let regions = parse_regions(&args.regions)?;
    if let Some(id) = &args.external_id {
        if args.roles.is_empty() {
            bail!("--external-id is used only to assume --role-arn roles, and none was given");
        }
        validate_external_id(id)?;
    }
    let plan = plan_accounts(&args.profiles, &args.roles, args.own_account)?;
    check_target_count(plan.accounts.len(), regions.len().max(1))?;

    let own_profile = match &plan.own {
        AccountSource::Profile(name) => Some(name.as_str()),
        _ => None,
    };
    let own_sdk = signing::load_aws_config(regions.first().map(String::as_str), own_profile).await;
    let regions = match regions.is_empty() {
        false => regions,
        true => {
            let region = own_sdk.region().map(|r| r.as_ref().to_string()).context(
                "no AWS region: pass --region or set AWS_REGION (or a region in your profile)",
            )?;
            validate_region(&region)?;
            vec![region]
        }
    };
    let (endpoints, endpoint_source) =
        region_endpoints(&regions, args.endpoint_url.as_deref(), &own_sdk)?;

    let own_sts = sts::sts_config(&own_sdk, args.endpoint_url.as_deref());
    let own_signer = Arc::new(Signer::new(
        own_sdk
            .credentials_provider()
            .context("the AWS configuration has no credentials provider")?,
    ));
    let mut accounts = Vec::new();
    for spec in &plan.accounts {
        let account = if spec.source == plan.own {
            let probe = IdentityProbe::new(&own_sts, own_signer.clone());
            Account::probed(
                spec.label.clone(),
                source_words(spec),
                own_signer.clone(),
                probe,
            )
        } else {
            account_for(spec, args, &regions[0], &own_sts, &own_signer).await?
        };
        accounts.push(account);
    }
    let fleet = Fleet::new(accounts, endpoints)?;

    let (repeats, ()) = tokio::join!(
        fleet.learn_ids(STARTUP_TIMEOUT, Duration::ZERO),
        fleet.resolve_credentials(STARTUP_TIMEOUT)
    );
    if let Some((id, first, second)) = repeats.first() {
        bail!("account {id} is reached twice, by {first} and by {second}: serve each account once");
    }
    let mut account_lines = Vec::new();
    for account in fleet.accounts() {
        account_lines.push(account_line(account).await);
    }
    Ok(FleetSetup {
        fleet,
        account_lines,
        endpoint_source,
    })
}

/// A further `--profile` (its own chain) or a `--role-arn` (assumed with `own_signer`).
async fn account_for(
    spec: &AccountSpec,
    args: &FleetArgs,
    region: &str,
    own_sts: &SdkConfig,
    own_signer: &Arc<Signer>,
) -> Result<Account> {
    let words = source_words(spec);
    Ok(match &spec.source {
        AccountSource::Profile(name) => {
            let sdk = signing::load_aws_config(Some(region), Some(name)).await;
            let signer = Arc::new(Signer::new(sdk.credentials_provider().with_context(
                || format!("the AWS configuration of profile {name} has no credentials provider"),
            )?));
            let probe = IdentityProbe::new(
                &sts::sts_config(&sdk, args.endpoint_url.as_deref()),
                signer.clone(),
            );
            Account::probed(spec.label.clone(), words, signer, probe)
        }
        AccountSource::Role(arn) => {
            let provider = sts::assume_role(
                own_sts,
                own_signer.clone(),
                arn,
                args.external_id.as_deref(),
            )
            .await;
            let signer = Arc::new(Signer::new(
                aws_credential_types::provider::SharedCredentialsProvider::new(provider),
            ));
            Account::known(arn.account(), spec.label.clone(), words, signer)
        }
        AccountSource::DefaultChain => {
            bail!("the default credential chain is only the own identity")
        }
    })
}

/// Each region's endpoint: one set for all (`--endpoint-url`, `AWS_ENDPOINT_URL_SECRETS_MANAGER`,
/// `AWS_ENDPOINT_URL`, the profile's `endpoint_url`; the environment ignored when
/// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`), else the region's public one.
fn region_endpoints(
    regions: &[String],
    flag: Option<&str>,
    sdk: &SdkConfig,
) -> Result<(Vec<RegionEndpoint>, String)> {
    let ignore_env = std::env::var("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
        .is_ok_and(|v| v.eq_ignore_ascii_case("true"));
    let env = |name: &str| {
        if ignore_env {
            None
        } else {
            std::env::var(name).ok()
        }
    };
    let fixed = config::resolve_endpoint(
        flag,
        env("AWS_ENDPOINT_URL_SECRETS_MANAGER").as_deref(),
        env("AWS_ENDPOINT_URL").as_deref(),
        if ignore_env { None } else { sdk.endpoint_url() },
    )?;
    let endpoints = regions
        .iter()
        .map(|region| {
            Ok(RegionEndpoint {
                name: region.clone(),
                endpoint: config::endpoint_for(fixed.as_ref().map(|(url, _)| url), region)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let source = fixed.map_or_else(|| "AWS default".to_string(), |(_, source)| source);
    Ok((endpoints, source))
}

/// How an account is reached, in the start-up line and the logs.
fn source_words(spec: &AccountSpec) -> String {
    match &spec.source {
        AccountSource::DefaultChain => "default credential chain".to_string(),
        AccountSource::Profile(name) => format!("profile {name}"),
        AccountSource::Role(arn) => format!("assumed role {}", arn.as_str()),
    }
}

/// `account prod 210987654321 (assumed role arn:...; credentials from AssumeRoleProvider)`, or
/// `account ops unavailable: <reason> (will retry)`.
async fn account_line(account: &Account) -> String {
    let label = account.label();
    let id = account.id();
    let credentials = match account.availability() {
        Err(why) => Err(why),
        // Already resolved (cached) unless a role's AssumeRole is still under way.
        Ok(()) => {
            match tokio::time::timeout(Duration::ZERO, account.signer().credentials()).await {
                Ok(Ok(credentials)) => Ok(Some(signing::provider_name(&credentials))),
                Ok(Err(why)) => Err(sts::one_line(&why)),
                Err(_) => Ok(None),
            }
        }
    };
    format_account_line(&label, id.as_deref(), account.source(), credentials)
}

/// The start-up line of one account (`credentials`: the provider's name, `None` when not
/// resolved yet, or why the account is unavailable). The label is left out when it is the ID.
pub fn format_account_line(
    label: &str,
    id: Option<&str>,
    source: &str,
    credentials: Result<Option<String>, String>,
) -> String {
    let name = match id {
        Some(id) if id != label => format!("{label} {id}"),
        Some(id) => id.to_string(),
        None => label.to_string(),
    };
    match credentials {
        Ok(Some(provider)) => format!("account {name} ({source}; credentials from {provider})"),
        Ok(None) => format!("account {name} ({source}; credentials not resolved yet, will retry)"),
        Err(why) => format!("account {name} unavailable: {why} (will retry)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_lines_name_label_id_and_source() {
        assert_eq!(
            format_account_line(
                "prod",
                Some("210987654321"),
                "assumed role arn:aws:iam::210987654321:role/undelete",
                Ok(Some("AssumeRoleProvider".into()))
            ),
            "account prod 210987654321 (assumed role arn:aws:iam::210987654321:role/undelete; \
             credentials from AssumeRoleProvider)"
        );
        assert_eq!(
            format_account_line(
                "123456789012",
                Some("123456789012"),
                "default credential chain",
                Ok(Some("EnvironmentVariable".into()))
            ),
            "account 123456789012 (default credential chain; credentials from EnvironmentVariable)"
        );
        assert_eq!(
            format_account_line(
                "ops",
                None,
                "profile ops",
                Err("no credentials: expired".into())
            ),
            "account ops unavailable: no credentials: expired (will retry)"
        );
        assert_eq!(
            format_account_line("prod", Some("210987654321"), "assumed role x", Ok(None)),
            "account prod 210987654321 (assumed role x; credentials not resolved yet, will retry)"
        );
    }
}
