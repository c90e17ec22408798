//! The HTTP edge against a fake upstream that records every request: each refusal has its
//! status and `__type` and never reaches the upstream; forwarded requests carry only what
//! the proxy built; answers come back with only the allowlisted headers.

mod common;

use common::*;
use serde_json::json;
use std::time::Duration;
use undelete_proxy::errors::REFUSAL_HEADER;

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Sends a request to `/api/secretsmanager` and asserts a proxy refusal.
async fn assert_refused(req: reqwest::RequestBuilder, status: u16, error_type: &str) {
    let resp = req.send().await.unwrap();
    let got = resp.status().as_u16();
    let headers = resp.headers().clone();
    let text = resp.text().await.unwrap();
    assert_eq!(
        got, status,
        "expected {status} {error_type}, got {got}: {text}"
    );
    let body = parse(&text);
    assert_eq!(body["__type"], error_type, "{text}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{text}"
    );
    assert_eq!(headers["content-type"], AMZ_JSON);
    assert_eq!(headers[REFUSAL_HEADER], "true");
    assert_eq!(headers["cache-control"], "no-store");
}

fn api(proxy: &undelete_proxy::RunningProxy) -> String {
    format!("{}/api/secretsmanager", proxy.base_url())
}

/// A plain GET of `path` on the proxy.
async fn get(
    c: &reqwest::Client,
    proxy: &undelete_proxy::RunningProxy,
    path: &str,
) -> reqwest::Response {
    c.get(format!("{}{path}", proxy.base_url()))
        .send()
        .await
        .unwrap()
}

fn good(c: &reqwest::Client, url: &str, action: &str) -> reqwest::RequestBuilder {
    c.post(url)
        .header("content-type", AMZ_JSON)
        .header("x-amz-target", format!("secretsmanager.{action}"))
}

