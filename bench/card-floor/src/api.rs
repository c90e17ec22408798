//! ListSecrets through the proxy: gloo-net for HTTP, serde for the JSON both ways.

use gloo_net::http::Request;
use serde::{Deserialize, Serialize};

/// Where the proxy that serves this page forwards Secrets Manager calls.
const ENDPOINT: &str = "/api/secretsmanager";

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ListSecretsRequest<'a> {
    include_planned_deletion: bool,
    max_results: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<&'a str>,
}

/// One page of a ListSecrets answer. moto writes explicit `null`s, so every member is optional.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListSecretsPage {
    pub secret_list: Option<Vec<Secret>>,
    pub next_token: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Secret {
    pub name: Option<String>,
    #[serde(rename = "ARN")]
    pub arn: Option<String>,
    /// Epoch seconds (moto: a float); set only for a secret scheduled for deletion.
    pub deleted_date: Option<f64>,
}

/// One ListSecrets page, from the start (`None`) or from a `NextToken`.
pub async fn list_secrets(next_token: Option<&str>) -> Result<ListSecretsPage, String> {
    let body = serde_json::to_string(&ListSecretsRequest {
        include_planned_deletion: true,
        max_results: 100,
        next_token,
    })
    .map_err(|e| format!("ListSecrets: cannot write the request: {e}"))?;
    let response = Request::post(ENDPOINT)
        // Without it gloo-net sends a string body as text/plain.
        .header("Content-Type", "application/x-amz-json-1.1")
        .header("X-Amz-Target", "secretsmanager.ListSecrets")
        .body(body)
        .map_err(|e| format!("ListSecrets: cannot build the request: {e}"))?
        .send()
        .await
        .map_err(|e| format!("ListSecrets: no answer from the proxy: {e}"))?;
    let text = response
        .text()
        .await
        .map_err(|e| format!("ListSecrets: the answer was cut off: {e}"))?;
    if !response.ok() {
        let start: String = text.chars().take(200).collect();
        return Err(format!("ListSecrets: HTTP {}: {start}", response.status()));
    }
    serde_json::from_str(&text).map_err(|e| format!("ListSecrets: unreadable answer: {e}"))
}
