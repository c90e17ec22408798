//! SigV4 signing with `aws-sigv4`, and credentials from the standard AWS chain via
//! `aws-config` (environment, shared files / AWS_PROFILE, SSO, web identity, ECS, EC2 IMDS),
//! cached and refreshed ahead of expiry.

use crate::errors::error_chain;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider, future};
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use http::{HeaderName, HeaderValue};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};
use tokio::sync::Mutex;

/// SigV4 service name of Secrets Manager.
pub const SERVICE: &str = "secretsmanager";

/// Credentials are refreshed this long before they expire.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

/// Loads the shared AWS configuration (region and credential chain).
pub async fn load_aws_config(region: Option<&str>, profile: Option<&str>) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest());
    if let Some(region) = region {
        loader = loader.region(Region::new(region.to_string()));
    }
    if let Some(profile) = profile {
        loader = loader.profile_name(profile);
    }
    loader.load().await
}

/// Signs upstream requests with credentials from one provider (one account), for any region.
pub struct Signer {
    provider: SharedCredentialsProvider,
    /// The current credentials and the signing identity made from them (converted once, not
    /// per request). Read on every call without waiting; written only by a refresh.
    cached: RwLock<Option<Cached>>,
    /// Why the last attempt to resolve credentials failed, until one succeeds.
    failure: RwLock<Option<String>>,
    /// Held while the chain is asked, so that concurrent callers wait for a single refresh.
    refresh: Mutex<()>,
}

#[derive(Clone)]
struct Cached {
    credentials: Credentials,
    identity: Identity,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("provider", &self.provider)
            .finish_non_exhaustive()
    }
}

impl Signer {
    pub fn new(provider: SharedCredentialsProvider) -> Self {
        Self {
            provider,
            cached: RwLock::new(None),
            failure: RwLock::new(None),
            refresh: Mutex::new(()),
        }
    }

    /// A signer with fixed credentials (tests, embedding).
    pub fn with_static_credentials(credentials: Credentials) -> Self {
        Self::new(SharedCredentialsProvider::new(credentials))
    }

