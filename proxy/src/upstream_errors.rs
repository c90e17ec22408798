//! Upstream error answers in the one shape the UI parses, the AWS JSON error
//! (`{"__type": CODE, "message": MSG}`), whatever the endpoint or something in between sent:
//! an AWS JSON error is kept as it is; an XML error (moto's 403s such as
//! `SignatureDoesNotMatch`, the AWS query protocol's `<Error>`) gives its `<Code>` and
//! `<Message>`; any other body (an HTML 500, a proxy's text page) gives the status's reason as
//! `__type` and a short description as `message`. The status stays the upstream's.

use crate::errors::error_body;
use http::StatusCode;

/// The AWS JSON error body for a non-2xx upstream answer, or `None` when the body already is
/// one (then it is passed back as it came).
pub fn as_aws_json(status: StatusCode, content_type: Option<&str>, body: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if let Ok(serde_json::Value::Object(object)) = serde_json::from_str(text) {
        if object
            .get("__type")
            .is_some_and(serde_json::Value::is_string)
        {
            return None;
        }
        // JSON without `__type` (e.g. `{"message": "Forbidden"}` from a gateway).
        let field = |names: [&str; 2]| {
            names
                .iter()
                .find_map(|name| object.get(*name)?.as_str())
                .map(str::to_owned)
        };
        let code = field(["code", "Code"]).unwrap_or_else(|| reason_type(status));
        let message = field(["message", "Message"])
            .unwrap_or_else(|| describe(status, content_type, body.len(), None));
        return Some(error_body(&code, &message));
    }
    if let Some((code, message)) = xml_error(text) {
        let message = message.unwrap_or_else(|| describe(status, content_type, body.len(), None));
        return Some(error_body(&code, &message));
    }
    let plain = content_type.is_some_and(|t| t.starts_with("text/plain"));
    let excerpt = plain.then(|| text.lines().next().unwrap_or_default());
    Some(error_body(
        &reason_type(status),
        &describe(status, content_type, body.len(), excerpt),
    ))
}

/// The `<Code>` and `<Message>` of an XML error body, wherever they are nested (`<Error>`,
/// `<ErrorResponse><Error>`, moto's `<ErrorResponse><Errors><Error>`).
pub fn xml_error(text: &str) -> Option<(String, Option<String>)> {
    let text = text.trim();
    if !text.starts_with('<') {
        return None;
    }
    let document = roxmltree::Document::parse(text).ok()?;
    let element_text = |name: &str| {
        document
            .descendants()
            .find(|node| node.has_tag_name(name))
            .and_then(|node| node.text())
            .map(str::trim)
            .filter(|text| !text.is_empty())
            .map(str::to_owned)
    };
    Some((element_text("Code")?, element_text("Message")))
}

/// The status's reason phrase as an error type: `InternalServerError`, `BadGateway`, ...;
/// `Http599` for a status without one.
fn reason_type(status: StatusCode) -> String {
    match status.canonical_reason() {
        Some(reason) => reason
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|word| !word.is_empty())
            .map(|word| {
                let mut chars = word.chars();
                let first = chars.next().map(|c| c.to_ascii_uppercase());
                first.into_iter().chain(chars).collect::<String>()
            })
            .collect(),
        None => format!("Http{}", status.as_u16()),
    }
}

/// Most characters of a text body quoted in a message.
const EXCERPT_MAX: usize = 200;

/// A short message for an answer that is not an AWS error.
fn describe(
    status: StatusCode,
    content_type: Option<&str>,
    bytes: usize,
    excerpt: Option<&str>,
) -> String {
    let what = match (bytes, content_type) {
        (0, _) => "an empty body".to_string(),
        (n, Some(content_type)) => format!("a {content_type} body of {n} bytes"),
        (n, None) => format!("a body of {n} bytes"),
    };
    let mut message =
        format!("the Secrets Manager endpoint answered {status} with {what}, not an AWS error");
    if let Some(excerpt) = excerpt.map(str::trim).filter(|e| !e.is_empty()) {
        message.push_str(": ");
        message.extend(excerpt.chars().take(EXCERPT_MAX));
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn convert(status: u16, content_type: Option<&str>, body: &str) -> Option<Value> {
        let status = StatusCode::from_u16(status).unwrap();
        as_aws_json(status, content_type, body.as_bytes())
            .map(|json| serde_json::from_str(&json).unwrap())
    }

    #[test]
    fn aws_json_errors_stay_as_they_are() {
        let body = r#"{"__type":"ResourceNotFoundException","message":"no such secret"}"#;
        assert_eq!(convert(400, Some("application/x-amz-json-1.1"), body), None);
        // moto's JSON errors come as text/html; the body decides.
        assert_eq!(convert(404, Some("text/html; charset=utf-8"), body), None);
    }

    #[test]
    fn motos_xml_auth_errors_become_aws_json() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<ErrorResponse>
  <Errors>
    <Error>
      <Code>SignatureDoesNotMatch</Code>
      <Message><![CDATA[The request signature we calculated does not match the signature you provided.]]></Message>
    </Error>
  </Errors>
  <RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId>
</ErrorResponse>"#;
        assert_eq!(
            convert(403, Some("text/xml"), xml),
            Some(json!({
                "__type": "SignatureDoesNotMatch",
                "message": "The request signature we calculated does not match the signature you provided."
            }))
        );
        let no_message = "<Error><Code>AccessDenied</Code></Error>";
        let converted = convert(403, None, no_message).unwrap();
        assert_eq!(converted["__type"], "AccessDenied");
        assert!(
            converted["message"]
                .as_str()
                .unwrap()
                .contains("403 Forbidden"),
            "{converted}"
        );
    }

    #[test]
    fn other_bodies_get_the_status_reason_and_a_short_message() {
        let html = "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>";
        let converted = convert(500, Some("text/html; charset=utf-8"), html).unwrap();
        assert_eq!(converted["__type"], "InternalServerError");
        assert_eq!(
            converted["message"],
            format!(
                "the Secrets Manager endpoint answered 500 Internal Server Error with a text/html; \
                 charset=utf-8 body of {} bytes, not an AWS error",
                html.len()
            )
        );
        let text = convert(502, Some("text/plain"), "upstream connect error\nmore").unwrap();
        assert_eq!(text["__type"], "BadGateway");
        assert!(
            text["message"]
                .as_str()
                .unwrap()
                .ends_with("not an AWS error: upstream connect error"),
            "{text}"
        );
        let long = "x".repeat(1000);
        let text = convert(503, Some("text/plain"), &long).unwrap();
        assert!(text["message"].as_str().unwrap().len() < 400);
        let empty = convert(504, None, "").unwrap();
        assert_eq!(empty["__type"], "GatewayTimeout");
        assert!(empty["message"].as_str().unwrap().contains("an empty body"));
        assert_eq!(convert(599, None, "?").unwrap()["__type"], "Http599");
        assert_eq!(convert(418, None, "").unwrap()["__type"], "IMATeapot");
    }

    #[test]
    fn json_without_type_keeps_its_words() {
        let converted = convert(403, Some("application/json"), r#"{"message":"Forbidden"}"#);
        assert_eq!(
            converted,
            Some(json!({"__type": "Forbidden", "message": "Forbidden"}))
        );
        let coded = convert(429, None, r#"{"Code":"Throttled","Message":"slow down"}"#);
        assert_eq!(
            coded,
            Some(json!({"__type": "Throttled", "message": "slow down"}))
        );
        let array = convert(500, None, "[1]").unwrap();
        assert_eq!(array["__type"], "InternalServerError");
    }
}
