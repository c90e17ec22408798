//! The proxy serving several accounts × regions, end to end: the real binary, credentials from
//! the environment (a hub user holding `docs/iam-policy.json` and `docs/iam-hub-policy.json`),
//! spoke accounts reached by STS AssumeRole into roles holding `docs/iam-policy.json`, all in one
//! moto with signature and IAM checks on (moto acts in the role's account with its credentials).

mod common;

use common::*;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::process::Command;
use std::time::{Duration, Instant};

/// moto's own account: the hub user's.
const OWN: &str = "123456789012";
const PROD: &str = "210987654321";
/// A spoke whose role lacks ListSecrets.
const NOLIST: &str = "333333333333";
/// A spoke whose role the hub may not assume (until the test allows it).
const GHOST: &str = "444444444444";
const REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];
/// In every account and region, scheduled for deletion.
const SHARED: &str = "shared/db";
const EXTERNAL_ID: &str = "undelete-EXAMPLE-external-id";

fn role_arn(account: &str) -> String {
    format!("arn:aws:iam::{account}:role/undelete")
}

/// The live secret only this account and region has.
fn own_secret(account: &str, region: &str) -> String {
    format!("only/{account}/{region}")
}

struct World {
    moto: Moto,
    /// Everything allowed, in the own account (to change the hub's policy later).
    admin: aws_credential_types::Credentials,
    hub: aws_credential_types::Credentials,
}

/// Roles, users and secrets, then auth on.
async fn world() -> World {
    let moto = Moto::start().await;
    let boot = moto.client(&bootstrap_creds());
    let trust = doc("iam-spoke-trust-policy.json").replace(
        "arn:aws:iam::123456789012:role/undelete-proxy",
        "arn:aws:iam::123456789012:user/hub",
    );
    let no_list = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["secretsmanager:DescribeSecret","secretsmanager:RestoreSecret"],"Resource":"*"}]}"#;
    let mut in_account = vec![(OWN, moto.client(&bootstrap_creds()))];
    for (account, policy) in [
        (PROD, dashboard_policy()),
        (NOLIST, no_list.to_string()),
        (GHOST, dashboard_policy()),
    ] {
        // Before auth any role can be assumed: that gives credentials acting in `account`.
        let spoke = moto.client(
            &boot
                .assume_role(&format!("arn:aws:iam::{account}:role/bootstrap"))
                .await,
        );
        spoke.create_role("undelete", &trust, &policy).await;
        in_account.push((account, spoke));
    }
    let admin = boot.create_user("admin", ALLOW_ALL).await;
    let hub = boot.create_user("hub", &dashboard_policy()).await;
    let hub_policy = doc("iam-hub-policy.json")
        .replace(&role_arn("111111111111"), &role_arn(PROD))
        .replace(&role_arn("222222222222"), &role_arn(NOLIST));
    assert!(hub_policy.contains(&role_arn(NOLIST)), "{hub_policy}");
    boot.put_user_policy("hub", "assume-spokes", &hub_policy)
        .await;

    for (account, client) in &in_account {
        for region in REGIONS {
            for name in [own_secret(account, region), SHARED.to_string()] {
                client
                    .sm_ok_in(
                        region,
                        "CreateSecret",
                        json!({"Name": name, "SecretString": "v"}),
                    )
                    .await;
            }
            client
                .sm_ok_in(
                    region,
                    "DeleteSecret",
                    json!({"SecretId": SHARED, "RecoveryWindowInDays": 7}),
                )
                .await;
        }
    }
    moto.enable_auth().await;
    World { moto, admin, hub }
}

/// The binary as the hub, serving both regions of its own account and of `roles`.
fn start_proxy_for(w: &World, roles: &[String]) -> (Proc, String, Vec<String>) {
    let mut args = vec![
        "--listen",
        "127.0.0.1:0",
        "--region",
        "us-east-1,eu-west-1",
        "--region",
        "us-east-1",
        "--log-format",
        "json",
        "--external-id",
        EXTERNAL_ID,
    ];
    for role in roles {
        args.extend(["--role-arn", role]);
    }
    let endpoint = w.moto.endpoint();
    args.extend(["--endpoint-url", &endpoint]);
    let mut child = Proc(
        proxy_command(&args)
            .env("AWS_ACCESS_KEY_ID", w.hub.access_key_id())
            .env("AWS_SECRET_ACCESS_KEY", w.hub.secret_access_key())
            .spawn()
            .unwrap(),
    );
    let lines = startup_lines(&mut child.0);
    let url = listen_url(lines.last().unwrap());
    (child, url, lines)
}

/// A call through the proxy to `path`.
async fn call(url: &str, path: &str, action: &str, body: Value) -> (u16, Value) {
    let (status, _, text) = post_action(&format!("{url}{path}"), action, body).await;
    (status, parse(&text))
}

