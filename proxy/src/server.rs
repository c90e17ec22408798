//! The HTTP edge: axum routes, tower-http layers (body limit, timeout, trace, static files,
//! CORS, headers) and the glue between policy, upstream and audit.

use crate::action::{Action, MAX_BODY_BYTES};
use crate::audit::{self, RestoreAudit};
use crate::config::ProxyConfig;
use crate::errors::{REFUSAL_HEADER, Refusal, json_error};
use crate::policy::{self, CORS_ALLOWED_REQUEST_HEADERS, CORS_EXPOSED_RESPONSE_HEADERS, Policy};
use crate::upstream::Upstream;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::{Next, from_fn_with_state, map_response};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::{Extension, Router};
use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::net::TcpListener;
use tower::{Layer, ServiceBuilder};
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{Trace, TraceLayer};

/// CSP for API answers: they are data, never documents.
pub const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

/// Marks a response that carries a forwarded upstream answer (left untouched by
/// [`shape_errors`]).
#[derive(Debug, Clone, Copy)]
struct Forwarded;

struct Inner {
    policy: Policy,
    upstream: Upstream,
    identity_header: Option<HeaderName>,
    config_json: String,
    /// Bound for a whole API request (body and upstream call); past it: 504 UpstreamTimeout.
    request_timeout: Duration,
}

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

impl AppState {
    fn new(config: &ProxyConfig, upstream: Upstream) -> Self {
        let config_json = serde_json::json!({
            "region": config.region,
            "endpoint": config.endpoint_display(),
            "readOnly": config.policy.read_only,
        })
        .to_string();
        AppState(Arc::new(Inner {
            policy: config.policy.clone(),
            upstream,
            identity_header: config.identity_header.clone(),
            config_json,
            request_timeout: config.upstream_timeout + Duration::from_secs(5),
        }))
    }
}

/// Builds the whole application.
pub fn router(config: &ProxyConfig, upstream: Upstream) -> Router {
    router_with_state(config, AppState::new(config, upstream))
}

fn router_with_state(config: &ProxyConfig, state: AppState) -> Router {
    // All layers of a router go into one `ServiceBuilder` (outermost first) and are applied
    // with a single `Router::layer`: each `Router::layer` call boxes the route again, which
    // costs an allocation and a clone of the boxed service per request and layer.
    let cors = (!config.policy.allowed_origins.is_empty())
        .then(|| cors_layer(&config.policy.allowed_origins));
    let api = Router::new()
        .route("/api/secretsmanager", any(secretsmanager))
        .route("/api/config", get(api_config).fallback(config_wrong_method))
        .route("/api", any(api_not_found))
        .route("/api/{*rest}", any(api_not_found))
        .layer(
            ServiceBuilder::new()
                .layer(SetResponseHeaderLayer::overriding(
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static(API_CSP),
                ))
                .layer(SetResponseHeaderLayer::overriding(
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("no-store"),
                ))
                .layer(map_response(shape_errors))
                .layer(from_fn_with_state(state.clone(), origin_guard))
                .option_layer(cors)
                .layer(TimeoutLayer::with_status_code(
                    StatusCode::GATEWAY_TIMEOUT,
                    state.0.request_timeout,
                ))
                .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES)),
        )
        .with_state(state);

    let mut app = Router::new().route("/healthz", get(healthz)).merge(api);
    app = match &config.static_dir {
        Some(dir) => app.fallback_service(static_files(dir)),
        None => app.route("/", get(no_ui)),
    };
    let [frame, referrer, nosniff] = SECURITY_HEADERS;
    app.layer(
        ServiceBuilder::new()
            .layer(TraceLayer::new_for_http())
            .layer(SetResponseHeaderLayer::if_not_present(
                frame.0,
                HeaderValue::from_static(frame.1),
            ))
            .layer(SetResponseHeaderLayer::if_not_present(
                referrer.0,
                HeaderValue::from_static(referrer.1),
            ))
            .layer(SetResponseHeaderLayer::if_not_present(
                nosniff.0,
                HeaderValue::from_static(nosniff.1),
            )),
    )
}

/// Headers on every response (unless the response already has them).
const SECURITY_HEADERS: [(HeaderName, &str); 3] = [
    (header::X_FRAME_OPTIONS, "DENY"),
    (header::REFERRER_POLICY, "no-referrer"),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
];

