//! AWS JSON 1.1 wire types for the Secrets Manager calls the dashboard makes.
//!
//! Shapes follow the AWS service model (botocore `secretsmanager/2017-10-17`). Parsing is lenient
//! where real servers differ: moto sends explicit `null`s, integer or float epoch seconds, and
//! `text/html` as the content type; unknown fields are ignored.
//!
//! There is no JSON parser in the wasm build: the browser's `JSON.parse` reads the text and the
//! types here read the result field by field (see [`JsonValue`]). Native builds (the unit tests)
//! read `serde_json::Value` with the same code, so the lenient rules are tested natively.

/// `ListSecrets` request. `MaxResults` is at most 100 per the service model.
#[derive(Debug, Clone, PartialEq)]
pub struct ListSecretsRequest {
    pub include_planned_deletion: bool,
    pub max_results: u32,
    pub next_token: Option<String>,
    pub filters: Vec<Filter>,
}

/// A `ListSecrets` filter; `name` values are prefix matches.
#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    pub key: String,
    pub values: Vec<String>,
}

impl ListSecretsRequest {
    /// The JSON body, with AWS field names; an absent token and empty filters are left out.
    pub fn to_json(&self) -> String {
        let mut out = String::from("{\"IncludePlannedDeletion\":");
        out.push_str(if self.include_planned_deletion {
            "true"
        } else {
            "false"
        });
        out.push_str(",\"MaxResults\":");
        out.push_str(&self.max_results.to_string());
        if let Some(token) = &self.next_token {
            out.push_str(",\"NextToken\":");
            push_json_string(&mut out, token);
        }
        if !self.filters.is_empty() {
            out.push_str(",\"Filters\":[");
            for (i, filter) in self.filters.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str("{\"Key\":");
                push_json_string(&mut out, &filter.key);
                out.push_str(",\"Values\":[");
                for (j, value) in filter.values.iter().enumerate() {
                    if j > 0 {
                        out.push(',');
                    }
                    push_json_string(&mut out, value);
                }
                out.push_str("]}");
            }
            out.push(']');
        }
        out.push('}');
        out
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListSecretsResponse {
    pub secret_list: Vec<SecretListEntry>,
    pub next_token: Option<String>,
}

/// One secret of a ListSecrets page. Only secrets scheduled for deletion are read in full: a live
/// secret (no `DeletedDate`) is counted but its other fields are not read (they stay `None`),
/// because the dashboard never shows it and most secrets are live.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SecretListEntry {
    pub arn: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub tags: Vec<Tag>,
    pub last_changed_date: Option<WireDate>,
    pub deleted_date: Option<WireDate>,
    pub owning_service: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tag {
    pub key: Option<String>,
    pub value: Option<String>,
}

/// `RestoreSecret` request, and `DescribeSecret`'s, which has the same one member. `SecretId`
/// accepts an ARN or a name. We always send the ARN.
#[derive(Debug, Clone, PartialEq)]
pub struct RestoreSecretRequest {
    pub secret_id: String,
}

impl RestoreSecretRequest {
    pub fn to_json(&self) -> String {
        let mut out = String::from("{\"SecretId\":");
        push_json_string(&mut out, &self.secret_id);
        out.push('}');
        out
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RestoreSecretResponse {
    pub arn: Option<String>,
    pub name: Option<String>,
}

/// `DescribeSecret` answer, read only for what checking a restore needs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DescribeSecretResponse {
    pub arn: Option<String>,
    pub name: Option<String>,
    /// `DeletedDate` is present (not null): the secret is scheduled for deletion.
    pub scheduled_for_deletion: bool,
}

/// What the proxy says about itself at `GET /api/config`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProxyConfig {
    pub region: Option<String>,
    pub endpoint: Option<String>,
    pub read_only: bool,
}

/// A timestamp as sent on the wire. AWS JSON uses epoch seconds (integer or fractional); an
/// unreadable value is kept rather than failing the whole page, so the row can say so.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum WireDate {
    /// Milliseconds since the Unix epoch.
    EpochMillis(f64),
    Unreadable,
}