#[tokio::test]
async fn every_bad_request_is_refused_before_the_upstream() {
    let up = FakeUpstream::start(FakeBehavior::Ok).await;
    let proxy = start_proxy(&up.endpoint(), creds("AKIDTEST", "secret")).await;
    let url = api(&proxy);
    let c = client();

    // Wrong method.
    assert_refused(c.get(&url), 405, "MethodNotAllowed").await;
    assert_refused(
        c.put(&url).header("content-type", AMZ_JSON).body("{}"),
        405,
        "MethodNotAllowed",
    )
    .await;
    assert_refused(c.delete(&url), 405, "MethodNotAllowed").await;
    // Wrong content type.
    assert_refused(
        c.post(&url)
            .header("content-type", "application/json")
            .header("x-amz-target", "secretsmanager.ListSecrets")
            .body("{}"),
        415,
        "UnsupportedMediaType",
    )
    .await;
    assert_refused(
        c.post(&url)
            .header("content-type", "text/plain")
            .header("x-amz-target", "secretsmanager.ListSecrets")
            .body("{}"),
        415,
        "UnsupportedMediaType",
    )
    .await;
    assert_refused(
        c.post(&url)
            .header("x-amz-target", "secretsmanager.ListSecrets")
            .body("{}"),
        415,
        "UnsupportedMediaType",
    )
    .await;
    // Missing or malformed target.
    assert_refused(
        c.post(&url).header("content-type", AMZ_JSON).body("{}"),
        400,
        "MissingTarget",
    )
    .await;
    for bad in [
        "ListSecrets",
        "kms.ListKeys",
        "secretsmanager.",
        "secretsmanager.list secrets",
        "secretsmanager.a/b",
    ] {
        assert_refused(
            c.post(&url)
                .header("content-type", AMZ_JSON)
                .header("x-amz-target", bad)
                .body("{}"),
            400,
            "InvalidTarget",
        )
        .await;
    }
    // Unknown or disallowed actions.
    for action in [
        "GetSecretValue",
        "BatchGetSecretValue",
        "DeleteSecret",
        "PutSecretValue",
        "UpdateSecret",
        "NoSuchAction",
    ] {
        assert_refused(
            good(&c, &url, action).body(r#"{"SecretId":"x"}"#),
            403,
            "ActionNotAllowed",
        )
        .await;
    }
    // Bodies that are not a JSON object.
    for body in ["", "[]", "null", "\"str\"", "12", "{not json", "{}{}"] {
        assert_refused(
            good(&c, &url, "ListSecrets").body(body),
            400,
            "InvalidRequestBody",
        )
        .await;
    }
    // Body over 64 KiB (with Content-Length: tower-http's limit, shaped into JSON).
    let big = format!(r#"{{"SecretId":"{}"}}"#, "a".repeat(64 * 1024));
    assert_refused(
        good(&c, &url, "DescribeSecret").body(big),
        413,
        "RequestTooLarge",
    )
    .await;
    // Cross-origin POSTs from origins that are not allowed.
    for origin in [
        "https://evil.test",
        "null",
        "http://127.0.0.1:1",
        "http://localhost.evil.test",
    ] {
        assert_refused(
            good(&c, &url, "ListSecrets")
                .header("origin", origin)
                .body("{}"),
            403,
            "ForbiddenOrigin",
        )
        .await;
    }
    // A CORS preflight is not answered when no origin is allowed.
    assert_refused(
        c.request(reqwest::Method::OPTIONS, &url)
            .header("origin", "https://evil.test")
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "content-type,x-amz-target",
            ),
        403,
        "ForbiddenOrigin",
    )
    .await;
    // Unknown API route.
    assert_refused(
        c.post(format!("{}/api/other", proxy.base_url())),
        404,
        "NotFound",
    )
    .await;
    assert_refused(
        c.post(format!("{}/api/config", proxy.base_url())),
        405,
        "MethodNotAllowed",
    )
    .await;
    // A 405 says which methods the endpoint takes, in `Allow` and in words.
    let resp = c
        .post(format!("{}/api/config", proxy.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["allow"], "GET, HEAD");
    let text = resp.text().await.unwrap();
    assert!(text.contains("only GET is accepted"), "{text}");
    let resp = c.get(&url).send().await.unwrap();
    assert_eq!(resp.status(), 405);
    assert_eq!(resp.headers()["allow"], "POST");
    // Parameters the action does not take, or unusable values, are refused, not forwarded: a
    // restore must name its secret, and nothing else rides along on a signed request.
    for (action, body) in [
        ("RestoreSecret", json!({})),
        ("RestoreSecret", json!({"SecretId": 5})),
        (
            "RestoreSecret",
            json!({"SecretId": "a", "ForceDeleteWithoutRecovery": true}),
        ),
        ("DescribeSecret", json!({"SecretId": ""})),
        ("ListSecrets", json!({"Foo": 1})),
        ("ListSecrets", json!({"MaxResults": 1000})),
        (
            "ListSecrets",
            json!({"Filters": [{"Key": "name", "Values": ["a"], "X": 1}]}),
        ),
    ] {
        assert_refused(
            good(&c, &url, action).body(body.to_string()),
            400,
            "InvalidParameter",
        )
        .await;
    }

    assert_eq!(up.hits(), 0, "a refused request reached the upstream");

    // Sanity: the same proxy does forward a good request.
    let resp = good(&c, &url, "ListSecrets")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(up.hits(), 1);
}

#[tokio::test]
async fn chunked_oversized_body_and_rebinding_host_are_refused() {
    let up = FakeUpstream::start(FakeBehavior::Ok).await;
    let proxy = start_proxy(&up.endpoint(), creds("AKIDTEST", "secret")).await;

    // 70 KiB in chunks, no Content-Length: the streaming limit catches it.
    let mut req = format!(
        "POST /api/secretsmanager HTTP/1.1\r\nHost: {}\r\nContent-Type: {AMZ_JSON}\r\n\
         X-Amz-Target: secretsmanager.ListSecrets\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        proxy.addr
    )
    .into_bytes();
    let chunk = "a".repeat(10 * 1024);
    req.extend_from_slice(format!("{:x}\r\n{{\"x\":\"\r\n", 6).as_bytes());
    for _ in 0..7 {
        req.extend_from_slice(format!("{:x}\r\n{chunk}\r\n", chunk.len()).as_bytes());
    }
    req.extend_from_slice(b"2\r\n\"}\r\n0\r\n\r\n");
    let (status, _, body) = raw_http(proxy.addr, &req).await;
    assert_eq!(status, 413, "{body}");
    assert_eq!(error_type_in(&body), "RequestTooLarge");

    // DNS rebinding: a page on evil.test resolving to 127.0.0.1 is "same-origin" with itself.
    let req = format!(
        "POST /api/secretsmanager HTTP/1.1\r\nHost: evil.test:{port}\r\nOrigin: http://evil.test:{port}\r\n\
         Content-Type: {AMZ_JSON}\r\nX-Amz-Target: secretsmanager.ListSecrets\r\nContent-Length: 2\r\n\
         Connection: close\r\n\r\n{{}}",
        port = proxy.addr.port()
    );
    let (status, _, body) = raw_http(proxy.addr, req.as_bytes()).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(error_type_in(&body), "ForbiddenHost");

    assert_eq!(up.hits(), 0);
}

#[tokio::test]
async fn read_only_refuses_restore_without_calling_upstream() {
    let up = FakeUpstream::start(FakeBehavior::Ok).await;
    let proxy = start_proxy_with(&up.endpoint(), creds("AKIDTEST", "secret"), |c| {
        c.policy.read_only = true
    })
    .await;
    let c = client();
    assert_refused(
        good(&c, &api(&proxy), "RestoreSecret").body(r#"{"SecretId":"x"}"#),
        403,
        "ReadOnlyMode",
    )
    .await;
    assert_eq!(up.hits(), 0);
    let resp = good(&c, &api(&proxy), "DescribeSecret")
        .body(r#"{"SecretId":"x"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(up.hits(), 1);
}

#[tokio::test]
async fn forwarded_request_carries_only_what_the_proxy_built() {
    let up = FakeUpstream::start(FakeBehavior::Ok).await;
    let proxy = start_proxy(&up.endpoint(), creds("AKIDTEST", "secret")).await;
    let resp = client()
        .post(format!("{}?redirect=https://evil.test/", api(&proxy)))
        .header("content-type", "application/x-amz-json-1.1; charset=utf-8")
        .header("x-amz-target", "secretsmanager.ListSecrets")
        .header("authorization", "AWS4-HMAC-SHA256 Credential=CLIENTKEY/x")
        .header("x-amz-date", "20000101T000000Z")
        .header("x-amz-security-token", "client-token")
        .header("x-amz-user-agent", "aws-sdk-js")
        .header("cookie", "session=abc")
        .header("x-forwarded-host", "evil.test")
        .header("x-forwarded-for", "1.2.3.4")
        .header("forwarded", "host=evil.test")
        .header("proxy-authorization", "Basic eA==")
        .header("te", "trailers")
        .body(r#"{"IncludePlannedDeletion":true,  "MaxResults": 10}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    // Answer: upstream body, content type and request id; nothing else from upstream.
    let headers = resp.headers().clone();
    assert_eq!(headers["content-type"], AMZ_JSON);
    assert_eq!(headers["x-amzn-requestid"], "fake-request-id-1");
    assert_eq!(headers["cache-control"], "no-store");
    assert!(headers.get("set-cookie").is_none());
    assert!(headers.get("access-control-allow-origin").is_none());
    assert_ne!(
        headers.get("server").map(|v| v.to_str().unwrap()),
        Some("fake-upstream")
    );
    assert!(headers.get(REFUSAL_HEADER).is_none());
    assert_eq!(
        resp.text().await.unwrap(),
        r#"{"SecretList":[],"NextToken":null}"#
    );

    let seen = up.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    let s = &seen[0];
    assert_eq!(s.uri, "/", "path and query are fixed by the proxy");
    let h = &s.headers;
    assert_eq!(h["host"], up.addr.to_string());
    assert_eq!(h["content-type"], AMZ_JSON);
    assert_eq!(h["x-amz-target"], "secretsmanager.ListSecrets");
    let auth = h["authorization"].to_str().unwrap();
    assert!(
        auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDTEST/"),
        "{auth}"
    );
    assert!(
        auth.contains("/us-east-1/secretsmanager/aws4_request"),
        "{auth}"
    );
    assert!(
        auth.contains("SignedHeaders=content-type;host;x-amz-date;x-amz-target"),
        "{auth}"
    );
    assert_ne!(h["x-amz-date"], "20000101T000000Z");
    for never in [
        "x-amz-security-token",
        "x-amz-user-agent",
        "cookie",
        "x-forwarded-host",
        "x-forwarded-for",
        "forwarded",
        "proxy-authorization",
        "te",
        "origin",
    ] {
        assert!(h.get(never).is_none(), "{never} was forwarded");
    }
    let sent: serde_json::Value = serde_json::from_slice(&s.body).unwrap();
    assert_eq!(
        sent,
        json!({"IncludePlannedDeletion": true, "MaxResults": 10})
    );
}

#[tokio::test]
async fn upstream_errors_reach_the_client_as_aws_json() {
    let body = r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#;
    let up = FakeUpstream::start(FakeBehavior::Reply(400, AMZ_JSON, body)).await;
    let proxy = start_proxy(&up.endpoint(), creds("AKIDTEST", "secret")).await;
    let resp = good(&client(), &api(&proxy), "ListSecrets")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    assert_eq!(resp.headers()["x-amzn-requestid"], "fake-request-id-2");
    assert!(resp.headers().get(REFUSAL_HEADER).is_none());
    assert_eq!(resp.text().await.unwrap(), body);

    // An error that is not AWS JSON (XML from the AWS query protocol, an HTML page from
    // something in between) comes back as the AWS JSON error shape, with the upstream status:
    // the UI parses one error format.
    let xml = "<ErrorResponse><Error><Code>InternalFailure</Code><Message>try again</Message>\
               </Error></ErrorResponse>";
    let up = FakeUpstream::start(FakeBehavior::Reply(500, "text/xml", xml)).await;
    let proxy = start_proxy(&up.endpoint(), creds("AKIDTEST", "secret")).await;
    let resp = good(&client(), &api(&proxy), "ListSecrets")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 500);
    assert_eq!(resp.headers()["content-type"], AMZ_JSON);
    assert_eq!(resp.headers()["x-amzn-requestid"], "fake-request-id-2");
    assert!(resp.headers().get(REFUSAL_HEADER).is_none());
    assert_eq!(
        parse(&resp.text().await.unwrap()),
        json!({"__type": "InternalFailure", "message": "try again"})
    );

    let html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
    let up = FakeUpstream::start(FakeBehavior::Reply(502, "text/html", html)).await;
    let proxy = start_proxy(&up.endpoint(), creds("AKIDTEST", "secret")).await;
    let resp = good(&client(), &api(&proxy), "ListSecrets")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 502);
    assert_eq!(resp.headers()["content-type"], AMZ_JSON);
    assert!(resp.headers().get(REFUSAL_HEADER).is_none());
    let body = parse(&resp.text().await.unwrap());
    assert_eq!(body["__type"], "BadGateway");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("answered 502 Bad Gateway with a text/html body"),
        "{body}"
    );
}

#[tokio::test]
async fn unreachable_upstream_is_502_and_slow_upstream_is_504() {
    // A port nobody listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let proxy = start_proxy(&dead, creds("AKIDTEST", "secret")).await;
    assert_refused(
        good(&client(), &api(&proxy), "ListSecrets").body("{}"),
        502,
        "UpstreamUnreachable",
    )
    .await;

    let up = FakeUpstream::start(FakeBehavior::Hang).await;
    let proxy = start_proxy_with(&up.endpoint(), creds("AKIDTEST", "secret"), |c| {
        c.upstream_timeout = Duration::from_secs(1)
    })
    .await;
    let started = std::time::Instant::now();
    assert_refused(
        good(&client(), &api(&proxy), "ListSecrets").body("{}"),
        504,
        "UpstreamTimeout",
    )
    .await;
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "timeout not bounded: {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn cors_only_for_allowed_origins_and_same_origin_works() {
    let up = FakeUpstream::start(FakeBehavior::Ok).await;
    let proxy = start_proxy_with(&up.endpoint(), creds("AKIDTEST", "secret"), |c| {
        c.policy.allowed_origins = vec!["http://127.0.0.1:8081".into()]
    })
    .await;
    let c = client();
    let url = api(&proxy);

    // Preflight from the allowed origin is granted.
    let resp = c
        .request(reqwest::Method::OPTIONS, &url)
        .header("origin", "http://127.0.0.1:8081")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type,x-amz-target",
        )
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{}", resp.status());
    assert_eq!(
        resp.headers()["access-control-allow-origin"],
        "http://127.0.0.1:8081"
    );
    let allowed_headers = resp.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(
        allowed_headers.contains("x-amz-target"),
        "{allowed_headers}"
    );
    // Preflight asking for Authorization, or from another origin, is refused.
    assert_refused(
        c.request(reqwest::Method::OPTIONS, &url)
            .header("origin", "http://127.0.0.1:8081")
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "authorization"),
        403,
        "ForbiddenOrigin",
    )
    .await;
    assert_refused(
        c.request(reqwest::Method::OPTIONS, &url)
            .header("origin", "http://127.0.0.1:8082")
            .header("access-control-request-method", "POST"),
        403,
        "ForbiddenOrigin",
    )
    .await;

    // The actual request from the allowed origin gets CORS headers, including on refusals.
    let resp = good(&c, &url, "ListSecrets")
        .header("origin", "http://127.0.0.1:8081")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers()["access-control-allow-origin"],
        "http://127.0.0.1:8081"
    );
    let exposed = resp.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(exposed.contains("x-amzn-requestid"), "{exposed}");
    // The UI reads the proxy's clock from `Date` (src/model/clock.rs).
    assert!(exposed.contains("date"), "{exposed}");
    assert!(resp.headers().contains_key("date"));
    let resp = good(&c, &url, "GetSecretValue")
        .header("origin", "http://127.0.0.1:8081")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    assert_eq!(
        resp.headers()["access-control-allow-origin"],
        "http://127.0.0.1:8081"
    );

    // Same-origin (UI served by this proxy) needs no allow-list entry.
    let same = format!("http://{}", proxy.addr);
    let resp = good(&c, &url, "ListSecrets")
        .header("origin", same)
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers().get("access-control-allow-origin").is_none());

    assert_eq!(up.hits(), 2);
}