/// The UI's files. A release build puts `.br` and `.gz` copies next to the scripts, the wasm and
/// the CSS (scripts/trunk-post-build.mjs), sent to browsers that accept them: over a network the
/// dashboard is then ~82 KB (brotli) instead of ~247 KB. `index.html` has none: `html_csp`
/// reads it.
fn static_files(dir: &Path) -> Router {
    Router::new()
        .fallback_service(ServeDir::new(dir).precompressed_br().precompressed_gzip())
        .layer(map_response(html_csp))
}

fn cors_layer(origins: &[String]) -> CorsLayer {
    let origins: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::POST])
        .allow_headers(CORS_ALLOWED_REQUEST_HEADERS.map(HeaderName::from_static))
        .expose_headers(CORS_EXPOSED_RESPONSE_HEADERS.map(HeaderName::from_static))
        .max_age(Duration::from_secs(600))
}

async fn healthz() -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        r#"{"status":"ok"}"#,
    )
        .into_response()
}

async fn no_ui() -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "undelete-proxy is running; no --static-dir was given, so no UI is served here.\n\
         API: POST /api/secretsmanager, GET /api/config, GET /healthz\n",
    )
        .into_response()
}

/// Any method but GET/HEAD on `/api/config` (the router's own 405 would say "only POST").
async fn config_wrong_method() -> Response {
    let mut response = json_error(
        StatusCode::METHOD_NOT_ALLOWED,
        Refusal::MethodNotAllowed.error_type(),
        "only GET is accepted on this endpoint",
    );
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
    response
}

async fn api_config(State(state): State<AppState>) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        state.0.config_json.clone(),
    )
        .into_response()
}

async fn api_not_found() -> Response {
    Refusal::NotFound.into_response()
}

/// Host and origin checks for everything under `/api` (runs before CORS).
async fn origin_guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    match check_host_and_origin(
        &state.0.policy,
        request.method(),
        request.uri(),
        request.headers(),
    ) {
        Ok(()) => next.run(request).await,
        Err(refusal) => refusal.into_response(),
    }
}

/// The host (DNS-rebinding) and origin (CSRF) checks of every `/api` request; a refusal is
/// logged here.
fn check_host_and_origin(
    policy: &Policy,
    method: &Method,
    uri: &http::Uri,
    headers: &HeaderMap,
) -> Result<(), Refusal> {
    let from_uri;
    let host = match headers.get(header::HOST) {
        Some(host) => Some(host),
        None => {
            from_uri = uri
                .authority()
                .and_then(|a| HeaderValue::from_str(a.as_str()).ok());
            from_uri.as_ref()
        }
    };
    let checked = policy::check_host(host, policy).and_then(|()| {
        let is_preflight = method == Method::OPTIONS
            && headers.contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
        if is_preflight {
            policy::check_preflight(
                headers.get(header::ORIGIN),
                headers.get(header::ACCESS_CONTROL_REQUEST_METHOD),
                headers.get(header::ACCESS_CONTROL_REQUEST_HEADERS),
                &policy.allowed_origins,
            )
            .map(|_| ())
        } else {
            policy::check_origin(headers.get(header::ORIGIN), host, &policy.allowed_origins)
                .map(|_| ())
        }
    });
    if let Err(refusal) = &checked {
        tracing::warn!(%refusal, "refused request");
    }
    checked
}

/// Turns the plain-text errors of axum and tower-http (405, 413, 504, ...) into the AWS JSON
/// error shape, keeping their other headers (`Allow`, CORS). Forwarded answers and the
/// proxy's own refusals pass unchanged.
async fn shape_errors(response: Response) -> Response {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error())
        || response.extensions().get::<Forwarded>().is_some()
        || response.headers().contains_key(REFUSAL_HEADER)
    {
        return response;
    }
    let refusal = match status {
        StatusCode::METHOD_NOT_ALLOWED => Refusal::MethodNotAllowed,
        StatusCode::PAYLOAD_TOO_LARGE => Refusal::RequestTooLarge,
        StatusCode::GATEWAY_TIMEOUT | StatusCode::REQUEST_TIMEOUT => Refusal::UpstreamTimeout,
        StatusCode::NOT_FOUND => Refusal::NotFound,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => Refusal::UnsupportedMediaType,
        _ => {
            let mut shaped =
                json_error(status, "InternalProxyError", "request failed in the proxy");
            copy_extra_headers(response.headers(), shaped.headers_mut());
            return shaped;
        }
    };
    let mut shaped = json_error(refusal.status(), refusal.error_type(), &refusal.message());
    copy_extra_headers(response.headers(), shaped.headers_mut());
    shaped
}

fn copy_extra_headers(from: &HeaderMap, to: &mut HeaderMap) {
    for (name, value) in from {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            to.append(name.clone(), value.clone());
        }
    }
}

