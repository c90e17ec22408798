//! The one place the UI talks HTTP: AWS JSON 1.1 calls through the signing proxy, with gloo-net.

use std::cell::Cell;
use std::rc::Rc;

use gloo_net::http::{Request, Response};
use serde::de::DeserializeOwned;
use web_sys::AbortSignal;

use crate::api::error::{ApiError, Operation};
use crate::api::restore_check::{check_answer, settle};
use crate::api::retry::Backoff;
use crate::browser;
use crate::model::target::Target;
use crate::wire::{
    DescribeSecretResponse, ListSecretsRequest, ListSecretsResponse, ProxyConfig,
    RestoreSecretResponse, SecretIdRequest, decode, encode,
};

/// Where the proxy is: same origin by default, or the URL in
/// `<meta name="undelete-api-base" content="https://...">`, editable in a built `dist/index.html`
/// without rebuilding.
#[derive(Debug, Clone, PartialEq)]
pub struct Client {
    base: String,
    /// Where Secrets Manager calls go: the target's path (`Target::api_path`).
    path: String,
    /// Aborts the requests this client sends (a scan superseded by a newer one).
    abort: Option<AbortSignal>,
    /// Once set (a bulk restore's Stop), a throttled RestoreSecret is not tried again: it surely
    /// did not run, and trying again would be a restore started after Stop.
    stop: Option<Rc<Cell<bool>>>,
}

impl Client {
    pub fn from_page() -> Self {
        let base = browser::meta_content("undelete-api-base").unwrap_or_default();
        Client {
            base: base.trim().trim_end_matches('/').to_string(),
            path: "/api/secretsmanager".into(),
            abort: None,
            stop: None,
        }
    }

    /// The same client, calling `target`; `None` when it cannot be called.
    pub fn at(&self, target: &Target) -> Option<Self> {
        Some(Client {
            path: target.api_path()?,
            ..self.clone()
        })
    }

    /// The same client, whose restores are not tried again once `stop` is set.
    pub fn stoppable(self, stop: Rc<Cell<bool>>) -> Self {
        Client {
            stop: Some(stop),
            ..self
        }
    }

    /// The same client, whose requests `signal` aborts.
    pub fn abortable(self, signal: AbortSignal) -> Self {
        Client {
            abort: Some(signal),
            ..self
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The proxy's settings (`GET /api/config`).
    pub async fn config(&self) -> Result<ProxyConfig, ApiError> {
        let response = Request::get(&self.url("/api/config"))
            .send()
            .await
            .map_err(network_error)?;
        let (status, text) = read_answer(response).await?;
        decode_answer(status, &text)
    }

    /// One page of ListSecrets, retried with backoff while AWS throttles or fails transiently.
    pub async fn list_secrets(
        &self,
        request: &ListSecretsRequest,
    ) -> Result<ListSecretsResponse, ApiError> {
        let (status, text) = self
            .call_with_retry("ListSecrets", &encode(request), Operation::List)
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
        let body = encode(&SecretIdRequest {
            secret_id: arn.to_string(),
        });
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
                    .and_then(|(status, text)| {
                        decode_answer::<DescribeSecretResponse>(status, &text)
                    });
                settle(lost, check, arn, name)
            }
            other => other,
        }
    }

    /// The status and body of a 2xx answer, after the retries `op` allows.
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
                    let restore = matches!(op, Operation::Restore { .. });
                    if restore && self.stop.as_ref().is_some_and(|s| s.get()) {
                        return Err(e.stopped_while_throttled());
                    }
                }
                other => return other,
            }
        }
    }

    async fn call(&self, action: &str, body: &str) -> Result<(u16, String), ApiError> {
        let response = Request::post(&self.url(&self.path))
            // Without it gloo-net would send the string as text/plain.
            .header("Content-Type", "application/x-amz-json-1.1")
            .header("X-Amz-Target", &format!("secretsmanager.{action}"))
            .abort_signal(self.abort.as_ref())
            .body(body)
            .map_err(network_error)?
            .send()
            .await
            .map_err(network_error)?;
        read_answer(response).await
    }
}

/// No answer came: the browser's words (`TypeError: Failed to fetch`).
fn network_error(error: gloo_net::Error) -> ApiError {
    ApiError::network(error.to_string())
}

/// The status and body of a 2xx answer; any other status is an error. Every answer's `Date`
/// header sets the proxy's clock (`browser::note_server_date`).
async fn read_answer(response: Response) -> Result<(u16, String), ApiError> {
    if let Some(date) = response.headers().get("date") {
        browser::note_server_date(&date);
    }
    let status = response.status();
    let text = response
        .text()
        .await
        .map_err(|e| ApiError::network(format!("the answer was cut off: {e}")))?;
    if !(200..300).contains(&status) {
        return Err(ApiError::from_response(status, &text));
    }
    Ok((status, text))
}

/// Reads a `T` from a 2xx answer's JSON body.
pub fn decode_answer<T: DeserializeOwned>(status: u16, text: &str) -> Result<T, ApiError> {
    decode(text).map_err(|e| {
        ApiError::malformed(
            status,
            format!(
                "expected an AWS JSON answer but got something else ({e}). Is the proxy URL right?"
            ),
        )
    })
}
