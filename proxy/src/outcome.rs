//! The one place that sees every `/api` answer as the client gets it: it logs each refusal and
//! writes the audit line of every request naming RestoreSecret, forwarded or refused, whichever
//! layer (host/origin check, body limit, timeout), extractor or handler made the answer.

use crate::audit::{self, RestoreAudit};
use crate::errors::{Refusal, Refused};
use crate::fleet::Fleet;
use crate::policy;
use crate::routing::TargetName;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::HeaderName;
use std::net::SocketAddr;
use std::sync::Arc;
use tracing::Instrument;

/// Marks a response that carries a forwarded upstream answer.
#[derive(Debug, Clone, Copy)]
pub struct Forwarded;

/// The `SecretId` a RestoreSecret body named (set by the handler once it has read the body),
/// for the audit line.
#[derive(Debug, Clone)]
pub struct SecretIdSeen(pub String);

/// Audit outcome of an answer that is neither forwarded nor a refusal (a CORS preflight or
/// `GET /api/config` that happens to carry a RestoreSecret target).
pub const NOT_FORWARDED: &str = "not-forwarded";

/// What [`record_outcome`] needs: the `--identity-header`, and the targets (to name the one a
/// call is for).
#[derive(Debug, Clone)]
pub struct OutcomeState {
    pub identity_header: Option<HeaderName>,
    pub fleet: Arc<Fleet>,
}

/// Middleware around everything under `/api`.
pub async fn record_outcome(
    State(state): State<OutcomeState>,
    request: Request,
    next: Next,
) -> Response {
    let headers = request.headers();
    let action = policy::parse_target(headers.get("x-amz-target"))
        .ok()
        .map(str::to_owned);
    // Named from the path as it came, whichever layer answers.
    let target = state
        .fleet
        .name_for_path(request.uri().path())
        .unwrap_or_else(TargetName::unknown);
    let identity_header = state.identity_header;
    let restore = policy::names_restore_secret(headers).then(|| RestoreAudit {
        secret_id: None,
        target: target.clone(),
        status: 0,
        request_id: None,
        identity: audit::identity_from(headers, identity_header.as_ref()),
        client: request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.to_string()),
        outcome: String::new(),
    });

    let Some(restore) = restore else {
        let response = next.run(request).await;
        record(&response, action.as_deref(), &target, None);
        return response;
    };
    // hyper drops a request's future when its client goes away, and a restore may be with AWS
    // by then: it runs to its end, and its audit line, on its own task.
    let task = tokio::spawn(
        async move {
            let response = next.run(request).await;
            record(
                &response,
                action.as_deref(),
                &restore.target.clone(),
                Some(restore),
            );
            response
        }
        .in_current_span(),
    );
    match task.await {
        Ok(response) => response,
        Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
        // Cancelled: only when the runtime itself shuts down.
        Err(error) => Refusal::Internal(error.to_string()).into_response(),
    }
}

/// Logs `response`'s refusal, if it is one, and writes the audit line of a restore.
fn record(
    response: &Response,
    action: Option<&str>,
    target: &TargetName,
    restore: Option<RestoreAudit>,
) {
    let refused = response.extensions().get::<Refused>();
    if let Some(refused) = refused {
        log_refusal(action.unwrap_or("-"), target, refused);
    }
    if let Some(base) = restore {
        let forwarded = response.extensions().get::<Forwarded>().is_some();
        audit::record(&RestoreAudit {
            secret_id: response
                .extensions()
                .get::<SecretIdSeen>()
                .map(|SecretIdSeen(id)| id.clone()),
            status: response.status().as_u16(),
            request_id: forwarded
                .then(|| response.headers().get("x-amzn-requestid")?.to_str().ok())
                .flatten()
                .map(str::to_owned),
            outcome: match refused {
                _ if forwarded => "forwarded".to_string(),
                Some(refused) => refused.error_type.to_string(),
                None => NOT_FORWARDED.to_string(),
            },
            ..base
        });
    }
}

/// One line per refusal, naming the target: `warn` for host/origin refusals (someone else's
/// page or name) and for failures of the upstream call (5xx), `info` for the rest.
fn log_refusal(action: &str, target: &TargetName, refused: &Refused) {
    let TargetName {
        account,
        label,
        region,
    } = target;
    if refused.status.is_server_error() {
        tracing::warn!(action, %account, %label, %region, refusal = %refused, "upstream call failed");
    } else if matches!(refused.error_type, "ForbiddenHost" | "ForbiddenOrigin") {
        tracing::warn!(action, %account, %label, %region, refusal = %refused, "refused request");
    } else {
        tracing::info!(action, %account, %label, %region, refusal = %refused, "refused request");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_log::CapturedLog;

    #[test]
    fn each_refusal_is_one_line_at_its_level() {
        let buffer = CapturedLog::default();
        let writer = buffer.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        let cases = [
            (
                Refusal::InvalidParameter("x".into()),
                "INFO",
                "refused request",
            ),
            (Refusal::RequestTooLarge, "INFO", "refused request"),
            (
                Refusal::ForbiddenOrigin("o".into()),
                "WARN",
                "refused request",
            ),
            (
                Refusal::ForbiddenHost("h".into()),
                "WARN",
                "refused request",
            ),
            (Refusal::UpstreamTimeout, "WARN", "upstream call failed"),
            (
                Refusal::UpstreamUnreachable("reset".into()),
                "WARN",
                "upstream call failed",
            ),
        ];
        tracing::subscriber::with_default(subscriber, || {
            for (refusal, _, _) in &cases {
                let response = refusal.clone().into_response();
                let target = TargetName {
                    account: "210987654321".into(),
                    label: "prod".into(),
                    region: "eu-west-1".into(),
                };
                log_refusal(
                    "RestoreSecret",
                    &target,
                    response.extensions().get().unwrap(),
                );
            }
        });
        let text = buffer.text();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), cases.len(), "{text}");
        for ((refusal, level, message), line) in cases.iter().zip(lines) {
            assert!(line.contains(level), "{line}");
            assert!(line.contains(message), "{line}");
            assert!(line.contains("action=\"RestoreSecret\""), "{line}");
            assert!(
                line.contains("account=210987654321 label=prod region=eu-west-1"),
                "{line}"
            );
            assert!(line.contains(&format!("refusal={refusal}")), "{line}");
        }
    }
}
