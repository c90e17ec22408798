//! AWS JSON 1.1 wire types for the Secrets Manager calls the dashboard makes, read and written
//! with serde.
//!
//! Shapes follow the AWS service model (botocore `secretsmanager/2017-10-17`). Reading is lenient
//! where real servers differ: moto sends explicit `null`s, integer or float epoch seconds, and
//! `text/html` as the content type; unknown fields are ignored.

use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

/// `ListSecrets` request. `MaxResults` is at most 100 per the service model.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListSecretsRequest {
    pub include_planned_deletion: bool,
    pub max_results: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListSecretsResponse {
    /// Required: AWS and moto always send it, and "nothing is scheduled for deletion" read from
    /// some other JSON endpoint would be a false all-clear.
    pub secret_list: Vec<SecretListEntry>,
    pub next_token: Option<String>,
}

/// One secret of a ListSecrets page.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SecretListEntry {
    #[serde(rename = "ARN")]
    pub arn: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    /// moto sends `"Tags": null` for a secret without tags; AWS leaves the member out.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub tags: Vec<Tag>,
    pub last_changed_date: Option<WireDate>,
    /// Present (not null) exactly when the secret is scheduled for deletion.
    pub deleted_date: Option<WireDate>,
    pub owning_service: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    pub key: Option<String>,
    pub value: Option<String>,
}

/// `RestoreSecret` request, and `DescribeSecret`'s, which has the same one member. `SecretId`
/// accepts an ARN or a name. We always send the ARN.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SecretIdRequest {
    pub secret_id: String,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RestoreSecretResponse {
    #[serde(rename = "ARN")]
    pub arn: Option<String>,
    pub name: Option<String>,
}

/// `DescribeSecret` answer, read only for what checking a restore needs.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeSecretResponse {
    #[serde(rename = "ARN")]
    pub arn: Option<String>,
    pub name: Option<String>,
    /// Present (not null): the secret is scheduled for deletion.
    pub deleted_date: Option<WireDate>,
}

impl DescribeSecretResponse {
    pub fn scheduled_for_deletion(&self) -> bool {
        self.deleted_date.is_some()
    }
}

/// What the proxy says about itself at `GET /api/config`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProxyConfig {
    pub region: Option<String>,
    pub endpoint: Option<String>,
    /// May be absent (false), but not null.
    #[serde(default)]
    pub read_only: bool,
    /// The account-regions the proxy serves, first one first. Absent from a proxy that serves
    /// one account in one region (at `POST /api/secretsmanager`), which predates targets.
    pub targets: Option<Vec<TargetInfo>>,
}

/// One account in one region, as `GET /api/config` lists it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetInfo {
    /// The 12-digit account ID; `null` while the proxy could not learn it (its credentials fail).
    pub account: Option<String>,
    /// The operator's name for the account; the account ID when it has none.
    pub label: Option<String>,
    pub region: Option<String>,
    /// Whether the account's credentials worked when last tried (absent: yes).
    #[serde(default = "yes")]
    pub available: bool,
    /// Why not, when unavailable.
    pub reason: Option<String>,
}

fn yes() -> bool {
    true
}

/// An AWS JSON error body: `__type`, `message` (or `Message`), and `code` from some servers. The
/// proxy sends its own refusals, and any upstream error, in this shape.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ErrorBody {
    #[serde(rename = "__type")]
    pub kind: Option<String>,
    pub message: Option<String>,
    #[serde(rename = "Message")]
    pub message_capitalised: Option<String>,
    pub code: Option<String>,
}

/// Reads a `T` from JSON text; the error says why the text is not a `T`.
pub fn decode<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, String> {
    serde_json::from_str(text).map_err(|e| e.to_string())
}

/// The request body for `request`.
pub fn encode<T: Serialize>(request: &T) -> String {
    // Serializing these plain structs of strings, numbers and booleans cannot fail.
    serde_json::to_string(request).unwrap_or_default()
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

    fn from_seconds(secs: f64) -> WireDate {
        if secs > 0.0 && secs <= LAST_READABLE_SECOND {
            WireDate::EpochMillis(secs * 1000.0)
        } else {
            WireDate::Unreadable
        }
    }
}

/// The last second of the year 9999. Later "dates" are not real (a microsecond epoch read as
/// seconds, say), and past 8.64e12 s the browser's `Date` cannot even hold them.
const LAST_READABLE_SECOND: f64 = 253_402_300_799.0;

