//! Integration tests against a real moto server with signature and IAM checks turned on.
//! Each test starts its own moto (killed on drop) on a free loopback port.

mod common;

use common::*;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use undelete_proxy::errors::REFUSAL_HEADER;

struct World {
    moto: Moto,
    admin: aws_credential_types::Credentials,
    dashboard: aws_credential_types::Credentials,
    power: aws_credential_types::Credentials,
}

const LIVE: [&str; 2] = ["app/live-a", "app/live-b"];
const DELETED: [&str; 2] = ["app/gone-c", "app/gone-d"];

/// moto with three users (admin: everything; dashboard: docs/iam-policy.json; power:
/// secretsmanager:*), two live and two scheduled-for-deletion secrets, then auth on.
async fn world() -> World {
    let moto = Moto::start().await;
    let boot = moto.client(&bootstrap_creds());
    let admin = boot.create_user("admin", ALLOW_ALL).await;
    let dashboard = boot.create_user("dashboard", &dashboard_policy()).await;
    let power = boot.create_user("power", SECRETSMANAGER_ALL).await;
    for name in LIVE.iter().chain(DELETED.iter()) {
        boot.sm_ok(
            "CreateSecret",
            json!({"Name": name, "SecretString": format!("value-of-{name}")}),
        )
        .await;
    }
    for name in DELETED {
        boot.sm_ok(
            "DeleteSecret",
            json!({"SecretId": name, "RecoveryWindowInDays": 7}),
        )
        .await;
    }
    moto.enable_auth().await;
    // Auth really is on: unknown keys are now refused by moto itself.
    let refused = boot.sm("ListSecrets", json!({})).await;
    assert_eq!(refused.status, 403, "moto auth is not on: {}", refused.text);
    World {
        moto,
        admin,
        dashboard,
        power,
    }
}

fn is_deleted(describe: &Value) -> bool {
    !describe["DeletedDate"].is_null()
}

