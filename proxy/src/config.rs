//! Resolved settings: everything the server needs besides its targets ([`crate::fleet`]),
//! decided once at start-up. The pure resolution rules (listen address, endpoint, region) are
//! unit-tested here; loading the AWS chain lives in `signing.rs` and `fleet_setup.rs`.

use crate::policy::{Policy, normalize_origin};
use anyhow::{Context, Result, anyhow, bail};
use http::HeaderName;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;
use url::Url;

/// Settings for one proxy instance.
#[derive(Debug, Clone)]
pub struct ProxyConfig {
    /// Directory with the built UI, served at `/`.
    pub static_dir: Option<PathBuf>,
    /// Allowlist / origin / read-only policy.
    pub policy: Policy,
    /// Header holding the operator identity (for the audit log).
    pub identity_header: Option<HeaderName>,
    /// Upper bound for one upstream call.
    pub upstream_timeout: Duration,
}

impl ProxyConfig {
    /// The default configuration of a proxy on loopback (useful for tests and embedding).
    pub fn local() -> Self {
        Self {
            static_dir: None,
            policy: Policy {
                loopback_hosts_only: true,
                ..Policy::default()
            },
            identity_header: None,
            upstream_timeout: Duration::from_secs(15),
        }
    }
}

/// Parses `--listen`. `localhost:PORT` means 127.0.0.1. A non-loopback address is refused
/// unless `allow_remote`.
pub fn parse_listen(listen: &str, allow_remote: bool) -> Result<SocketAddr> {
    let addr: SocketAddr = match listen.strip_prefix("localhost:") {
        Some(port) => SocketAddr::new(
            IpAddr::V4(Ipv4Addr::LOCALHOST),
            port.parse()
                .with_context(|| format!("invalid port in --listen {listen:?}"))?,
        ),
        None => listen.parse().with_context(|| {
            format!("invalid --listen {listen:?}: expected IP:PORT such as 127.0.0.1:8080")
        })?,
    };
    if !addr.ip().is_loopback() && !allow_remote {
        bail!(
            "refusing to listen on {addr}: it is not a loopback address and the proxy acts with \
             your AWS credentials for anyone who can reach it; pass --allow-remote to do it anyway \
             (preferably behind an authenticating front)"
        );
    }
    Ok(addr)
}

/// Region names are used in a host name and a credential scope: keep them to `[a-z0-9-]`.
pub fn validate_region(region: &str) -> Result<()> {
    let ok = !region.is_empty()
        && region.len() <= 32
        && region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !region.starts_with('-')
        && !region.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(anyhow!("invalid AWS region {region:?}"))
    }
}

/// The public Secrets Manager endpoint of a region (China regions live under amazonaws.com.cn).
pub fn default_endpoint(region: &str) -> String {
    let suffix = if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    };
    format!("https://secretsmanager.{region}.{suffix}")
}

