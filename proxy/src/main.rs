//! `undelete-proxy` binary: CLI → resolved settings → server.

use anyhow::{Context, Result};
use clap::Parser;
use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::time::Duration;
use tracing_subscriber::EnvFilter;
use undelete_proxy::cli::{Cli, LogFormat};
use undelete_proxy::config::{self, ProxyConfig};
use undelete_proxy::fleet::Fleet;
use undelete_proxy::fleet_setup::{self, FleetArgs};
use undelete_proxy::policy::Policy;
use undelete_proxy::server;

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

    let setup = fleet_setup::set_up(&FleetArgs {
        regions: cli.region.clone(),
        profiles: cli.profile.clone(),
        roles: cli.role_arn.clone(),
        external_id: cli.external_id.clone(),
        own_account: !cli.no_own_account,
        endpoint_url: cli.endpoint_url.clone(),
    })
    .await?;
    let fleet = Arc::new(setup.fleet);

    let config = ProxyConfig {
        static_dir: cli.static_dir.clone(),
        policy: Policy {
            read_only: cli.read_only,
            allowed_origins,
            loopback_hosts_only: listen.ip().is_loopback(),
        },
        identity_header,
        upstream_timeout: Duration::from_secs(cli.upstream_timeout),
    };

    // Built before listening, so a bad --static-dir fails before the start-up line.
    let app = undelete_proxy::app(&config, fleet.clone())?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    let bound = listener.local_addr()?;
    // One line per account, then the line scripts wait for (its beginning stays as it is).
    for line in &setup.account_lines {
        println!("{line}");
    }
    println!(
        "undelete-proxy listening on http://{bound} ({})",
        serving_words(&fleet)
    );
    let _ = std::io::stdout().flush();
    tracing::info!(
        endpoint_source = %setup.endpoint_source,
        targets = fleet.target_count(),
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

/// What the start-up line says is served: `region R, endpoint E, 1 target`, or
/// `regions R1, R2, endpoints: each region's own, 4 targets in 2 accounts`.
fn serving_words(fleet: &Fleet) -> String {
    let regions = fleet.regions();
    let names: Vec<&str> = regions.iter().map(|r| r.name.as_str()).collect();
    let endpoints: Vec<String> = regions.iter().map(|r| r.endpoint_display()).collect();
    let endpoint = if endpoints.iter().all(|e| *e == endpoints[0]) {
        format!("endpoint {}", endpoints[0])
    } else {
        "endpoints: each region's own".to_string()
    };
    let accounts = fleet.accounts().count();
    let targets = fleet.target_count();
    format!(
        "{} {}, {endpoint}, {targets} target{} in {accounts} account{}",
        if names.len() == 1 {
            "region"
        } else {
            "regions"
        },
        names.join(", "),
        if targets == 1 { "" } else { "s" },
        if accounts == 1 { "" } else { "s" },
    )
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