fn target_path(account: &str, region: &str) -> String {
    format!("/api/secretsmanager/{account}/{region}")
}

/// Every secret one target lists (paged to the end), as (name, ARN, scheduled for deletion).
async fn list_target(url: &str, path: &str) -> Vec<(String, String, bool)> {
    let mut secrets = Vec::new();
    let mut token: Option<String> = None;
    for _page in 0..20 {
        let mut body = json!({"IncludePlannedDeletion": true, "MaxResults": 1});
        if let Some(t) = &token {
            body["NextToken"] = json!(t);
        }
        let (status, page) = call(url, path, "ListSecrets", body).await;
        assert_eq!(status, 200, "ListSecrets {path}: {page}");
        for s in page["SecretList"].as_array().unwrap() {
            secrets.push((
                s["Name"].as_str().unwrap().to_string(),
                s["ARN"].as_str().unwrap().to_string(),
                !s["DeletedDate"].is_null(),
            ));
        }
        token = page["NextToken"]
            .as_str()
            .filter(|t| !t.is_empty())
            .map(str::to_owned);
        if token.is_none() {
            return secrets;
        }
    }
    panic!("paging does not end for {path}");
}

async fn config_of(url: &str) -> Value {
    let resp = reqwest::get(format!("{url}/api/config")).await.unwrap();
    assert_eq!(resp.status(), 200);
    parse(&resp.text().await.unwrap())
}

