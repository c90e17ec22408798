//! The upstream leg: builds the request to a target's Secrets Manager endpoint from validated
//! data only, signs it for the target's account and region, sends it with reqwest (one client
//! for every target) and returns the answer with only the allowlisted headers, an error in the
//! AWS JSON shape ([`crate::upstream_errors`]).

use crate::action::{AMZ_JSON_1_1, Action};
use crate::errors::{Refusal, error_chain};
use crate::policy::is_returnable_response_header;
use crate::signing::{SignError, Signer};
use crate::upstream_errors;
use bytes::Bytes;
use http::{HeaderName, HeaderValue, StatusCode, header};
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

/// Idle keep-alive connections kept to each endpoint (as nginx's `keepalive 64` upstream cache):
/// busier moments open more connections, which are closed once the pool holds this many.
pub const MAX_IDLE_CONNECTIONS: usize = 64;

/// The one client of every target: reqwest (rustls with the platform certificate verifier, a
/// bounded keep-alive pool per endpoint, the HTTP(S) proxy that
/// `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY` minus `NO_PROXY` name, one timeout for the whole
/// exchange, no redirects).
#[derive(Debug)]
pub struct Upstream {
    client: reqwest::Client,
}

impl Upstream {
    pub fn new(timeout: Duration) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            // A signed request is never sent anywhere but the configured endpoint.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(USER_AGENT)
            .pool_max_idle_per_host(MAX_IDLE_CONNECTIONS)
            .pool_idle_timeout(Duration::from_secs(90))
            .tcp_keepalive(Duration::from_secs(15))
            .build()?;
        Ok(Self { client })
    }

    /// Signs (with `signer`, for `region`) and sends to `url` one allowlisted action with an
    /// already-validated JSON body.
    pub async fn forward(
        &self,
        signer: &Signer,
        region: &str,
        url: &Url,
        action: Action,
        body: Vec<u8>,
    ) -> Result<UpstreamResponse, Refusal> {
        let target = action.target();
        let signed_headers = [("content-type", AMZ_JSON_1_1), ("x-amz-target", target)];
        let auth_headers = signer
            .sign_post_headers(region, url.as_str(), &signed_headers, &body)
            .await
            .map_err(|e| match e {
                SignError::Credentials(why) => Refusal::CredentialsUnavailable(why),
                SignError::Signing(why) => Refusal::Internal(format!("signing failed: {why}")),
            })?;
        // The same headers as were signed (plus the signature itself).
        let mut request = self
            .client
            .post(url.clone())
            .header(header::CONTENT_TYPE, AMZ_JSON_1_1)
            .header(X_AMZ_TARGET, target)
            .body(body);
        for (name, value) in auth_headers {
            request = request.header(name, value);
        }
        let response = request.send().await.map_err(map_reqwest_error)?;
        let status = response.status();
        let mut headers = returnable_headers(response.headers());
        let mut body = response.bytes().await.map_err(map_reqwest_error)?;
        if status.is_client_error() && is_expired_token(&body) {
            // Temporary credentials revoked or expired early: resolve afresh next time.
            signer.invalidate().await;
        }
        if !status.is_success() {
            let content_type = headers
                .iter()
                .find(|(name, _)| *name == header::CONTENT_TYPE)
                .and_then(|(_, value)| value.to_str().ok());
            if let Some(json) = upstream_errors::as_aws_json(status, content_type, &body) {
                headers.retain(|(name, _)| *name != header::CONTENT_TYPE);
                headers.push((header::CONTENT_TYPE, HeaderValue::from_static(AMZ_JSON_1_1)));
                body = Bytes::from(json);
            }
        }
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
