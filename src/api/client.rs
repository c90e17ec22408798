//! The one place the UI talks HTTP: AWS JSON 1.1 calls through the signing proxy.

use crate::api::error::{ApiError, Operation};
use crate::api::restore_check::{check_answer, settle};
use crate::api::retry::Backoff;
use crate::browser;
use crate::wire::{
    FromJson, ListSecretsRequest, ListSecretsResponse, ProxyConfig, RestoreSecretRequest,
    RestoreSecretResponse, decode,
};

/// Where the proxy is: same origin by default, or the URL in
/// `<meta name="undelete-api-base" content="https://...">`, editable in a built `dist/index.html`
/// without rebuilding.
#[derive(Debug, Clone, PartialEq)]
pub struct Client {
    base: String,
}

impl Client {
    pub fn from_page() -> Self {
        let base = browser::meta_content("undelete-api-base").unwrap_or_default();
        Client {
            base: base.trim().trim_end_matches('/').to_string(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn config(&self) -> Result<ProxyConfig, ApiError> {
        let response = browser::fetch(&self.url("/api/config"), &[], None)
            .await
            .map_err(ApiError::network)?;
        read_json(response).await
    }

    /// One page of ListSecrets, retried with backoff while AWS throttles or fails transiently.
    pub async fn list_secrets(
        &self,
        request: &ListSecretsRequest,
    ) -> Result<ListSecretsResponse, ApiError> {
        let (status, text) = self
            .call_with_retry("ListSecrets", &request.to_json(), Operation::List)
            .await?;
        decode_answer(status, &text)
    }

    /// RestoreSecret for one secret, retried only while throttled (then it surely did not run).
    /// When its answer is lost, DescribeSecret tells whether it happened (`restore_check`).
    pub async fn restore_secret(
        &self,
        arn: &str,
        name: &str,
    ) -> Result<RestoreSecretResponse, ApiError> {
        let body = RestoreSecretRequest {
            secret_id: arn.to_string(),
        }
        .to_json();
        let restored = self
            .call_with_retry("RestoreSecret", &body, Operation::Restore { name })
            .await
            .and_then(|(status, text)| decode_answer(status, &text))
            .and_then(|answer| check_answer(answer, arn, name));
        match restored {
            Err(lost) if lost.outcome_unknown() => {
                // A read: retried like a list page.
                let check = self
                    .call_with_retry("DescribeSecret", &body, Operation::List)
                    .await
                    .and_then(|(status, text)| decode_answer(status, &text));
                settle(lost, check, arn, name)
            }
            other => other,
        }
    }

    /// The status and body of a 2xx answer (not generic over the answer's type, so this async
    /// code is in the wasm once, not once per call type).
    async fn call_with_retry(
        &self,
        action: &str,
        body: &str,
        op: Operation<'_>,
    ) -> Result<(u16, String), ApiError> {
        let backoff = Backoff::default();
        let mut attempts = 0;
        loop {
            attempts += 1;
            match self.call(action, body).await {
                Err(e) if e.is_transient(op) && backoff.allows_another(attempts) => {
                    browser::sleep_ms(backoff.delay_ms(attempts, browser::random())).await;
                }
                other => return other,
            }
        }
    }

    async fn call(&self, action: &str, body: &str) -> Result<(u16, String), ApiError> {
        let target = format!("secretsmanager.{action}");
        let headers = [
            ("Content-Type", "application/x-amz-json-1.1"),
            ("X-Amz-Target", target.as_str()),
        ];
        let response = browser::fetch(&self.url("/api/secretsmanager"), &headers, Some(body))
            .await
            .map_err(ApiError::network)?;
        read_answer(response).await
    }
}

async fn read_json<T: FromJson>(response: web_sys::Response) -> Result<T, ApiError> {
    let (status, text) = read_answer(response).await?;
    decode_answer(status, &text)
}

/// The status and body of a 2xx answer; any other status is an error.
async fn read_answer(response: web_sys::Response) -> Result<(u16, String), ApiError> {
    browser::note_server_date(&response);
    let status = response.status();
    let text = browser::response_text(&response)
        .await
        .map_err(|e| ApiError::network(format!("the answer was cut off: {e}")))?;
    if !(200..300).contains(&status) {
        return Err(ApiError::from_response(status, &text));
    }
    Ok((status, text))
}

/// Reads a `T` from a 2xx answer's JSON body.
pub fn decode_answer<T: FromJson>(status: u16, text: &str) -> Result<T, ApiError> {
    decode(text).map_err(|e| {
        ApiError::malformed(
            status,
            format!(
                "expected an AWS JSON answer but got something else ({e}). Is the proxy URL right?"
            ),
        )
    })
}
