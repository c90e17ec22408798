//! The HTTP edge: axum routes, tower-http layers (body limit, timeout, trace, static files,
//! CORS, headers) and the glue between policy and upstream; every `/api` answer then passes
//! [`outcome::record_outcome`], which logs refusals and audits restores.

use crate::action::{Action, MAX_BODY_BYTES};
use crate::config::ProxyConfig;
use crate::errors::{REFUSAL_HEADER, Refusal, json_error};
use crate::fleet::Fleet;
use crate::outcome::{self, Forwarded, OutcomeState, SecretIdSeen};
use crate::policy::{self, CORS_ALLOWED_REQUEST_HEADERS, CORS_EXPOSED_RESPONSE_HEADERS, Policy};
use crate::upstream::Upstream;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::rejection::{BytesRejection, FailedToBufferBody};
use axum::extract::{OriginalUri, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::{Next, from_fn_with_state, map_response};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tower::ServiceBuilder;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnFailure, TraceLayer};
use tracing::Level;

/// CSP for API answers: they are data, never documents.
pub const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

struct Inner {
    policy: Policy,
    upstream: Upstream,
    fleet: Arc<Fleet>,
    /// Bound for a whole API request (body and upstream call); past it: 504 UpstreamTimeout.
    request_timeout: Duration,
}

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

impl AppState {
    fn new(config: &ProxyConfig, fleet: Arc<Fleet>) -> anyhow::Result<Self> {
        Ok(AppState(Arc::new(Inner {
            policy: config.policy.clone(),
            upstream: Upstream::new(config.upstream_timeout)?,
            fleet,
            request_timeout: config.upstream_timeout + Duration::from_secs(5),
        })))
    }
}

/// Builds the whole application for `fleet`'s targets: one router, with the API's layers on
/// `/api` and the static UI (when `--static-dir` is given) as the fallback. Fails when the
/// UI's `index.html` cannot be read (its CSP is computed here, once).
pub fn router(config: &ProxyConfig, fleet: Arc<Fleet>) -> anyhow::Result<Router> {
    let state = AppState::new(config, fleet.clone())?;
    let cors = (!config.policy.allowed_origins.is_empty())
        .then(|| cors_layer(&config.policy.allowed_origins));
    // Outermost first: the API's headers on every answer, the refusal log and restore audit
    // (so they see each answer as the client gets it, whichever layer made it), error bodies in
    // the AWS shape, the host/origin checks before CORS, then the whole-request timeout and the
    // body limit.
    let api = Router::new()
        .route("/api/secretsmanager", any(secretsmanager))
        // The wildcard does not match an empty rest: `/api/secretsmanager/` is named too, so
        // that it is a malformed target rather than no route.
        .route("/api/secretsmanager/", any(secretsmanager))
        .route("/api/secretsmanager/{*target}", any(secretsmanager))
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
                .layer(from_fn_with_state(
                    OutcomeState {
                        identity_header: config.identity_header.clone(),
                        fleet,
                    },
                    outcome::record_outcome,
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
        Some(dir) => app.fallback_service(static_files(dir)?),
        None => app.route("/", get(no_ui)),
    };
    let [frame, referrer, nosniff] = SECURITY_HEADERS;
    Ok(app.layer(
        ServiceBuilder::new()
            // The proxy logs every failed answer itself (a refusal, an upstream failure, a
            // forwarded non-2xx), with what went wrong: tower-http's own ERROR line for a 5xx
            // would say it a second time, so it is only there at debug.
            .layer(
                TraceLayer::new_for_http().on_failure(DefaultOnFailure::new().level(Level::DEBUG)),
            )
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
    ))
}

/// Headers on every response (unless the response already has them).
const SECURITY_HEADERS: [(HeaderName, &str); 3] = [
    (header::X_FRAME_OPTIONS, "DENY"),
    (header::REFERRER_POLICY, "no-referrer"),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
];

/// The UI's files. A release build puts `.br` and `.gz` copies next to the scripts, the wasm and
/// the CSS (scripts/trunk-compress.mjs), sent to browsers that accept them. HTML documents get the UI's CSP,
/// computed from `index.html` now: a rebuilt UI needs a restart of the proxy.
fn static_files(dir: &Path) -> anyhow::Result<Router> {
    let csp = crate::csp::policy_for_static_dir(dir)?;
    let csp = HeaderValue::from_str(&csp)?;
    let html_csp = move |response: &Response| is_html_document(response).then(|| csp.clone());
    Ok(Router::new()
        .fallback_service(ServeDir::new(dir).precompressed_br().precompressed_gzip())
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            html_csp,
        )))
}

