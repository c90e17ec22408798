//! The upstream leg: builds the request to the fixed Secrets Manager endpoint from validated
//! data only, signs it, sends it with reqwest (rustls, bounded timeout, no redirects) and
//! returns the answer with only the allowlisted headers.

use crate::errors::{Refusal, error_chain};
use crate::policy::{AMZ_JSON_1_1, Action, is_returnable_response_header};
use crate::signing::{SignError, Signer};
use bytes::Bytes;
use http::{HeaderName, HeaderValue, StatusCode};
use std::time::Duration;
use url::Url;

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

/// A client bound to one endpoint, region and credential source.
#[derive(Debug)]
pub struct Upstream {
    client: reqwest::Client,
    url: Url,
    signer: Signer,
}

impl Upstream {
    pub fn new(endpoint: Url, signer: Signer, timeout: Duration) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(5)))
            // A signed request must never be sent anywhere but the configured endpoint.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("undelete-proxy/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self {
            client,
            url: endpoint,
            signer,
        })
    }

    pub fn signer(&self) -> &Signer {
        &self.signer
    }

    pub fn url(&self) -> &Url {
        &self.url
    }

    /// Signs and sends one allowlisted action with an already-validated JSON body.
    pub async fn forward(
        &self,
        action: Action,
        body: Vec<u8>,
    ) -> Result<UpstreamResponse, Refusal> {
        let target = action.target();
        let signed_headers = [
            ("content-type", AMZ_JSON_1_1),
            ("x-amz-target", target.as_str()),
        ];
        let auth_headers = self
            .signer
            .sign_post(self.url.as_str(), &signed_headers, &body)
            .await
            .map_err(|e| match e {
                SignError::Credentials(why) => Refusal::CredentialsUnavailable(why),
                SignError::Signing(why) => Refusal::Internal(format!("signing failed: {why}")),
            })?;

        let mut request = self.client.post(self.url.clone()).body(body);
        for (name, value) in signed_headers {
            request = request.header(name, value);
        }
        for (name, value) in &auth_headers {
            request = request.header(name.as_str(), value.as_str());
        }

        let response = request.send().await.map_err(map_reqwest_error)?;
        let status = response.status();
        let headers = response
            .headers()
            .iter()
            .filter(|(name, _)| is_returnable_response_header(name))
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect();
        let body = response.bytes().await.map_err(map_reqwest_error)?;
        let response = UpstreamResponse {
            status,
            headers,
            body,
        };
        if response.status.is_client_error() && is_expired_token(&response.body) {
            // Temporary credentials revoked or expired early: resolve afresh next time.
            self.signer.invalidate().await;
        }
        Ok(response)
    }
}

fn is_expired_token(body: &[u8]) -> bool {
    let text = String::from_utf8_lossy(body);
    text.contains("ExpiredToken") || text.contains("RequestExpired")
}

fn map_reqwest_error(error: reqwest::Error) -> Refusal {
    if error.is_timeout() {
        Refusal::UpstreamTimeout
    } else {
        Refusal::UpstreamUnreachable(error_chain(&error))
    }
}
