//! The upstream leg: builds the request to the fixed Secrets Manager endpoint from validated
//! data only, signs it, sends it over a keep-alive pool (hyper-util's client, rustls with the
//! platform verifier, bounded timeouts, no redirects) and returns the answer with only the
//! allowlisted headers.

use crate::action::{AMZ_JSON_1_1, Action};
use crate::errors::{Refusal, error_chain};
use crate::policy::is_returnable_response_header;
use crate::signing::{SignError, Signer};
use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method, Request, StatusCode, Uri, header};
use http_body_util::{BodyExt, Full};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use rustls_platform_verifier::BuilderVerifierExt;
use std::sync::Arc;
use std::time::Duration;
use url::Url;

/// `User-Agent` of upstream calls.
pub const USER_AGENT: &str = concat!("undelete-proxy/", env!("CARGO_PKG_VERSION"));

const X_AMZ_TARGET: HeaderName = HeaderName::from_static("x-amz-target");

/// Response from Secrets Manager, reduced to what the proxy passes back.
#[derive(Debug, Clone)]
pub struct UpstreamResponse {
    pub status: StatusCode,
    /// Only headers allowed by [`is_returnable_response_header`].
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body: Bytes,
}

impl UpstreamResponse {
    /// `x-amzn-RequestId`, if the upstream sent one.
    pub fn request_id(&self) -> Option<&str> {
        self.headers
            .iter()
            .find(|(name, _)| name.as_str() == "x-amzn-requestid")
            .and_then(|(_, value)| value.to_str().ok())
    }
}

/// How requests reach the endpoint.
enum Transport {
    /// Straight to the endpoint: hyper-util's keep-alive pool, rustls (aws-lc-rs) with the
    /// platform certificate verifier.
    Direct(Box<Client<HttpsConnector<HttpConnector>, Full<Bytes>>>),
    /// Through the HTTP(S) proxy that the environment (`HTTPS_PROXY`, `HTTP_PROXY`,
    /// `ALL_PROXY`, minus `NO_PROXY`) names for the endpoint: reqwest, which implements
    /// proxying (absolute-form requests, CONNECT tunnels, proxy credentials).
    ViaEnvProxy(reqwest::Client),
}

/// A client bound to one endpoint, region and credential source.
pub struct Upstream {
    transport: Transport,
    url: Url,
    /// `url`, parsed once for every request.
    uri: Uri,
    signer: Arc<Signer>,
    timeout: Duration,
}

