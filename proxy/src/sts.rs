//! The STS side of the accounts, through the AWS SDK: learning an account's ID
//! (`GetCallerIdentity`, which needs no IAM permission) and assuming a role
//! (`aws_config::sts::AssumeRoleProvider`). Both use the STS endpoint the SDKs use:
//! `--endpoint-url` when given, else `AWS_ENDPOINT_URL_STS`, else `AWS_ENDPOINT_URL` (neither
//! when `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is set), else the region's own.

use crate::errors::error_chain;
use crate::signing::{Signer, SignerCredentials};
use crate::targets::{RoleArn, is_account_id};
use crate::upstream_errors::xml_error;
use aws_config::SdkConfig;
use aws_config::identity::IdentityCache;
use aws_config::sts::AssumeRoleProvider;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider, future};
use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_sts::operation::assume_role::AssumeRoleError;
use aws_types::origin::Origin;
use std::sync::Arc;

/// The session name of every assumed role (in the spoke accounts' CloudTrail).
pub const SESSION_NAME: &str = "undelete-proxy";

/// `sdk` for STS calls: with `--endpoint-url` set as a programmatic endpoint (so that it wins
/// over `AWS_ENDPOINT_URL_STS`, as an endpoint given in code does in the SDKs); without it the
/// SDK's own resolution applies. No identity cache: the accounts' [`Signer`]s are the cache.
pub fn sts_config(sdk: &SdkConfig, endpoint_url: Option<&str>) -> SdkConfig {
    let mut builder = sdk.clone().into_builder();
    builder.set_identity_cache(Some(IdentityCache::no_cache()));
    if let Some(url) = endpoint_url {
        builder.set_endpoint_url(Some(url.to_string()));
        builder.insert_origin("endpoint_url", Origin::shared_config());
    }
    builder.build()
}

/// Asks STS which account an account's credentials belong to.
#[derive(Debug, Clone)]
pub struct IdentityProbe {
    client: aws_sdk_sts::Client,
}

impl IdentityProbe {
    /// A probe for the account signed for by `signer` (its cached credentials are used).
    pub fn new(sts: &SdkConfig, signer: Arc<Signer>) -> IdentityProbe {
        let config = aws_sdk_sts::config::Builder::from(sts)
            .credentials_provider(SharedCredentialsProvider::new(SignerCredentials(signer)))
            .build();
        IdentityProbe {
            client: aws_sdk_sts::Client::from_conf(config),
        }
    }

    /// The 12-digit account ID, or why it could not be learned (one line, no secret).
    pub async fn account_id(&self) -> Result<String, String> {
        let answer = self
            .client
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| sdk_error_words("GetCallerIdentity", &e))?;
        match answer.account() {
            Some(account) if is_account_id(account) => Ok(account.to_string()),
            other => Err(format!(
                "GetCallerIdentity answered without a 12-digit account ({other:?})"
            )),
        }
    }
}

/// The credentials of `role`, assumed with the own identity's cached credentials (`own`),
/// session name [`SESSION_NAME`], and `external_id` when given.
pub async fn assume_role(
    sts: &SdkConfig,
    own: Arc<Signer>,
    role: &RoleArn,
    external_id: Option<&str>,
) -> RoleCredentials {
    let mut builder = AssumeRoleProvider::builder(role.as_str())
        .session_name(SESSION_NAME)
        .configure(sts);
    if let Some(id) = external_id {
        builder = builder.external_id(id);
    }
    RoleCredentials(builder.build_from_provider(SignerCredentials(own)).await)
}

/// aws-config's `AssumeRoleProvider`, whose failures say what STS answered in one line
/// (`STS AssumeRole: AccessDenied: User: ... is not authorized ...`) rather than the SDK's
/// nested error chain.
#[derive(Debug)]
pub struct RoleCredentials(AssumeRoleProvider);

