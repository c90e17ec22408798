//! Every RestoreSecret attempt leaves exactly one structured audit line (and other actions
//! leave none), whatever answers it: the handler, an extractor, or a layer in front of it (body
//! limit, origin and host checks, method). Own test binary: it installs a global tracing
//! subscriber; the tests take turns ([`LOG_TURN`]) and read only the lines of their own turn.

mod common;

use common::*;
use serde_json::Value;
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
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

/// The process's log (JSON lines at info and above, as the binary's default filter).
fn log() -> &'static Buffer {
    static LOG: OnceLock<Buffer> = OnceLock::new();
    LOG.get_or_init(|| {
        let buffer = Buffer::default();
        let writer = buffer.clone();
        tracing_subscriber::fmt()
            .json()
            .with_max_level(tracing::Level::INFO)
            .with_writer(move || writer.clone())
            .init();
        buffer
    })
}

/// One test at a time writes to the shared log.
static LOG_TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The log lines written since `start` (a byte offset of [`log`]).
fn lines_since(start: usize) -> Vec<Value> {
    let bytes = log().0.lock().unwrap()[start..].to_vec();
    String::from_utf8(bytes)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

fn log_len() -> usize {
    log().0.lock().unwrap().len()
}

fn audit_lines_since(start: usize) -> Vec<Value> {
    lines_since(start)
        .into_iter()
        .filter(|v| v["target"] == AUDIT_TARGET)
        .collect()
}

/// The "refused request" lines since `start`.
fn refused_lines_since(start: usize) -> Vec<Value> {
    lines_since(start)
        .into_iter()
        .filter(|v| v["fields"]["message"] == "refused request")
        .collect()
}

/// Asserts that exactly one audit line and one refused-request line were written since
/// `start`, for a refused restore by `identity`; returns the audit line's fields.
fn assert_one_refused_restore(start: usize, identity: &str, status: u16, outcome: &str) -> Value {
    let audits = audit_lines_since(start);
    assert_eq!(
        audits.len(),
        1,
        "one audit line per restore attempt: {audits:?}"
    );
    let f = audits[0]["fields"].clone();
    assert_eq!(f["action"], "RestoreSecret", "{f}");
    assert_eq!(f["status"], status, "{f}");
    assert_eq!(f["outcome"], outcome, "{f}");
    assert_eq!(f["identity"], identity, "{f}");
    assert_eq!(f["request_id"], "-", "{f}");
    assert!(
        f["client"].as_str().unwrap().starts_with("127.0.0.1:"),
        "{f}"
    );
    let refused = refused_lines_since(start);
    assert_eq!(refused.len(), 1, "one refused-request line: {refused:?}");
    let refusal = refused[0]["fields"]["refusal"].as_str().unwrap();
    assert!(
        refusal.starts_with(&format!("{outcome} ({status})")),
        "{refusal}"
    );
    f
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
    let _turn = LOG_TURN.lock().await;
    let start = log_len();

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

    let lines = audit_lines_since(start);
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
    let lines = audit_lines_since(start);
    assert_eq!(lines.len(), 2, "{lines:?}");
    let f = &lines[1]["fields"];
    assert_eq!(f["secret_id"], "prod/api-key");
    assert_eq!(f["status"], 403);
    assert_eq!(f["outcome"], "ReadOnlyMode");
    assert_eq!(f["identity"], "bob@example.com");
    assert_eq!(f["request_id"], "-");

    // Credentials never show up in logs.
    let all = String::from_utf8(log().0.lock().unwrap()[start..].to_vec()).unwrap();
    assert!(!all.contains("\"secret\""), "secret key logged");
    assert_eq!(up.hits(), 3);
}

/// A proxy that reads the identity from `X-Forwarded-Email`.
async fn audited_proxy(up: &FakeUpstream) -> undelete_proxy::RunningProxy {
    start_proxy_with(&up.endpoint(), creds("AKIDTEST", "secret"), |c| {
        c.identity_header = Some(http::HeaderName::from_static("x-forwarded-email"))
    })
    .await
}

fn restore_request(proxy: &undelete_proxy::RunningProxy, email: &str) -> reqwest::RequestBuilder {
    reqwest::Client::new()
        .post(format!("{}/api/secretsmanager", proxy.base_url()))
        .header("content-type", AMZ_JSON)
        .header("x-amz-target", "secretsmanager.RestoreSecret")
        .header("x-forwarded-email", email)
}

#[tokio::test]
async fn a_restore_over_the_body_limit_is_audited_and_logged() {
    let _turn = LOG_TURN.lock().await;
    let up = FakeUpstream::start(FakeBehavior::Ok).await;
    let proxy = audited_proxy(&up).await;

    // With Content-Length: the body limit answers before the handler runs.
    let start = log_len();
    let big = format!(r#"{{"SecretId":"{}"}}"#, "a".repeat(64 * 1024));
    let resp = restore_request(&proxy, "big@example.com")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 413);
    assert_eq!(
        parse(&resp.text().await.unwrap())["__type"],
        "RequestTooLarge"
    );
    let f = assert_one_refused_restore(start, "big@example.com", 413, "RequestTooLarge");
    assert_eq!(f["secret_id"], "-", "the body was never read");

    // Chunked, no Content-Length: the limit trips while the body is read.
    let start = log_len();
    let mut req = format!(
        "POST /api/secretsmanager HTTP/1.1\r\nHost: {}\r\nContent-Type: {AMZ_JSON}\r\n\
         X-Amz-Target: secretsmanager.RestoreSecret\r\nX-Forwarded-Email: chunked@example.com\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        proxy.addr
    )
    .into_bytes();
    let chunk = "a".repeat(10 * 1024);
    let head = r#"{"SecretId":""#;
    req.extend_from_slice(format!("{:x}\r\n{head}\r\n", head.len()).as_bytes());
    for _ in 0..7 {
        req.extend_from_slice(format!("{:x}\r\n{chunk}\r\n", chunk.len()).as_bytes());
    }
    req.extend_from_slice(b"2\r\n\"}\r\n0\r\n\r\n");
    let (status, _, body) = raw_http(proxy.addr, &req).await;
    assert_eq!(status, 413, "{body}");
    assert_eq!(error_type_in(&body), "RequestTooLarge");
    assert_one_refused_restore(start, "chunked@example.com", 413, "RequestTooLarge");

    assert_eq!(up.hits(), 0);
}

#[tokio::test]
async fn a_cross_site_or_rebinding_restore_is_audited() {
    let _turn = LOG_TURN.lock().await;
    let up = FakeUpstream::start(FakeBehavior::Ok).await;
    let proxy = audited_proxy(&up).await;

    let start = log_len();
    let resp = restore_request(&proxy, "csrf@example.com")
        .header("origin", "https://evil.test")
        .body(r#"{"SecretId":"prod/db"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    assert_eq!(
        parse(&resp.text().await.unwrap())["__type"],
        "ForbiddenOrigin"
    );
    assert_one_refused_restore(start, "csrf@example.com", 403, "ForbiddenOrigin");
    assert_eq!(
        refused_lines_since(start)[0]["level"],
        "WARN",
        "origin refusals are warnings"
    );

    let start = log_len();
    let req = format!(
        "POST /api/secretsmanager HTTP/1.1\r\nHost: evil.test:{port}\r\nContent-Type: {AMZ_JSON}\r\n\
         X-Amz-Target: secretsmanager.RestoreSecret\r\nX-Forwarded-Email: rebind@example.com\r\n\
         Content-Length: 22\r\nConnection: close\r\n\r\n{{\"SecretId\":\"prod/db\"}}",
        port = proxy.addr.port()
    );
    let (status, _, body) = raw_http(proxy.addr, req.as_bytes()).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(error_type_in(&body), "ForbiddenHost");
    assert_one_refused_restore(start, "rebind@example.com", 403, "ForbiddenHost");

    assert_eq!(up.hits(), 0);
}

#[tokio::test]
async fn a_restore_with_the_wrong_method_is_audited() {
    let _turn = LOG_TURN.lock().await;
    let up = FakeUpstream::start(FakeBehavior::Ok).await;
    let proxy = audited_proxy(&up).await;

    let start = log_len();
    let resp = reqwest::Client::new()
        .get(format!("{}/api/secretsmanager", proxy.base_url()))
        .header("x-amz-target", "secretsmanager.RestoreSecret")
        .header("x-forwarded-email", "get@example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 405);
    assert_eq!(resp.headers()["allow"], "POST");
    assert_eq!(
        parse(&resp.text().await.unwrap())["__type"],
        "MethodNotAllowed"
    );
    assert_one_refused_restore(start, "get@example.com", 405, "MethodNotAllowed");

    // A refusal after the body was read names the secret when the body did.
    let start = log_len();
    let resp = restore_request(&proxy, "typo@example.com")
        .body(r#"{"SecretId":"prod/db","Force":true}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let f = assert_one_refused_restore(start, "typo@example.com", 400, "InvalidParameter");
    assert_eq!(f["secret_id"], "prod/db");

    assert_eq!(up.hits(), 0);
}

#[tokio::test]
async fn an_upstream_5xx_is_logged_once() {
    let _turn = LOG_TURN.lock().await;
    let up = FakeUpstream::start(FakeBehavior::Reply(500, "text/html", "<h1>oops</h1>")).await;
    let proxy = audited_proxy(&up).await;

    let start = log_len();
    let resp = restore_request(&proxy, "five@example.com")
        .body(r#"{"SecretId":"prod/db"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 500);
    let lines = lines_since(start);
    let audits: Vec<&Value> = lines
        .iter()
        .filter(|v| v["target"] == AUDIT_TARGET)
        .collect();
    assert_eq!(audits.len(), 1, "{lines:?}");
    assert_eq!(audits[0]["fields"]["outcome"], "forwarded");
    assert_eq!(audits[0]["fields"]["status"], 500);
    assert_eq!(audits[0]["fields"]["request_id"], "fake-request-id-2");
    let others: Vec<&Value> = lines
        .iter()
        .filter(|v| v["target"] != AUDIT_TARGET)
        .collect();
    assert_eq!(others.len(), 1, "the proxy's own line only: {others:?}");
    assert_eq!(others[0]["target"], "undelete_proxy::server", "{others:?}");
    assert_eq!(others[0]["fields"]["status"], 500, "{others:?}");
}

#[tokio::test]
async fn a_restore_whose_client_goes_away_is_still_audited() {
    use tokio::io::AsyncWriteExt;
    let _turn = LOG_TURN.lock().await;
    let up = FakeUpstream::start(FakeBehavior::Slow(std::time::Duration::from_millis(500))).await;
    let proxy = audited_proxy(&up).await;

    let start = log_len();
    let body = r#"{"SecretId":"prod/db"}"#;
    let req = format!(
        "POST /api/secretsmanager HTTP/1.1\r\nHost: {}\r\nContent-Type: {AMZ_JSON}\r\n\
         X-Amz-Target: secretsmanager.RestoreSecret\r\nX-Forwarded-Email: gone@example.com\r\n\
         Content-Length: {}\r\n\r\n{body}",
        proxy.addr,
        body.len()
    );
    let mut stream = tokio::net::TcpStream::connect(proxy.addr).await.unwrap();
    stream.write_all(req.as_bytes()).await.unwrap();
    // Gone while the restore is with the upstream.
    while up.hits() == 0 {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    drop(stream);

    // The restore reached AWS: its answer is audited once it comes.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while audit_lines_since(start).is_empty() && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let audits = audit_lines_since(start);
    assert_eq!(audits.len(), 1, "{audits:?}");
    let f = &audits[0]["fields"];
    assert_eq!(f["outcome"], "forwarded", "{f}");
    assert_eq!(f["status"], 200, "{f}");
    assert_eq!(f["secret_id"], "prod/db", "{f}");
    assert_eq!(f["identity"], "gone@example.com", "{f}");
}