/// Stops the proxy (SIGTERM) and returns its log lines (JSON).
fn stop(mut child: Proc) -> Vec<Value> {
    let status = Command::new("kill")
        .args(["-TERM", &child.0.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(15);
    while child.0.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "proxy did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
    let mut stderr = String::new();
    std::io::Read::read_to_string(child.0.stderr.as_mut().unwrap(), &mut stderr).unwrap();
    stderr
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// `SecretId` scheduled for deletion in `account`/`region`, asked of moto directly (as the
/// hub, or through the account's role).
async fn is_scheduled(w: &World, account: &str, region: &str, secret_id: &str) -> bool {
    let hub = w.moto.client(&w.hub);
    let credentials = match account {
        OWN => w.hub.clone(),
        other => hub.assume_role(&role_arn(other)).await,
    };
    let describe = w
        .moto
        .client(&credentials)
        .sm_ok_in(region, "DescribeSecret", json!({"SecretId": secret_id}))
        .await;
    assert!(
        describe["ARN"]
            .as_str()
            .unwrap()
            .starts_with(&format!("arn:aws:secretsmanager:{region}:{account}:")),
        "{describe}"
    );
    !describe["DeletedDate"].is_null()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_accounts_in_two_regions_are_four_targets_each_reached_in_its_own_account_and_region() {
    let w = world().await;
    let (child, url, lines) = start_proxy_for(&w, &[format!("prod={}", role_arn(PROD))]);
    assert_eq!(
        lines,
        [
            format!(
                "account {OWN} (default credential chain; credentials from EnvironmentVariable)"
            ),
            format!(
                "account prod {PROD} (assumed role {}; credentials from AssumeRoleProvider)",
                role_arn(PROD)
            ),
            format!(
                "undelete-proxy listening on {url} (regions us-east-1, eu-west-1, endpoint {}, \
                 4 targets in 2 accounts)",
                w.moto.endpoint()
            ),
        ]
    );

    // Own account first, regions in CLI order (deduplicated) within each account.
    let target = |account: &str, label: &str, region: &str| json!({"account": account, "label": label, "region": region, "available": true});
    assert_eq!(
        config_of(&url).await,
        json!({
            "region": "us-east-1",
            "endpoint": w.moto.endpoint(),
            "readOnly": false,
            "targets": [
                target(OWN, OWN, "us-east-1"),
                target(OWN, OWN, "eu-west-1"),
                target(PROD, "prod", "us-east-1"),
                target(PROD, "prod", "eu-west-1"),
            ]
        })
    );

    // Each target lists its own account's secrets in its own region (moto checked each
    // signature and the role's policy).
    for account in [OWN, PROD] {
        for region in REGIONS {
            let listed = list_target(&url, &target_path(account, region)).await;
            let names: BTreeSet<&str> = listed.iter().map(|(n, _, _)| n.as_str()).collect();
            let own = own_secret(account, region);
            assert_eq!(
                names,
                BTreeSet::from([own.as_str(), SHARED]),
                "{account} {region}"
            );
            for (name, arn, scheduled) in &listed {
                assert!(
                    arn.starts_with(&format!(
                        "arn:aws:secretsmanager:{region}:{account}:secret:"
                    )),
                    "{arn}"
                );
                assert_eq!(*scheduled, name == SHARED, "{name}");
            }
        }
    }
    // The path without a target is the first one.
    let first = list_target(&url, "/api/secretsmanager").await;
    assert!(
        first
            .iter()
            .any(|(n, _, _)| *n == own_secret(OWN, "us-east-1")),
        "{first:?}"
    );

    // A restore goes to its own target only: the same name elsewhere stays scheduled.
    let (status, body) = call(
        &url,
        &target_path(PROD, "eu-west-1"),
        "RestoreSecret",
        json!({"SecretId": SHARED}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(!is_scheduled(&w, PROD, "eu-west-1", SHARED).await);
    assert!(is_scheduled(&w, PROD, "us-east-1", SHARED).await);
    assert!(is_scheduled(&w, OWN, "eu-west-1", SHARED).await);
    assert!(is_scheduled(&w, OWN, "us-east-1", SHARED).await);

    // Targets that are not served, or malformed, are refused by the proxy.
    for (path, status, error_type) in [
        (
            target_path("999999999999", "us-east-1"),
            404,
            "UnknownTarget",
        ),
        (target_path(PROD, "ap-south-1"), 404, "UnknownTarget"),
        (
            "/api/secretsmanager/prod/us-east-1".to_string(),
            400,
            "InvalidTarget",
        ),
        (
            format!("/api/secretsmanager/{PROD}/US-EAST-1"),
            400,
            "InvalidTarget",
        ),
    ] {
        let (got, body) = call(&url, &path, "RestoreSecret", json!({"SecretId": SHARED})).await;
        assert_eq!(
            (got, body["__type"].as_str().unwrap()),
            (status, error_type),
            "{path}: {body}"
        );
    }
    assert!(is_scheduled(&w, PROD, "us-east-1", SHARED).await);

    // The audit line names account, label and region; refusals name what the path gave.
    let log = stop(child);
    let audits: Vec<&Value> = log
        .iter()
        .filter(|l| l["target"] == "undelete_proxy::audit")
        .map(|l| &l["fields"])
        .collect();
    assert_eq!(audits.len(), 5, "{audits:?}");
    let restored = audits[0];
    assert_eq!(restored["outcome"], "forwarded", "{restored}");
    assert_eq!(restored["status"], 200);
    assert_eq!(restored["secret_id"], SHARED);
    assert_eq!(restored["account"], PROD);
    assert_eq!(restored["label"], "prod");
    assert_eq!(restored["region"], "eu-west-1");
    let unknown = audits[2];
    assert_eq!(
        (
            &unknown["outcome"],
            &unknown["account"],
            &unknown["label"],
            &unknown["region"]
        ),
        (
            &json!("UnknownTarget"),
            &json!(PROD),
            &json!("-"),
            &json!("ap-south-1")
        ),
        "{unknown}"
    );
    let refused: Vec<&Value> = log
        .iter()
        .filter(|l| l["fields"]["message"] == "refused request")
        .map(|l| &l["fields"])
        .collect();
    assert_eq!(refused.len(), 4, "{refused:?}");
    assert_eq!(refused[0]["account"], "999999999999", "{}", refused[0]);
    assert_eq!(refused[0]["region"], "us-east-1");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spoke_without_permission_or_that_cannot_be_assumed_fails_alone() {
    let w = world().await;
    let roles = [
        format!("prod={}", role_arn(PROD)),
        format!("nolist={}", role_arn(NOLIST)),
        format!("ghost={}", role_arn(GHOST)),
    ];
    let (child, url, lines) = start_proxy_for(&w, &roles);
    assert_eq!(lines.len(), 5, "{lines:?}");
    assert!(
        lines[3].starts_with(&format!("account ghost {GHOST} unavailable: "))
            && lines[3].contains("STS AssumeRole: AccessDenied: ")
            && !lines[3].contains('<')
            && lines[3].ends_with(" (will retry)"),
        "{}",
        lines[3]
    );
    assert!(lines[4].contains("8 targets in 4 accounts"), "{}", lines[4]);

    let targets = config_of(&url).await["targets"].clone();
    let targets = targets.as_array().unwrap();
    assert_eq!(targets.len(), 8);
    for t in targets {
        let ghost = t["account"] == GHOST;
        assert_eq!(t["available"], !ghost, "{t}");
        assert_eq!(t.get("reason").is_some(), ghost, "{t}");
    }
    let reason = targets[6]["reason"].as_str().unwrap();
    // STS's code and message, not moto's XML.
    assert!(
        reason.contains("STS AssumeRole: AccessDenied: ")
            && !reason.contains('<')
            && !reason.contains('\n'),
        "{reason}"
    );

    // The role without ListSecrets gets moto's AccessDenied, as AWS JSON, for its targets only.
    for region in REGIONS {
        let (status, body) =
            call(&url, &target_path(NOLIST, region), "ListSecrets", json!({})).await;
        assert_eq!(status, 403, "{body}");
        assert!(
            body["__type"].as_str().unwrap().contains("AccessDenied"),
            "{body}"
        );
        // Its other permissions still work.
        let (status, body) = call(
            &url,
            &target_path(NOLIST, region),
            "DescribeSecret",
            json!({"SecretId": SHARED}),
        )
        .await;
        assert_eq!(status, 200, "{body}");
    }
    // The role that cannot be assumed: the proxy's refusal, with the reason.
    let (status, body) = call(
        &url,
        &target_path(GHOST, "us-east-1"),
        "ListSecrets",
        json!({}),
    )
    .await;
    assert_eq!(status, 500, "{body}");
    assert_eq!(body["__type"], "CredentialsUnavailable");
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains("AccessDenied") && !message.contains('<'),
        "{body}"
    );
    // The others work.
    for account in [OWN, PROD] {
        for region in REGIONS {
            assert_eq!(
                list_target(&url, &target_path(account, region)).await.len(),
                2
            );
        }
    }

    // Once the hub may assume it, the next call works and the target is available again.
    let allow_ghost = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"{}"}}]}}"#,
        role_arn(GHOST)
    );
    w.moto
        .client(&w.admin)
        .put_user_policy("hub", "assume-ghost", &allow_ghost)
        .await;
    let listed = list_target(&url, &target_path(GHOST, "eu-west-1")).await;
    assert!(
        listed
            .iter()
            .any(|(n, _, _)| *n == own_secret(GHOST, "eu-west-1")),
        "{listed:?}"
    );
    let targets = config_of(&url).await["targets"].clone();
    assert!(
        targets
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["available"] == true),
        "{targets}"
    );
    drop(stop(child));
}

