//! AWS JSON 1.1 wire types for the Secrets Manager calls the dashboard makes.
//!
//! Shapes follow the AWS service model (botocore `secretsmanager/2017-10-17`). Parsing is lenient
//! where real servers differ: moto sends explicit `null`s, integer or float epoch seconds, and
//! `text/html` as the content type; unknown fields are ignored.

use serde::{Deserialize, Deserializer, Serialize};

/// `ListSecrets` request. `MaxResults` is at most 100 per the service model.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListSecretsRequest {
    pub include_planned_deletion: bool,
    pub max_results: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub filters: Vec<Filter>,
}

/// A `ListSecrets` filter; `name` values are prefix matches.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Filter {
    pub key: String,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct ListSecretsResponse {
    #[serde(deserialize_with = "null_as_default")]
    pub secret_list: Vec<SecretListEntry>,
    pub next_token: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct SecretListEntry {
    #[serde(rename = "ARN")]
    pub arn: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub tags: Vec<Tag>,
    pub last_changed_date: Option<WireDate>,
    pub last_accessed_date: Option<WireDate>,
    pub created_date: Option<WireDate>,
    pub deleted_date: Option<WireDate>,
    pub owning_service: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Tag {
    pub key: Option<String>,
    pub value: Option<String>,
}

/// `RestoreSecret` request; `SecretId` accepts an ARN or a name. We always send the ARN.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RestoreSecretRequest {
    pub secret_id: String,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct RestoreSecretResponse {
    #[serde(rename = "ARN")]
    pub arn: Option<String>,
    pub name: Option<String>,
}

/// What the proxy says about itself at `GET /api/config`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
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
}

impl<'de> Deserialize<'de> for WireDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(f64),
            Text(String),
            Other(serde::de::IgnoredAny),
        }
        Ok(match Raw::deserialize(deserializer)? {
            Raw::Number(secs) => from_seconds(secs),
            // Some tools print epochs as strings; ISO 8601 is not used by AWS JSON 1.1.
            Raw::Text(text) => text
                .trim()
                .parse::<f64>()
                .map_or(WireDate::Unreadable, from_seconds),
            Raw::Other(_) => WireDate::Unreadable,
        })
    }
}

fn from_seconds(secs: f64) -> WireDate {
    if secs.is_finite() && secs > 0.0 {
        WireDate::EpochMillis(secs * 1000.0)
    } else {
        WireDate::Unreadable
    }
}

/// Treats an explicit JSON `null` like an absent field.
fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
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
            serde_json::to_string(&req).unwrap(),
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
            serde_json::to_string(&req).unwrap(),
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
        let page: ListSecretsResponse = serde_json::from_str(body).unwrap();
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
        let page: ListSecretsResponse = serde_json::from_str(body).unwrap();
        assert_eq!(page.next_token.as_deref(), Some("tok=="));
        let entry = &page.secret_list[0];
        assert_eq!(
            entry.tags,
            vec![Tag {
                key: Some("team".into()),
                value: Some("payments".into())
            }]
        );
        assert_eq!(entry.created_date, None);
        assert_eq!(
            entry.deleted_date.and_then(WireDate::millis),
            Some(1_523_477_145_729.0)
        );
    }

    #[test]
    fn empty_and_null_lists_parse_as_empty() {
        for body in [r#"{}"#, r#"{"SecretList":null}"#, r#"{"SecretList":[]}"#] {
            let page: ListSecretsResponse = serde_json::from_str(body).unwrap();
            assert!(page.secret_list.is_empty(), "{body}");
            assert_eq!(page.next_token, None);
        }
    }

    #[test]
    fn odd_dates_are_kept_as_unreadable_not_fatal() {
        let body = r#"{"SecretList":[{"Name":"x","DeletedDate":"soon"},{"Name":"y","DeletedDate":{"a":1}},
            {"Name":"z","DeletedDate":"1764460800"},{"Name":"w","DeletedDate":-5}]}"#;
        let page: ListSecretsResponse = serde_json::from_str(body).unwrap();
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
        assert!(serde_json::from_str::<ListSecretsResponse>("[1,2]").is_err());
        assert!(serde_json::from_str::<ListSecretsResponse>("<html>").is_err());
        assert!(serde_json::from_str::<ListSecretsResponse>(r#"{"SecretList":"nope"}"#).is_err());
    }

    #[test]
    fn restore_answer_and_proxy_config_parse() {
        let r: RestoreSecretResponse =
            serde_json::from_str(r#"{"ARN":"arn:x","Name":"prod/db"}"#).unwrap();
        assert_eq!(r.name.as_deref(), Some("prod/db"));
        let c: ProxyConfig = serde_json::from_str(
            r#"{"region":"us-east-1","endpoint":"http://127.0.0.1:5000","readOnly":true}"#,
        )
        .unwrap();
        assert!(c.read_only);
        assert_eq!(c.region.as_deref(), Some("us-east-1"));
    }
}
