//! Command-line interface (AWS-CLI-like flag names).

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
/// credential chain. The browser never holds AWS credentials.
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

    /// AWS region (default: the AWS chain — AWS_REGION, AWS_DEFAULT_REGION, profile, IMDS).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,

    /// Named profile from the shared AWS config/credentials files (default: AWS_PROFILE).
    #[arg(long, value_name = "PROFILE")]
    pub profile: Option<String>,

    /// Secrets Manager endpoint, e.g. http://127.0.0.1:5000 for moto (default:
    /// AWS_ENDPOINT_URL_SECRETS_MANAGER, then AWS_ENDPOINT_URL, then
    /// https://secretsmanager.<region>.amazonaws.com). Fixed at start-up.
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
        assert_eq!(cli.region, None);
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
}