#[tokio::test]
async fn health_config_and_security_headers_never_call_upstream() {
    let up = FakeUpstream::start(FakeBehavior::Ok).await;
    let proxy = start_proxy(&up.endpoint(), creds("AKIDTEST", "secret")).await;
    let c = client();

    let resp = get(&c, &proxy, "/healthz").await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["x-content-type-options"], "nosniff");

    let resp = get(&c, &proxy, "/api/config").await;
    assert_eq!(resp.status(), 200);
    let h = resp.headers().clone();
    assert_eq!(h["cache-control"], "no-store");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "no-referrer");
    assert_eq!(h["x-frame-options"], "DENY");
    assert!(
        h["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    let config = parse(&resp.text().await.unwrap());
    assert_eq!(
        config,
        json!({
            "region": REGION,
            "endpoint": up.endpoint(),
            "readOnly": false,
            "targets": [
                {"account": ACCOUNT, "label": ACCOUNT, "region": REGION, "available": true}
            ]
        })
    );

    assert_eq!(up.hits(), 0);
}

/// A proxy with `--static-dir dir`, in front of an upstream that answers OK.
async fn start_proxy_serving(dir: &TempDir) -> (FakeUpstream, undelete_proxy::RunningProxy) {
    let up = FakeUpstream::start(FakeBehavior::Ok).await;
    let static_dir = dir.0.clone();
    let proxy = start_proxy_with(&up.endpoint(), creds("AKIDTEST", "secret"), |c| {
        c.static_dir = Some(static_dir)
    })
    .await;
    (up, proxy)
}

/// A release build leaves `.br`/`.gz` copies next to the scripts, the wasm and the CSS: a browser
/// that accepts them gets one, anything else the file itself.
#[tokio::test]
async fn static_dir_sends_precompressed_copies_to_clients_that_accept_them() {
    let dir = TempDir::new("static-precompressed");
    std::fs::write(dir.0.join("app.js"), "export const plain = 1;").unwrap();
    std::fs::write(dir.0.join("app.js.gz"), b"gzip bytes").unwrap();
    std::fs::write(dir.0.join("app.js.br"), b"brotli bytes").unwrap();
    std::fs::write(dir.0.join("only-plain.css"), "body{}").unwrap();
    let (_up, proxy) = start_proxy_serving(&dir).await;
    let c = client();
    let fetch = |path: &'static str, accept: Option<&'static str>| {
        let mut req = c.get(format!("{}{path}", proxy.base_url()));
        if let Some(accept) = accept {
            req = req.header("accept-encoding", accept);
        }
        req.send()
    };

    for (accept, encoding, body) in [
        (Some("gzip, deflate, br"), Some("br"), "brotli bytes"),
        (Some("gzip"), Some("gzip"), "gzip bytes"),
        (None, None, "export const plain = 1;"),
    ] {
        let resp = fetch("/app.js", accept).await.unwrap();
        assert_eq!(resp.status(), 200);
        let h = resp.headers().clone();
        assert_eq!(
            h.get("content-encoding").map(|v| v.to_str().unwrap()),
            encoding,
            "Accept-Encoding {accept:?}"
        );
        assert!(h["content-type"].to_str().unwrap().contains("javascript"));
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(resp.text().await.unwrap(), body);
    }
    // No copy: the file as it is, whatever the browser accepts.
    let resp = fetch("/only-plain.css", Some("gzip, br")).await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers().get("content-encoding").is_none());
    assert_eq!(resp.text().await.unwrap(), "body{}");
}

