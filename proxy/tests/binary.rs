//! The real binary: CLI wiring, the start-up line, the loopback rule, credentials from the
//! standard AWS chain (environment) against moto with auth on, and graceful SIGTERM.

mod common;

use common::*;
use serde_json::json;
use std::process::Command;
use std::time::{Duration, Instant};

#[test]
fn non_loopback_listen_is_refused_without_allow_remote() {
    let out = proxy_command(&["--listen", "0.0.0.0:0", "--region", "us-east-1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("not a loopback address") && stderr.contains("--allow-remote"),
        "{stderr}"
    );

    let out = proxy_command(&[
        "--listen",
        "127.0.0.1:0",
        "--region",
        "us-east-1",
        "--allow-origin",
        "*",
    ])
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--allow-origin"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn binary_signs_with_env_credentials_against_moto_and_stops_on_sigterm() {
    let moto = Moto::start().await;
    let boot = moto.client(&bootstrap_creds());
    let dashboard = boot.create_user("dashboard", &dashboard_policy()).await;
    boot.sm_ok(
        "CreateSecret",
        json!({"Name": "bin/secret", "SecretString": "v"}),
    )
    .await;
    boot.sm_ok(
        "DeleteSecret",
        json!({"SecretId": "bin/secret", "RecoveryWindowInDays": 7}),
    )
    .await;
    moto.enable_auth().await;

    let secret_key = dashboard.secret_access_key().to_string();
    let mut child = Proc(
        proxy_command(&["--listen", "127.0.0.1:0", "--region", "us-east-1"])
            .env("AWS_ENDPOINT_URL_SECRETS_MANAGER", moto.endpoint())
            .env("AWS_ENDPOINT_URL_STS", moto.endpoint())
            .env("AWS_ACCESS_KEY_ID", dashboard.access_key_id())
            .env("AWS_SECRET_ACCESS_KEY", &secret_key)
            .spawn()
            .unwrap(),
    );
    let lines = startup_lines(&mut child.0);
    let line = lines.last().unwrap();
    let url = listen_url(line);
    assert!(url.starts_with("http://127.0.0.1:"), "{line}");
    // The account is learned from STS (AWS_ENDPOINT_URL_STS, as the SDKs read it).
    assert_eq!(
        lines,
        [
            "account 123456789012 (default credential chain; credentials from EnvironmentVariable)"
                .to_string(),
            format!(
                "undelete-proxy listening on {url} (region us-east-1, endpoint {}, 1 target in 1 account)",
                moto.endpoint()
            )
        ]
    );
    assert!(!lines.concat().contains(&secret_key));

    let c = reqwest::Client::new();
    assert_eq!(
        c.get(format!("{url}/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let resp = c
        .post(format!("{url}/api/secretsmanager"))
        .header("content-type", AMZ_JSON)
        .header("x-amz-target", "secretsmanager.RestoreSecret")
        .body(r#"{"SecretId":"bin/secret"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap());
    let after = moto
        .client(&dashboard)
        .sm_ok("DescribeSecret", json!({"SecretId": "bin/secret"}))
        .await;
    assert!(after["DeletedDate"].is_null(), "{after}");

    // Graceful shutdown on SIGTERM.
    let status = Command::new("kill")
        .args(["-TERM", &child.0.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(15);
    let exit = loop {
        if let Some(exit) = child.0.try_wait().unwrap() {
            break exit;
        }
        assert!(Instant::now() < deadline, "proxy did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "{exit}");
    let mut stderr = String::new();
    std::io::Read::read_to_string(child.0.stderr.as_mut().unwrap(), &mut stderr).unwrap();
    assert!(!stderr.contains(&secret_key), "secret key in logs");
    assert!(
        stderr.contains("undelete_proxy::audit"),
        "no audit line: {stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upstream_calls_go_through_the_http_proxy_the_environment_names() {
    // A stand-in for a corporate HTTP proxy: it records the requests it is asked to forward.
    let forward_proxy = FakeUpstream::start(FakeBehavior::Ok).await;
    let endpoint = "http://secretsmanager.undelete.test:4566";
    let mut child = Proc(
        proxy_command(&[
            "--listen",
            "127.0.0.1:0",
            "--region",
            "us-east-1",
            "--endpoint-url",
            endpoint,
        ])
        .env("HTTP_PROXY", forward_proxy.endpoint())
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .env("AWS_ACCESS_KEY_ID", "AKIDTEST")
        .env("AWS_SECRET_ACCESS_KEY", "secret")
        .spawn()
        .unwrap(),
    );
    let url = listen_url(&startup_line(&mut child.0));
    let resp = reqwest::Client::new()
        .post(format!("{url}/api/secretsmanager"))
        .header("content-type", AMZ_JSON)
        .header("x-amz-target", "secretsmanager.ListSecrets")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.text().await.unwrap(),
        r#"{"SecretList":[],"NextToken":null}"#
    );
    // Only the Secrets Manager call (start-up's STS call went to the same endpoint).
    let seen: Vec<Seen> = forward_proxy
        .seen
        .lock()
        .unwrap()
        .iter()
        .filter(|s| s.headers.contains_key("x-amz-target"))
        .cloned()
        .collect();
    assert_eq!(seen.len(), 1, "{seen:?}");
    // Absolute form: the HTTP proxy is asked for the endpoint, signed for the endpoint's host.
    assert_eq!(seen[0].uri, format!("{endpoint}/"));
    assert_eq!(seen[0].headers["host"], "secretsmanager.undelete.test:4566");
    let auth = seen[0].headers["authorization"].to_str().unwrap();
    assert!(
        auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDTEST/"),
        "{auth}"
    );
}
