//! Turning whatever came back (AWS JSON errors, which is how the proxy sends its own refusals and
//! every upstream error; HTML error pages from something in between; a dead network) into one
//! error type with plain words for people.

use crate::wire::{ErrorBody, decode};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The proxy could not be reached at all.
    Network,
    /// Something answered, but not undelete-proxy (e.g. a plain static server: 404/405/501).
    NoProxy,
    Throttled,
    /// A throttled restore that Stop kept from being tried again: it did not run.
    StoppedWhileThrottled,
    AccessDenied,
    NotFound,
    /// AWS rejected the proxy's credentials or signature.
    BadCredentials,
    /// The proxy could not reach AWS (502) or AWS did not answer in time (504).
    UpstreamUnreachable,
    UpstreamTimeout,
    /// AWS or the proxy failed on its side (other 5xx).
    ServerError,
    InvalidRequest,
    /// A success status with a body we cannot read.
    Malformed,
    /// The proxy runs with `--read-only` and refuses restores.
    ReadOnly,
    /// A restore whose answer was lost, after which DescribeSecret showed the secret still
    /// scheduled for deletion: it was not restored.
    NotRestored,
    /// The proxy could not get AWS credentials for the account (e.g. a role it cannot assume);
    /// nothing was sent to AWS.
    NoCredentials,
    /// The proxy does not serve the account and region named (it was restarted with others).
    UnknownTarget,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub kind: ErrorKind,
    /// The AWS error code (`ResourceNotFoundException`…), or a short description.
    pub code: String,
    pub message: String,
    pub status: Option<u16>,
}

/// What the server said ("AccessDeniedException: ..."), as the page header shows it.
impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.message.is_empty() {
            f.write_str(&self.code)
        } else {
            write!(f, "{}: {}", self.code, self.message)
        }
    }
}

impl std::error::Error for ApiError {}

/// What the user was doing, so the words can say what failed and what to check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation<'a> {
    List,
    Restore { name: &'a str },
}

impl ApiError {
    pub fn network(detail: impl Into<String>) -> Self {
        ApiError {
            kind: ErrorKind::Network,
            code: "NetworkError".into(),
            message: detail.into(),
            status: None,
        }
    }

    pub fn malformed(status: u16, detail: impl Into<String>) -> Self {
        ApiError {
            kind: ErrorKind::Malformed,
            code: "MalformedResponse".into(),
            message: detail.into(),
            status: Some(status),
        }
    }

    /// Builds the error for a non-2xx answer from its status and body.
    pub fn from_response(status: u16, body: &str) -> Self {
        let (code, message) = parse_error_body(body);
        // The proxy answers every refusal with an AWS-shaped JSON body; anything else on these
        // statuses comes from a server that does not know the API at all.
        if code.is_none() && matches!(status, 404 | 405 | 501) {
            return ApiError {
                kind: ErrorKind::NoProxy,
                code: format!("HTTP {status}"),
                message: fallback_message(status, body),
                status: Some(status),
            };
        }
        let code = code.unwrap_or_else(|| format!("HTTP {status}"));
        let message = message.unwrap_or_else(|| fallback_message(status, body));
        ApiError {
            kind: classify(status, &code),
            code,
            message,
            status: Some(status),
        }
    }

    /// This throttled restore is not tried again because the user pressed Stop.
    pub fn stopped_while_throttled(self) -> Self {
        ApiError {
            kind: ErrorKind::StoppedWhileThrottled,
            ..self
        }
    }

    /// Worth retrying after a pause: AWS said it was busy, or failed on its side. A restore is only
    /// retried when AWS throttled it, since then it certainly did not run.
    pub fn is_transient(&self, op: Operation<'_>) -> bool {
        match op {
            Operation::List => {
                self.kind == ErrorKind::Throttled
                    || (self.kind == ErrorKind::ServerError
                        && matches!(self.status, Some(500) | Some(503)))
            }
            Operation::Restore { .. } => self.kind == ErrorKind::Throttled,
        }
    }