    /// Why the credentials could not be resolved the last time they were asked for, unless
    /// they have been since.
    pub fn failure(&self) -> Option<String> {
        self.failure
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Current credentials: cached until [`REFRESH_MARGIN`] before expiry, then re-resolved.
    /// Concurrent callers wait for a single refresh.
    pub async fn credentials(&self) -> Result<Credentials, String> {
        Ok(self.current().await?.credentials)
    }

    /// The cached credentials if they are still fresh.
    fn fresh(&self) -> Option<Cached> {
        let cached = self.cached.read().unwrap_or_else(|e| e.into_inner());
        cached
            .as_ref()
            .filter(|c| is_fresh(&c.credentials, SystemTime::now()))
            .cloned()
    }

    async fn current(&self) -> Result<Cached, String> {
        if let Some(cached) = self.fresh() {
            return Ok(cached);
        }
        let _refreshing = self.refresh.lock().await;
        // Another caller may have refreshed while this one waited.
        if let Some(cached) = self.fresh() {
            return Ok(cached);
        }
        let resolved = self.provider.provide_credentials().await;
        *self.failure.write().unwrap_or_else(|e| e.into_inner()) =
            resolved.as_ref().err().map(|e| error_chain(e));
        let credentials = resolved.map_err(|e| error_chain(&e))?;
        let cached = Cached {
            identity: credentials.clone().into(),
            credentials,
        };
        *self.cached.write().unwrap_or_else(|e| e.into_inner()) = Some(cached.clone());
        Ok(cached)
    }

    /// Forgets cached credentials (e.g. after the upstream reported them expired).
    pub async fn invalidate(&self) {
        let _refreshing = self.refresh.lock().await;
        *self.cached.write().unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// Signs a POST of `body` to `url` carrying `headers`, for `region`; returns the headers to
    /// add (`authorization`, `x-amz-date`, and `x-amz-security-token` for temporary credentials).
    pub async fn sign_post(
        &self,
        region: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<Vec<(String, String)>, SignError> {
        Ok(as_strings(
            self.sign_post_headers(region, url, headers, body).await?,
        ))
    }

    /// Like [`Signer::sign_post`], with the headers ready for an `http` request.
    pub async fn sign_post_headers(
        &self,
        region: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<Vec<(HeaderName, HeaderValue)>, SignError> {
        let cached = self.current().await.map_err(SignError::Credentials)?;
        sign_with_identity(
            &cached.identity,
            region,
            SERVICE,
            "POST",
            url,
            headers,
            body,
            SystemTime::now(),
        )
        .map_err(SignError::Signing)
    }
}

/// A [`Signer`]'s cached credentials as a credentials provider, so that the AWS SDK's own
/// clients (STS `AssumeRole` from this identity, `GetCallerIdentity`) use the same cache as
/// the signing of forwarded calls instead of resolving the chain again.
#[derive(Debug, Clone)]
pub struct SignerCredentials(pub Arc<Signer>);

impl ProvideCredentials for SignerCredentials {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(async move {
            self.0
                .credentials()
                .await
                .map_err(CredentialsError::provider_error)
        })
    }
}

#[derive(Debug)]
pub enum SignError {
    /// The credential chain failed.
    Credentials(String),
    /// The request could not be signed (should not happen for requests the proxy builds).
    Signing(String),
}

/// Whether cached credentials can still be used at `now`.
pub fn is_fresh(credentials: &Credentials, now: SystemTime) -> bool {
    match credentials.expiry() {
        None => true,
        Some(expiry) => expiry > now + REFRESH_MARGIN,
    }
}

/// Computes a SigV4 signature (header-based) and returns the headers to add to the request.
/// `headers` must include every header that will be sent and should be signed (the proxy
/// passes `content-type` and `x-amz-target`); `host` is derived from `url`.
#[allow(clippy::too_many_arguments)]
pub fn sign_request(
    credentials: &Credentials,
    region: &str,
    service: &str,
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    time: SystemTime,
) -> Result<Vec<(String, String)>, String> {
    let identity = credentials.clone().into();
    Ok(as_strings(sign_with_identity(
        &identity, region, service, method, url, headers, body, time,
    )?))
}

/// Signing headers as plain strings (the form the public signing API returns).
fn as_strings(headers: Vec<(HeaderName, HeaderValue)>) -> Vec<(String, String)> {
    headers
        .into_iter()
        .map(|(name, value)| {
            let value = value.to_str().unwrap_or_default().to_string();
            (name.as_str().to_string(), value)
        })
        .collect()
}

/// [`sign_request`] with an already converted identity, returning `http` header types.
#[allow(clippy::too_many_arguments)]
fn sign_with_identity(
    identity: &Identity,
    region: &str,
    service: &str,
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    time: SystemTime,
) -> Result<Vec<(HeaderName, HeaderValue)>, String> {
    let params = v4::SigningParams::builder()
        .identity(identity)
        .region(region)
        .name(service)
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| error_chain(&e))?
        .into();
    let signable = SignableRequest::new(
        method,
        url,
        headers.iter().copied(),
        SignableBody::Bytes(body),
    )
    .map_err(|e| error_chain(&e))?;
    let (instructions, _signature) = sign(signable, &params)
        .map_err(|e| error_chain(&e))?
        .into_parts();
    let (headers, _params) = instructions.into_parts();
    headers
        .into_iter()
        .map(|h| {
            let name = HeaderName::from_static(h.name());
            let mut value = HeaderValue::from_str(h.value()).map_err(|e| e.to_string())?;
            value.set_sensitive(h.sensitive());
            Ok((name, value))
        })
        .collect()
}

/// Name of the provider that produced the credentials ("Environment", "Profile",
/// "WebIdentityToken", "EcsContainer", "IMDSv2", "SSO", ...). `Credentials` has no getter for
/// it (aws-credential-types 1.3.1 exposes the keys, expiry, account id and typed properties
/// only; the properties name credential *features*, not the provider), so it is read from its
/// `Debug` output, which redacts the secret key. Use a getter as soon as one exists.
pub fn provider_name(credentials: &Credentials) -> String {
    let debug = format!("{credentials:?}");
    debug
        .split_once("provider_name: \"")
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(name, _)| name.to_string())
        .unwrap_or_else(|| "unknown".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    fn creds() -> Credentials {
        Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            None,
            None,
            "Environment",
        )
    }

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn signature_has_the_secretsmanager_scope_and_signed_headers() {
        let headers = sign_request(
            &creds(),
            "us-east-1",
            SERVICE,
            "POST",
            "https://secretsmanager.us-east-1.amazonaws.com/",
            &[
                ("content-type", "application/x-amz-json-1.1"),
                ("x-amz-target", "secretsmanager.ListSecrets"),
            ],
            b"{}",
            at(1_440_938_160), // 2015-08-30T12:36:00Z
        )
        .unwrap();
        let get = |n: &str| {
            headers
                .iter()
                .find(|(k, _)| k == n)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(get("x-amz-date"), Some("20150830T123600Z"));
        let auth = get("authorization").unwrap();
        assert!(auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/secretsmanager/aws4_request"), "{auth}");
        assert!(
            auth.contains("SignedHeaders=content-type;host;x-amz-date;x-amz-target"),
            "{auth}"
        );
        assert!(
            !auth.contains("wJalrXUtnFEMI"),
            "secret key must never appear"
        );
        assert_eq!(get("x-amz-security-token"), None);
    }

    #[test]
    fn signature_depends_on_body_region_and_secret() {
        let sign = |creds: &Credentials, region: &str, body: &[u8]| {
            sign_request(
                creds,
                region,
                SERVICE,
                "POST",
                "http://127.0.0.1:5000/",
                &[
                    ("content-type", "application/x-amz-json-1.1"),
                    ("x-amz-target", "secretsmanager.ListSecrets"),
                ],
                body,
                at(1_700_000_000),
            )
            .unwrap()
            .into_iter()
            .find(|(k, _)| k == "authorization")
            .unwrap()
            .1
        };
        let base = sign(&creds(), "us-east-1", b"{}");
        assert_eq!(base, sign(&creds(), "us-east-1", b"{}"), "deterministic");
        assert_ne!(base, sign(&creds(), "us-east-1", b"{\"MaxResults\":1}"));
        assert_ne!(base, sign(&creds(), "eu-west-1", b"{}"));
        let other = Credentials::new("AKIDEXAMPLE", "different", None, None, "test");
        assert_ne!(base, sign(&other, "us-east-1", b"{}"));
    }

    #[test]
    fn session_token_is_sent_for_temporary_credentials() {
        let temp = Credentials::new(
            "ASIAEXAMPLE",
            "secret",
            Some("token123".into()),
            None,
            "WebIdentityToken",
        );
        let headers = sign_request(
            &temp,
            "us-east-1",
            SERVICE,
            "POST",
            "https://secretsmanager.us-east-1.amazonaws.com/",
            &[],
            b"{}",
            at(1_700_000_000),
        )
        .unwrap();
        assert!(
            headers
                .iter()
                .any(|(k, v)| k == "x-amz-security-token" && v == "token123")
        );
    }

    #[test]
    fn freshness_uses_a_refresh_margin() {
        let now = at(1_700_000_000);
        assert!(is_fresh(&creds(), now), "no expiry = long-term keys");
        let soon = Credentials::new("A", "B", None, Some(now + Duration::from_secs(60)), "Sso");
        assert!(!is_fresh(&soon, now));
        let later = Credentials::new("A", "B", None, Some(now + Duration::from_secs(3600)), "Sso");
        assert!(is_fresh(&later, now));
    }

    #[test]
    fn provider_name_is_extracted_without_the_secret() {
        assert_eq!(provider_name(&creds()), "Environment");
        let c = Credentials::new("A", "B", None, None, "Profile");
        assert_eq!(provider_name(&c), "Profile");
    }

    #[tokio::test]
    async fn expired_credentials_are_refreshed() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicUsize, Ordering};

        #[derive(Debug)]
        struct Counting(Arc<AtomicUsize>, Option<Duration>);
        impl ProvideCredentials for Counting {
            fn provide_credentials<'a>(
                &'a self,
            ) -> aws_credential_types::provider::future::ProvideCredentials<'a>
            where
                Self: 'a,
            {
                let n = self.0.fetch_add(1, Ordering::SeqCst);
                let expiry = self.1.map(|d| SystemTime::now() + d);
                aws_credential_types::provider::future::ProvideCredentials::ready(Ok(
                    Credentials::new(format!("AKID{n}"), "secret", None, expiry, "Test"),
                ))
            }
        }

        let calls = Arc::new(AtomicUsize::new(0));
        let long = Signer::new(SharedCredentialsProvider::new(Counting(
            calls.clone(),
            None,
        )));
        assert_eq!(long.credentials().await.unwrap().access_key_id(), "AKID0");
        assert_eq!(long.credentials().await.unwrap().access_key_id(), "AKID0");
        assert_eq!(calls.load(Ordering::SeqCst), 1, "cached");

        let calls = Arc::new(AtomicUsize::new(0));
        let short = Signer::new(SharedCredentialsProvider::new(Counting(
            calls.clone(),
            Some(Duration::from_secs(30)),
        )));
        assert_eq!(short.credentials().await.unwrap().access_key_id(), "AKID0");
        assert_eq!(short.credentials().await.unwrap().access_key_id(), "AKID1");
        assert_eq!(
            calls.load(Ordering::SeqCst),
            2,
            "expiring credentials are re-resolved"
        );
    }