impl WireDate {
    pub fn millis(self) -> Option<f64> {
        match self {
            WireDate::EpochMillis(ms) => Some(ms),
            WireDate::Unreadable => None,
        }
    }

    /// A number is epoch seconds; so is a string holding one (some tools print epochs as
    /// strings; ISO 8601 is not used by AWS JSON 1.1). Anything else is unreadable.
    fn from_json<V: JsonValue>(value: &V) -> WireDate {
        if let Some(secs) = value.as_f64() {
            from_seconds(secs)
        } else if let Some(text) = value.as_string() {
            number_from_text(text.trim()).map_or(WireDate::Unreadable, from_seconds)
        } else {
            WireDate::Unreadable
        }
    }
}

/// A number written in decimal notation, as Rust's `f64` parser reads it.
#[cfg(not(target_arch = "wasm32"))]
fn number_from_text(text: &str) -> Option<f64> {
    text.parse().ok()
}

/// The same in the browser with JS's `+text` (Rust's parser is ~5 KB of wasm). The two agree on
/// decimal notation; the other forms JS knows (`0x1f`, `Infinity`, `""` as 0) are refused first,
/// and those Rust knows (`inf`, `NaN`) are never valid dates anyway.
#[cfg(target_arch = "wasm32")]
fn number_from_text(text: &str) -> Option<f64> {
    let decimal = !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'));
    let n = decimal.then(|| wasm_bindgen::JsValue::from_str(text).unchecked_into_f64())?;
    (!n.is_nan()).then_some(n)
}

/// The last second of the year 9999. Later "dates" are not real (a microsecond epoch read as
/// seconds, say), and past 8.64e12 s the browser's `Date` cannot even hold them.
const LAST_READABLE_SECOND: f64 = 253_402_300_799.0;

fn from_seconds(secs: f64) -> WireDate {
    if secs > 0.0 && secs <= LAST_READABLE_SECOND {
        WireDate::EpochMillis(secs * 1000.0)
    } else {
        WireDate::Unreadable
    }
}

/// A parsed JSON value, read field by field: the result of `JSON.parse` in the browser,
/// `serde_json::Value` natively.
pub trait JsonValue: Sized {
    fn is_null(&self) -> bool;
    /// A JSON object (not an array).
    fn is_object(&self) -> bool;
    /// The member `key` of an object; `None` when absent.
    fn member(&self, key: &str) -> Option<Self>;
    fn as_string(&self) -> Option<String>;
    fn as_f64(&self) -> Option<f64>;
    fn as_bool(&self) -> Option<bool>;
    fn elements(&self) -> Option<Vec<Self>>;
}

/// Why a JSON answer did not have the expected shape.
pub type ShapeError = String;

/// A type read from a parsed JSON value.
pub trait FromJson: Sized {
    fn from_json<V: JsonValue>(value: &V) -> Result<Self, ShapeError>;
}

/// Parses JSON text and reads a `T` from it.
pub fn decode<T: FromJson>(text: &str) -> Result<T, ShapeError> {
    T::from_json(&parse_json(text)?)
}

/// Member `key`: absent and `null` are both `None`; a value of the wrong type is an error.
fn optional<V: JsonValue, T>(
    object: &V,
    key: &str,
    read: impl FnOnce(&V) -> Option<T>,
) -> Result<Option<T>, ShapeError> {
    match object.member(key) {
        Some(value) if !value.is_null() => read(&value)
            .map(Some)
            .ok_or_else(|| format!("{key} has the wrong type")),
        _ => Ok(None),
    }
}

/// A string member (absent or `null`: `None`).
pub(crate) fn string<V: JsonValue>(object: &V, key: &str) -> Result<Option<String>, ShapeError> {
    optional(object, key, V::as_string)
}

