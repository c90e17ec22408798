//! undelete-proxy: the signing proxy behind the Undelete dashboard.
//!
//! Layout: [`policy`] (pure allowlist/header/origin rules) → [`server`] (HTTP edge) →
//! [`upstream`] (hyper-util keep-alive pool to the fixed endpoint) with [`signing`]
//! (aws-sigv4 + aws-config credentials); each action's accepted parameters in [`shapes`];
//! refusals in [`errors`], the restore audit trail in [`audit`].

pub mod action;
pub mod audit;
pub mod cli;
pub mod config;
pub mod csp;
pub mod errors;
pub mod logging;
pub mod policy;
pub mod server;
pub mod shapes;
pub mod signing;
pub mod upstream;

#[cfg(test)]
mod test_log;

use crate::config::ProxyConfig;
use crate::signing::Signer;
use crate::upstream::Upstream;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

/// Builds the application router for `config`, signing with `signer`.
pub fn app(config: &ProxyConfig, signer: Signer) -> anyhow::Result<axum::Router> {
    let upstream = Upstream::new(config.endpoint.clone(), signer, config.upstream_timeout)?;
    Ok(server::router(config, upstream))
}

/// Serves until `shutdown` resolves, then finishes in-flight requests.
pub async fn serve(
    config: &ProxyConfig,
    signer: Signer,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let upstream = Upstream::new(config.endpoint.clone(), signer, config.upstream_timeout)?;
    server::serve_app(server::App::new(config, upstream), listener, shutdown).await
}

/// Like [`serve`], on `threads` threads that each run their own single-threaded runtime with
/// their own upstream connection pool: a connection accepted here is handed to the threads in
/// turn and stays on its thread, so a request never moves between threads (no work
/// stealing, no cross-thread wake-ups between the client side and the upstream side).
/// Credentials are shared. Stops accepting when `shutdown` resolves, then waits until every
/// thread has finished its connections.
pub async fn serve_threaded(
    config: &ProxyConfig,
    signer: Signer,
    listener: TcpListener,
    threads: usize,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let signer = Arc::new(signer);
    let mut handovers = Vec::new();
    let mut finished = Vec::new();
    for index in 0..threads.max(1) {
        let upstream = Upstream::new(
            config.endpoint.clone(),
            signer.clone(),
            config.upstream_timeout,
        )?;
        let app = server::App::new(config, upstream);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let (handover, incoming) = mpsc::unbounded_channel();
        let (done, finished_rx) = oneshot::channel::<()>();
        std::thread::Builder::new()
            .name(format!("undelete-proxy-{index}"))
            .spawn(move || {
                runtime.block_on(server::serve_handed_over(app, incoming));
                drop(done);
            })?;
        handovers.push(handover);
        finished.push(finished_rx);
    }
    let mut next = 0;
    server::accept_until(listener, shutdown, |stream, peer| match stream.into_std() {
        Ok(stream) => {
            let _ = handovers[next % handovers.len()].send((stream, peer));
            next += 1;
        }
        Err(error) => tracing::error!("cannot hand over a connection from {peer}: {error}"),
    })
    .await;
    drop(handovers);
    for thread in finished {
        let _ = thread.await;
    }
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
    signer: Signer,
    listener: TcpListener,
) -> anyhow::Result<RunningProxy> {
    let addr = listener.local_addr()?;
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        serve(&config, signer, listener, async {
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
