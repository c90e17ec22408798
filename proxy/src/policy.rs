//! The proxy's policy as plain data and pure functions: which actions are forwarded, which
//! headers may cross the proxy in either direction, which origins and hosts may talk to it,
//! and what a valid request looks like. No I/O, no signing, no HTTP server types beyond
//! `http` header/method values — everything here is unit-tested in isolation.

use crate::action::{AMZ_JSON_1_1, Action, MAX_BODY_BYTES, TARGET_PREFIX};
use crate::errors::Refusal;
use crate::shapes::{Input, json_kind};
use http::{HeaderMap, HeaderName, HeaderValue, Method, header};
use serde_json::{Map, Value};

/// Request headers a browser may ask for in a CORS preflight. Only `Content-Type` and
/// `X-Amz-Target` are ever forwarded; the SDK bookkeeping headers are accepted and dropped.
pub const CORS_ALLOWED_REQUEST_HEADERS: [&str; 5] = [
    "content-type",
    "x-amz-target",
    "x-amz-user-agent",
    "amz-sdk-invocation-id",
    "amz-sdk-request",
];

/// Response headers exposed to a cross-origin UI. `Date` (the proxy's own clock) lets the UI
/// count "time left" with it when the browser's clock is off.
pub const CORS_EXPOSED_RESPONSE_HEADERS: [&str; 2] = ["x-amzn-requestid", "date"];

/// Run-time policy switches (from the CLI).
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// Refuse `RestoreSecret`.
    pub read_only: bool,
    /// Normalised origins (`scheme://host[:port]`) allowed to call the API cross-origin.
    pub allowed_origins: Vec<String>,
    /// Only accept `Host` headers naming a loopback host (DNS-rebinding guard). Set when the
    /// proxy listens on loopback; `--allow-remote` turns it off.
    pub loopback_hosts_only: bool,
}

/// A request that passed every check: the action and its typed input.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidRequest {
    pub action: Action,
    pub input: Input,
}

impl ValidRequest {
    /// `SecretId` of the input, if the action has one (used by the audit log).
    pub fn secret_id(&self) -> Option<&str> {
        self.input.secret_id()
    }

    /// The body to send upstream: the typed input serialised again, so what AWS sees is
    /// exactly what the proxy checked and audits (no duplicate-key games).
    pub fn upstream_body(&self) -> Vec<u8> {
        self.input.to_json()
    }
}

/// Only POST is accepted on the API endpoint.
pub fn check_method(method: &Method) -> Result<(), Refusal> {
    if method == Method::POST {
        Ok(())
    } else {
        Err(Refusal::MethodNotAllowed)
    }
}

/// `Content-Type` must be `application/x-amz-json-1.1`, optionally with parameters
/// (`; charset=utf-8`), compared case-insensitively.
pub fn check_content_type(value: Option<&HeaderValue>) -> Result<(), Refusal> {
    let Some(value) = value.and_then(|v| v.to_str().ok()) else {
        return Err(Refusal::UnsupportedMediaType);
    };
    let essence = value.split(';').next().unwrap_or("").trim();
    if essence.eq_ignore_ascii_case(AMZ_JSON_1_1) {
        Ok(())
    } else {
        Err(Refusal::UnsupportedMediaType)
    }
}

/// Parses `X-Amz-Target: secretsmanager.<Action>` and returns `<Action>`.
/// Missing → 400 `MissingTarget`; not that shape → 400 `InvalidTarget`.
pub fn parse_target(value: Option<&HeaderValue>) -> Result<&str, Refusal> {
    let value = value.ok_or(Refusal::MissingTarget)?;
    let value = value.to_str().map_err(|_| Refusal::InvalidTarget)?;
    if value.is_empty() {
        return Err(Refusal::MissingTarget);
    }
    let action = value
        .strip_prefix(TARGET_PREFIX)
        .ok_or(Refusal::InvalidTarget)?;
    let well_formed = !action.is_empty()
        && action.len() <= 64
        && action.starts_with(|c: char| c.is_ascii_uppercase())
        && action.chars().all(|c| c.is_ascii_alphanumeric());
    if well_formed {
        Ok(action)
    } else {
        Err(Refusal::InvalidTarget)
    }
}