/// An array member read item by item; `None` when absent or `null`.
fn list<V: JsonValue, T>(
    object: &V,
    key: &str,
    item: impl Fn(&V) -> Result<T, ShapeError>,
) -> Result<Option<Vec<T>>, ShapeError> {
    optional(object, key, V::elements)?
        .map(|values| values.iter().map(item).collect())
        .transpose()
}

fn date<V: JsonValue>(object: &V, key: &str) -> Option<WireDate> {
    object
        .member(key)
        .filter(|value| !value.is_null())
        .map(|value| WireDate::from_json(&value))
}

fn expect_object<V: JsonValue>(value: &V) -> Result<(), ShapeError> {
    if value.is_object() {
        Ok(())
    } else {
        Err("expected a JSON object".into())
    }
}

impl FromJson for ListSecretsResponse {
    fn from_json<V: JsonValue>(value: &V) -> Result<Self, ShapeError> {
        expect_object(value)?;
        Ok(ListSecretsResponse {
            // Required: AWS and moto always send it, and "nothing is scheduled for deletion" from
            // some other JSON endpoint would be a false all-clear.
            secret_list: list(value, "SecretList", SecretListEntry::from_json)?
                .ok_or("SecretList is missing")?,
            next_token: string(value, "NextToken")?,
        })
    }
}

impl FromJson for SecretListEntry {
    fn from_json<V: JsonValue>(value: &V) -> Result<Self, ShapeError> {
        expect_object(value)?;
        let deleted_date = date(value, "DeletedDate");
        if deleted_date.is_none() {
            return Ok(SecretListEntry::default());
        }
        Ok(SecretListEntry {
            arn: string(value, "ARN")?,
            name: string(value, "Name")?,
            description: string(value, "Description")?,
            tags: list(value, "Tags", Tag::from_json)?.unwrap_or_default(),
            last_changed_date: date(value, "LastChangedDate"),
            deleted_date,
            owning_service: string(value, "OwningService")?,
        })
    }
}

impl FromJson for Tag {
    fn from_json<V: JsonValue>(value: &V) -> Result<Self, ShapeError> {
        expect_object(value)?;
        Ok(Tag {
            key: string(value, "Key")?,
            value: string(value, "Value")?,
        })
    }
}

impl FromJson for RestoreSecretResponse {
    fn from_json<V: JsonValue>(value: &V) -> Result<Self, ShapeError> {
        expect_object(value)?;
        Ok(RestoreSecretResponse {
            arn: string(value, "ARN")?,
            name: string(value, "Name")?,
        })
    }
}

impl FromJson for DescribeSecretResponse {
    fn from_json<V: JsonValue>(value: &V) -> Result<Self, ShapeError> {
        expect_object(value)?;
        Ok(DescribeSecretResponse {
            arn: string(value, "ARN")?,
            name: string(value, "Name")?,
            scheduled_for_deletion: date(value, "DeletedDate").is_some(),
        })
    }
}

impl FromJson for ProxyConfig {
    fn from_json<V: JsonValue>(value: &V) -> Result<Self, ShapeError> {
        expect_object(value)?;
        // `readOnly` may be absent (false), but not null.
        let read_only = match value.member("readOnly") {
            None => false,
            Some(flag) => flag
                .as_bool()
                .ok_or_else(|| "readOnly has the wrong type".to_string())?,
        };
        Ok(ProxyConfig {
            region: string(value, "region")?,
            endpoint: string(value, "endpoint")?,
            read_only,
        })
    }
}