/// A successful `text/html` answer.
fn is_html_document(response: &Response) -> bool {
    response.status().is_success()
        && response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"))
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
         API: POST /api/secretsmanager[/{account}/{region}], GET /api/config, GET /healthz\n",
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

/// `GET /api/config`: the first target's region and endpoint (as before there were several),
/// whether restores are refused, and every target ([`Fleet::views`]).
async fn api_config(State(state): State<AppState>) -> Response {
    let fleet = &state.0.fleet;
    let first = fleet.first();
    let config = serde_json::json!({
        "region": first.region.name,
        "endpoint": first.region.endpoint_display(),
        "readOnly": state.0.policy.read_only,
        "targets": fleet.views().await,
    });
    (
        [(header::CONTENT_TYPE, "application/json")],
        config.to_string(),
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

/// The host (DNS-rebinding) and origin (CSRF) checks of every `/api` request.
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
    policy::check_host(host, policy).and_then(|()| {
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
    })
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

/// `POST /api/secretsmanager[/{account}/{region}]`: find the target, validate, sign, forward,
/// pass the answer back. A restore's answer carries the `SecretId` it named ([`SecretIdSeen`])
/// for its audit line.
async fn secretsmanager(
    State(state): State<AppState>,
    OriginalUri(uri): OriginalUri,
    method: Method,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let inner = &state.0;
    // The body is limited by `RequestBodyLimitLayer` (a declared `Content-Length` over the
    // limit never gets here; a streamed body fails its read past the limit).
    let bytes = match body {
        Ok(bytes) => bytes,
        Err(BytesRejection::FailedToBufferBody(FailedToBufferBody::LengthLimitError(_))) => {
            return Refusal::RequestTooLarge.into_response();
        }
        Err(rejection) => {
            let why = format!("could not read the body: {}", rejection.body_text());
            return Refusal::InvalidBody(why).into_response();
        }
    };

    let refuse = |refusal: Refusal| {
        let mut response = refusal.into_response();
        if policy::names_restore_secret(&headers)
            && let Some(secret_id) = secret_id_in(&bytes)
        {
            response.extensions_mut().insert(SecretIdSeen(secret_id));
        }
        response
    };
    // Only a served target's account and region are ever used (its endpoint was made from a
    // configured region at start-up).
    let target = match inner.fleet.route(uri.path()) {
        Some(Ok(target)) => target,
        Some(Err(refusal)) => return refuse(refusal),
        None => return refuse(Refusal::NotFound),
    };
    let valid = match policy::validate_request(&method, &headers, &bytes, &inner.policy) {
        Ok(valid) => valid,
        Err(refusal) => return refuse(refusal),
    };

    let result = inner
        .upstream
        .forward(
            target.account.signer(),
            &target.region.name,
            &target.region.endpoint,
            valid.action,
            valid.upstream_body(),
        )
        .await;
    let target_name = target.name();
    let mut response = match result {
        Ok(upstream) => {
            if valid.action.is_mutating() || !upstream.status.is_success() {
                tracing::info!(
                    action = valid.action.as_str(),
                    account = %target_name.account,
                    label = %target_name.label,
                    region = %target_name.region,
                    status = upstream.status.as_u16(),
                    request_id = upstream.request_id().unwrap_or("-"),
                    "forwarded"
                );
            } else {
                // Successful reads are routine (a dashboard scan is dozens of ListSecrets
                // pages): one line each at debug, counted for the periodic info summary.
                tracing::debug!(
                    action = valid.action.as_str(),
                    account = %target_name.account,
                    label = %target_name.label,
                    region = %target_name.region,
                    status = upstream.status.as_u16(),
                    request_id = upstream.request_id().unwrap_or("-"),
                    "forwarded"
                );
                READS.count(valid.action);
            }
            let mut response = Response::new(Body::from(upstream.body));
            *response.status_mut() = upstream.status;
            for (name, value) in upstream.headers {
                response.headers_mut().append(name, value);
            }
            response.extensions_mut().insert(Forwarded);
            response
        }
        // Logged (with the action) by `outcome::record_outcome`, as every refusal.
        Err(refusal) => refusal.into_response(),
    };
    if valid.action == Action::RestoreSecret
        && let Some(secret_id) = valid.secret_id()
    {
        response
            .extensions_mut()
            .insert(SecretIdSeen(secret_id.to_owned()));
    }
    response
}

/// The string `SecretId` of a body that did not pass the checks, if it has one.
fn secret_id_in(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    value.get("SecretId")?.as_str().map(str::to_owned)
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