/// Validates an endpoint URL: http(s), a host, no user info, query or fragment.
pub fn parse_endpoint(endpoint: &str) -> Result<Url> {
    let url = Url::parse(endpoint).with_context(|| format!("invalid endpoint URL {endpoint:?}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        bail!("endpoint URL {endpoint:?} must be http:// or https://");
    }
    if url.host_str().is_none_or(str::is_empty) {
        bail!("endpoint URL {endpoint:?} has no host");
    }
    if !url.username().is_empty() || url.password().is_some() {
        bail!("endpoint URL {endpoint:?} must not contain user info");
    }
    if url.query().is_some() || url.fragment().is_some() {
        bail!("endpoint URL {endpoint:?} must not contain a query or fragment");
    }
    Ok(url)
}

/// Picks the endpoint of every region: `--endpoint-url`, then
/// `AWS_ENDPOINT_URL_SECRETS_MANAGER`, then `AWS_ENDPOINT_URL`, then the profile's
/// `endpoint_url`; `None` when none is set (then each region's public endpoint,
/// [`default_endpoint`]). Environment values that are empty are ignored. Returns the URL and
/// where it came from.
pub fn resolve_endpoint(
    flag: Option<&str>,
    env_service: Option<&str>,
    env_global: Option<&str>,
    profile: Option<&str>,
) -> Result<Option<(Url, String)>> {
    let nonempty = |v: Option<&str>| {
        v.map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let candidates = [
        (nonempty(flag), "--endpoint-url"),
        (nonempty(env_service), "AWS_ENDPOINT_URL_SECRETS_MANAGER"),
        (nonempty(env_global), "AWS_ENDPOINT_URL"),
        (nonempty(profile), "profile endpoint_url"),
    ];
    for (value, source) in candidates {
        if let Some(value) = value {
            return Ok(Some((
                parse_endpoint(&value).with_context(|| format!("from {source}"))?,
                source.into(),
            )));
        }
    }
    Ok(None)
}

/// The endpoint of `region`: the one set for all (see [`resolve_endpoint`]), else the region's
/// public endpoint. `region` must have passed [`validate_region`].
pub fn endpoint_for(fixed: Option<&Url>, region: &str) -> Result<Url> {
    match fixed {
        Some(url) => Ok(url.clone()),
        None => parse_endpoint(&default_endpoint(region)),
    }
}

/// Normalises the `--allow-origin` values, refusing anything that is not an http(s) origin.
pub fn parse_allowed_origins(origins: &[String]) -> Result<Vec<String>> {
    origins
        .iter()
        .map(|o| {
            normalize_origin(o).ok_or_else(|| {
                anyhow!("invalid --allow-origin {o:?}: expected scheme://host[:port], e.g. https://ui.example.com")
            })
        })
        .collect()
}

/// Parses `--identity-header`.
pub fn parse_identity_header(name: Option<&str>) -> Result<Option<HeaderName>> {
    name.map(|n| {
        HeaderName::from_bytes(n.trim().as_bytes())
            .with_context(|| format!("invalid --identity-header {n:?}"))
    })
    .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_defaults_to_loopback_and_refuses_remote() {
        assert_eq!(
            parse_listen("127.0.0.1:8080", false).unwrap().to_string(),
            "127.0.0.1:8080"
        );
        assert_eq!(
            parse_listen("localhost:9000", false).unwrap().to_string(),
            "127.0.0.1:9000"
        );
        assert_eq!(
            parse_listen("[::1]:8080", false).unwrap().to_string(),
            "[::1]:8080"
        );
        let err = parse_listen("0.0.0.0:8080", false).unwrap_err().to_string();
        assert!(err.contains("--allow-remote"), "{err}");
        assert!(parse_listen("192.168.1.10:8080", false).is_err());
        assert!(parse_listen("0.0.0.0:8080", true).is_ok());
        assert!(parse_listen("nonsense", false).is_err());
        assert!(parse_listen("127.0.0.1", false).is_err());
    }

    #[test]
    fn regions_are_validated() {
        for ok in ["us-east-1", "eu-central-2", "cn-north-1", "us-gov-west-1"] {
            validate_region(ok).unwrap();
        }
        for bad in [
            "",
            "US-EAST-1",
            "us-east-1.evil.test",
            "us east",
            "-x",
            "a/b",
        ] {
            assert!(validate_region(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn default_endpoints() {
        assert_eq!(
            default_endpoint("us-east-1"),
            "https://secretsmanager.us-east-1.amazonaws.com"
        );
        assert_eq!(
            default_endpoint("cn-north-1"),
            "https://secretsmanager.cn-north-1.amazonaws.com.cn"
        );
    }

    #[test]
    fn endpoint_precedence() {
        let (url, src) = resolve_endpoint(
            Some("http://127.0.0.1:5000"),
            Some("http://service:1"),
            Some("http://global:2"),
            Some("http://profile:3"),
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            (url.as_str(), src.as_str()),
            ("http://127.0.0.1:5000/", "--endpoint-url")
        );
        let (url, src) = resolve_endpoint(
            None,
            Some("http://service:1"),
            Some("http://global:2"),
            None,
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            (url.as_str(), src.as_str()),
            ("http://service:1/", "AWS_ENDPOINT_URL_SECRETS_MANAGER")
        );
        let (url, src) = resolve_endpoint(None, Some(""), Some("http://global:2"), None)
            .unwrap()
            .unwrap();
        assert_eq!(
            (url.as_str(), src.as_str()),
            ("http://global:2/", "AWS_ENDPOINT_URL")
        );
        let (url, src) = resolve_endpoint(None, None, None, Some("http://profile:3"))
            .unwrap()
            .unwrap();
        assert_eq!(
            (url.as_str(), src.as_str()),
            ("http://profile:3/", "profile endpoint_url")
        );
        assert!(
            resolve_endpoint(None, Some(" "), None, None)
                .unwrap()
                .is_none()
        );
        assert!(resolve_endpoint(Some("ftp://x"), None, None, None).is_err());
    }

    #[test]
    fn each_region_has_its_public_endpoint_unless_one_is_set_for_all() {
        assert_eq!(
            endpoint_for(None, "eu-west-1").unwrap().as_str(),
            "https://secretsmanager.eu-west-1.amazonaws.com/"
        );
        let moto = Url::parse("http://127.0.0.1:5000").unwrap();
        assert_eq!(endpoint_for(Some(&moto), "eu-west-1").unwrap(), moto);
    }

    #[test]
    fn bad_endpoints_are_refused() {
        for bad in [
            "ftp://x",
            "127.0.0.1:5000",
            "http://user:pw@host",
            "http://host/?q=1",
            "http://host/#f",
            "not a url",
        ] {
            assert!(parse_endpoint(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn allowed_origins_are_normalised_or_refused() {
        let ok =
            parse_allowed_origins(&["HTTP://LOCALHOST:8081".into(), "https://ui.test:443".into()])
                .unwrap();
        assert_eq!(ok, ["http://localhost:8081", "https://ui.test"]);
        assert!(parse_allowed_origins(&["*".into()]).is_err());
        assert!(parse_allowed_origins(&["https://ui.test/app".into()]).is_err());
    }

    #[test]
    fn identity_header_names() {
        assert_eq!(
            parse_identity_header(Some("X-Forwarded-Email"))
                .unwrap()
                .unwrap()
                .as_str(),
            "x-forwarded-email"
        );
        assert!(parse_identity_header(Some("bad header")).is_err());
        assert!(parse_identity_header(None).unwrap().is_none());
    }
}
