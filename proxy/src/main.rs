//! `undelete-proxy` binary: CLI → resolved settings → server.

use anyhow::{Context, Result};
use clap::Parser;
use std::io::{IsTerminal, Write};
use std::time::Duration;
use tracing_subscriber::EnvFilter;
use undelete_proxy::cli::{Cli, LogFormat};
use undelete_proxy::config::{self, ProxyConfig};
use undelete_proxy::policy::Policy;
use undelete_proxy::server;
use undelete_proxy::signing::{self, Signer};

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    init_logging(cli.log_format);
    if let Err(error) = run(cli).await {
        eprintln!("undelete-proxy: error: {error:#}");
        std::process::exit(1);
    }
}

/// Logs (and the restore audit) go to stderr through tracing-subscriber's formatter, one line
/// per event; `RUST_LOG` filters them (default `info`).
fn init_logging(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none())
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

async fn run(cli: Cli) -> Result<()> {
    let listen = config::parse_listen(&cli.listen, cli.allow_remote)?;
    let allowed_origins = config::parse_allowed_origins(&cli.allow_origin)?;
    let identity_header = config::parse_identity_header(cli.identity_header.as_deref())?;
    if let Some(dir) = &cli.static_dir
        && !dir.is_dir()
    {
        anyhow::bail!("--static-dir {} is not a directory", dir.display());
    }

    let sdk = signing::load_aws_config(cli.region.as_deref(), cli.profile.as_deref()).await;
    let region = sdk
        .region()
        .map(|r| r.as_ref().to_string())
        .context("no AWS region: pass --region or set AWS_REGION (or a region in your profile)")?;
    config::validate_region(&region)?;
    let ignore_env = std::env::var("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
        .is_ok_and(|v| v.eq_ignore_ascii_case("true"));
    let env = |name: &str| {
        if ignore_env {
            None
        } else {
            std::env::var(name).ok()
        }
    };
    let (endpoint, endpoint_source) = config::resolve_endpoint(
        cli.endpoint_url.as_deref(),
        env("AWS_ENDPOINT_URL_SECRETS_MANAGER").as_deref(),
        env("AWS_ENDPOINT_URL").as_deref(),
        if ignore_env { None } else { sdk.endpoint_url() },
        &region,
    )?;
    let provider = sdk
        .credentials_provider()
        .context("the AWS configuration has no credentials provider")?;

    let config = ProxyConfig {
        region: region.clone(),
        endpoint,
        endpoint_source,
        static_dir: cli.static_dir.clone(),
        policy: Policy {
            read_only: cli.read_only,
            allowed_origins,
            loopback_hosts_only: listen.ip().is_loopback(),
        },
        identity_header,
        upstream_timeout: Duration::from_secs(cli.upstream_timeout),
    };
    let signer = Signer::new(provider, region.clone());

    // Resolve credentials once so the start-up line can name their source (never the key).
    let identity_source = match tokio::time::timeout(Duration::from_secs(10), signer.credentials())
        .await
    {
        Ok(Ok(credentials)) => format!("credentials from {}", signing::provider_name(&credentials)),
        Ok(Err(error)) => {
            tracing::warn!(%error, "no AWS credentials yet; API calls will fail until this is fixed");
            "credentials unavailable".to_string()
        }
        Err(_) => {
            tracing::warn!("resolving AWS credentials timed out; will retry on the first API call");
            "credentials not resolved yet".to_string()
        }
    };

    // Built before listening, so a bad --static-dir fails before the start-up line.
    let app = undelete_proxy::app(&config, signer)?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    let bound = listener.local_addr()?;
    println!(
        "undelete-proxy listening on http://{bound} (region {region}, endpoint {}, {identity_source})",
        config.endpoint_display()
    );
    let _ = std::io::stdout().flush();
    tracing::info!(
        endpoint_source = %config.endpoint_source,
        read_only = config.policy.read_only,
        static_dir = ?config.static_dir,
        allowed_origins = ?config.policy.allowed_origins,
        identity_header = ?config.identity_header,
        upstream_timeout_s = cli.upstream_timeout,
        "configuration"
    );

    let summaries = tokio::spawn(server::log_read_summaries(server::READ_SUMMARY_INTERVAL));
    let served = undelete_proxy::serve_app(app, listener, shutdown_signal()).await;
    summaries.abort();
    server::log_read_summary();
    served?;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