/// `POST /api/secretsmanager` through the router (see [`api_call`]).
async fn secretsmanager(
    State(state): State<AppState>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let peer = peer.map(|Extension(ConnectInfo(addr))| addr);
    api_call(&state.0, &parts.method, &parts.headers, body, peer).await
}

/// `POST /api/secretsmanager`: validate, sign, forward, pass the answer back, audit restores.
async fn api_call<B>(
    inner: &Inner,
    method: &Method,
    headers: &HeaderMap,
    body: B,
    peer: Option<SocketAddr>,
) -> Response
where
    B: http_body::Body<Data = Bytes>,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let bytes = if *method == Method::POST {
        match Limited::new(body, MAX_BODY_BYTES + 1).collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(e) => {
                let text = crate::errors::error_chain(&*e);
                let refusal = if text.contains("length limit") {
                    Refusal::RequestTooLarge
                } else {
                    Refusal::InvalidBody(format!("could not read the body: {text}"))
                };
                return refusal.into_response();
            }
        }
    } else {
        Bytes::new()
    };

    let is_restore = policy::parse_target(headers.get("x-amz-target")) == Ok("RestoreSecret");
    let audit_base = || RestoreAudit {
        secret_id: None,
        status: 0,
        request_id: None,
        identity: audit::identity_from(headers, inner.identity_header.as_ref()),
        client: peer.map(|addr| addr.to_string()),
        outcome: String::new(),
    };

    let valid = match policy::validate_request(method, headers, &bytes, &inner.policy) {
        Ok(valid) => valid,
        Err(refusal) => {
            if is_restore && *method == Method::POST {
                audit::record(&RestoreAudit {
                    secret_id: serde_json::from_slice::<serde_json::Value>(&bytes)
                        .ok()
                        .and_then(|v| v.get("SecretId")?.as_str().map(str::to_owned)),
                    status: refusal.status().as_u16(),
                    outcome: refusal.error_type().to_string(),
                    ..audit_base()
                });
            }
            tracing::info!(%refusal, "refused request");
            return refusal.into_response();
        }
    };

    let result = inner
        .upstream
        .forward(valid.action, valid.upstream_body())
        .await;
    match result {
        Ok(upstream) => {
            if valid.action.is_mutating() || !upstream.status.is_success() {
                tracing::info!(
                    action = valid.action.as_str(),
                    status = upstream.status.as_u16(),
                    request_id = upstream.request_id().unwrap_or("-"),
                    "forwarded"
                );
            } else {
                // Successful reads are routine (a dashboard scan is dozens of ListSecrets
                // pages): one line each at debug, counted for the periodic info summary.
                tracing::debug!(
                    action = valid.action.as_str(),
                    status = upstream.status.as_u16(),
                    request_id = upstream.request_id().unwrap_or("-"),
                    "forwarded"
                );
                READS.count(valid.action);
            }
            if valid.action == Action::RestoreSecret {
                audit::record(&RestoreAudit {
                    secret_id: valid.secret_id().map(str::to_owned),
                    status: upstream.status.as_u16(),
                    request_id: upstream.request_id().map(str::to_owned),
                    outcome: "forwarded".into(),
                    ..audit_base()
                });
            }
            let mut response = Response::new(Body::from(upstream.body));
            *response.status_mut() = upstream.status;
            for (name, value) in upstream.headers {
                response.headers_mut().append(name, value);
            }
            response.extensions_mut().insert(Forwarded);
            response
        }
        Err(refusal) => {
            tracing::warn!(action = valid.action.as_str(), %refusal, "upstream call failed");
            if valid.action == Action::RestoreSecret {
                audit::record(&RestoreAudit {
                    secret_id: valid.secret_id().map(str::to_owned),
                    status: refusal.status().as_u16(),
                    outcome: refusal.error_type().to_string(),
                    ..audit_base()
                });
            }
            refusal.into_response()
        }
    }
}

/// Adds a CSP to HTML documents from `--static-dir`, allowing exactly the inline scripts and
/// styles the document contains (Trunk injects one inline module script to boot the wasm).
async fn html_csp(response: Response) -> Response {
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !is_html || !response.status().is_success() {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 4 * 1024 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "could not read document").into_response();
    };
    let csp = crate::csp::policy_for_html(&String::from_utf8_lossy(&bytes));
    if let Ok(value) = HeaderValue::from_str(&csp) {
        parts.headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(bytes))
}

/// The path of the AWS JSON 1.1 endpoint.
const API_PATH: &str = "/api/secretsmanager";