/// Whether any `X-Amz-Target` of a request names RestoreSecret: such a request is audited,
/// whatever answers it (even a refusal of its method or of two targets).
pub fn names_restore_secret(headers: &HeaderMap) -> bool {
    headers
        .get_all("x-amz-target")
        .iter()
        .any(|target| parse_target(Some(target)) == Ok("RestoreSecret"))
}

/// Maps an action name onto the allowlist. Anything else (unknown or real-but-disallowed,
/// such as `GetSecretValue`) → 403 `ActionNotAllowed`; `RestoreSecret` under `--read-only`
/// → 403 `ReadOnlyMode`.
pub fn check_action(action: &str, read_only: bool) -> Result<Action, Refusal> {
    let action =
        Action::from_name(action).ok_or_else(|| Refusal::ActionNotAllowed(action.to_string()))?;
    if read_only && action.is_mutating() {
        return Err(Refusal::ReadOnly);
    }
    Ok(action)
}

/// The body must be at most [`MAX_BODY_BYTES`] and a JSON object (`{}` at least).
pub fn check_body(body: &[u8]) -> Result<Map<String, Value>, Refusal> {
    if body.len() > MAX_BODY_BYTES {
        return Err(Refusal::RequestTooLarge);
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(Refusal::InvalidBody(
            "empty body (send {} for no parameters)".into(),
        ));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(Refusal::InvalidBody(format!(
            "got a JSON {}",
            json_kind(&other)
        ))),
        Err(e) => Err(Refusal::InvalidBody(format!("not valid JSON ({e})"))),
    }
}

/// All request checks that do not depend on where the request came from, in the order a
/// client would want to fix them: method, content type, target, allowlist, body, parameters.
pub fn validate_request(
    method: &Method,
    headers: &HeaderMap,
    body: &[u8],
    policy: &Policy,
) -> Result<ValidRequest, Refusal> {
    check_method(method)?;
    check_content_type(headers.get(header::CONTENT_TYPE))?;
    // Two targets are ambiguous: refuse rather than guess which one the client meant.
    if headers.get_all("x-amz-target").iter().count() > 1 {
        return Err(Refusal::InvalidTarget);
    }
    let action = parse_target(headers.get("x-amz-target"))?;
    let action = check_action(action, policy.read_only)?;
    let input = Input::parse(action, check_body(body)?)?;
    Ok(ValidRequest { action, input })
}

/// Request headers that may be copied from the client to the upstream request. This is an
/// allowlist: `Authorization`, every other `X-Amz-*`, `Cookie`, `Host`, `X-Forwarded-*` and
/// hop-by-hop headers are never forwarded. (The proxy in fact rebuilds `Content-Type` and
/// `X-Amz-Target` itself from validated values; this function documents and tests the rule.)
pub fn is_forwardable_request_header(name: &HeaderName) -> bool {
    matches!(name.as_str(), "content-type" | "x-amz-target")
}

/// Upstream response headers passed back to the client. Everything else (cookies, hop-by-hop,
/// server banners, CORS headers from the upstream) is dropped.
pub fn is_returnable_response_header(name: &HeaderName) -> bool {
    matches!(name.as_str(), "content-type" | "x-amzn-requestid")
}

/// Normalises an origin (`scheme://host[:port]`): lower-case host, default port dropped.
/// Returns `None` for anything that is not an http(s) origin without path, query or user info.
pub fn normalize_origin(origin: &str) -> Option<String> {
    let url = url::Url::parse(origin).ok()?;
    if !matches!(url.scheme(), "http" | "https")
        || url.host_str().is_none()
        || !url.username().is_empty()
        || url.password().is_some()
        || !(url.path().is_empty() || url.path() == "/")
        || url.query().is_some()
        || url.fragment().is_some()
    {
        return None;
    }
    Some(url.origin().ascii_serialization())
}

/// How a request relates to the proxy's own origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OriginCheck {
    /// No `Origin` header: not a cross-origin browser request (curl, SDKs, same-origin GET).
    NoOrigin,
    /// `Origin` names this proxy itself (same host and port as `Host`).
    SameOrigin,
    /// `Origin` is on the `--allow-origin` list; the normalised origin is returned.
    Allowed(String),
}

