//! Proxy-made refusals, rendered in the AWS JSON 1.1 error shape
//! (`{"__type": "...", "message": "..."}`) so the UI parses a single error format.

use crate::action::{ALLOWED_ACTIONS, MAX_BODY_BYTES};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Header set on every response the proxy itself produced (never on a forwarded AWS answer),
/// so clients and tests can tell a proxy refusal from an upstream error.
pub const REFUSAL_HEADER: &str = "x-undelete-proxy-refusal";

/// Every way the proxy refuses a request. Each maps to one status and one `__type`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// `X-Amz-Target` names an action that is not forwarded (unknown, or not on the allowlist).
    ActionNotAllowed(String),
    /// `RestoreSecret` while the proxy runs with `--read-only`.
    ReadOnly,
    /// No `X-Amz-Target` header.
    MissingTarget,
    /// `X-Amz-Target` is not of the form `secretsmanager.<Action>`.
    InvalidTarget,
    /// Any method but POST on the API endpoint.
    MethodNotAllowed,
    /// Content type other than `application/x-amz-json-1.1`.
    UnsupportedMediaType,
    /// Request body over the limit.
    RequestTooLarge,
    /// Body that is not a JSON object.
    InvalidBody(String),
    /// A parameter the action does not take, or a value of the wrong type or size
    /// (`shapes::Input::parse`).
    InvalidParameter(String),
    /// Cross-origin request (or preflight) from an origin that is not allowed.
    ForbiddenOrigin(String),
    /// `Host` is not a name this proxy answers to (DNS-rebinding guard on loopback).
    ForbiddenHost(String),
    /// No route under `/api`.
    NotFound,
    /// `/api/secretsmanager/{account}/{region}` with an account that is not 12 digits, a region
    /// that is not `[a-z0-9-]`, or not two segments (the words say which).
    MalformedTarget(String),
    /// A well-formed target the proxy does not serve (not in its accounts × regions).
    UnknownTarget { account: String, region: String },
    /// The credential chain gave no usable credentials.
    CredentialsUnavailable(String),
    /// Upstream could not be reached (connect error, TLS error, reset, ...).
    UpstreamUnreachable(String),
    /// Upstream did not answer in time.
    UpstreamTimeout,
    /// Anything else that went wrong inside the proxy.
    Internal(String),
}

impl Refusal {
    pub fn status(&self) -> StatusCode {
        match self {
            Refusal::ActionNotAllowed(_) | Refusal::ReadOnly => StatusCode::FORBIDDEN,
            Refusal::ForbiddenOrigin(_) | Refusal::ForbiddenHost(_) => StatusCode::FORBIDDEN,
            Refusal::MissingTarget
            | Refusal::InvalidTarget
            | Refusal::MalformedTarget(_)
            | Refusal::InvalidBody(_)
            | Refusal::InvalidParameter(_) => StatusCode::BAD_REQUEST,
            Refusal::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Refusal::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Refusal::RequestTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Refusal::NotFound | Refusal::UnknownTarget { .. } => StatusCode::NOT_FOUND,
            Refusal::CredentialsUnavailable(_) | Refusal::Internal(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
            Refusal::UpstreamUnreachable(_) => StatusCode::BAD_GATEWAY,
            Refusal::UpstreamTimeout => StatusCode::GATEWAY_TIMEOUT,
        }
    }

    /// The `__type` value. Stable: the UI and the tests match on it.
    pub fn error_type(&self) -> &'static str {
        match self {
            Refusal::ActionNotAllowed(_) => "ActionNotAllowed",
            Refusal::ReadOnly => "ReadOnlyMode",
            Refusal::MissingTarget => "MissingTarget",
            Refusal::InvalidTarget => "InvalidTarget",
            Refusal::MethodNotAllowed => "MethodNotAllowed",
            Refusal::UnsupportedMediaType => "UnsupportedMediaType",
            Refusal::RequestTooLarge => "RequestTooLarge",
            Refusal::InvalidBody(_) => "InvalidRequestBody",
            Refusal::InvalidParameter(_) => "InvalidParameter",
            Refusal::ForbiddenOrigin(_) => "ForbiddenOrigin",
            Refusal::ForbiddenHost(_) => "ForbiddenHost",
            Refusal::NotFound => "NotFound",
            // The same `__type` as a malformed X-Amz-Target: both say the call names no
            // valid target; the words say which.
            Refusal::MalformedTarget(_) => "InvalidTarget",
            Refusal::UnknownTarget { .. } => "UnknownTarget",
            Refusal::CredentialsUnavailable(_) => "CredentialsUnavailable",
            Refusal::UpstreamUnreachable(_) => "UpstreamUnreachable",
            Refusal::UpstreamTimeout => "UpstreamTimeout",
            Refusal::Internal(_) => "InternalProxyError",
        }
    }