/// The application as [`crate::serve`] runs it: the [`router`], plus a direct path for
/// `/api/secretsmanager` that gives the same answers without the router's per-request
/// dispatch and middleware: the same host/origin checks, body limit, timeout, handler and
/// headers, in the same order, and the same `TraceLayer`.
#[derive(Clone)]
pub struct App {
    state: AppState,
    router: Router,
    /// Off when `--allow-origin` is given: the CORS layer (preflights, `Vary` and
    /// `Access-Control-*` headers) then stays in charge of every API answer.
    fast_path: bool,
}

impl App {
    pub fn new(config: &ProxyConfig, upstream: Upstream) -> Self {
        let state = AppState::new(config, upstream);
        App {
            router: router_with_state(config, state.clone()),
            state,
            fast_path: config.policy.allowed_origins.is_empty(),
        }
    }

    /// The hyper service for one client connection from `peer`.
    pub fn connection(&self, peer: SocketAddr) -> Connection {
        Connection {
            app: self.clone(),
            api: TraceLayer::new_for_http().layer(DirectApi {
                state: self.state.clone(),
                peer,
            }),
            peer,
        }
    }
}

type BoxResponseFuture = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

/// Serves one connection: `/api/secretsmanager` directly, everything else via the router.
#[derive(Clone)]
pub struct Connection {
    app: App,
    api: Trace<DirectApi, SharedClassifier<ServerErrorsAsFailures>>,
    peer: SocketAddr,
}

impl hyper::service::Service<http::Request<Incoming>> for Connection {
    type Response = Response;
    type Error = Infallible;
    type Future = BoxResponseFuture;

    fn call(&self, request: http::Request<Incoming>) -> Self::Future {
        if self.app.fast_path && request.uri().path() == API_PATH {
            let future = tower::Service::call(&mut self.api.clone(), request);
            Box::pin(async move { future.await.map(|response| response.map(Body::new)) })
        } else {
            let mut request = request.map(Body::new);
            request.extensions_mut().insert(ConnectInfo(self.peer));
            Box::pin(tower::Service::call(&mut self.app.router.clone(), request))
        }
    }
}

/// `/api/secretsmanager` without the router (see [`App`]).
#[derive(Clone)]
pub struct DirectApi {
    state: AppState,
    peer: SocketAddr,
}

impl tower::Service<http::Request<Incoming>> for DirectApi {
    type Response = Response;
    type Error = Infallible;
    type Future = BoxResponseFuture;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Incoming>) -> Self::Future {
        let state = self.state.clone();
        let peer = self.peer;
        Box::pin(async move { Ok(direct_api(&state.0, request, peer).await) })
    }
}

/// What the router's layers do for `/api/secretsmanager`, outermost first: host and origin
/// checks, the `Content-Length` limit (413), the whole-request timeout (504), the handler
/// (whose body read is limited as `RequestBodyLimitLayer` limits it), then the API and
/// security headers. Every answer here is either forwarded or a proxy refusal, so there is
/// nothing for `shape_errors` to reshape.
async fn direct_api(inner: &Inner, request: http::Request<Incoming>, peer: SocketAddr) -> Response {
    let (parts, body) = request.into_parts();
    let checked = check_host_and_origin(&inner.policy, &parts.method, &parts.uri, &parts.headers);
    let mut response = match checked {
        Err(refusal) => refusal.into_response(),
        Ok(()) => {
            let declared = parts
                .headers
                .get(header::CONTENT_LENGTH)
                .and_then(|value| value.to_str().ok()?.parse::<usize>().ok());
            match declared {
                Some(length) if length > MAX_BODY_BYTES => Refusal::RequestTooLarge.into_response(),
                _ => {
                    let limit = declared.unwrap_or(MAX_BODY_BYTES).min(MAX_BODY_BYTES);
                    let body = Limited::new(body, limit);
                    let call = api_call(inner, &parts.method, &parts.headers, body, Some(peer));
                    match tokio::time::timeout(inner.request_timeout, call).await {
                        Ok(response) => response,
                        Err(_) => Refusal::UpstreamTimeout.into_response(),
                    }
                }
            }
        }
    };
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(API_CSP),
    );
    for (name, value) in SECURITY_HEADERS {
        headers
            .entry(name)
            .or_insert_with(|| HeaderValue::from_static(value));
    }
    response
}

/// Serves `app` on `listener` until `shutdown` resolves, then lets open connections finish.
/// Like `axum::serve` (HTTP/1.1 and HTTP/2, graceful shutdown, the same accept-error
/// handling), with `TCP_NODELAY` on accepted connections.
pub async fn serve_app(
    app: App,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let connections = Connections::new();
    accept_until(listener, shutdown, |stream, peer| {
        connections.serve(&app, stream, peer)
    })
    .await;
    connections.shutdown().await;
    Ok(())
}

