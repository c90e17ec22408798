//! The HTTP edge: axum routes, tower-http layers (body limit, timeout, trace, static files,
//! CORS, headers) and the glue between policy, upstream and audit.

use crate::audit::{self, RestoreAudit};
use crate::config::ProxyConfig;
use crate::errors::{REFUSAL_HEADER, Refusal, json_error};
use crate::policy::{
    self, CORS_ALLOWED_REQUEST_HEADERS, CORS_EXPOSED_RESPONSE_HEADERS, MAX_BODY_BYTES, Policy,
};
use crate::upstream::Upstream;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::{Next, from_fn_with_state, map_response};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::{Extension, Router};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceBuilder;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// CSP for API answers: they are data, never documents.
pub const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

/// CSP for the UI. Trunk injects an inline module script that boots the wasm; its hash is
/// added per response by [`html_csp`].
pub const UI_CSP_BASE: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{HASHES}; \
     style-src 'self'{STYLE_HASHES}; img-src 'self' data:; connect-src 'self'; \
     object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// Marks a response that carries a forwarded upstream answer (left untouched by
/// [`shape_errors`]).
#[derive(Debug, Clone, Copy)]
struct Forwarded;

struct Inner {
    policy: Policy,
    upstream: Upstream,
    identity_header: Option<HeaderName>,
    config_json: String,
}

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

/// Builds the whole application.
pub fn router(config: &ProxyConfig, upstream: Upstream) -> Router {
    let config_json = serde_json::json!({
        "region": config.region,
        "endpoint": config.endpoint_display(),
        "readOnly": config.policy.read_only,
    })
    .to_string();
    let state = AppState(Arc::new(Inner {
        policy: config.policy.clone(),
        upstream,
        identity_header: config.identity_header.clone(),
        config_json,
    }));

    // All layers of a router go into one `ServiceBuilder` (outermost first) and are applied
    // with a single `Router::layer`: each `Router::layer` call boxes the route again, which
    // costs an allocation and a clone of the boxed service per request and layer.
    let cors = (!config.policy.allowed_origins.is_empty())
        .then(|| cors_layer(&config.policy.allowed_origins));
    let api = Router::new()
        .route("/api/secretsmanager", any(secretsmanager))
        .route("/api/config", get(api_config))
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
                    config.upstream_timeout + Duration::from_secs(5),
                ))
                .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES)),
        )
        .with_state(state);

    let mut app = Router::new().route("/healthz", get(healthz)).merge(api);
    app = match &config.static_dir {
        Some(dir) => app.fallback_service(static_files(dir)),
        None => app.route("/", get(no_ui)),
    };
    app.layer(
        ServiceBuilder::new()
            .layer(TraceLayer::new_for_http())
            .layer(SetResponseHeaderLayer::if_not_present(
                header::X_FRAME_OPTIONS,
                HeaderValue::from_static("DENY"),
            ))
            .layer(SetResponseHeaderLayer::if_not_present(
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            ))
            .layer(SetResponseHeaderLayer::if_not_present(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            )),
    )
}

fn static_files(dir: &Path) -> Router {
    Router::new()
        .fallback_service(ServeDir::new(dir))
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
    let policy = &state.0.policy;
    let headers = request.headers();
    let host = headers.get(header::HOST).cloned().or_else(|| {
        request
            .uri()
            .authority()
            .and_then(|a| HeaderValue::from_str(a.as_str()).ok())
    });
    if let Err(refusal) = policy::check_host(host.as_ref(), policy) {
        tracing::warn!(%refusal, "refused request");
        return refusal.into_response();
    }
    let is_preflight = request.method() == Method::OPTIONS
        && headers.contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    let checked = if is_preflight {
        policy::check_preflight(
            headers.get(header::ORIGIN),
            headers.get(header::ACCESS_CONTROL_REQUEST_METHOD),
            headers.get(header::ACCESS_CONTROL_REQUEST_HEADERS),
            &policy.allowed_origins,
        )
        .map(|_| ())
    } else {
        policy::check_origin(
            headers.get(header::ORIGIN),
            host.as_ref(),
            &policy.allowed_origins,
        )
        .map(|_| ())
    };
    match checked {
        Ok(()) => next.run(request).await,
        Err(refusal) => {
            tracing::warn!(%refusal, "refused request");
            refusal.into_response()
        }
    }
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

/// `POST /api/secretsmanager`: validate, sign, forward, pass the answer back, audit restores.
async fn secretsmanager(
    State(state): State<AppState>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    method: Method,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let inner = &state.0;
    let bytes = if method == Method::POST {
        match axum::body::to_bytes(body, MAX_BODY_BYTES + 1).await {
            Ok(bytes) => bytes,
            Err(e) => {
                let text = crate::errors::error_chain(&e);
                let refusal = if text.contains("length limit") {
                    Refusal::RequestTooLarge
                } else {
                    Refusal::InvalidBody(format!("could not read the body: {text}"))
                };
                return refusal.into_response();
            }
        }
    } else {
        Default::default()
    };

    let is_restore = policy::parse_target(headers.get("x-amz-target")) == Ok("RestoreSecret");
    let audit_base = || RestoreAudit {
        secret_id: None,
        status: 0,
        request_id: None,
        identity: audit::identity_from(&headers, inner.identity_header.as_ref()),
        client: peer
            .as_ref()
            .map(|Extension(ConnectInfo(addr))| addr.to_string()),
        outcome: String::new(),
    };

    let valid = match policy::validate_request(&method, &headers, &bytes, &inner.policy) {
        Ok(valid) => valid,
        Err(refusal) => {
            if is_restore && method == Method::POST {
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
            tracing::info!(
                action = valid.action.as_str(),
                status = upstream.status.as_u16(),
                request_id = upstream.request_id().unwrap_or("-"),
                "forwarded"
            );
            if valid.action == policy::Action::RestoreSecret {
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
            if valid.action == policy::Action::RestoreSecret {
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