/// Pages through ListSecrets via the proxy; returns (names, deleted names, pages).
async fn list_all(
    proxy: &undelete_proxy::RunningProxy,
    base: Value,
) -> (BTreeSet<String>, BTreeSet<String>, usize) {
    let mut names = BTreeSet::new();
    let mut deleted = BTreeSet::new();
    let mut pages = 0;
    let mut token: Option<String> = None;
    loop {
        let mut body = base.clone();
        if let Some(t) = &token {
            body["NextToken"] = json!(t);
        }
        let (status, _, text) = proxy_call(proxy, "ListSecrets", body).await;
        assert_eq!(status, 200, "ListSecrets page {pages}: {text}");
        let page = parse(&text);
        pages += 1;
        for secret in page["SecretList"].as_array().expect("SecretList") {
            let name = secret["Name"].as_str().unwrap().to_string();
            if !secret["DeletedDate"].is_null() {
                deleted.insert(name.clone());
            }
            names.insert(name);
        }
        token = page["NextToken"]
            .as_str()
            .filter(|t| !t.is_empty())
            .map(str::to_owned);
        if token.is_none() {
            break;
        }
        assert!(pages < 20, "paging does not end");
    }
    (names, deleted, pages)
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dashboard_policy_user_can_list_page_describe_and_restore_through_the_proxy() {
    let w = world().await;
    let proxy = start_proxy(&w.moto.endpoint(), w.dashboard.clone()).await;

    // ListSecrets with IncludePlannedDeletion, one secret per page: moto verified each signature.
    let (names, deleted, pages) = list_all(
        &proxy,
        json!({"IncludePlannedDeletion": true, "MaxResults": 1}),
    )
    .await;
    assert_eq!(names, set(&[LIVE[0], LIVE[1], DELETED[0], DELETED[1]]));
    assert_eq!(deleted, set(&DELETED));
    assert!(pages >= 4, "expected one page per secret, got {pages}");

    // Without IncludePlannedDeletion the scheduled ones are hidden.
    let (names, _, _) = list_all(&proxy, json!({})).await;
    assert_eq!(names, set(&LIVE));

    // Upstream Content-Type is passed back unchanged, and Cache-Control: no-store is added.
    let direct = w.moto.client(&w.admin);
    let (status, headers, text) =
        proxy_call(&proxy, "DescribeSecret", json!({"SecretId": DELETED[0]})).await;
    assert_eq!(status, 200, "{text}");
    assert!(is_deleted(&parse(&text)));
    assert!(headers.get("content-type").is_some());
    assert_eq!(headers["cache-control"], "no-store");
    assert!(headers.get(REFUSAL_HEADER).is_none());

    // RestoreSecret through the proxy...
    let (status, headers, text) =
        proxy_call(&proxy, "RestoreSecret", json!({"SecretId": DELETED[0]})).await;
    assert_eq!(status, 200, "{text}");
    // moto's request id is passed back; its `Access-Control-Allow-Origin: *` is not.
    assert!(!headers["x-amzn-requestid"].is_empty());
    assert!(headers.get("access-control-allow-origin").is_none());
    assert_eq!(parse(&text)["Name"], DELETED[0]);
    // ...really restored in moto (checked directly, as admin)...
    let after = direct
        .sm_ok("DescribeSecret", json!({"SecretId": DELETED[0]}))
        .await;
    assert!(!is_deleted(&after), "still scheduled for deletion: {after}");
    let still = direct
        .sm_ok("DescribeSecret", json!({"SecretId": DELETED[1]}))
        .await;
    assert!(is_deleted(&still), "the other secret must stay deleted");
    let value = direct
        .sm_ok("GetSecretValue", json!({"SecretId": DELETED[0]}))
        .await;
    assert_eq!(value["SecretString"], format!("value-of-{}", DELETED[0]));
    // ...and visible to the dashboard as live again.
    let (names, deleted, _) = list_all(&proxy, json!({"IncludePlannedDeletion": true})).await;
    assert_eq!(names.len(), 4);
    assert_eq!(deleted, set(&[DELETED[1]]));

    // The least-privilege policy really is least privilege: moto refuses the same user
    // anything else when called directly.
    let dash_direct = w.moto.client(&w.dashboard);
    for (action, body) in [
        ("GetSecretValue", json!({"SecretId": LIVE[0]})),
        ("DeleteSecret", json!({"SecretId": LIVE[0]})),
        (
            "PutSecretValue",
            json!({"SecretId": LIVE[0], "SecretString": "x"}),
        ),
    ] {
        let reply = dash_direct.sm(action, body).await;
        assert_eq!(reply.status, 403, "{action}: {}", reply.text);
        assert!(
            reply.text.contains("AccessDenied"),
            "{action}: {}",
            reply.text
        );
    }
    proxy.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_secret_key_gets_mottos_signature_error_passed_back() {
    let w = world().await;
    let wrong = creds(w.dashboard.access_key_id(), "not-the-right-secret-key");
    let proxy = start_proxy(&w.moto.endpoint(), wrong).await;

    for (action, body) in [
        ("ListSecrets", json!({"IncludePlannedDeletion": true})),
        ("RestoreSecret", json!({"SecretId": DELETED[0]})),
    ] {
        let (status, headers, text) = proxy_call(&proxy, action, body).await;
        assert_eq!(status, 403, "{action}: {text}");
        assert!(text.contains("SignatureDoesNotMatch"), "{action}: {text}");
        assert!(
            headers.get(REFUSAL_HEADER).is_none(),
            "this is moto's answer, not the proxy's"
        );
        // moto answers in XML; the client gets its code and message as AWS JSON.
        assert_eq!(headers["content-type"], AMZ_JSON);
        let error = parse(&text);
        assert_eq!(error["__type"], "SignatureDoesNotMatch", "{text}");
        assert!(
            error["message"]
                .as_str()
                .is_some_and(|m| m.contains("signature")),
            "{text}"
        );
    }
    // Nothing was restored.
    let describe = w
        .moto
        .client(&w.admin)
        .sm_ok("DescribeSecret", json!({"SecretId": DELETED[0]}))
        .await;
    assert!(is_deleted(&describe));

    // An access key moto never issued: InvalidClientTokenId.
    let unknown = start_proxy(&w.moto.endpoint(), creds("AKIAUNKNOWN000000000", "x")).await;
    let (status, _, text) = proxy_call(&unknown, "ListSecrets", json!({})).await;
    assert_eq!(status, 403, "{text}");
    assert!(text.contains("InvalidClientTokenId"), "{text}");
    assert_eq!(parse(&text)["__type"], "InvalidClientTokenId", "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dangerous_actions_are_refused_by_the_proxy_even_when_iam_would_allow_them() {
    let w = world().await;
    let proxy = start_proxy(&w.moto.endpoint(), w.power.clone()).await;
    let power_direct = w.moto.client(&w.power);

    // Control: IAM does allow this user to read secret values when asking moto directly.
    let value = power_direct
        .sm_ok("GetSecretValue", json!({"SecretId": LIVE[0]}))
        .await;
    assert_eq!(value["SecretString"], format!("value-of-{}", LIVE[0]));

    for (action, body) in [
        ("GetSecretValue", json!({"SecretId": LIVE[0]})),
        ("BatchGetSecretValue", json!({"SecretIdList": [LIVE[0]]})),
        (
            "DeleteSecret",
            json!({"SecretId": LIVE[0], "ForceDeleteWithoutRecovery": true}),
        ),
        (
            "PutSecretValue",
            json!({"SecretId": LIVE[0], "SecretString": "overwritten"}),
        ),
        (
            "CreateSecret",
            json!({"Name": "app/new", "SecretString": "x"}),
        ),
    ] {
        let (status, headers, text) = proxy_call(&proxy, action, body).await;
        assert_eq!(status, 403, "{action}: {text}");
        assert_eq!(
            parse(&text)["__type"],
            "ActionNotAllowed",
            "{action}: {text}"
        );
        assert_eq!(headers[REFUSAL_HEADER], "true");
        assert!(
            !text.contains("value-of-"),
            "secret material leaked: {text}"
        );
    }

    // moto state is untouched: value unchanged, not deleted, nothing created.
    let value = power_direct
        .sm_ok("GetSecretValue", json!({"SecretId": LIVE[0]}))
        .await;
    assert_eq!(value["SecretString"], format!("value-of-{}", LIVE[0]));
    let describe = power_direct
        .sm_ok("DescribeSecret", json!({"SecretId": LIVE[0]}))
        .await;
    assert!(!is_deleted(&describe));
    let missing = power_direct
        .sm("DescribeSecret", json!({"SecretId": "app/new"}))
        .await;
    // (moto answers 404 here where AWS answers 400.)
    assert!(matches!(missing.status, 400 | 404), "{}", missing.text);
    assert_eq!(missing.json()["__type"], "ResourceNotFoundException");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_proxy_refuses_restore_and_upstream_errors_pass_through() {
    let w = world().await;
    let proxy = start_proxy_with(&w.moto.endpoint(), w.dashboard.clone(), |c| {
        c.policy.read_only = true
    })
    .await;

    let (status, _, text) =
        proxy_call(&proxy, "RestoreSecret", json!({"SecretId": DELETED[0]})).await;
    assert_eq!(status, 403, "{text}");
    assert_eq!(parse(&text)["__type"], "ReadOnlyMode");
    let describe = w
        .moto
        .client(&w.admin)
        .sm_ok("DescribeSecret", json!({"SecretId": DELETED[0]}))
        .await;
    assert!(is_deleted(&describe), "read-only proxy must not restore");

    // Reads still work in read-only mode, and /api/config says so.
    let (status, _, text) =
        proxy_call(&proxy, "DescribeSecret", json!({"SecretId": DELETED[0]})).await;
    assert_eq!(status, 200, "{text}");
    let config = parse(
        &reqwest::get(format!("{}/api/config", proxy.base_url()))
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert_eq!(config["readOnly"], true);
    assert_eq!(config["endpoint"], w.moto.endpoint());
    assert_eq!(config["region"], REGION);

    // An AWS-side error (JSON from moto) comes back with status, Content-Type and body
    // exactly as moto sent them to a direct caller. (moto uses 404 here; AWS uses 400.)
    let missing = json!({"SecretId": "no/such/secret"});
    let (status, headers, text) = proxy_call(&proxy, "DescribeSecret", missing.clone()).await;
    let direct = w
        .moto
        .client(&w.dashboard)
        .sm("DescribeSecret", missing)
        .await;
    assert_eq!(parse(&text)["__type"], "ResourceNotFoundException");
    assert_eq!(
        (status, text.as_str()),
        (direct.status, direct.text.as_str())
    );
    assert_eq!(headers["content-type"], direct.content_type.as_str());
    assert!(headers.get(REFUSAL_HEADER).is_none());

    // moto quirk: a garbage NextToken is an HTML 500; it reaches the client as an AWS JSON
    // error with moto's status (still moto's answer, not a proxy refusal).
    let (status, headers, text) =
        proxy_call(&proxy, "ListSecrets", json!({"NextToken": "garbage"})).await;
    assert_eq!(status, 500);
    assert!(headers.get(REFUSAL_HEADER).is_none());
    assert_eq!(headers["content-type"], AMZ_JSON);
    assert_eq!(parse(&text)["__type"], "InternalServerError", "{text}");
}