    /// The request may have reached AWS, but its answer was lost or unreadable: for a restore,
    /// whether it happened is not known until the secret is looked at again.
    pub fn outcome_unknown(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::Network
                | ErrorKind::UpstreamUnreachable
                | ErrorKind::UpstreamTimeout
                | ErrorKind::ServerError
                | ErrorKind::Malformed
        )
    }

    /// One or two sentences a person under pressure can act on.
    pub fn plain_words(&self, op: Operation<'_>) -> String {
        // What the server said: its code and message, or only the status ("HTTP 500") when it
        // sent no words of its own.
        let aws_said = if !self.message.is_empty() {
            format!(" ({}: {})", self.code, self.message)
        } else if self.code.starts_with("HTTP ") {
            format!(" ({})", self.code)
        } else {
            String::new()
        };
        let words = self.words(op, &aws_said);
        match op {
            // The request may have reached AWS before the answer was lost, and looking the
            // secret up again failed too (see `restore_check`).
            Operation::Restore { name } if self.outcome_unknown() => {
                format!("{words} It is not known whether {name} was restored; retrying is safe.")
            }
            _ => words,
        }
    }

    fn words(&self, op: Operation<'_>, aws_said: &str) -> String {
        match (self.kind, op) {
            (ErrorKind::Network, _) => format!(
                "The connection to the proxy failed ({}). Check that undelete-proxy is running and that this browser can reach it, then retry.",
                self.message
            ),
            (ErrorKind::NoProxy, _) => format!(
                "The server hosting this page has no undelete-proxy behind /api/ (HTTP {}). Serve the page with undelete-proxy --static-dir, or set <meta name=\"undelete-api-base\"> in index.html to the proxy's URL.",
                self.status.unwrap_or(404)
            ),
            (ErrorKind::Throttled, _) => format!(
                "AWS is throttling requests and still refused after several retries{aws_said}. Wait a minute and try again."
            ),
            (ErrorKind::StoppedWhileThrottled, _) => format!(
                "AWS was throttling requests{aws_said}, and Stop was pressed before the next try: it was not restored."
            ),
            (ErrorKind::AccessDenied, Operation::List) => format!(
                "Access denied: the AWS identity the proxy uses for this account needs the secretsmanager:ListSecrets permission{aws_said}."
            ),
            (ErrorKind::AccessDenied, Operation::Restore { name }) => format!(
                "Access denied: the AWS identity the proxy uses for this account needs the secretsmanager:RestoreSecret permission on {name}{aws_said}."
            ),
            (ErrorKind::NotFound, Operation::Restore { name }) => format!(
                "{name} could not be restored: it no longer exists, so it has already been deleted for good (purged){aws_said}. If the proxy has been restarted for another account or region since the list was read, Refresh."
            ),
            (ErrorKind::BadCredentials, _) => format!(
                "AWS rejected the proxy's credentials{aws_said}. Check the AWS profile or keys the proxy runs with."
            ),
            (ErrorKind::UpstreamUnreachable, _) => format!(
                "The proxy could not reach AWS{aws_said}. Check its network and endpoint, then retry."
            ),
            (ErrorKind::UpstreamTimeout, _) => {
                format!("AWS did not answer in time{aws_said}. Retry in a moment.")
            }
            (ErrorKind::ServerError, _) => {
                format!("The server failed to handle the request{aws_said}. Retry in a moment.")
            }
            (ErrorKind::NoCredentials, _) => format!(
                "The proxy has no working AWS credentials for this account{aws_said}. Check the profile or role it uses for it; it tries again on every call."
            ),
            (ErrorKind::UnknownTarget, _) => format!(
                "The proxy does not serve this account and region (it may have been restarted with other settings){aws_said}. Refresh to list what it serves now."
            ),
            (ErrorKind::ReadOnly, _) => "The proxy runs in read-only mode and refuses every restore. Restart it without --read-only to restore secrets.".to_string(),
            (ErrorKind::Malformed, _) => {
                // The detail ends its own sentence (it may ask a question).
                format!("The answer could not be read: {}", self.message)
            }
            (ErrorKind::NotRestored, Operation::Restore { name }) => format!(
                "{name} was not restored: the request failed ({}), and {name} is still scheduled for deletion. Retry.",
                if self.message.is_empty() {
                    &self.code
                } else {
                    &self.message
                }
            ),
            (ErrorKind::InvalidRequest, Operation::Restore { name }) => {
                format!("AWS refused to restore {name}{aws_said}.")
            }
            _ => format!("The request failed{aws_said}."),
        }
    }
}