#[tokio::test]
async fn static_dir_serves_the_ui_with_a_csp_that_allows_its_inline_boot_script() {
    let dir = TempDir::new("static");
    let boot = "\nimport init from '/undelete-1.js';\nawait init('/undelete-1_bg.wasm');\n";
    std::fs::write(
        dir.0.join("index.html"),
        format!("<!DOCTYPE html><html><head><script type=\"module\">{boot}</script></head><body></body></html>"),
    )
    .unwrap();
    std::fs::write(
        dir.0.join("undelete-1.js"),
        "export default function init() {}",
    )
    .unwrap();
    let (_up, proxy) = start_proxy_serving(&dir).await;
    let c = client();

    let resp = get(&c, &proxy, "/").await;
    assert_eq!(resp.status(), 200);
    let h = resp.headers().clone();
    assert!(h["content-type"].to_str().unwrap().starts_with("text/html"));
    assert_eq!(h["x-content-type-options"], "nosniff");
    let csp = h["content-security-policy"].to_str().unwrap().to_string();
    use base64::Engine;
    use sha2::Digest;
    let hash =
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(boot.as_bytes()));
    assert!(csp.contains(&format!("'sha256-{hash}'")), "{csp}");
    assert!(
        csp.contains("'wasm-unsafe-eval'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert!(resp.text().await.unwrap().contains("import init"));

    let resp = get(&c, &proxy, "/undelete-1.js").await;
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["x-content-type-options"], "nosniff");

    let resp = get(&c, &proxy, "/missing.js").await;
    assert_eq!(resp.status(), 404);
    // The API still answers next to the UI.
    let resp = good(&c, &api(&proxy), "ListSecrets")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
}

