//! Every RestoreSecret attempt leaves exactly one structured audit line (and other actions
//! leave none). Own test binary: it installs a global tracing subscriber.

mod common;

use common::*;
use serde_json::Value;
use std::io::Write;
use std::sync::{Arc, Mutex};
use undelete_proxy::audit::AUDIT_TARGET;

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);
impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn audit_lines(buffer: &Buffer) -> Vec<Value> {
    let text = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    text.lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v["target"] == AUDIT_TARGET)
        .collect()
}

async fn call(proxy: &undelete_proxy::RunningProxy, action: &str, body: &str, email: &str) -> u16 {
    reqwest::Client::new()
        .post(format!("{}/api/secretsmanager", proxy.base_url()))
        .header("content-type", AMZ_JSON)
        .header("x-amz-target", format!("secretsmanager.{action}"))
        .header("x-forwarded-email", email)
        .body(body.to_string())
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn restore_attempts_are_audited_with_identity_status_and_request_id() {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    tracing_subscriber::fmt()
        .json()
        .with_max_level(tracing::Level::INFO)
        .with_writer(move || writer.clone())
        .init();

    let up = FakeUpstream::start(FakeBehavior::Ok).await;
    let header = Some(http::HeaderName::from_static("x-forwarded-email"));
    let proxy = start_proxy_with(&up.endpoint(), creds("AKIDTEST", "secret"), |c| {
        c.identity_header = header.clone()
    })
    .await;
    assert_eq!(
        call(
            &proxy,
            "RestoreSecret",
            r#"{"SecretId":"prod/db"}"#,
            "alice@example.com"
        )
        .await,
        200
    );
    assert_eq!(
        call(&proxy, "ListSecrets", "{}", "alice@example.com").await,
        200
    );
    assert_eq!(
        call(
            &proxy,
            "DescribeSecret",
            r#"{"SecretId":"prod/db"}"#,
            "alice@example.com"
        )
        .await,
        200
    );

    let lines = audit_lines(&buffer);
    assert_eq!(
        lines.len(),
        1,
        "one line per RestoreSecret, none for reads: {lines:?}"
    );
    let f = &lines[0]["fields"];
    assert_eq!(f["action"], "RestoreSecret");
    assert_eq!(f["secret_id"], "prod/db");
    assert_eq!(f["status"], 200);
    assert_eq!(f["request_id"], "fake-request-id-1");
    assert_eq!(f["identity"], "alice@example.com");
    assert_eq!(f["outcome"], "forwarded");
    assert!(f["client"].as_str().unwrap().starts_with("127.0.0.1:"));

    // A refused restore is audited too, with the refusal as outcome.
    let ro = start_proxy_with(&up.endpoint(), creds("AKIDTEST", "secret"), |c| {
        c.identity_header = header.clone();
        c.policy.read_only = true;
    })
    .await;
    assert_eq!(
        call(
            &ro,
            "RestoreSecret",
            r#"{"SecretId":"prod/api-key"}"#,
            "bob@example.com"
        )
        .await,
        403
    );
    let lines = audit_lines(&buffer);
    assert_eq!(lines.len(), 2, "{lines:?}");
    let f = &lines[1]["fields"];
    assert_eq!(f["secret_id"], "prod/api-key");
    assert_eq!(f["status"], 403);
    assert_eq!(f["outcome"], "ReadOnlyMode");
    assert_eq!(f["identity"], "bob@example.com");
    assert_eq!(f["request_id"], "-");

    // Credentials never show up in logs.
    let all = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    assert!(!all.contains("\"secret\""), "secret key logged");
    assert_eq!(up.hits(), 3);
}