/// Reads an AWS JSON error (`__type` + `message`/`Message`). The proxy answers with this shape for
/// its own refusals and for upstream errors that were not JSON (moto's XML 403s, say).
fn parse_error_body(body: &str) -> (Option<String>, Option<String>) {
    match decode::<ErrorBody>(body) {
        Ok(err) => {
            let code = err.kind.or(err.code).map(|c| short_code(&c).to_string());
            let message = err.message.or(err.message_capitalised);
            (code, message.filter(|m| !m.is_empty()))
        }
        Err(_) => (None, None),
    }
}

/// AWS may qualify the code: `com.amazonaws.secretsmanager#ThrottlingException:http://...`.
fn short_code(code: &str) -> &str {
    let code = code
        .rfind('#')
        .and_then(|i| code.get(i + 1..))
        .unwrap_or(code);
    let code = code.find(':').and_then(|i| code.get(..i)).unwrap_or(code);
    code.trim()
}

fn fallback_message(status: u16, body: &str) -> String {
    let looks_like_text = !body.trim_start().starts_with('<') && body.len() <= 200;
    if looks_like_text && !body.trim().is_empty() {
        body.trim().to_string()
    } else {
        match status {
            404 => "the proxy has no such endpoint".to_string(),
            502 => "bad gateway".to_string(),
            504 => "gateway timeout".to_string(),
            // The code ("HTTP 500") already says it.
            _ => String::new(),
        }
    }
}