    #[tokio::test]
    async fn a_failed_resolution_is_remembered_until_one_succeeds() {
        use std::sync::atomic::{AtomicBool, Ordering};

        #[derive(Debug)]
        struct Flaky(Arc<AtomicBool>);
        impl ProvideCredentials for Flaky {
            fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
            where
                Self: 'a,
            {
                future::ProvideCredentials::ready(if self.0.load(Ordering::SeqCst) {
                    Ok(Credentials::new("AKID", "secret", None, None, "Test"))
                } else {
                    Err(CredentialsError::not_loaded("role cannot be assumed"))
                })
            }
        }

        let works = Arc::new(AtomicBool::new(false));
        let signer = Arc::new(Signer::new(SharedCredentialsProvider::new(Flaky(
            works.clone(),
        ))));
        assert_eq!(signer.failure(), None, "nothing asked yet");
        let error = signer.credentials().await.unwrap_err();
        assert!(error.contains("role cannot be assumed"), "{error}");
        assert_eq!(signer.failure().as_deref(), Some(error.as_str()));
        // The SDK's clients see the same cache and the same failure.
        let as_provider = SignerCredentials(signer.clone());
        assert!(as_provider.provide_credentials().await.is_err());

        works.store(true, Ordering::SeqCst);
        let credentials = as_provider.provide_credentials().await.unwrap();
        assert_eq!(credentials.access_key_id(), "AKID");
        assert_eq!(
            signer.failure(),
            None,
            "tried again on the next call, and it worked"
        );
    }
}