/// A `credential_process` profile printing the JSON in `file` (failing while there is none).
fn process_profile(name: &str, file: &std::path::Path) -> String {
    format!(
        "[profile {name}]\ncredential_process = /bin/cat {}\nregion = us-east-1\n",
        file.display()
    )
}

fn process_json(credentials: &aws_credential_types::Credentials) -> String {
    let mut json = json!({
        "Version": 1,
        "AccessKeyId": credentials.access_key_id(),
        "SecretAccessKey": credentials.secret_access_key(),
    });
    if let Some(token) = credentials.session_token() {
        json["SessionToken"] = json!(token);
    }
    json.to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_profile_whose_credentials_fail_is_listed_without_account_until_they_work() {
    let w = world().await;
    let dir = TempDir::new("profiles");
    let (hub_file, ops_file) = (dir.0.join("hub.json"), dir.0.join("ops.json"));
    std::fs::write(&hub_file, process_json(&w.hub)).unwrap();
    let config = dir.0.join("config");
    std::fs::write(
        &config,
        process_profile("hub", &hub_file) + &process_profile("ops", &ops_file),
    )
    .unwrap();
    let endpoint = w.moto.endpoint();
    let mut child = Proc(
        proxy_command(&[
            "--listen",
            "127.0.0.1:0",
            "--region",
            "us-east-1",
            "--profile",
            "hub",
            "--profile",
            "ops",
            "--endpoint-url",
            &endpoint,
        ])
        .env("AWS_CONFIG_FILE", &config)
        .spawn()
        .unwrap(),
    );
    let lines = startup_lines(&mut child.0);
    assert_eq!(
        lines[0],
        format!("account hub {OWN} (profile hub; credentials from CredentialProcess)")
    );
    assert!(
        lines[1].starts_with("account ops unavailable: no credentials: ")
            && lines[1].ends_with(" (will retry)"),
        "{}",
        lines[1]
    );
    let url = listen_url(lines.last().unwrap());
    let ops = &config_of(&url).await["targets"][1];
    assert_eq!(ops["account"], Value::Null, "{ops}");
    assert_eq!(ops["label"], "ops");
    assert_eq!(ops["available"], false);
    assert!(
        ops["reason"]
            .as_str()
            .unwrap()
            .starts_with("no credentials: "),
        "{ops}"
    );

    // The profile works now (credentials acting in PROD): a reload after the retry interval
    // shows its account, and its target is served.
    let prod = w.moto.client(&w.hub).assume_role(&role_arn(PROD)).await;
    std::fs::write(&ops_file, process_json(&prod)).unwrap();
    tokio::time::sleep(undelete_proxy::fleet::PROBE_INTERVAL + Duration::from_millis(500)).await;
    let ops = &config_of(&url).await["targets"][1];
    assert_eq!(
        ops,
        &json!({"account": PROD, "label": "ops", "region": "us-east-1", "available": true})
    );
    let listed = list_target(&url, &target_path(PROD, "us-east-1")).await;
    assert!(
        listed
            .iter()
            .any(|(n, _, _)| *n == own_secret(PROD, "us-east-1")),
        "{listed:?}"
    );
}