    pub fn message(&self) -> String {
        match self {
            Refusal::ActionNotAllowed(action) => format!(
                "undelete-proxy does not forward the action {action:?}; allowed: {}",
                ALLOWED_ACTIONS.join(", ")
            ),
            Refusal::ReadOnly => {
                "undelete-proxy runs with --read-only: RestoreSecret is refused".to_string()
            }
            Refusal::MissingTarget => {
                "missing X-Amz-Target header (expected secretsmanager.<Action>)".to_string()
            }
            Refusal::InvalidTarget => {
                "malformed X-Amz-Target header (expected secretsmanager.<Action>)".to_string()
            }
            Refusal::MethodNotAllowed => "only POST is accepted on this endpoint".to_string(),
            Refusal::UnsupportedMediaType => {
                "Content-Type must be application/x-amz-json-1.1".to_string()
            }
            Refusal::RequestTooLarge => {
                format!("request body is larger than {} bytes", MAX_BODY_BYTES)
            }
            Refusal::InvalidBody(why) => format!("request body must be a JSON object: {why}"),
            Refusal::InvalidParameter(why) => why.clone(),
            Refusal::ForbiddenOrigin(origin) => {
                format!("cross-origin request from {origin:?} is not allowed (see --allow-origin)")
            }
            Refusal::ForbiddenHost(host) => format!(
                "Host {host:?} is not a loopback name; this proxy only answers to localhost \
                 (see --allow-remote)"
            ),
            Refusal::NotFound => "no such API route".to_string(),
            Refusal::MalformedTarget(why) => why.clone(),
            Refusal::UnknownTarget { account, region } => format!(
                "undelete-proxy does not serve account {account} in region {region} \
                 (GET /api/config lists its targets)"
            ),
            Refusal::CredentialsUnavailable(why) => {
                format!("no AWS credentials available to the proxy: {why}")
            }
            Refusal::UpstreamUnreachable(why) => {
                format!("Secrets Manager endpoint unreachable: {why}")
            }
            Refusal::UpstreamTimeout => {
                "Secrets Manager endpoint did not answer in time".to_string()
            }
            Refusal::Internal(why) => format!("internal proxy error: {why}"),
        }
    }

    /// The JSON body, `{"__type": ..., "message": ...}`.
    pub fn body(&self) -> String {
        error_body(self.error_type(), &self.message())
    }
}

pub fn error_body(error_type: &str, message: &str) -> String {
    serde_json::json!({ "__type": error_type, "message": message }).to_string()
}

/// What a proxy-made error answer said, kept in its extensions: the one place that logs every
/// refusal and audits every restore (`server::record_outcome`) reads it there, whichever layer,
/// extractor or handler made the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub status: StatusCode,
    pub error_type: &'static str,
    pub message: String,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({}): {}",
            self.error_type,
            self.status.as_u16(),
            self.message
        )
    }
}

/// Builds an AWS-shaped JSON error response (carrying its [`Refused`]).
pub fn json_error(status: StatusCode, error_type: &'static str, message: &str) -> Response {
    let mut response = (status, error_body(error_type, message)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-amz-json-1.1"),
    );
    headers.insert(REFUSAL_HEADER, HeaderValue::from_static("true"));
    response.extensions_mut().insert(Refused {
        status,
        error_type,
        message: message.to_string(),
    });
    response
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let mut response = json_error(self.status(), self.error_type(), &self.message());
        if self == Refusal::MethodNotAllowed {
            // RFC 9110: a 405 lists the methods the resource accepts.
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("POST"));
        }
        response
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} ({}): {}",
            self.error_type(),
            self.status().as_u16(),
            self.message()
        )
    }
}

/// An error and its `source()` chain on one line (AWS SDK and reqwest errors put the useful
/// part in the sources).
pub fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_refusal_has_the_documented_status_and_type() {
        let cases = [
            (
                Refusal::ActionNotAllowed("GetSecretValue".into()),
                403,
                "ActionNotAllowed",
            ),
            (Refusal::ReadOnly, 403, "ReadOnlyMode"),
            (Refusal::MissingTarget, 400, "MissingTarget"),
            (Refusal::InvalidTarget, 400, "InvalidTarget"),
            (Refusal::MethodNotAllowed, 405, "MethodNotAllowed"),
            (Refusal::UnsupportedMediaType, 415, "UnsupportedMediaType"),
            (Refusal::RequestTooLarge, 413, "RequestTooLarge"),
            (Refusal::InvalidBody("x".into()), 400, "InvalidRequestBody"),
            (
                Refusal::InvalidParameter("x".into()),
                400,
                "InvalidParameter",
            ),
            (
                Refusal::ForbiddenOrigin("https://evil.test".into()),
                403,
                "ForbiddenOrigin",
            ),
            (
                Refusal::ForbiddenHost("evil.test".into()),
                403,
                "ForbiddenHost",
            ),
            (Refusal::NotFound, 404, "NotFound"),
            (Refusal::MalformedTarget("x".into()), 400, "InvalidTarget"),
            (
                Refusal::UnknownTarget {
                    account: "123456789012".into(),
                    region: "eu-west-3".into(),
                },
                404,
                "UnknownTarget",
            ),
            (
                Refusal::CredentialsUnavailable("x".into()),
                500,
                "CredentialsUnavailable",
            ),
            (
                Refusal::UpstreamUnreachable("x".into()),
                502,
                "UpstreamUnreachable",
            ),
            (Refusal::UpstreamTimeout, 504, "UpstreamTimeout"),
            (Refusal::Internal("x".into()), 500, "InternalProxyError"),
        ];
        for (refusal, status, ty) in cases {
            assert_eq!(refusal.status().as_u16(), status, "{refusal:?}");
            assert_eq!(refusal.error_type(), ty);
            let body: serde_json::Value = serde_json::from_str(&refusal.body()).unwrap();
            assert_eq!(body["__type"], ty);
            assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
        }
    }

    #[test]
    fn response_is_json_and_marked_as_proxy_refusal() {
        let response = Refusal::MissingTarget.into_response();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "application/x-amz-json-1.1"
        );
        assert_eq!(response.headers()[REFUSAL_HEADER], "true");
        let refused = response.extensions().get::<Refused>().unwrap();
        assert_eq!(
            refused.to_string(),
            Refusal::MissingTarget.to_string(),
            "the log words of a refusal are the same from either"
        );
    }
}
