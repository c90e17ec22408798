//! undelete-proxy: the signing proxy behind the Undelete dashboard.
//!
//! Layout: [`server`] (one axum `Router` with tower-http layers, served by `axum::serve`) →
//! [`routing`] (pure: which target a path names) and [`fleet`] (the targets served: accounts ×
//! regions) → [`policy`] (pure allowlist/header/origin rules) and [`shapes`] (each action's
//! typed input) → [`upstream`] (one reqwest keep-alive pool for every target's endpoint) with
//! [`signing`] (aws-sigv4 + aws-config credentials, one cache per account); the accounts and
//! regions asked for in [`targets`] (pure rules) and set up by [`fleet_setup`] with [`sts`]
//! (GetCallerIdentity, AssumeRole); the actions and limits in [`action`], refusals in
//! [`errors`], the refusal log and restore audit of every answer in [`outcome`] (lines made by
//! [`audit`]), the UI's CSP in [`csp`].

pub mod action;
pub mod audit;
pub mod cli;
pub mod config;
pub mod csp;
pub mod errors;
pub mod fleet;
pub mod fleet_setup;
pub mod outcome;
pub mod policy;
pub mod routing;
pub mod server;
pub mod shapes;
pub mod signing;
pub mod sts;
pub mod targets;
pub mod upstream;
pub mod upstream_errors;

#[cfg(test)]
mod test_log;

use crate::config::ProxyConfig;
use crate::fleet::Fleet;
use axum::serve::ListenerExt;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Builds the application router for `config`, serving `fleet`'s targets.
pub fn app(config: &ProxyConfig, fleet: Arc<Fleet>) -> anyhow::Result<axum::Router> {
    server::router(config, fleet)
}

/// Serves until `shutdown` resolves, then finishes in-flight requests.
pub async fn serve(
    config: &ProxyConfig,
    fleet: Arc<Fleet>,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    serve_app(app(config, fleet)?, listener, shutdown).await
}

/// Serves an [`app`] on `listener` with `axum::serve` (the peer address available as
/// `ConnectInfo`) until `shutdown` resolves, then finishes in-flight requests.
pub async fn serve_app(
    app: axum::Router,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    // Answers are small: send them at once rather than waiting to fill a TCP segment.
    let listener = listener.tap_io(|tcp| {
        if let Err(error) = tcp.set_nodelay(true) {
            tracing::trace!("cannot set TCP_NODELAY: {error}");
        }
    });
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await?;
    Ok(())
}

/// A proxy running on a background task (tests, embedding). Stops when dropped.
pub struct RunningProxy {
    pub addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<anyhow::Result<()>>>,
}

impl RunningProxy {
    /// `http://ADDR` of the proxy.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Graceful stop; waits for the server task.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        match self.task.take() {
            Some(task) => task.await?,
            None => Ok(()),
        }
    }
}

impl Drop for RunningProxy {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Starts a proxy on an already-bound listener (bind `127.0.0.1:0` for an ephemeral port).
pub async fn spawn(
    config: ProxyConfig,
    fleet: Fleet,
    listener: TcpListener,
) -> anyhow::Result<RunningProxy> {
    let addr = listener.local_addr()?;
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        serve(&config, Arc::new(fleet), listener, async {
            let _ = rx.await;
        })
        .await
    });
    Ok(RunningProxy {
        addr,
        shutdown: Some(tx),
        task: Some(task),
    })
}