#[tokio::test]
async fn missing_credentials_are_a_500_that_never_reaches_upstream() {
    use aws_credential_types::provider::{
        SharedCredentialsProvider, error::CredentialsError, future,
    };

    #[derive(Debug)]
    struct NoCredentials;
    impl aws_credential_types::provider::ProvideCredentials for NoCredentials {
        fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
        where
            Self: 'a,
        {
            future::ProvideCredentials::ready(Err(CredentialsError::not_loaded(
                "no providers in chain",
            )))
        }
    }

    let up = FakeUpstream::start(FakeBehavior::Ok).await;
    let config = undelete_proxy::config::ProxyConfig::local();
    let signer =
        undelete_proxy::signing::Signer::new(SharedCredentialsProvider::new(NoCredentials));
    let fleet =
        undelete_proxy::fleet::Fleet::single(ACCOUNT, REGION, &up.endpoint(), signer).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy = undelete_proxy::spawn(config, fleet, listener)
        .await
        .unwrap();
    assert_refused(
        good(&client(), &api(&proxy), "ListSecrets").body("{}"),
        500,
        "CredentialsUnavailable",
    )
    .await;
    assert_eq!(up.hits(), 0);
}

#[tokio::test]
async fn the_upstream_client_sends_the_signed_request() {
    use undelete_proxy::config::ProxyConfig;
    use undelete_proxy::fleet::Fleet;
    use undelete_proxy::signing::Signer;

    // The one upstream client (reqwest); no HTTP(S) proxy is named here, so it goes direct.
    {
        let up = FakeUpstream::start(FakeBehavior::Ok).await;
        let config = ProxyConfig::local();
        let fleet = Fleet::single(
            ACCOUNT,
            REGION,
            &up.endpoint(),
            Signer::with_static_credentials(creds("AKIDTEST", "secret")),
        )
        .unwrap();
        let app = undelete_proxy::server::router(&config, std::sync::Arc::new(fleet)).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
            )
            .await
            .unwrap();
        });

        let resp = good(
            &client(),
            &format!("http://{addr}/api/secretsmanager"),
            "ListSecrets",
        )
        .body(r#"{"MaxResults":  5}"#)
        .send()
        .await
        .unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.headers()["x-amzn-requestid"], "fake-request-id-1");
        assert!(resp.headers().get("set-cookie").is_none());
        assert_eq!(
            resp.text().await.unwrap(),
            r#"{"SecretList":[],"NextToken":null}"#
        );

        let seen = up.seen.lock().unwrap().clone();
        assert_eq!(seen.len(), 1);
        let h = &seen[0].headers;
        assert_eq!(seen[0].uri, "/");
        assert_eq!(h["host"], up.addr.to_string());
        assert_eq!(h["content-type"], AMZ_JSON);
        assert_eq!(h["x-amz-target"], "secretsmanager.ListSecrets");
        assert!(
            h["user-agent"]
                .to_str()
                .unwrap()
                .starts_with("undelete-proxy/")
        );
        let auth = h["authorization"].to_str().unwrap();
        assert!(
            auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDTEST/")
                && auth.contains("SignedHeaders=content-type;host;x-amz-date;x-amz-target"),
            "{auth}"
        );
        assert!(h.get("x-amz-date").is_some());
        assert_eq!(seen[0].body, br#"{"MaxResults":5}"#);
        server.abort();
    }
}