/// A number is epoch seconds; so is a string holding one (some tools print epochs as strings;
/// ISO 8601 is not used by AWS JSON 1.1). Anything else is unreadable, not an error. (`null` never
/// gets here: it is `None` of the `Option<WireDate>` around it.)
impl<'de> Deserialize<'de> for WireDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DateVisitor;

        impl<'de> Visitor<'de> for DateVisitor {
            type Value = WireDate;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("epoch seconds")
            }

            fn visit_f64<E: de::Error>(self, secs: f64) -> Result<WireDate, E> {
                Ok(WireDate::from_seconds(secs))
            }

            fn visit_i64<E: de::Error>(self, secs: i64) -> Result<WireDate, E> {
                Ok(WireDate::from_seconds(secs as f64))
            }

            fn visit_u64<E: de::Error>(self, secs: u64) -> Result<WireDate, E> {
                Ok(WireDate::from_seconds(secs as f64))
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<WireDate, E> {
                Ok(text
                    .trim()
                    .parse()
                    .map_or(WireDate::Unreadable, WireDate::from_seconds))
            }

            fn visit_bool<E: de::Error>(self, _: bool) -> Result<WireDate, E> {
                Ok(WireDate::Unreadable)
            }

            fn visit_unit<E: de::Error>(self) -> Result<WireDate, E> {
                Ok(WireDate::Unreadable)
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<WireDate, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(WireDate::Unreadable)
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<WireDate, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(WireDate::Unreadable)
            }
        }

        deserializer.deserialize_any(DateVisitor)
    }
}

/// A list member that may be absent or `null`: both read as empty.
fn null_as_empty<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(deserializer)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_uses_aws_field_names_and_omits_an_absent_token() {
        let req = ListSecretsRequest {
            include_planned_deletion: true,
            max_results: 100,
            next_token: None,
        };
        assert_eq!(
            encode(&req),
            r#"{"IncludePlannedDeletion":true,"MaxResults":100}"#
        );
        let req = ListSecretsRequest {
            next_token: Some("a\"b".into()),
            ..req
        };
        assert_eq!(
            encode(&req),
            r#"{"IncludePlannedDeletion":true,"MaxResults":100,"NextToken":"a\"b"}"#
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

    #[test]
    fn live_secrets_have_no_deleted_date() {
        let body = r#"{"SecretList":[{"Name":"live","DeletedDate":null},
            {"Name":"also-live"},{"Name":"gone","DeletedDate":1764460800}]}"#;
        let page: ListSecretsResponse = decode(body).unwrap();
        let deleted: Vec<_> = page
            .secret_list
            .iter()
            .map(|e| e.deleted_date.is_some())
            .collect();
        assert_eq!(deleted, [false, false, true]);
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
        let body = r#"{"SecretList":[{"Name":"x","DeletedDate":"soon"},{"Name":"y","DeletedDate":{"a":[1]}},
            {"Name":"z","DeletedDate":" 1764460800 "},{"Name":"w","DeletedDate":-5},
            {"Name":"v","DeletedDate":[1,2]},{"Name":"u","DeletedDate":true},
            {"Name":"t","DeletedDate":"inf"},{"Name":"s","DeletedDate":"0x1f"}]}"#;
        let page: ListSecretsResponse = decode(body).unwrap();
        let dates: Vec<_> = page.secret_list.iter().map(|e| e.deleted_date).collect();
        let unreadable = Some(WireDate::Unreadable);
        assert_eq!(
            dates,
            vec![
                unreadable,
                unreadable,
                Some(WireDate::EpochMillis(1_764_460_800_000.0)),
                unreadable,
                unreadable,
                unreadable,
                unreadable,
                unreadable,
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
        assert!(d.scheduled_for_deletion());
        // moto sends an explicit null for a live secret; AWS leaves the member out.
        for live in [
            r#"{"Name":"prod/db","DeletedDate":null}"#,
            r#"{"Name":"prod/db"}"#,
        ] {
            let d: DescribeSecretResponse = decode(live).unwrap();
            assert!(!d.scheduled_for_deletion(), "{live}");
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
    fn request_strings_are_escaped_as_json() {
        let req = SecretIdRequest {
            secret_id: "a\"b\\c\nd\u{1}é/".into(),
        };
        assert_eq!(encode(&req), r#"{"SecretId":"a\"b\\c\nd\u0001é/"}"#);
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

    #[test]
    fn config_lists_targets_with_their_availability() {
        let c: ProxyConfig = decode(
            r#"{"region":"us-east-1","endpoint":"http://x","readOnly":false,"targets":[
                {"account":"123456789012","label":"123456789012","region":"us-east-1","available":true},
                {"account":null,"label":"ops","region":"us-east-1","available":false,"reason":"expired"},
                {"account":"210987654321","region":"eu-west-1"}]}"#,
        )
        .unwrap();
        let targets = c.targets.unwrap();
        assert_eq!(targets.len(), 3);
        assert_eq!(targets[1].account, None);
        assert!(!targets[1].available);
        assert_eq!(targets[1].reason.as_deref(), Some("expired"));
        assert!(targets[2].available, "absent means available");
        assert_eq!(targets[2].label, None);
        // A proxy that predates targets.
        let old: ProxyConfig = decode(r#"{"region":"us-east-1"}"#).unwrap();
        assert_eq!(old.targets, None);
    }

    #[test]
    fn error_bodies_read_either_message_spelling() {
        let e: ErrorBody = decode(r#"{"__type":"X","Message":"m"}"#).unwrap();
        assert_eq!(
            (e.kind.as_deref(), e.message_capitalised.as_deref()),
            (Some("X"), Some("m"))
        );
        let e: ErrorBody = decode(r#"{"code":"C","message":null,"extra":1}"#).unwrap();
        assert_eq!((e.code.as_deref(), e.message), (Some("C"), None));
    }
}