impl std::fmt::Debug for Upstream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upstream")
            .field("url", &self.url.as_str())
            .field("via_env_proxy", &self.via_env_proxy())
            .field("signer", &self.signer)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl Upstream {
    /// A client for `endpoint`; it goes through a proxy exactly when the environment's proxy
    /// settings name one for this endpoint (decided once, here).
    pub fn new(
        endpoint: Url,
        signer: impl Into<Arc<Signer>>,
        timeout: Duration,
    ) -> anyhow::Result<Self> {
        let uri: Uri = endpoint.as_str().parse()?;
        let proxied = hyper_util::client::proxy::matcher::Matcher::from_system()
            .intercept(&uri)
            .is_some();
        Self::with_transport(endpoint, signer, timeout, proxied)
    }

    /// Like [`Upstream::new`], with the choice of transport made by the caller: `via_env_proxy`
    /// uses the reqwest client that honours the environment's proxy settings (tests).
    pub fn with_transport(
        endpoint: Url,
        signer: impl Into<Arc<Signer>>,
        timeout: Duration,
        via_env_proxy: bool,
    ) -> anyhow::Result<Self> {
        let uri: Uri = endpoint.as_str().parse()?;
        let connect_timeout = timeout.min(Duration::from_secs(5));
        // Redirects are never followed by either transport: a signed request must never be
        // sent anywhere but the configured endpoint.
        let transport = if via_env_proxy {
            Transport::ViaEnvProxy(
                reqwest::Client::builder()
                    .timeout(timeout)
                    .connect_timeout(connect_timeout)
                    .redirect(reqwest::redirect::Policy::none())
                    .user_agent(USER_AGENT)
                    .build()?,
            )
        } else {
            let mut http = HttpConnector::new();
            // TLS is layered on top by `HttpsConnector`; plain `http://` only for local
            // endpoints such as moto.
            http.enforce_http(false);
            http.set_nodelay(true);
            http.set_connect_timeout(Some(connect_timeout));
            http.set_keepalive(Some(Duration::from_secs(15)));
            http.set_keepalive_interval(Some(Duration::from_secs(15)));
            http.set_keepalive_retries(Some(3));
            let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
            let tls = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()?
                .with_platform_verifier()?
                .with_no_client_auth();
            let https = hyper_rustls::HttpsConnectorBuilder::new()
                .with_tls_config(tls)
                .https_or_http()
                .enable_http1()
                .enable_http2()
                .wrap_connector(http);
            Transport::Direct(Box::new(
                Client::builder(TokioExecutor::new())
                    .pool_idle_timeout(Duration::from_secs(90))
                    .build(https),
            ))
        };
        Ok(Self {
            transport,
            url: endpoint,
            uri,
            signer: signer.into(),
            timeout,
        })
    }

    pub fn signer(&self) -> &Signer {
        &self.signer
    }

    pub fn url(&self) -> &Url {
        &self.url
    }

    /// Whether calls go through a proxy named by the environment.
    pub fn via_env_proxy(&self) -> bool {
        matches!(self.transport, Transport::ViaEnvProxy(_))
    }

    /// Signs and sends one allowlisted action with an already-validated JSON body.
    pub async fn forward(
        &self,
        action: Action,
        body: Vec<u8>,
    ) -> Result<UpstreamResponse, Refusal> {
        let target = action.target();
        let signed_headers = [("content-type", AMZ_JSON_1_1), ("x-amz-target", target)];
        let auth_headers = self
            .signer
            .sign_post_headers(self.url.as_str(), &signed_headers, &body)
            .await
            .map_err(|e| match e {
                SignError::Credentials(why) => Refusal::CredentialsUnavailable(why),
                SignError::Signing(why) => Refusal::Internal(format!("signing failed: {why}")),
            })?;
        // The same headers, in the same order, as were signed (plus the signature itself).
        let mut headers = HeaderMap::with_capacity(8);
        headers.insert(header::USER_AGENT, HeaderValue::from_static(USER_AGENT));
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(AMZ_JSON_1_1));
        headers.insert(X_AMZ_TARGET, HeaderValue::from_static(target));
        for (name, value) in auth_headers {
            headers.append(name, value);
        }

        let response = match &self.transport {
            Transport::Direct(client) => self.send_direct(client, headers, body).await?,
            Transport::ViaEnvProxy(client) => self.send_via_proxy(client, headers, body).await?,
        };
        if response.status.is_client_error() && is_expired_token(&response.body) {
            // Temporary credentials revoked or expired early: resolve afresh next time.
            self.signer.invalidate().await;
        }
        Ok(response)
    }

    async fn send_direct(
        &self,
        client: &Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
        headers: HeaderMap,
        body: Vec<u8>,
    ) -> Result<UpstreamResponse, Refusal> {
        let mut request = Request::new(Full::new(Bytes::from(body)));
        *request.method_mut() = Method::POST;
        *request.uri_mut() = self.uri.clone();
        *request.headers_mut() = headers;

        // One bound for the whole exchange: connecting, sending and reading the answer.
        let exchange = async {
            let response = client
                .request(request)
                .await
                .map_err(|e| Refusal::UpstreamUnreachable(error_chain(&e)))?;
            let status = response.status();
            let headers = returnable_headers(response.headers());
            let body = response
                .into_body()
                .collect()
                .await
                .map_err(|e| Refusal::UpstreamUnreachable(error_chain(&e)))?
                .to_bytes();
            Ok(UpstreamResponse {
                status,
                headers,
                body,
            })
        };
        tokio::time::timeout(self.timeout, exchange)
            .await
            .map_err(|_| Refusal::UpstreamTimeout)?
    }

    async fn send_via_proxy(
        &self,
        client: &reqwest::Client,
        headers: HeaderMap,
        body: Vec<u8>,
    ) -> Result<UpstreamResponse, Refusal> {
        let mut request = client.post(self.url.clone()).body(body);
        for (name, value) in &headers {
            request = request.header(name, value);
        }
        let response = request.send().await.map_err(map_reqwest_error)?;
        let status = response.status();
        let headers = returnable_headers(response.headers());
        let body = response.bytes().await.map_err(map_reqwest_error)?;
        Ok(UpstreamResponse {
            status,
            headers,
            body,
        })
    }
}

fn returnable_headers(headers: &http::HeaderMap) -> Vec<(HeaderName, HeaderValue)> {
    headers
        .iter()
        .filter(|(name, _)| is_returnable_response_header(name))
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect()
}

fn map_reqwest_error(error: reqwest::Error) -> Refusal {
    if error.is_timeout() {
        Refusal::UpstreamTimeout
    } else {
        Refusal::UpstreamUnreachable(error_chain(&error))
    }
}

fn is_expired_token(body: &[u8]) -> bool {
    let text = String::from_utf8_lossy(body);
    text.contains("ExpiredToken") || text.contains("RequestExpired")
}