/// Decides whether a request carrying `Origin` may proceed: same-origin or `--allow-origin`
/// only. `Origin: null` (sandboxed frames, `file://`) and malformed origins are refused.
pub fn check_origin(
    origin: Option<&HeaderValue>,
    host: Option<&HeaderValue>,
    allowed_origins: &[String],
) -> Result<OriginCheck, Refusal> {
    let Some(origin) = origin else {
        return Ok(OriginCheck::NoOrigin);
    };
    let raw = String::from_utf8_lossy(origin.as_bytes()).into_owned();
    let Some(normalized) = origin.to_str().ok().and_then(normalize_origin) else {
        return Err(Refusal::ForbiddenOrigin(raw));
    };
    if allowed_origins.contains(&normalized) {
        return Ok(OriginCheck::Allowed(normalized));
    }
    if let Some(host) = host.and_then(|h| h.to_str().ok())
        && is_same_origin(&normalized, host)
    {
        return Ok(OriginCheck::SameOrigin);
    }
    Err(Refusal::ForbiddenOrigin(raw))
}

/// Whether a normalised origin designates the server reached through `Host`.
fn is_same_origin(normalized_origin: &str, host: &str) -> bool {
    let Ok(origin) = url::Url::parse(normalized_origin) else {
        return false;
    };
    let Some((host_name, host_port)) = split_host_port(host) else {
        return false;
    };
    let origin_host = origin.host_str().unwrap_or_default();
    let origin_port = origin.port_or_known_default();
    let host_port = host_port.or(origin_port);
    origin_host.eq_ignore_ascii_case(&host_name) && origin_port == host_port
}

/// Splits a `Host` header value into (host, port). Handles `[::1]:8080`.
pub fn split_host_port(host: &str) -> Option<(String, Option<u16>)> {
    let host = host.trim();
    if host.is_empty() {
        return None;
    }
    let (name, port) = if let Some(rest) = host.strip_prefix('[') {
        let (inner, after) = rest.split_once(']')?;
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':')?.parse().ok()?),
        };
        (format!("[{inner}]"), port)
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) => (name.to_string(), Some(port.parse().ok()?)),
            None => (host.to_string(), None),
        }
    };
    if name.is_empty() || name.contains(['/', '@', ' ']) {
        return None;
    }
    Some((name.to_ascii_lowercase(), port))
}

/// Whether a `Host` names the local machine: `localhost`, `*.localhost`, `127.0.0.0/8`, `[::1]`.
pub fn is_loopback_host(host: &str) -> bool {
    let Some((name, _)) = split_host_port(host) else {
        return false;
    };
    if name == "localhost" || name.ends_with(".localhost") || name == "[::1]" {
        return true;
    }
    name.parse::<std::net::Ipv4Addr>()
        .is_ok_and(|ip| ip.is_loopback())
}

/// DNS-rebinding guard: when the proxy only listens on loopback, a page on `evil.test`
/// that re-resolves to 127.0.0.1 would be "same-origin"; refusing non-loopback `Host`
/// values (other than the hosts of `--allow-origin` entries) closes that door.
pub fn check_host(host: Option<&HeaderValue>, policy: &Policy) -> Result<(), Refusal> {
    if !policy.loopback_hosts_only {
        return Ok(());
    }
    let Some(host) = host.and_then(|h| h.to_str().ok()) else {
        return Err(Refusal::ForbiddenHost(String::new()));
    };
    if is_loopback_host(host)
        || policy
            .allowed_origins
            .iter()
            .any(|origin| is_same_origin(origin, host))
    {
        Ok(())
    } else {
        Err(Refusal::ForbiddenHost(host.to_string()))
    }
}

