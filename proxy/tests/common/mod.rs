//! Shared test harness: a moto server per test (killed on drop), SigV4-signed fixture calls
//! (IAM query protocol and Secrets Manager JSON), and an in-process proxy on an ephemeral port.
#![allow(dead_code)]

use aws_credential_types::Credentials;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::net::TcpListener as StdListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime};
use undelete_proxy::config::ProxyConfig;
use undelete_proxy::fleet::Fleet;
use undelete_proxy::signing::{Signer, sign_request};
use undelete_proxy::{RunningProxy, spawn};

pub const REGION: &str = "us-east-1";
/// The account ID the in-process proxy is told its fixed credentials belong to.
pub const ACCOUNT: &str = "123456789012";
pub const AMZ_JSON: &str = "application/x-amz-json-1.1";

/// `docs/iam-policy.json` of the repository.
pub fn dashboard_policy() -> String {
    doc("iam-policy.json")
}

/// A file of the repository's `docs/`.
pub fn doc(name: &str) -> String {
    let path = workspace_root().join("docs").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Finds moto: `UNDELETE_MOTO_SERVER`, then `<workspace>/.venv/bin/moto_server`, then PATH.
/// Fails the test (never skips) when none is there.
pub fn moto_server_path() -> PathBuf {
    if let Some(path) = std::env::var_os("UNDELETE_MOTO_SERVER").filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        assert!(
            path.is_file(),
            "moto_server not found: UNDELETE_MOTO_SERVER={} does not exist; run `make setup`",
            path.display()
        );
        return path;
    }
    let venv = workspace_root().join(".venv/bin/moto_server");
    if venv.is_file() {
        return venv;
    }
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join("moto_server");
            if candidate.is_file() {
                return candidate;
            }
        }
    }
    panic!(
        "moto_server not found: run `make setup` (looked at $UNDELETE_MOTO_SERVER, {}, and PATH)",
        venv.display()
    );
}

