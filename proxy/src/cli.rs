//! Command-line interface (AWS-CLI-like flag names).

use crate::targets::{RoleSpec, parse_role_spec};
use clap::{Parser, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line (for log shippers).
    Json,
}

/// Signing proxy for the Undelete dashboard: forwards ListSecrets, DescribeSecret and
/// RestoreSecret to AWS Secrets Manager, signed with SigV4 using the standard AWS
/// credential chain, in one or more accounts × regions (targets). The browser never holds
/// AWS credentials.
#[derive(Debug, Clone, Parser)]
#[command(name = "undelete-proxy", version, about, long_about = None)]
pub struct Cli {
    /// Address to listen on. Loopback only unless --allow-remote is given.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: String,

    /// Permit a non-loopback --listen address (e.g. 0.0.0.0:8080 behind an identity-aware
    /// front). Anyone who can reach the port can act with the proxy's AWS credentials.
    #[arg(long)]
    pub allow_remote: bool,

    /// AWS region served in every account; repeatable, or comma-separated (eu-west-1,us-east-1).
    /// Default: the AWS chain's (AWS_REGION, AWS_DEFAULT_REGION, profile, IMDS).
    #[arg(long, value_name = "REGION", value_delimiter = ',')]
    pub region: Vec<String>,

    /// Named profile from the shared AWS config/credentials files (default: AWS_PROFILE);
    /// repeatable: each is an account with its own credential chain, labelled with its name.
    /// The first one is the proxy's own identity (it assumes the --role-arn roles).
    #[arg(long, value_name = "PROFILE")]
    pub profile: Vec<String>,

    /// Also serve the account of this role, assumed from the own identity (STS AssumeRole,
    /// session name undelete-proxy); repeatable. LABEL ([A-Za-z0-9._-], at most 64) names the
    /// account in the UI and logs; without it, the account ID does.
    #[arg(long = "role-arn", value_name = "[LABEL=]ARN", value_parser = parse_role_spec)]
    pub role_arn: Vec<RoleSpec>,

    /// External ID passed when assuming every --role-arn role (if their trust policies ask for one).
    #[arg(long, value_name = "ID")]
    pub external_id: Option<String>,

    /// Do not serve the own identity's account (it still assumes the --role-arn roles).
    #[arg(long)]
    pub no_own_account: bool,

    /// Secrets Manager endpoint of every target, and STS endpoint, e.g.
    /// http://127.0.0.1:5000 for moto (default: AWS_ENDPOINT_URL_SECRETS_MANAGER, then
    /// AWS_ENDPOINT_URL, then https://secretsmanager.<region>.amazonaws.com; for STS,
    /// AWS_ENDPOINT_URL_STS, then AWS_ENDPOINT_URL, then the SDK's). Fixed at start-up.
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,

    /// Serve the built UI (Trunk's dist/) from this directory at `/`.
    #[arg(long, value_name = "DIR")]
    pub static_dir: Option<PathBuf>,

    /// Origin allowed to call the API cross-origin (CORS), e.g. http://127.0.0.1:8081.
    /// Repeatable. None by default: only same-origin browser requests are accepted.
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    pub allow_origin: Vec<String>,

    /// Refuse RestoreSecret (403 ReadOnlyMode); the UI hides its restore buttons.
    #[arg(long)]
    pub read_only: bool,

    /// Request header carrying the operator's identity, set by an identity-aware front
    /// (e.g. X-Forwarded-Email); its value is written to the RestoreSecret audit log.
    #[arg(long, value_name = "HEADER")]
    pub identity_header: Option<String>,

    /// Seconds to wait for Secrets Manager before answering 504 UpstreamTimeout.
    #[arg(long, value_name = "SECONDS", default_value_t = 15,
          value_parser = clap::value_parser!(u64).range(1..=300))]
    pub upstream_timeout: u64,

    /// Log format (logs go to stderr; filter with RUST_LOG, default info).
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn defaults() {
        let cli = Cli::try_parse_from(["undelete-proxy"]).unwrap();
        assert_eq!(cli.listen, "127.0.0.1:8080");
        assert!(!cli.allow_remote && !cli.read_only);
        assert!(cli.allow_origin.is_empty());
        assert_eq!(cli.upstream_timeout, 15);
        assert!(cli.region.is_empty() && cli.profile.is_empty() && cli.role_arn.is_empty());
        assert!(!cli.no_own_account);
        assert_eq!(cli.external_id, None);
        assert_eq!(cli.endpoint_url, None);
    }

    #[test]
    fn all_flags_parse() {
        let cli = Cli::try_parse_from([
            "undelete-proxy",
            "--listen",
            "127.0.0.1:9000",
            "--region",
            "eu-west-1",
            "--profile",
            "ops",
            "--endpoint-url",
            "http://127.0.0.1:5000",
            "--static-dir",
            "dist",
            "--allow-origin",
            "http://a.test",
            "--allow-origin",
            "http://b.test",
            "--read-only",
            "--identity-header",
            "X-Forwarded-Email",
            "--upstream-timeout",
            "3",
            "--log-format",
            "json",
        ])
        .unwrap();
        assert_eq!(cli.allow_origin, ["http://a.test", "http://b.test"]);
        assert!(cli.read_only);
        assert_eq!(cli.log_format, LogFormat::Json);
        assert_eq!(cli.upstream_timeout, 3);
        assert!(Cli::try_parse_from(["undelete-proxy", "--upstream-timeout", "0"]).is_err());
    }

    #[test]
    fn targets_flags_repeat() {
        let cli = Cli::try_parse_from([
            "undelete-proxy",
            "--region",
            "eu-west-1,us-east-1",
            "--region",
            "ap-south-1",
            "--profile",
            "hub",
            "--profile",
            "ops",
            "--role-arn",
            "prod=arn:aws:iam::210987654321:role/undelete",
            "--role-arn",
            "arn:aws:iam::333333333333:role/undelete",
            "--external-id",
            "undelete-2026",
            "--no-own-account",
        ])
        .unwrap();
        assert_eq!(cli.region, ["eu-west-1", "us-east-1", "ap-south-1"]);
        assert_eq!(cli.profile, ["hub", "ops"]);
        assert_eq!(cli.role_arn.len(), 2);
        assert_eq!(cli.role_arn[0].label.as_deref(), Some("prod"));
        assert_eq!(cli.role_arn[1].arn.account(), "333333333333");
        assert_eq!(cli.external_id.as_deref(), Some("undelete-2026"));
        assert!(cli.no_own_account);

        let error =
            Cli::try_parse_from(["undelete-proxy", "--role-arn", "prod=arn:aws:iam::1:role/x"])
                .unwrap_err()
                .to_string();
        assert!(error.contains("the account is not 12 digits"), "{error}");
    }
}