/// Appends `text` as a JSON string literal (escaped as serde_json does).
fn push_json_string(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                out.push_str("\\u00");
                out.push(HEX[(c as usize) >> 4] as char);
                out.push(HEX[(c as usize) & 0xf] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// The browser's `JSON.parse`; its `SyntaxError` message on failure.
#[cfg(target_arch = "wasm32")]
pub fn parse_json(text: &str) -> Result<wasm_bindgen::JsValue, ShapeError> {
    js_sys::JSON::parse(text).map_err(|e| String::from(js_sys::Error::from(e).message()))
}

#[cfg(target_arch = "wasm32")]
impl JsonValue for wasm_bindgen::JsValue {
    fn is_null(&self) -> bool {
        self.is_null_or_undefined()
    }

    fn is_object(&self) -> bool {
        self.is_object() && !js_sys::Array::is_array(self)
    }

    fn member(&self, key: &str) -> Option<Self> {
        js_sys::Reflect::get(self, &wasm_bindgen::JsValue::from_str(key))
            .ok()
            .filter(|v| !v.is_undefined())
    }

    fn as_string(&self) -> Option<String> {
        wasm_bindgen::JsValue::as_string(self)
    }

    fn as_f64(&self) -> Option<f64> {
        wasm_bindgen::JsValue::as_f64(self)
    }

    fn as_bool(&self) -> Option<bool> {
        wasm_bindgen::JsValue::as_bool(self)
    }

    fn elements(&self) -> Option<Vec<Self>> {
        js_sys::Array::is_array(self).then(|| js_sys::Array::from(self).iter().collect())
    }
}

/// serde_json natively (the unit tests); it is not part of the wasm build.
#[cfg(not(target_arch = "wasm32"))]
pub fn parse_json(text: &str) -> Result<serde_json::Value, ShapeError> {
    serde_json::from_str(text).map_err(|e| e.to_string())
}

#[cfg(not(target_arch = "wasm32"))]
impl JsonValue for serde_json::Value {
    fn is_null(&self) -> bool {
        serde_json::Value::is_null(self)
    }

    fn is_object(&self) -> bool {
        serde_json::Value::is_object(self)
    }

    fn member(&self, key: &str) -> Option<Self> {
        self.get(key).cloned()
    }

    fn as_string(&self) -> Option<String> {
        self.as_str().map(str::to_string)
    }

    fn as_f64(&self) -> Option<f64> {
        serde_json::Value::as_f64(self)
    }

    fn as_bool(&self) -> Option<bool> {
        serde_json::Value::as_bool(self)
    }

    fn elements(&self) -> Option<Vec<Self>> {
        self.as_array().cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_uses_aws_field_names_and_omits_empty_token() {
        let req = ListSecretsRequest {
            include_planned_deletion: true,
            max_results: 100,
            next_token: None,
            filters: vec![],
        };
        assert_eq!(
            req.to_json(),
            r#"{"IncludePlannedDeletion":true,"MaxResults":100}"#
        );
        let req = ListSecretsRequest {
            next_token: Some("abc".into()),
            filters: vec![Filter {
                key: "name".into(),
                values: vec!["prod/".into()],
            }],
            ..req
        };
        assert_eq!(
            req.to_json(),
            r#"{"IncludePlannedDeletion":true,"MaxResults":100,"NextToken":"abc","Filters":[{"Key":"name","Values":["prod/"]}]}"#
        );
    }

    /// A page as moto 5.2.5 sends it: explicit nulls, integer epochs, float `DeletedDate`.
    #[test]
    fn parses_moto_page() {
        let body = r#"{"SecretList": [{"ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf",
            "Name": "prod/db", "Description": null, "KmsKeyId": null, "RotationEnabled": false,
            "RotationLambdaARN": null, "RotationRules": null, "LastRotatedDate": null,
            "LastChangedDate": 1763856000, "LastAccessedDate": null, "CreatedDate": 1763850000,
            "DeletedDate": 1764460800.123456, "Tags": null, "SecretVersionsToStages": {"v1": ["AWSCURRENT"]},
            "OwningService": null, "PrimaryRegion": null}], "NextToken": null}"#;
        let page: ListSecretsResponse = decode(body).unwrap();
        assert_eq!(page.next_token, None);
        let entry = &page.secret_list[0];
        assert_eq!(entry.name.as_deref(), Some("prod/db"));
        assert_eq!(entry.description, None);
        assert!(entry.tags.is_empty());
        assert_eq!(
            entry.last_changed_date,
            Some(WireDate::EpochMillis(1_763_856_000_000.0))
        );
        let deleted = entry.deleted_date.unwrap().millis().unwrap();
        assert!((deleted - 1_764_460_800_123.456).abs() < 0.01);
    }

    /// The documented AWS shape: fields simply absent, tags present, a continuation token.
    #[test]
    fn parses_aws_documented_page() {
        let body = r#"{"SecretList":[{"ARN":"arn:aws:secretsmanager:eu-west-1:111122223333:secret:a-1a2b3c",
            "Name":"a","Description":"API key","Tags":[{"Key":"team","Value":"payments"}],
            "LastChangedDate":1.523477145729E9,"DeletedDate":1.523477145729E9}],"NextToken":"tok=="}"#;
        let page: ListSecretsResponse = decode(body).unwrap();
        assert_eq!(page.next_token.as_deref(), Some("tok=="));
        let entry = &page.secret_list[0];
        assert_eq!(
            entry.tags,
            vec![Tag {
                key: Some("team".into()),
                value: Some("payments".into())
            }]
        );
        assert_eq!(
            entry.deleted_date.and_then(WireDate::millis),
            Some(1_523_477_145_729.0)
        );
    }

    /// Live secrets are counted, not read: even a field of the wrong type does not matter.
    #[test]
    fn live_secrets_are_counted_but_not_read() {
        let body = r#"{"SecretList":[{"Name":"live","Description":7,"DeletedDate":null},
            {"Name":"also-live"},{"Name":"gone","DeletedDate":1764460800}]}"#;
        let page: ListSecretsResponse = decode(body).unwrap();
        assert_eq!(page.secret_list.len(), 3);
        assert_eq!(page.secret_list[0], SecretListEntry::default());
        assert_eq!(page.secret_list[1], SecretListEntry::default());
        assert_eq!(page.secret_list[2].name.as_deref(), Some("gone"));
    }

    #[test]
    fn an_empty_list_is_empty_but_a_missing_one_is_an_error() {
        let page: ListSecretsResponse = decode(r#"{"SecretList":[]}"#).unwrap();
        assert!(page.secret_list.is_empty());
        assert_eq!(page.next_token, None);
        // AWS and moto always send the list: without it, "nothing is scheduled for deletion"
        // would be a false all-clear from some other JSON endpoint.
        for body in [r#"{}"#, r#"{"SecretList":null}"#, r#"{"SecretList":{}}"#] {
            assert!(decode::<ListSecretsResponse>(body).is_err(), "{body}");
        }
    }

    #[test]
    fn dates_past_the_year_9999_are_unreadable() {
        for secs in ["1e13", "1.8e15", "253402300800"] {
            let body = format!(
                r#"{{"SecretList":[{{"Name":"x","DeletedDate":{secs},"LastChangedDate":{secs}}}]}}"#
            );
            let page: ListSecretsResponse = decode(&body).unwrap();
            assert_eq!(
                page.secret_list[0].deleted_date,
                Some(WireDate::Unreadable),
                "{secs}"
            );
            assert_eq!(
                page.secret_list[0].last_changed_date,
                Some(WireDate::Unreadable),
                "{secs}"
            );
        }
        let page: ListSecretsResponse =
            decode(r#"{"SecretList":[{"Name":"x","DeletedDate":253402300799}]}"#).unwrap();
        assert_eq!(
            page.secret_list[0].deleted_date,
            Some(WireDate::EpochMillis(253_402_300_799_000.0))
        );
    }

    #[test]
    fn odd_dates_are_kept_as_unreadable_not_fatal() {
        let body = r#"{"SecretList":[{"Name":"x","DeletedDate":"soon"},{"Name":"y","DeletedDate":{"a":1}},
            {"Name":"z","DeletedDate":"1764460800"},{"Name":"w","DeletedDate":-5}]}"#;
        let page: ListSecretsResponse = decode(body).unwrap();
        let dates: Vec<_> = page.secret_list.iter().map(|e| e.deleted_date).collect();
        assert_eq!(
            dates,
            vec![
                Some(WireDate::Unreadable),
                Some(WireDate::Unreadable),
                Some(WireDate::EpochMillis(1_764_460_800_000.0)),
                Some(WireDate::Unreadable),
            ]
        );
    }

    #[test]
    fn a_non_object_answer_is_an_error() {
        assert!(decode::<ListSecretsResponse>("[1,2]").is_err());
        assert!(decode::<ListSecretsResponse>("<html>").is_err());
        assert!(decode::<ListSecretsResponse>(r#"{"SecretList":"nope"}"#).is_err());
    }

    #[test]
    fn restore_answer_and_proxy_config_parse() {
        let d: DescribeSecretResponse =
            decode(r#"{"ARN":"arn:x","Name":"prod/db","DeletedDate":1700000000.5}"#).unwrap();
        assert!(d.scheduled_for_deletion);
        // moto sends an explicit null for a live secret; AWS leaves the member out.
        for live in [
            r#"{"Name":"prod/db","DeletedDate":null}"#,
            r#"{"Name":"prod/db"}"#,
        ] {
            let d: DescribeSecretResponse = decode(live).unwrap();
            assert!(!d.scheduled_for_deletion, "{live}");
        }
        let r: RestoreSecretResponse = decode(r#"{"ARN":"arn:x","Name":"prod/db"}"#).unwrap();
        assert_eq!(r.name.as_deref(), Some("prod/db"));
        let c: ProxyConfig =
            decode(r#"{"region":"us-east-1","endpoint":"http://127.0.0.1:5000","readOnly":true}"#)
                .unwrap();
        assert!(c.read_only);
        assert_eq!(c.region.as_deref(), Some("us-east-1"));
    }

    #[test]
    fn request_strings_are_escaped_like_json() {
        let req = RestoreSecretRequest {
            secret_id: "a\"b\\c\nd\u{1}é/".into(),
        };
        assert_eq!(req.to_json(), r#"{"SecretId":"a\"b\\c\nd\u0001é/"}"#);
        let back = parse_json(&req.to_json()).unwrap();
        assert_eq!(
            back.member("SecretId")
                .and_then(|v| v.as_string())
                .as_deref(),
            Some("a\"b\\c\nd\u{1}é/")
        );
    }

    #[test]
    fn missing_fields_default_and_wrong_types_fail() {
        let page: ListSecretsResponse = decode(
            r#"{"SecretList":[{"DeletedDate":1,"Tags":[{"Key":"k","Value":null}],"Extra":{"x":[1]}}]}"#,
        )
        .unwrap();
        let entry = &page.secret_list[0];
        assert_eq!(entry.arn.as_deref(), None);
        assert_eq!(entry.tags[0].value, None);
        let bad = r#"{"SecretList":[{"Name":5,"DeletedDate":1}]}"#;
        assert!(decode::<ListSecretsResponse>(bad).is_err());
        assert!(decode::<ListSecretsResponse>(r#"{"SecretList":[7]}"#).is_err());
        assert!(decode::<ListSecretsResponse>(r#"{"NextToken":true}"#).is_err());

        let c: ProxyConfig = decode("{}").unwrap();
        assert_eq!(c, ProxyConfig::default());
        assert!(decode::<ProxyConfig>(r#"{"readOnly":null}"#).is_err());
        let r: RestoreSecretResponse = decode(r#"{"Name":null}"#).unwrap();
        assert_eq!(r, RestoreSecretResponse::default());
    }
}