fn classify(status: u16, code: &str) -> ErrorKind {
    match code {
        "ThrottlingException"
        | "Throttling"
        | "TooManyRequestsException"
        | "RequestLimitExceeded"
        | "RequestThrottled"
        | "SlowDown" => ErrorKind::Throttled,
        "AccessDeniedException" | "AccessDenied" | "UnauthorizedOperation" => {
            ErrorKind::AccessDenied
        }
        "ResourceNotFoundException" => ErrorKind::NotFound,
        "ReadOnlyMode" => ErrorKind::ReadOnly,
        "CredentialsUnavailable" => ErrorKind::NoCredentials,
        "UnknownTarget" | "InvalidTarget" => ErrorKind::UnknownTarget,
        // Something between the browser and AWS gave up waiting: the request may have run.
        "RequestTimeout" | "RequestTimeoutException" => ErrorKind::UpstreamTimeout,
        "SignatureDoesNotMatch"
        | "InvalidClientTokenId"
        | "UnrecognizedClientException"
        | "ExpiredTokenException"
        | "ExpiredToken"
        | "IncompleteSignature"
        | "MissingAuthenticationToken"
        | "InvalidSignatureException" => ErrorKind::BadCredentials,
        "InvalidRequestException" | "InvalidParameterException" | "ValidationException" => {
            ErrorKind::InvalidRequest
        }
        _ => match status {
            429 => ErrorKind::Throttled,
            502 => ErrorKind::UpstreamUnreachable,
            408 | 504 => ErrorKind::UpstreamTimeout,
            500..=599 => ErrorKind::ServerError,
            _ => ErrorKind::Other,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RESTORE: Operation<'static> = Operation::Restore { name: "prod/db" };

    #[test]
    fn aws_json_errors() {
        let e = ApiError::from_response(
            400,
            r#"{"__type":"ResourceNotFoundException","Message":"Secrets Manager can't find the specified secret."}"#,
        );
        assert_eq!(e.kind, ErrorKind::NotFound);
        assert_eq!(e.code, "ResourceNotFoundException");
        let words = e.plain_words(RESTORE);
        assert!(
            words.contains("it no longer exists, so it has already been deleted for good"),
            "{words}"
        );
        assert!(words.contains("prod/db"));

        let e = ApiError::from_response(
            400,
            r#"{"__type":"com.amazonaws.secretsmanager#ThrottlingException:http://internal","message":"Rate exceeded"}"#,
        );
        assert_eq!(
            (e.kind, e.code.as_str()),
            (ErrorKind::Throttled, "ThrottlingException")
        );
        assert!(e.is_transient(RESTORE));
        // Stop during the backoff: refused, so certainly not run, and not tried again.
        let stopped = e.clone().stopped_while_throttled();
        assert!(!stopped.is_transient(RESTORE));
        assert!(!stopped.outcome_unknown());
        assert_eq!(
            stopped.plain_words(RESTORE),
            "AWS was throttling requests (ThrottlingException: Rate exceeded), and Stop was pressed before the next try: it was not restored."
        );
        assert!(e.is_transient(Operation::List));
    }

    #[test]
    fn access_denied_names_the_missing_permission() {
        let e = ApiError::from_response(
            400,
            r#"{"__type":"AccessDeniedException","message":"User is not authorized"}"#,
        );
        assert!(
            e.plain_words(RESTORE)
                .contains("secretsmanager:RestoreSecret")
        );
        assert!(
            e.plain_words(Operation::List)
                .contains("secretsmanager:ListSecrets")
        );
    }

    #[test]
    fn auth_errors_as_the_proxy_passes_them_on() {
        // moto's XML 403, as the proxy turns it into the AWS JSON shape.
        let body = r#"{"__type":"SignatureDoesNotMatch","message":"The request signature we calculated does not match"}"#;
        let e = ApiError::from_response(403, body);
        assert_eq!(e.kind, ErrorKind::BadCredentials);
        assert_eq!(e.code, "SignatureDoesNotMatch");
        assert!(e.plain_words(Operation::List).contains("credentials"));

        let body = r#"{"__type":"AccessDenied","message":"User: arn:aws:iam::123456789012:user/x is not authorized to perform: secretsmanager:ListSecrets"}"#;
        assert_eq!(
            ApiError::from_response(403, body).kind,
            ErrorKind::AccessDenied
        );
        // XML from anything else is not read: the status speaks.
        let e = ApiError::from_response(403, "<Error><Code>AccessDenied</Code></Error>");
        assert_eq!((e.kind, e.code.as_str()), (ErrorKind::Other, "HTTP 403"));
    }

    #[test]
    fn proxy_refusals_share_the_aws_shape() {
        let e = ApiError::from_response(
            403,
            r#"{"__type":"ActionNotAllowed","message":"The proxy runs read-only"}"#,
        );
        assert_eq!(e.kind, ErrorKind::Other);
        assert!(e.plain_words(RESTORE).contains("The proxy runs read-only"));

        let e = ApiError::from_response(
            502,
            r#"{"__type":"UpstreamUnreachable","message":"connection refused"}"#,
        );
        assert_eq!(e.kind, ErrorKind::UpstreamUnreachable);
        let e = ApiError::from_response(
            504,
            r#"{"__type":"UpstreamTimeout","message":"no answer in 15 s"}"#,
        );
        assert_eq!(e.kind, ErrorKind::UpstreamTimeout);
        assert!(!e.is_transient(Operation::List));
    }

    #[test]
    fn html_and_empty_bodies_get_a_status_message() {
        let e = ApiError::from_response(500, "<!doctype html><title>Internal Server Error</title>");
        assert_eq!(e.kind, ErrorKind::ServerError);
        assert_eq!(e.code, "HTTP 500");
        assert_eq!(e.message, "");
        assert_eq!(
            e.plain_words(Operation::List),
            "The server failed to handle the request (HTTP 500). Retry in a moment."
        );
        assert_eq!(
            ApiError::from_response(418, "<html>").plain_words(Operation::List),
            "The request failed (HTTP 418)."
        );
        assert!(e.is_transient(Operation::List));
        assert!(!e.is_transient(RESTORE));

        let e = ApiError::from_response(404, "");
        assert_eq!(e.kind, ErrorKind::NoProxy);
        assert_eq!(e.message, "the proxy has no such endpoint");
        let e =
            ApiError::from_response(501, "<html><body>Unsupported method ('POST')</body></html>");
        assert_eq!(e.kind, ErrorKind::NoProxy);
        assert!(e.plain_words(Operation::List).contains("undelete-api-base"));
        // The proxy's own 404 is AWS-shaped JSON and keeps its words.
        let e = ApiError::from_response(
            404,
            r#"{"__type":"NotFound","message":"no such API route"}"#,
        );
        assert_eq!(
            (e.kind, e.message.as_str()),
            (ErrorKind::Other, "no such API route")
        );
        assert_eq!(ApiError::from_response(429, "").kind, ErrorKind::Throttled);
        assert_eq!(ApiError::from_response(503, "busy").message, "busy");
    }

    #[test]
    fn timeouts_between_leave_a_restore_unknown_and_read_only_says_so() {
        for e in [
            ApiError::from_response(408, "<html>"),
            ApiError::from_response(400, r#"{"__type":"RequestTimeout","message":"idle"}"#),
        ] {
            assert_eq!(e.kind, ErrorKind::UpstreamTimeout);
            assert!(e.outcome_unknown());
        }
        let e = ApiError::from_response(
            403,
            r#"{"__type":"ReadOnlyMode","message":"RestoreSecret is refused"}"#,
        );
        assert_eq!(e.kind, ErrorKind::ReadOnly);
        assert!(
            e.plain_words(RESTORE)
                .starts_with("The proxy runs in read-only mode")
        );
    }

    #[test]
    fn proxy_target_refusals_are_not_retried_and_say_what_to_do() {
        let e = ApiError::from_response(
            503,
            r#"{"__type":"CredentialsUnavailable","message":"AssumeRole failed: AccessDenied"}"#,
        );
        assert_eq!(e.kind, ErrorKind::NoCredentials);
        assert!(!e.is_transient(Operation::List), "nothing was sent to AWS");
        assert!(!e.outcome_unknown());
        let words = e.plain_words(Operation::List);
        assert!(
            words.contains("no working AWS credentials for this account"),
            "{words}"
        );
        assert!(words.contains("AssumeRole failed"), "{words}");
        for body in [
            r#"{"__type":"UnknownTarget","message":"not served"}"#,
            r#"{"__type":"InvalidTarget","message":"bad"}"#,
        ] {
            let e = ApiError::from_response(404, body);
            assert_eq!(e.kind, ErrorKind::UnknownTarget);
            assert!(!e.outcome_unknown(), "never reached AWS");
            assert!(e.plain_words(RESTORE).contains("Refresh"));
        }
    }

    #[test]
    fn network_and_malformed() {
        let e = ApiError::network("TypeError: Failed to fetch");
        assert_eq!(
            e.plain_words(Operation::List),
            "The connection to the proxy failed (TypeError: Failed to fetch). Check that undelete-proxy is running and that this browser can reach it, then retry."
        );
        assert!(!e.is_transient(Operation::List));
        let e = ApiError::malformed(200, "expected a JSON object.");
        assert!(e.plain_words(Operation::List).contains("could not be read"));
    }

    #[test]
    fn a_restore_whose_answer_was_lost_says_the_outcome_is_unknown() {
        let unknown = "It is not known whether prod/db was restored; retrying is safe.";
        for status in [500, 502, 504] {
            let e = ApiError::from_response(status, "");
            assert!(e.plain_words(RESTORE).contains(unknown), "{status}");
            assert!(
                !e.plain_words(Operation::List).contains("restored"),
                "{status}"
            );
        }
        assert!(
            ApiError::network("Failed to fetch")
                .plain_words(RESTORE)
                .contains(unknown)
        );
        // A refusal is an answer: nothing happened.
        let denied = ApiError::from_response(400, r#"{"__type":"AccessDeniedException"}"#);
        assert!(!denied.plain_words(RESTORE).contains(unknown));
    }
}
