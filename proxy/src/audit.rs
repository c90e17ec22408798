//! The audit trail: one structured `tracing` event per RestoreSecret attempt
//! (target `undelete_proxy::audit`), whether forwarded or refused.

use crate::routing::TargetName;
use http::HeaderMap;
use http::HeaderName;

/// Tracing target of audit events (filter with `RUST_LOG=undelete_proxy::audit=info`).
pub const AUDIT_TARGET: &str = "undelete_proxy::audit";

/// One RestoreSecret attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreAudit {
    /// `SecretId` from the request body, when it was a string.
    pub secret_id: Option<String>,
    /// The account (ID and label) and region the call named.
    pub target: TargetName,
    /// HTTP status returned to the client (upstream status, or the refusal's status).
    pub status: u16,
    /// `x-amzn-RequestId` from Secrets Manager, when the call reached it.
    pub request_id: Option<String>,
    /// Value of the `--identity-header`, when configured and present.
    pub identity: Option<String>,
    /// Peer address of the client connection.
    pub client: Option<String>,
    /// `forwarded`, or the proxy refusal type (e.g. `ReadOnlyMode`, `UpstreamTimeout`).
    pub outcome: String,
}

/// Reads the identity header, if configured: printable ASCII only, at most 256 characters.
pub fn identity_from(headers: &HeaderMap, header: Option<&HeaderName>) -> Option<String> {
    let value = headers.get(header?)?;
    let text: String = String::from_utf8_lossy(value.as_bytes())
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '?'
            }
        })
        .take(256)
        .collect();
    Some(text)
}

/// Emits the audit event.
pub fn record(audit: &RestoreAudit) {
    tracing::info!(
        target: AUDIT_TARGET,
        action = "RestoreSecret",
        secret_id = audit.secret_id.as_deref().unwrap_or("-"),
        account = %audit.target.account,
        label = %audit.target.label,
        region = %audit.target.region,
        status = audit.status,
        request_id = audit.request_id.as_deref().unwrap_or("-"),
        identity = audit.identity.as_deref().unwrap_or("-"),
        client = audit.client.as_deref().unwrap_or("-"),
        outcome = %audit.outcome,
        "audit"
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_log::CapturedLog;

    #[test]
    fn audit_line_is_one_json_object_with_all_fields() {
        let buffer = CapturedLog::default();
        let writer = buffer.clone();
        let subscriber = tracing_subscriber::fmt()
            .json()
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            record(&RestoreAudit {
                secret_id: Some("prod/db".into()),
                target: TargetName {
                    account: "210987654321".into(),
                    label: "prod".into(),
                    region: "eu-west-1".into(),
                },
                status: 200,
                request_id: Some("req-123".into()),
                identity: Some("alice@example.com".into()),
                client: Some("127.0.0.1:50000".into()),
                outcome: "forwarded".into(),
            });
        });
        let text = buffer.text();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 1, "{text}");
        let line: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
        assert_eq!(line["target"], AUDIT_TARGET);
        let f = &line["fields"];
        assert_eq!(f["action"], "RestoreSecret");
        assert_eq!(f["secret_id"], "prod/db");
        assert_eq!(f["account"], "210987654321");
        assert_eq!(f["label"], "prod");
        assert_eq!(f["region"], "eu-west-1");
        assert_eq!(f["status"], 200);
        assert_eq!(f["request_id"], "req-123");
        assert_eq!(f["identity"], "alice@example.com");
        assert_eq!(f["client"], "127.0.0.1:50000");
        assert_eq!(f["outcome"], "forwarded");
    }

    #[test]
    fn identity_header_is_read_and_sanitised() {
        let name = HeaderName::from_static("x-forwarded-email");
        let mut headers = HeaderMap::new();
        assert_eq!(identity_from(&headers, Some(&name)), None);
        headers.insert(&name, "alice@example.com".parse().unwrap());
        assert_eq!(
            identity_from(&headers, Some(&name)).as_deref(),
            Some("alice@example.com")
        );
        assert_eq!(identity_from(&headers, None), None, "not configured");
        headers.insert(&name, http::HeaderValue::from_bytes(b"eve\xff\tx").unwrap());
        assert_eq!(
            identity_from(&headers, Some(&name)).as_deref(),
            Some("eve??x")
        );
        headers.insert(&name, "a".repeat(1000).parse().unwrap());
        assert_eq!(identity_from(&headers, Some(&name)).unwrap().len(), 256);
    }
}