#[tokio::test]
async fn each_target_is_signed_for_its_account_and_region_and_others_never_leave_the_proxy() {
    use std::sync::Arc;
    use undelete_proxy::fleet::{Account, Fleet, RegionEndpoint};
    use undelete_proxy::signing::Signer;

    // One fake endpoint per region, to see where each call goes.
    let (west, east) = (
        FakeUpstream::start(FakeBehavior::Ok).await,
        FakeUpstream::start(FakeBehavior::Ok).await,
    );
    let region = |name: &str, up: &FakeUpstream| RegionEndpoint {
        name: name.to_string(),
        endpoint: url::Url::parse(&up.endpoint()).unwrap(),
    };
    let account = |id: &str, label: &str, key: &str| {
        Account::known(
            id,
            Some(label.to_string()),
            "fixed credentials",
            Arc::new(Signer::with_static_credentials(creds(key, "secret"))),
        )
    };
    let fleet = Fleet::new(
        vec![
            account("111111111111", "hub", "AKIDHUB"),
            account("222222222222", "prod", "AKIDPROD"),
        ],
        vec![region("eu-west-1", &west), region("us-east-1", &east)],
    )
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let proxy = undelete_proxy::spawn(
        undelete_proxy::config::ProxyConfig::local(),
        fleet,
        listener,
    )
    .await
    .unwrap();
    let c = client();
    let scope = |seen: &Seen| {
        let auth = seen.headers["authorization"].to_str().unwrap().to_string();
        let credential = auth.split("Credential=").nth(1).unwrap();
        let mut parts = credential.split('/');
        let key = parts.next().unwrap().to_string();
        let region = parts.nth(1).unwrap().to_string();
        (key, region)
    };

    for (path, up, key, region) in [
        (
            "/api/secretsmanager/222222222222/us-east-1",
            &east,
            "AKIDPROD",
            "us-east-1",
        ),
        (
            "/api/secretsmanager/222222222222/eu-west-1",
            &west,
            "AKIDPROD",
            "eu-west-1",
        ),
        (
            "/api/secretsmanager/111111111111/us-east-1",
            &east,
            "AKIDHUB",
            "us-east-1",
        ),
        // No target: the first account in the first region.
        ("/api/secretsmanager", &west, "AKIDHUB", "eu-west-1"),
    ] {
        let before = up.hits();
        let resp = good(&c, &format!("{}{path}", proxy.base_url()), "ListSecrets")
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200, "{path}");
        assert_eq!(up.hits(), before + 1, "{path}");
        let seen = up.seen.lock().unwrap().last().unwrap().clone();
        assert_eq!(
            scope(&seen),
            (key.to_string(), region.to_string()),
            "{path}"
        );
    }

    let hits = west.hits() + east.hits();
    for (path, status, error_type) in [
        (
            "/api/secretsmanager/333333333333/us-east-1",
            404,
            "UnknownTarget",
        ),
        (
            "/api/secretsmanager/222222222222/ap-south-1",
            404,
            "UnknownTarget",
        ),
        ("/api/secretsmanager/prod/us-east-1", 400, "InvalidTarget"),
        (
            "/api/secretsmanager/222222222222/us-east-1.evil.test",
            400,
            "InvalidTarget",
        ),
        ("/api/secretsmanager/222222222222", 400, "InvalidTarget"),
        (
            "/api/secretsmanager/222222222222/us-east-1/x",
            400,
            "InvalidTarget",
        ),
        ("/api/secretsmanager/", 400, "InvalidTarget"),
    ] {
        for action in ["ListSecrets", "RestoreSecret"] {
            assert_refused(
                good(&c, &format!("{}{path}", proxy.base_url()), action)
                    .body(r#"{"SecretId":"x"}"#),
                status,
                error_type,
            )
            .await;
        }
    }
    // Today's checks apply on a named target as on the first one.
    let prod = format!(
        "{}/api/secretsmanager/222222222222/us-east-1",
        proxy.base_url()
    );
    assert_refused(
        good(&c, &prod, "GetSecretValue").body("{}"),
        403,
        "ActionNotAllowed",
    )
    .await;
    assert_refused(
        good(&c, &prod, "ListSecrets")
            .header("origin", "https://evil.test")
            .body("{}"),
        403,
        "ForbiddenOrigin",
    )
    .await;
    assert_refused(c.get(&prod), 405, "MethodNotAllowed").await;
    assert_eq!(
        west.hits() + east.hits(),
        hits,
        "no refused call reached an endpoint"
    );
}