fn free_port() -> u16 {
    StdListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A moto server on a free loopback port; killed when dropped.
pub struct Moto {
    child: Child,
    pub port: u16,
    pub log: PathBuf,
}

impl Moto {
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Starts moto (auth still off: fixtures are created first, then [`Moto::enable_auth`]).
    pub async fn start() -> Moto {
        let exe = moto_server_path();
        let mut last_error = String::new();
        for _attempt in 0..3 {
            let port = free_port();
            let log = std::env::temp_dir()
                .join(format!("undelete-moto-{}-{port}.log", std::process::id()));
            let log_file = std::fs::File::create(&log).unwrap();
            let child = Command::new(&exe)
                .args(["-H", "127.0.0.1", "-p", &port.to_string()])
                .env_remove("INITIAL_NO_AUTH_ACTION_COUNT")
                .stdin(Stdio::null())
                .stdout(log_file.try_clone().unwrap())
                .stderr(log_file)
                .spawn()
                .unwrap_or_else(|e| {
                    panic!(
                        "moto_server not found: run `make setup` ({}: {e})",
                        exe.display()
                    )
                });
            let mut moto = Moto { child, port, log };
            match moto.wait_ready().await {
                Ok(()) => return moto,
                Err(e) => last_error = e,
            }
        }
        panic!("moto did not start: {last_error}");
    }

    async fn wait_ready(&mut self) -> Result<(), String> {
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                let log = std::fs::read_to_string(&self.log).unwrap_or_default();
                return Err(format!("moto exited with {status}: {log}"));
            }
            let url = format!("{}/moto-api/data.json", self.endpoint());
            if let Ok(r) = client.get(&url).send().await
                && r.status().is_success()
            {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err("moto did not answer within 60 s".into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Turns on moto's signature and IAM checks for every following request.
    pub async fn enable_auth(&self) {
        let r = reqwest::Client::new()
            .post(format!("{}/moto-api/reset-auth", self.endpoint()))
            .header("content-type", "text/plain")
            .body("0")
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "reset-auth failed: {}", r.status());
    }

    /// A fixture client with the given credentials.
    pub fn client(&self, credentials: &Credentials) -> AwsClient {
        AwsClient {
            endpoint: self.endpoint(),
            credentials: credentials.clone(),
            http: reqwest::Client::new(),
        }
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}

pub fn creds(access_key: &str, secret_key: &str) -> Credentials {
    Credentials::new(access_key, secret_key, None, None, "test")
}

/// Credentials for fixture calls before auth is on (moto needs a SigV4-shaped header to
/// pick the service, but does not check it yet).
pub fn bootstrap_creds() -> Credentials {
    creds("AKIDBOOTSTRAP0000000", "bootstrap-secret")
}

/// Signed calls straight to moto (not through the proxy) for fixtures and checks.
pub struct AwsClient {
    endpoint: String,
    credentials: Credentials,
    http: reqwest::Client,
}

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
}

impl AwsClient {
    async fn signed_post(
        &self,
        region: &str,
        service: &str,
        content_type: &str,
        extra: &[(&str, &str)],
        body: Vec<u8>,
    ) -> Reply {
        let url = format!("{}/", self.endpoint);
        let mut headers: Vec<(&str, &str)> = vec![("content-type", content_type)];
        headers.extend_from_slice(extra);
        let auth = sign_request(
            &self.credentials,
            region,
            service,
            "POST",
            &url,
            &headers,
            &body,
            SystemTime::now(),
        )
        .unwrap();
        let mut req = self.http.post(&url).body(body);
        for (k, v) in headers {
            req = req.header(k, v);
        }
        for (k, v) in auth {
            req = req.header(k, v);
        }
        let resp = req.send().await.unwrap();
        let content_type = resp
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        Reply {
            status: resp.status().as_u16(),
            content_type,
            text: resp.text().await.unwrap(),
        }
    }

    /// Query-protocol call (IAM, STS); returns the XML.
    async fn query(
        &self,
        service: &str,
        version: &str,
        action: &str,
        params: &[(&str, &str)],
    ) -> Reply {
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        form.append_pair("Action", action)
            .append_pair("Version", version);
        for (k, v) in params {
            form.append_pair(k, v);
        }
        self.signed_post(
            REGION,
            service,
            "application/x-www-form-urlencoded; charset=utf-8",
            &[],
            form.finish().into_bytes(),
        )
        .await
    }

    /// IAM query-protocol call; returns the XML.
    pub async fn iam(&self, action: &str, params: &[(&str, &str)]) -> Reply {
        self.query("iam", "2010-05-08", action, params).await
    }

    /// STS query-protocol call; returns the XML.
    pub async fn sts(&self, action: &str, params: &[(&str, &str)]) -> Reply {
        self.query("sts", "2011-06-15", action, params).await
    }

    /// Temporary credentials of `role_arn` (moto acts in the role's account with them).
    pub async fn assume_role(&self, role_arn: &str) -> Credentials {
        let r = self
            .sts(
                "AssumeRole",
                &[("RoleArn", role_arn), ("RoleSessionName", "fixture")],
            )
            .await;
        assert_eq!(r.status, 200, "AssumeRole {role_arn}: {}", r.text);
        Credentials::new(
            xml_text(&r.text, "AccessKeyId"),
            xml_text(&r.text, "SecretAccessKey"),
            Some(xml_text(&r.text, "SessionToken")),
            None,
            "test",
        )
    }

    /// Secrets Manager JSON call in the fixtures' region.
    pub async fn sm(&self, action: &str, body: Value) -> Reply {
        self.sm_in(REGION, action, body).await
    }

    /// Secrets Manager JSON call in `region`.
    pub async fn sm_in(&self, region: &str, action: &str, body: Value) -> Reply {
        let target = format!("secretsmanager.{action}");
        self.signed_post(
            region,
            "secretsmanager",
            AMZ_JSON,
            &[("x-amz-target", &target)],
            body.to_string().into_bytes(),
        )
        .await
    }

    /// Secrets Manager call that must succeed.
    pub async fn sm_ok(&self, action: &str, body: Value) -> Value {
        self.sm_ok_in(REGION, action, body).await
    }

    /// Secrets Manager call in `region` that must succeed.
    pub async fn sm_ok_in(&self, region: &str, action: &str, body: Value) -> Value {
        let reply = self.sm_in(region, action, body).await;
        assert_eq!(
            reply.status, 200,
            "{action} in {region} failed: {}",
            reply.text
        );
        reply.json()
    }

    /// Adds an inline policy to a user.
    pub async fn put_user_policy(&self, user: &str, policy_name: &str, policy_document: &str) {
        let r = self
            .iam(
                "PutUserPolicy",
                &[
                    ("UserName", user),
                    ("PolicyName", policy_name),
                    ("PolicyDocument", policy_document),
                ],
            )
            .await;
        assert_eq!(r.status, 200, "PutUserPolicy: {}", r.text);
    }

    /// Creates a role with a trust policy and an inline policy (in this client's account).
    pub async fn create_role(&self, name: &str, trust_policy: &str, policy_document: &str) {
        let r = self
            .iam(
                "CreateRole",
                &[
                    ("RoleName", name),
                    ("AssumeRolePolicyDocument", trust_policy),
                ],
            )
            .await;
        assert_eq!(r.status, 200, "CreateRole: {}", r.text);
        let r = self
            .iam(
                "PutRolePolicy",
                &[
                    ("RoleName", name),
                    ("PolicyName", "inline"),
                    ("PolicyDocument", policy_document),
                ],
            )
            .await;
        assert_eq!(r.status, 200, "PutRolePolicy: {}", r.text);
    }

    /// Creates a user with an inline policy and returns its new access key.
    pub async fn create_user(&self, name: &str, policy_document: &str) -> Credentials {
        let r = self.iam("CreateUser", &[("UserName", name)]).await;
        assert_eq!(r.status, 200, "CreateUser: {}", r.text);
        self.put_user_policy(name, "inline", policy_document).await;
        let r = self.iam("CreateAccessKey", &[("UserName", name)]).await;
        assert_eq!(r.status, 200, "CreateAccessKey: {}", r.text);
        creds(
            &xml_text(&r.text, "AccessKeyId"),
            &xml_text(&r.text, "SecretAccessKey"),
        )
    }
}

pub fn xml_text(xml: &str, tag: &str) -> String {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let start = xml
        .find(&open)
        .unwrap_or_else(|| panic!("no <{tag}> in {xml}"))
        + open.len();
    let end = xml[start..].find(&close).unwrap() + start;
    xml[start..end].to_string()
}

pub const ALLOW_ALL: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
pub const SECRETSMANAGER_ALL: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:*","Resource":"*"}]}"#;

/// Starts the proxy in-process against `endpoint` with fixed credentials.
pub async fn start_proxy(endpoint: &str, credentials: Credentials) -> RunningProxy {
    start_proxy_with(endpoint, credentials, |_| {}).await
}

pub async fn start_proxy_with(
    endpoint: &str,
    credentials: Credentials,
    tweak: impl FnOnce(&mut ProxyConfig),
) -> RunningProxy {
    let mut config = ProxyConfig::local();
    tweak(&mut config);
    let fleet = Fleet::single(
        ACCOUNT,
        REGION,
        endpoint,
        Signer::with_static_credentials(credentials),
    )
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    spawn(config, fleet, listener).await.unwrap()
}

/// A browser-like / SDK-like call to the proxy.
pub async fn proxy_call(
    proxy: &RunningProxy,
    action: &str,
    body: Value,
) -> (u16, reqwest::header::HeaderMap, String) {
    post_action(
        &format!("{}/api/secretsmanager", proxy.base_url()),
        action,
        body,
    )
    .await
}

/// An AWS JSON 1.1 call of `action` to `url` (a proxy's `/api/secretsmanager...` path).
pub async fn post_action(
    url: &str,
    action: &str,
    body: Value,
) -> (u16, reqwest::header::HeaderMap, String) {
    let resp = reqwest::Client::new()
        .post(url)
        .header("content-type", AMZ_JSON)
        .header("x-amz-target", format!("secretsmanager.{action}"))
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    (status, headers, resp.text().await.unwrap())
}

pub fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// What the fake upstream does with each request.
#[derive(Clone, Debug)]
pub enum FakeBehavior {
    /// 200 with a JSON body, a request id, and headers that must not be passed back.
    Ok,
    /// Answer with this status, content type and body.
    Reply(u16, &'static str, &'static str),
    /// Never answer in time.
    Hang,
    /// As [`FakeBehavior::Ok`], after this long.
    Slow(Duration),
}

/// What the fake upstream saw.
#[derive(Clone, Debug)]
pub struct Seen {
    pub uri: String,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

/// A stand-in for Secrets Manager that counts and records requests (to prove that refused
/// requests never leave the proxy, and what a forwarded request looks like).
pub struct FakeUpstream {
    pub addr: std::net::SocketAddr,
    pub seen: std::sync::Arc<std::sync::Mutex<Vec<Seen>>>,
    task: tokio::task::JoinHandle<()>,
}

impl FakeUpstream {
    pub async fn start(behavior: FakeBehavior) -> FakeUpstream {
        use axum::response::IntoResponse;
        let seen: std::sync::Arc<std::sync::Mutex<Vec<Seen>>> = Default::default();
        let record = seen.clone();
        let handler = move |request: axum::extract::Request| {
            let record = record.clone();
            let behavior = behavior.clone();
            async move {
                let (parts, body) = request.into_parts();
                let body = axum::body::to_bytes(body, usize::MAX)
                    .await
                    .unwrap()
                    .to_vec();
                record.lock().unwrap().push(Seen {
                    uri: parts.uri.to_string(),
                    headers: parts.headers,
                    body,
                });
                if let FakeBehavior::Slow(delay) = behavior {
                    tokio::time::sleep(delay).await;
                }
                match behavior {
                    FakeBehavior::Ok | FakeBehavior::Slow(_) => (
                        [
                            ("content-type", "application/x-amz-json-1.1"),
                            ("x-amzn-requestid", "fake-request-id-1"),
                            ("set-cookie", "session=leak"),
                            ("server", "fake-upstream"),
                            ("access-control-allow-origin", "*"),
                        ],
                        r#"{"SecretList":[],"NextToken":null}"#,
                    )
                        .into_response(),
                    FakeBehavior::Reply(status, content_type, body) => (
                        axum::http::StatusCode::from_u16(status).unwrap(),
                        [
                            ("content-type", content_type),
                            ("x-amzn-requestid", "fake-request-id-2"),
                        ],
                        body,
                    )
                        .into_response(),
                    FakeBehavior::Hang => {
                        tokio::time::sleep(Duration::from_secs(30)).await;
                        "late".into_response()
                    }
                }
            }
        };
        let app = axum::Router::new().fallback(handler);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        FakeUpstream { addr, seen, task }
    }

    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn hits(&self) -> usize {
        self.seen.lock().unwrap().len()
    }
}

impl Drop for FakeUpstream {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A raw HTTP/1.1 exchange (for what reqwest will not send: bad Host, chunked bodies).
/// Returns (status, lower-cased head, body).
pub async fn raw_http(addr: std::net::SocketAddr, request: &[u8]) -> (u16, String, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response).await;
    let text = String::from_utf8_lossy(&response).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, head.to_ascii_lowercase(), body.to_string())
}

/// The `__type` in a (possibly chunk-framed) JSON error body.
pub fn error_type_in(body: &str) -> String {
    let start = body
        .find('{')
        .unwrap_or_else(|| panic!("no JSON in {body:?}"));
    let end = body.rfind('}').unwrap() + 1;
    parse(&body[start..end])["__type"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// A temporary directory removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let dir =
            std::env::temp_dir().join(format!("undelete-proxy-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

// The real binary.

pub const BIN: &str = env!("CARGO_BIN_EXE_undelete-proxy");

/// The binary with an AWS environment isolated from the machine's own config.
pub fn proxy_command(args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_ENDPOINT_URL_SECRETS_MANAGER")
        .env_remove("AWS_ENDPOINT_URL_STS")
        .env_remove("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION")
        .env("AWS_CONFIG_FILE", "/nonexistent/undelete-test-config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/undelete-test-credentials",
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("RUST_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

pub struct Proc(pub Child);
impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Waits for the start-up line on stdout and returns it.
pub fn startup_line(child: &mut Child) -> String {
    startup_lines(child).pop().unwrap()
}

/// Waits for the start-up line on stdout and returns the lines up to it (one per account,
/// then `undelete-proxy listening on ...`).
pub fn startup_lines(child: &mut Child) -> Vec<String> {
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = Vec::new();
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            let last = line.starts_with("undelete-proxy listening on ");
            lines.push(line);
            if last {
                break;
            }
        }
        let _ = tx.send(lines);
    });
    let lines = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("no start-up line within 60 s");
    assert!(
        lines
            .last()
            .is_some_and(|l| l.starts_with("undelete-proxy listening on ")),
        "stdout ended before the start-up line: {lines:?}"
    );
    lines
}

pub fn listen_url(line: &str) -> String {
    let rest = line
        .split("listening on ")
        .nth(1)
        .unwrap_or_else(|| panic!("unexpected line: {line}"));
    rest.split_whitespace().next().unwrap().to_string()
}