/// Serves the connections handed over on `incoming` (see [`crate::serve_threaded`]) until
/// the sending side is dropped, then lets them finish.
pub async fn serve_handed_over(
    app: App,
    mut incoming: tokio::sync::mpsc::UnboundedReceiver<(std::net::TcpStream, SocketAddr)>,
) {
    let connections = Connections::new();
    while let Some((stream, peer)) = incoming.recv().await {
        match tokio::net::TcpStream::from_std(stream) {
            Ok(stream) => connections.serve(&app, stream, peer),
            Err(error) => tracing::error!("cannot serve a connection from {peer}: {error}"),
        }
    }
    connections.shutdown().await;
}

/// Accepts connections until `shutdown` resolves, then closes the listener.
pub async fn accept_until(
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
    mut on_accept: impl FnMut(tokio::net::TcpStream, SocketAddr),
) {
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => on_accept(stream, peer),
                Err(error) => handle_accept_error(error).await,
            },
            () = &mut shutdown => break,
        }
    }
}

/// The open connections of one runtime.
struct Connections {
    builder: auto::Builder<TokioExecutor>,
    graceful: GracefulShutdown,
}

impl Connections {
    fn new() -> Self {
        let mut builder = auto::Builder::new(TokioExecutor::new());
        builder.http2().enable_connect_protocol();
        Connections {
            builder,
            graceful: GracefulShutdown::new(),
        }
    }

    fn serve(&self, app: &App, stream: tokio::net::TcpStream, peer: SocketAddr) {
        let _ = stream.set_nodelay(true);
        let connection = self
            .builder
            .serve_connection_with_upgrades(TokioIo::new(stream), app.connection(peer))
            .into_owned();
        let connection = self.graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::trace!("failed to serve connection: {error:#}");
            }
        });
    }

    /// Asks every open connection to finish its current request and close; waits for them.
    async fn shutdown(self) {
        self.graceful.shutdown().await;
    }
}

/// As `axum::serve`: connection errors are skipped; others (e.g. out of file descriptors)
/// are logged and accepting pauses for a second.
async fn handle_accept_error(error: std::io::Error) {
    use std::io::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::ConnectionRefused | ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset
    ) {
        return;
    }
    tracing::error!("accept error: {error}");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// Successful read-only calls since the last [`log_read_summary`] (all proxies of the
/// process).
static READS: ReadCounts = ReadCounts {
    list_secrets: AtomicU64::new(0),
    describe_secret: AtomicU64::new(0),
};

struct ReadCounts {
    list_secrets: AtomicU64,
    describe_secret: AtomicU64,
}

impl ReadCounts {
    fn count(&self, action: Action) {
        let counter = match action {
            Action::ListSecrets => &self.list_secrets,
            Action::DescribeSecret => &self.describe_secret,
            Action::RestoreSecret => return,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

/// How often [`log_read_summaries`] logs the successful read-only calls.
pub const READ_SUMMARY_INTERVAL: Duration = Duration::from_secs(60);

/// Logs (info) how many read-only calls were forwarded with a 2xx answer since the last
/// summary, if any: `forwarded reads list_secrets=N describe_secret=M`. Each of those calls
/// has its own line at debug level; restores and every non-2xx answer have one at info.
pub fn log_read_summary() {
    let list_secrets = READS.list_secrets.swap(0, Ordering::Relaxed);
    let describe_secret = READS.describe_secret.swap(0, Ordering::Relaxed);
    if list_secrets + describe_secret > 0 {
        tracing::info!(list_secrets, describe_secret, "forwarded reads");
    }
}

/// Calls [`log_read_summary`] every `interval`, forever.
pub async fn log_read_summaries(interval: Duration) {
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        log_read_summary();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_log::CapturedLog;

    #[test]
    fn read_summary_counts_successful_reads_and_starts_over() {
        let buffer = CapturedLog::default();
        let writer = buffer.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            log_read_summary();
            READS.count(Action::ListSecrets);
            READS.count(Action::ListSecrets);
            READS.count(Action::DescribeSecret);
            READS.count(Action::RestoreSecret);
            log_read_summary();
            log_read_summary();
        });
        let text = buffer.text();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines.len(),
            1,
            "one summary, none when nothing happened: {text}"
        );
        assert!(lines[0].contains("INFO"), "{text}");
        assert!(
            lines[0].contains("forwarded reads list_secrets=2 describe_secret=1"),
            "{text}"
        );
    }
}