impl ProvideCredentials for RoleCredentials {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(async move {
            self.0.provide_credentials().await.map_err(|error| {
                let sdk_error = std::error::Error::source(&error)
                    .and_then(|source| source.downcast_ref::<SdkError<AssumeRoleError>>());
                match sdk_error {
                    Some(sdk_error) => {
                        CredentialsError::provider_error(sdk_error_words("AssumeRole", sdk_error))
                    }
                    None => error,
                }
            })
        })
    }
}

/// What STS answered to `operation`, in one line: its error code and message, or (when the
/// SDK could not read them) the HTTP status and the start of the body; else the error chain.
pub fn sdk_error_words<E>(operation: &str, error: &SdkError<E>) -> String
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    if let SdkError::ServiceError(context) = error {
        let err = context.err();
        if let Some(code) = err.code() {
            return format!("STS {operation}: {code}: {}", err.message().unwrap_or("-"));
        }
        let raw = context.raw();
        let body = String::from_utf8_lossy(raw.body().bytes().unwrap_or_default());
        // moto nests its error one level deeper than the SDK reads (`<Errors><Error>`).
        if let Some((code, message)) = xml_error(&body) {
            let message = message.unwrap_or_else(|| "-".into());
            return format!("STS {operation}: {code}: {}", one_line(&message));
        }
        let body: String = one_line(&body).chars().take(300).collect();
        return format!(
            "STS {operation} answered HTTP {}: {body}",
            raw.status().as_u16()
        );
    }
    format!("STS {operation}: {}", one_line(&error_chain(error)))
}

/// Error texts from the SDK can span lines (an XML body): the UI and the start-up line take one.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_endpoint_flag_is_a_programmatic_endpoint() {
        let sdk = SdkConfig::builder().build();
        let sts = sts_config(&sdk, Some("http://127.0.0.1:5000"));
        assert_eq!(sts.endpoint_url(), Some("http://127.0.0.1:5000"));
        assert!(sts.get_origin("endpoint_url").is_client_config());
        let sts = sts_config(&sdk, None);
        assert_eq!(sts.endpoint_url(), None);
        assert!(!sts.get_origin("endpoint_url").is_client_config());
    }

    fn service_error(code: Option<&str>, status: u16, body: &str) -> SdkError<AssumeRoleError> {
        let mut meta =
            aws_sdk_sts::error::ErrorMetadata::builder().message("User: hub is not authorized");
        if let Some(code) = code {
            meta = meta.code(code);
        }
        SdkError::service_error(
            AssumeRoleError::generic(meta.build()),
            aws_smithy_runtime_api::http::Response::new(
                status.try_into().unwrap(),
                aws_smithy_types::body::SdkBody::from(body.to_string()),
            ),
        )
    }

    #[test]
    fn sts_errors_say_what_sts_answered() {
        assert_eq!(
            sdk_error_words(
                "AssumeRole",
                &service_error(Some("AccessDenied"), 403, "<x/>")
            ),
            "STS AssumeRole: AccessDenied: User: hub is not authorized"
        );
        // moto's error XML is not the shape the SDK reads: its code and message all the same.
        let body = "<ErrorResponse>\n  <Errors><Error><Code>AccessDenied</Code>\n<Message>User: hub\n is not authorized</Message></Error></Errors>\n</ErrorResponse>";
        assert_eq!(
            sdk_error_words("AssumeRole", &service_error(None, 403, body)),
            "STS AssumeRole: AccessDenied: User: hub is not authorized"
        );
        // A body that is no error document: the status and its start.
        assert_eq!(
            sdk_error_words(
                "AssumeRole",
                &service_error(None, 502, "<html>Bad gateway</html>")
            ),
            "STS AssumeRole answered HTTP 502: <html>Bad gateway</html>"
        );
        let long = "x".repeat(1000);
        assert!(sdk_error_words("AssumeRole", &service_error(None, 500, &long)).len() < 400);
    }

    #[test]
    fn errors_are_one_line() {
        assert_eq!(one_line("a\n  <Error>\n b\t c "), "a <Error> b c");
    }
}