/// Answers whether a CORS preflight may be granted: the origin must be allowed, the requested
/// method POST, and every requested header on [`CORS_ALLOWED_REQUEST_HEADERS`].
pub fn check_preflight(
    origin: Option<&HeaderValue>,
    request_method: Option<&HeaderValue>,
    request_headers: Option<&HeaderValue>,
    allowed_origins: &[String],
) -> Result<String, Refusal> {
    let raw = origin
        .map(|o| String::from_utf8_lossy(o.as_bytes()).into_owned())
        .unwrap_or_default();
    let normalized = origin
        .and_then(|o| o.to_str().ok())
        .and_then(normalize_origin)
        .ok_or_else(|| Refusal::ForbiddenOrigin(raw.clone()))?;
    if !allowed_origins.contains(&normalized) {
        return Err(Refusal::ForbiddenOrigin(raw));
    }
    let method_ok = request_method
        .and_then(|m| m.to_str().ok())
        .is_some_and(|m| m.trim() == "POST");
    if !method_ok {
        return Err(Refusal::MethodNotAllowed);
    }
    if let Some(headers) = request_headers {
        let headers = headers.to_str().map_err(|_| Refusal::InvalidTarget)?;
        for name in headers.split(',').map(str::trim).filter(|h| !h.is_empty()) {
            let name = name.to_ascii_lowercase();
            if !CORS_ALLOWED_REQUEST_HEADERS.contains(&name.as_str()) {
                return Err(Refusal::ForbiddenOrigin(format!(
                    "{raw} (requested header {name:?} is not allowed)"
                )));
            }
        }
    }
    Ok(normalized)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::ALLOWED_ACTIONS;

    fn hv(s: &str) -> HeaderValue {
        HeaderValue::from_str(s).unwrap()
    }

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.append(HeaderName::from_bytes(k.as_bytes()).unwrap(), hv(v));
        }
        map
    }

    #[test]
    fn a_restore_is_named_by_any_of_its_targets() {
        let restore = "secretsmanager.RestoreSecret";
        assert!(names_restore_secret(&headers(&[("x-amz-target", restore)])));
        let two = headers(&[
            ("x-amz-target", "secretsmanager.ListSecrets"),
            ("x-amz-target", restore),
        ]);
        assert!(names_restore_secret(&two));
        for other in [
            "secretsmanager.ListSecrets",
            "RestoreSecret",
            "kms.RestoreSecret",
            "",
        ] {
            assert!(
                !names_restore_secret(&headers(&[("x-amz-target", other)])),
                "{other}"
            );
        }
        assert!(!names_restore_secret(&HeaderMap::new()));
    }

    fn good_headers(target: &str) -> HeaderMap {
        headers(&[("content-type", AMZ_JSON_1_1), ("x-amz-target", target)])
    }

    // --- method -------------------------------------------------------------------------

    #[test]
    fn only_post_is_accepted() {
        assert_eq!(check_method(&Method::POST), Ok(()));
        for m in [
            Method::GET,
            Method::PUT,
            Method::DELETE,
            Method::PATCH,
            Method::HEAD,
        ] {
            assert_eq!(check_method(&m), Err(Refusal::MethodNotAllowed), "{m}");
        }
    }

    // --- content type -------------------------------------------------------------------

    #[test]
    fn content_type_must_be_amz_json_1_1() {
        assert_eq!(check_content_type(Some(&hv(AMZ_JSON_1_1))), Ok(()));
        assert_eq!(
            check_content_type(Some(&hv("Application/X-Amz-Json-1.1; charset=utf-8"))),
            Ok(())
        );
        for bad in [
            "application/json",
            "application/x-amz-json-1.0",
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data",
            "",
            "application/x-amz-json-1.1x",
        ] {
            assert_eq!(
                check_content_type(Some(&hv(bad))),
                Err(Refusal::UnsupportedMediaType),
                "{bad:?}"
            );
        }
        assert_eq!(check_content_type(None), Err(Refusal::UnsupportedMediaType));
    }

    // --- target / allowlist -------------------------------------------------------------

    #[test]
    fn target_is_parsed() {
        assert_eq!(
            parse_target(Some(&hv("secretsmanager.ListSecrets"))),
            Ok("ListSecrets")
        );
        assert_eq!(parse_target(None), Err(Refusal::MissingTarget));
        assert_eq!(parse_target(Some(&hv(""))), Err(Refusal::MissingTarget));
        for bad in [
            "ListSecrets",
            "secretsmanager.",
            "secretsmanager.listSecrets",
            "SecretsManager.ListSecrets",
            "kms.ListKeys",
            "secretsmanager.List Secrets",
            "secretsmanager.ListSecrets/../x",
            "secretsmanager.ListSecrets.Extra",
            " secretsmanager.ListSecrets",
        ] {
            assert_eq!(
                parse_target(Some(&hv(bad))),
                Err(Refusal::InvalidTarget),
                "{bad:?}"
            );
        }
        let long = format!("secretsmanager.{}", "A".repeat(65));
        assert_eq!(parse_target(Some(&hv(&long))), Err(Refusal::InvalidTarget));
        let non_utf8 = HeaderValue::from_bytes(b"secretsmanager.\xff").unwrap();
        assert_eq!(parse_target(Some(&non_utf8)), Err(Refusal::InvalidTarget));
    }

    #[test]
    fn only_allowlisted_actions_pass() {
        assert_eq!(check_action("ListSecrets", false), Ok(Action::ListSecrets));
        assert_eq!(
            check_action("DescribeSecret", false),
            Ok(Action::DescribeSecret)
        );
        assert_eq!(
            check_action("RestoreSecret", false),
            Ok(Action::RestoreSecret)
        );
        for denied in [
            "GetSecretValue",
            "BatchGetSecretValue",
            "PutSecretValue",
            "DeleteSecret",
            "CreateSecret",
            "UpdateSecret",
            "GetResourcePolicy",
            "PutResourcePolicy",
            "RotateSecret",
            "TagResource",
            "NoSuchAction",
        ] {
            assert_eq!(
                check_action(denied, false),
                Err(Refusal::ActionNotAllowed(denied.into()))
            );
        }
        assert_eq!(ALLOWED_ACTIONS.len(), 3);
        for name in ALLOWED_ACTIONS {
            assert!(check_action(name, false).is_ok());
        }
    }

    #[test]
    fn read_only_refuses_restore_but_not_reads() {
        assert_eq!(check_action("RestoreSecret", true), Err(Refusal::ReadOnly));
        assert_eq!(check_action("ListSecrets", true), Ok(Action::ListSecrets));
        assert_eq!(
            check_action("DescribeSecret", true),
            Ok(Action::DescribeSecret)
        );
        // A disallowed action stays "not allowed" rather than "read-only".
        assert_eq!(
            check_action("DeleteSecret", true),
            Err(Refusal::ActionNotAllowed("DeleteSecret".into()))
        );
    }

    #[test]
    fn action_target_round_trips() {
        for action in [
            Action::ListSecrets,
            Action::DescribeSecret,
            Action::RestoreSecret,
        ] {
            let target = action.target();
            assert_eq!(target, format!("{TARGET_PREFIX}{}", action.as_str()));
            let value = hv(target);
            let parsed = parse_target(Some(&value)).unwrap();
            assert_eq!(check_action(parsed, false), Ok(action));
        }
    }

    // --- body ---------------------------------------------------------------------------

    #[test]
    fn body_must_be_a_json_object() {
        assert!(check_body(b"{}").unwrap().is_empty());
        let map = check_body(br#"{"SecretId":"a","IncludePlannedDeletion":true}"#).unwrap();
        assert_eq!(map["SecretId"], "a");
        for bad in [
            &b""[..],
            b"   ",
            b"[]",
            b"null",
            b"42",
            b"\"x\"",
            b"true",
            b"{",
            b"{\"a\":1} trailing",
            b"\xff\xfe",
        ] {
            assert!(
                matches!(check_body(bad), Err(Refusal::InvalidBody(_))),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn body_over_64_kib_is_too_large() {
        let mut big = b"{\"SecretId\":\"".to_vec();
        big.resize(MAX_BODY_BYTES + 1 - 2, b'a');
        big.extend_from_slice(b"\"}");
        assert_eq!(big.len(), MAX_BODY_BYTES + 1);
        assert_eq!(check_body(&big), Err(Refusal::RequestTooLarge));
        let mut fits = b"{\"SecretId\":\"".to_vec();
        fits.resize(MAX_BODY_BYTES - 2, b'a');
        fits.extend_from_slice(b"\"}");
        assert_eq!(fits.len(), MAX_BODY_BYTES);
        assert!(check_body(&fits).is_ok());
    }

    #[test]
    fn two_targets_are_refused_as_ambiguous() {
        let mut headers = good_headers("secretsmanager.ListSecrets");
        headers.append(
            "x-amz-target",
            HeaderValue::from_static("secretsmanager.GetSecretValue"),
        );
        let refusal =
            validate_request(&Method::POST, &headers, b"{}", &Policy::default()).unwrap_err();
        assert_eq!(refusal, Refusal::InvalidTarget);
        assert_eq!(refusal.status(), axum::http::StatusCode::BAD_REQUEST);
    }

    #[test]
    fn upstream_body_is_what_was_validated() {
        let valid = validate_request(
            &Method::POST,
            &good_headers("secretsmanager.RestoreSecret"),
            br#"{"SecretId":"first","SecretId":"second"}"#,
            &Policy::default(),
        )
        .unwrap();
        // Whatever serde kept is what is audited AND what is sent.
        let sent: Value = serde_json::from_slice(&valid.upstream_body()).unwrap();
        assert_eq!(sent["SecretId"].as_str(), valid.secret_id());
        assert_eq!(
            String::from_utf8(valid.upstream_body())
                .unwrap()
                .matches("SecretId")
                .count(),
            1
        );
    }

    // --- whole request ------------------------------------------------------------------

    #[test]
    fn validate_request_reports_each_refusal() {
        let p = Policy::default();
        let ok = validate_request(
            &Method::POST,
            &good_headers("secretsmanager.DescribeSecret"),
            br#"{"SecretId":"db/password"}"#,
            &p,
        )
        .unwrap();
        assert_eq!(ok.action, Action::DescribeSecret);
        assert_eq!(ok.secret_id(), Some("db/password"));

        let cases: Vec<(Method, HeaderMap, &[u8], &str)> = vec![
            (
                Method::GET,
                good_headers("secretsmanager.ListSecrets"),
                b"{}",
                "MethodNotAllowed",
            ),
            (
                Method::POST,
                headers(&[
                    ("content-type", "application/json"),
                    ("x-amz-target", "secretsmanager.ListSecrets"),
                ]),
                b"{}",
                "UnsupportedMediaType",
            ),
            (
                Method::POST,
                headers(&[("content-type", AMZ_JSON_1_1)]),
                b"{}",
                "MissingTarget",
            ),
            (
                Method::POST,
                good_headers("ListSecrets"),
                b"{}",
                "InvalidTarget",
            ),
            (
                Method::POST,
                good_headers("secretsmanager.GetSecretValue"),
                b"{}",
                "ActionNotAllowed",
            ),
            (
                Method::POST,
                good_headers("secretsmanager.ListSecrets"),
                b"[1]",
                "InvalidRequestBody",
            ),
        ];
        for (method, headers, body, ty) in cases {
            let err = validate_request(&method, &headers, body, &p).unwrap_err();
            assert_eq!(err.error_type(), ty);
        }
        let ro = Policy {
            read_only: true,
            ..Policy::default()
        };
        let err = validate_request(
            &Method::POST,
            &good_headers("secretsmanager.RestoreSecret"),
            br#"{"SecretId":"x"}"#,
            &ro,
        )
        .unwrap_err();
        assert_eq!(err, Refusal::ReadOnly);
    }

    // --- header filtering ---------------------------------------------------------------

    #[test]
    fn request_header_filter_is_an_allowlist() {
        for ok in [
            "content-type",
            "x-amz-target",
            "Content-Type",
            "X-Amz-Target",
        ] {
            let name = HeaderName::from_bytes(ok.as_bytes()).unwrap();
            assert!(is_forwardable_request_header(&name), "{ok}");
        }
        for never in [
            "authorization",
            "x-amz-date",
            "x-amz-security-token",
            "x-amz-content-sha256",
            "x-amz-user-agent",
            "x-amz-meta-anything",
            "cookie",
            "host",
            "x-forwarded-host",
            "x-forwarded-for",
            "forwarded",
            "connection",
            "keep-alive",
            "proxy-authorization",
            "proxy-connection",
            "te",
            "trailer",
            "transfer-encoding",
            "upgrade",
            "origin",
            "referer",
            "content-length",
        ] {
            let name = HeaderName::from_bytes(never.as_bytes()).unwrap();
            assert!(!is_forwardable_request_header(&name), "{never}");
        }
    }

    #[test]
    fn response_header_filter_keeps_only_type_and_request_id() {
        for ok in ["content-type", "x-amzn-requestid", "X-Amzn-RequestId"] {
            let name = HeaderName::from_bytes(ok.as_bytes()).unwrap();
            assert!(is_returnable_response_header(&name), "{ok}");
        }
        for never in [
            "set-cookie",
            "connection",
            "transfer-encoding",
            "server",
            "access-control-allow-origin",
            "content-length",
            "x-amz-id-2",
        ] {
            let name = HeaderName::from_bytes(never.as_bytes()).unwrap();
            assert!(!is_returnable_response_header(&name), "{never}");
        }
    }

    // --- origins ------------------------------------------------------------------------

    #[test]
    fn origins_are_normalised() {
        assert_eq!(
            normalize_origin("http://127.0.0.1:8080").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(
            normalize_origin("HTTPS://UI.Example.COM:443").as_deref(),
            Some("https://ui.example.com")
        );
        assert_eq!(
            normalize_origin("http://ui.example.com:80/").as_deref(),
            Some("http://ui.example.com")
        );
        for bad in [
            "null",
            "",
            "file:///tmp/x",
            "ui.example.com",
            "https://u:p@ui.example.com",
            "https://ui.example.com/path",
            "https://ui.example.com?q",
            "javascript:alert(1)",
        ] {
            assert_eq!(normalize_origin(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn no_origin_is_not_a_cross_origin_request() {
        assert_eq!(
            check_origin(None, Some(&hv("127.0.0.1:8080")), &[]),
            Ok(OriginCheck::NoOrigin)
        );
    }

    #[test]
    fn same_origin_is_accepted() {
        let same = [
            ("http://127.0.0.1:8080", "127.0.0.1:8080"),
            ("http://localhost:8080", "LOCALHOST:8080"),
            ("https://undelete.example.com", "undelete.example.com"),
            ("https://undelete.example.com", "undelete.example.com:443"),
            ("http://[::1]:8080", "[::1]:8080"),
        ];
        for (origin, host) in same {
            assert_eq!(
                check_origin(Some(&hv(origin)), Some(&hv(host)), &[]),
                Ok(OriginCheck::SameOrigin),
                "{origin} vs {host}"
            );
        }
    }

    #[test]
    fn foreign_origins_are_refused() {
        let foreign = [
            ("http://127.0.0.1:9999", "127.0.0.1:8080"),
            ("http://localhost:8080", "127.0.0.1:8080"),
            ("https://evil.test", "127.0.0.1:8080"),
            ("null", "127.0.0.1:8080"),
            ("garbage", "127.0.0.1:8080"),
        ];
        for (origin, host) in foreign {
            let result = check_origin(Some(&hv(origin)), Some(&hv(host)), &[]);
            assert!(
                matches!(result, Err(Refusal::ForbiddenOrigin(_))),
                "{origin} vs {host}: {result:?}"
            );
        }
        // No Host at all: cannot be same-origin.
        assert!(check_origin(Some(&hv("http://127.0.0.1:8080")), None, &[]).is_err());
    }

    #[test]
    fn allowed_origins_pass_after_normalisation() {
        let allowed = vec![normalize_origin("https://ui.example.com:443").unwrap()];
        assert_eq!(
            check_origin(
                Some(&hv("https://UI.example.com")),
                Some(&hv("127.0.0.1:8080")),
                &allowed
            ),
            Ok(OriginCheck::Allowed("https://ui.example.com".into()))
        );
        assert!(
            check_origin(
                Some(&hv("http://ui.example.com")),
                Some(&hv("127.0.0.1:8080")),
                &allowed
            )
            .is_err()
        );
        assert!(
            check_origin(
                Some(&hv("https://ui.example.com.evil.test")),
                Some(&hv("127.0.0.1:8080")),
                &allowed
            )
            .is_err()
        );
    }

    #[test]
    fn preflight_only_for_allowed_origins_post_and_known_headers() {
        let allowed = vec!["https://ui.example.com".to_string()];
        let origin = hv("https://ui.example.com");
        let post = hv("POST");
        assert_eq!(
            check_preflight(
                Some(&origin),
                Some(&post),
                Some(&hv("Content-Type, X-Amz-Target")),
                &allowed
            ),
            Ok("https://ui.example.com".into())
        );
        assert!(check_preflight(Some(&origin), Some(&post), None, &allowed).is_ok());
        assert!(matches!(
            check_preflight(Some(&hv("https://evil.test")), Some(&post), None, &allowed),
            Err(Refusal::ForbiddenOrigin(_))
        ));
        assert!(matches!(
            check_preflight(None, Some(&post), None, &allowed),
            Err(Refusal::ForbiddenOrigin(_))
        ));
        assert_eq!(
            check_preflight(Some(&origin), Some(&hv("DELETE")), None, &allowed),
            Err(Refusal::MethodNotAllowed)
        );
        assert!(matches!(
            check_preflight(
                Some(&origin),
                Some(&post),
                Some(&hv("content-type, authorization")),
                &allowed
            ),
            Err(Refusal::ForbiddenOrigin(_))
        ));
        // No allowed origins at all: every preflight is refused.
        assert!(check_preflight(Some(&origin), Some(&post), None, &[]).is_err());
    }

    // --- hosts --------------------------------------------------------------------------

    #[test]
    fn host_header_parsing() {
        assert_eq!(
            split_host_port("127.0.0.1:8080"),
            Some(("127.0.0.1".into(), Some(8080)))
        );
        assert_eq!(
            split_host_port("Example.COM"),
            Some(("example.com".into(), None))
        );
        assert_eq!(
            split_host_port("[::1]:80"),
            Some(("[::1]".into(), Some(80)))
        );
        assert_eq!(split_host_port("[::1]"), Some(("[::1]".into(), None)));
        assert_eq!(split_host_port("host:notaport"), None);
        assert_eq!(split_host_port(""), None);
        assert_eq!(split_host_port("a@b:1"), None);
    }

    #[test]
    fn loopback_hosts() {
        for ok in [
            "localhost",
            "localhost:8080",
            "app.localhost:1",
            "127.0.0.1:8080",
            "127.1.2.3",
            "[::1]:8080",
        ] {
            assert!(is_loopback_host(ok), "{ok}");
        }
        for bad in [
            "evil.test",
            "evil.test:8080",
            "10.0.0.1:8080",
            "localhost.evil.test",
            "0.0.0.0:8080",
            "",
        ] {
            assert!(!is_loopback_host(bad), "{bad}");
        }
    }

    #[test]
    fn host_guard_blocks_dns_rebinding_on_loopback() {
        let loopback = Policy {
            loopback_hosts_only: true,
            ..Policy::default()
        };
        assert_eq!(check_host(Some(&hv("127.0.0.1:8080")), &loopback), Ok(()));
        assert_eq!(check_host(Some(&hv("localhost:8080")), &loopback), Ok(()));
        assert_eq!(
            check_host(Some(&hv("evil.test:8080")), &loopback),
            Err(Refusal::ForbiddenHost("evil.test:8080".into()))
        );
        assert!(check_host(None, &loopback).is_err());
        // With --allow-remote the guard is off (the operator's front decides).
        let remote = Policy::default();
        assert_eq!(check_host(Some(&hv("evil.test:8080")), &remote), Ok(()));
        // The host of an allowed origin is accepted (e.g. a tunnel that keeps Host).
        let tunnel = Policy {
            loopback_hosts_only: true,
            allowed_origins: vec!["https://undelete.example.com".into()],
            ..Policy::default()
        };
        assert_eq!(
            check_host(Some(&hv("undelete.example.com")), &tunnel),
            Ok(())
        );
    }
}
