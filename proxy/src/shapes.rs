//! The parameters each forwarded action accepts: one typed input per action, with the members
//! and limits of the AWS service model (botocore's `secretsmanager/2017-10-17/service-2.json`:
//! the input shapes of ListSecrets, DescribeSecret and RestoreSecret).
//!
//! A request whose body names anything else, or a value of the wrong type or size, is refused
//! here rather than forwarded: AWS would reject most of it too, but a RestoreSecret without a
//! usable `SecretId` must not reach AWS (or the audit log) at all, and nothing the UI never sends
//! should ride along on a signed request. What is forwarded is the typed input serialised again,
//! so AWS sees exactly what was checked. An explicit `null` for an optional member reads as
//! absent, as AWS reads it.

use crate::action::Action;
use crate::errors::Refusal;
use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;

/// `SecretIdType`: 1 to 2048 characters.
pub const SECRET_ID_MAX: usize = 2048;
/// `NextTokenType`: 1 to 4096 characters.
pub const NEXT_TOKEN_MAX: usize = 4096;
/// `MaxResultsType`: 1 to 100.
pub const MAX_RESULTS_MAX: u64 = 100;
/// `FiltersListType`: at most 10 filters; `FilterValuesStringList`: 1 to 10 values of at most
/// 512 characters each.
pub const FILTERS_MAX: usize = 10;
pub const FILTER_VALUES_MAX: usize = 10;
pub const FILTER_VALUE_MAX: usize = 512;
/// The wire names of [`FilterKey`], [`SortOrder`] and [`SortBy`] (for the refusals' words).
const FILTER_KEYS: [&str; 7] = [
    "description",
    "name",
    "tag-key",
    "tag-value",
    "primary-region",
    "owning-service",
    "all",
];
const SORT_ORDERS: [&str; 2] = ["asc", "desc"];
const SORT_BY: [&str; 4] = [
    "created-date",
    "last-accessed-date",
    "last-changed-date",
    "name",
];

/// `ListSecretsRequest`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ListSecretsInput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub include_planned_deletion: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_results: Option<MaxResults>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<NextToken>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filters: Option<Filters>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort_order: Option<SortOrder>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort_by: Option<SortBy>,
}

/// `DescribeSecretRequest`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DescribeSecretInput {
    pub secret_id: SecretId,
}

/// `RestoreSecretRequest`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct RestoreSecretInput {
    pub secret_id: SecretId,
}

/// A string of `MIN` to `MAX` characters.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(try_from = "String")]
pub struct Text<const MIN: usize, const MAX: usize>(String);

impl<const MIN: usize, const MAX: usize> Text<MIN, MAX> {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<const MIN: usize, const MAX: usize> TryFrom<String> for Text<MIN, MAX> {
    type Error = &'static str;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        if (MIN..=MAX).contains(&text.chars().count()) {
            Ok(Text(text))
        } else {
            Err("length out of bounds")
        }
    }
}

/// `SecretIdType`.
pub type SecretId = Text<1, SECRET_ID_MAX>;
/// `NextTokenType`.
pub type NextToken = Text<1, NEXT_TOKEN_MAX>;
/// `FilterValueStringType`.
pub type FilterValue = Text<0, FILTER_VALUE_MAX>;

/// `MaxResultsType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(try_from = "u64")]
pub struct MaxResults(u64);

impl TryFrom<u64> for MaxResults {
    type Error = &'static str;

    fn try_from(n: u64) -> Result<Self, Self::Error> {
        if (1..=MAX_RESULTS_MAX).contains(&n) {
            Ok(MaxResults(n))
        } else {
            Err("out of bounds")
        }
    }
}

/// `FiltersListType`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(try_from = "Vec<Filter>")]
pub struct Filters(Vec<Filter>);

impl TryFrom<Vec<Filter>> for Filters {
    type Error = &'static str;

    fn try_from(filters: Vec<Filter>) -> Result<Self, Self::Error> {
        if filters.len() <= FILTERS_MAX {
            Ok(Filters(filters))
        } else {
            Err("too many filters")
        }
    }
}

/// `Filter`. The model leaves both members optional; a filter without them filters nothing, so
/// both are required here.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Filter {
    pub key: FilterKey,
    pub values: FilterValues,
}

/// `FilterNameStringType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FilterKey {
    Description,
    Name,
    TagKey,
    TagValue,
    PrimaryRegion,
    OwningService,
    All,
}

/// `FilterValuesStringList`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(try_from = "Vec<FilterValue>")]
pub struct FilterValues(Vec<FilterValue>);

impl TryFrom<Vec<FilterValue>> for FilterValues {
    type Error = &'static str;

    fn try_from(values: Vec<FilterValue>) -> Result<Self, Self::Error> {
        if (1..=FILTER_VALUES_MAX).contains(&values.len()) {
            Ok(FilterValues(values))
        } else {
            Err("wrong number of values")
        }
    }
}

/// `SortOrderType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    Asc,
    Desc,
}

/// `SortByType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SortBy {
    CreatedDate,
    LastAccessedDate,
    LastChangedDate,
    Name,
}

/// The typed input of one allowlisted action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Input {
    ListSecrets(ListSecretsInput),
    DescribeSecret(DescribeSecretInput),
    RestoreSecret(RestoreSecretInput),
}

impl Input {
    /// Maps a JSON object body onto `action`'s input.
    pub fn parse(action: Action, body: Map<String, Value>) -> Result<Input, Refusal> {
        match action {
            Action::ListSecrets => parse(action, body).map(Input::ListSecrets),
            Action::DescribeSecret => parse(action, body).map(Input::DescribeSecret),
            Action::RestoreSecret => parse(action, body).map(Input::RestoreSecret),
        }
    }

    /// `SecretId`, for the actions that have one.
    pub fn secret_id(&self) -> Option<&str> {
        match self {
            Input::ListSecrets(_) => None,
            Input::DescribeSecret(input) => Some(input.secret_id.as_str()),
            Input::RestoreSecret(input) => Some(input.secret_id.as_str()),
        }
    }

    /// The JSON body to send upstream.
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("the typed inputs always serialise")
    }
}

/// Deserialises `T` from `body`; a refusal names the action and words what the misfit member
/// must be ([`misfit`]), or which parameter is unknown or missing.
fn parse<T: DeserializeOwned>(action: Action, body: Map<String, Value>) -> Result<T, Refusal> {
    let members = Members {
        entries: body.into_iter(),
        pending: None,
    };
    T::deserialize(members)
        .map_err(|Misfit(why)| Refusal::InvalidParameter(format!("{}: {why}", action.as_str())))
}

/// Why a member's value (of JSON type `got`, as [`json_kind`] names it) does not fit, in the
/// words of a refusal: a value of the wrong type is named as such (`SecretId must be a string,
/// not a number`), a value of the right type that is out of bounds gets the member's [`rule`],
/// and an explicit `null` (which only a required member refuses) reads as the member missing.
fn misfit(member: &str, got: &'static str) -> String {
    if got == "null" {
        return required(member);
    }
    match expected_type(member) {
        Some((kind, words)) if kind != got => {
            format!("{member} must be {words}, not {}", with_article(got))
        }
        _ => rule(member),
    }
}

/// The JSON type of each member's value (as [`json_kind`] names it) and how a refusal words it.
fn expected_type(member: &str) -> Option<(&'static str, &'static str)> {
    match member {
        "SecretId" | "NextToken" | "SortOrder" | "SortBy" => Some(("string", "a string")),
        "MaxResults" => Some(("number", "an integer")),
        "IncludePlannedDeletion" => Some(("boolean", "true or false")),
        "Filters" => Some(("array", "a list")),
        _ => None,
    }
}

/// The name of a JSON value's type.
pub fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn with_article(kind: &str) -> String {
    match kind {
        "array" | "object" => format!("an {kind}"),
        _ => format!("a {kind}"),
    }
}

/// A required member that is absent (or `null`).
fn required(member: &str) -> String {
    match member {
        "SecretId" => format!("SecretId is required: a string of 1 to {SECRET_ID_MAX} characters"),
        other => format!("{other} is required"),
    }
}

/// What a member must be, in the words of a refusal.
fn rule(member: &str) -> String {
    match member {
        "SecretId" => format!("SecretId must be a string of 1 to {SECRET_ID_MAX} characters"),
        "IncludePlannedDeletion" => "IncludePlannedDeletion must be true or false".into(),
        "MaxResults" => format!("MaxResults must be an integer from 1 to {MAX_RESULTS_MAX}"),
        "NextToken" => format!("NextToken must be a string of 1 to {NEXT_TOKEN_MAX} characters"),
        "SortOrder" => format!("SortOrder must be one of {}", SORT_ORDERS.join(", ")),
        "SortBy" => format!("SortBy must be one of {}", SORT_BY.join(", ")),
        "Filters" => format!(
            "Filters must be at most {FILTERS_MAX} objects {{\"Key\": one of {}, \"Values\": 1 to \
             {FILTER_VALUES_MAX} strings of at most {FILTER_VALUE_MAX} characters}}",
            FILTER_KEYS.join(", ")
        ),
        other => format!("{other} is not valid"),
    }
}

/// Why a body does not fit an input (the error type of [`Members`]): serde's derive calls
/// `unknown_field` and `missing_field` on it; a member's own misfit is worded by [`misfit`].
#[derive(Debug)]
struct Misfit(String);

impl fmt::Display for Misfit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Misfit {}

impl de::Error for Misfit {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Misfit(msg.to_string())
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        Misfit(match expected {
            [only] => format!("unknown parameter {field:?} (only {only} is accepted)"),
            _ => format!(
                "unknown parameter {field:?} (accepted: {})",
                expected.join(", ")
            ),
        })
    }

    fn missing_field(field: &'static str) -> Self {
        Misfit(required(field))
    }
}

/// The members of a JSON object body, handed to serde one by one; each member's value is
/// deserialised by `serde_json` and any error there becomes that member's [`misfit`].
struct Members {
    entries: serde_json::map::IntoIter,
    pending: Option<(String, Value)>,
}

impl<'de> de::Deserializer<'de> for Members {
    type Error = Misfit;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Misfit> {
        visitor.visit_map(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier
        ignored_any
    }
}

impl<'de> MapAccess<'de> for Members {
    type Error = Misfit;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Misfit> {
        let Some((name, value)) = self.entries.next() else {
            return Ok(None);
        };
        let key = seed.deserialize(name.clone().into_deserializer())?;
        self.pending = Some((name, value));
        Ok(Some(key))
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, Misfit> {
        let (name, value) = self
            .pending
            .take()
            .ok_or_else(|| Misfit("a value without its key".into()))?;
        // serde_json's own words would name Rust types; the refusal names the member's.
        let got = json_kind(&value);
        seed.deserialize(value)
            .map_err(|_| Misfit(misfit(&name, got)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(action: Action, body: Value) -> Result<(), String> {
        let Value::Object(map) = body else {
            panic!("test bodies are objects")
        };
        Input::parse(action, map)
            .map(|_| ())
            .map_err(|r| r.message())
    }

    fn forwarded(action: Action, body: Value) -> Value {
        let Value::Object(map) = body else {
            panic!("test bodies are objects")
        };
        serde_json::from_slice(&Input::parse(action, map).unwrap().to_json()).unwrap()
    }

    #[test]
    fn what_the_ui_sends_passes() {
        let list = json!({"IncludePlannedDeletion": true, "MaxResults": 100});
        assert_eq!(check(Action::ListSecrets, list), Ok(()));
        let next = json!({"IncludePlannedDeletion": true, "MaxResults": 100, "NextToken": "abc"});
        assert_eq!(check(Action::ListSecrets, next), Ok(()));
        assert_eq!(check(Action::ListSecrets, json!({})), Ok(()));
        let restore =
            json!({"SecretId": "arn:aws:secretsmanager:us-east-1:1:secret:prod/db-AbCdEf"});
        assert_eq!(check(Action::RestoreSecret, restore.clone()), Ok(()));
        assert_eq!(check(Action::DescribeSecret, restore), Ok(()));
    }

    #[test]
    fn every_documented_list_parameter_passes() {
        let body = json!({
            "IncludePlannedDeletion": false, "MaxResults": 1, "NextToken": "t",
            "SortOrder": "desc", "SortBy": "name",
            "Filters": [{"Key": "name", "Values": ["prod/", "!dev"]}, {"Key": "all", "Values": ["x"]}],
        });
        assert_eq!(check(Action::ListSecrets, body), Ok(()));
        assert_eq!(check(Action::ListSecrets, json!({"Filters": []})), Ok(()));
        let nulls = json!({"NextToken": null, "MaxResults": null, "Filters": null});
        assert_eq!(check(Action::ListSecrets, nulls), Ok(()));
        assert!(check(Action::ListSecrets, json!({"Foo": null})).is_err());
    }

    #[test]
    fn every_listed_enum_value_parses() {
        for key in FILTER_KEYS {
            let filters = json!([{"Key": key, "Values": ["x"]}]);
            assert_eq!(
                check(Action::ListSecrets, json!({"Filters": filters})),
                Ok(())
            );
        }
        for order in SORT_ORDERS {
            assert_eq!(
                check(Action::ListSecrets, json!({"SortOrder": order})),
                Ok(())
            );
        }
        for by in SORT_BY {
            assert_eq!(check(Action::ListSecrets, json!({"SortBy": by})), Ok(()));
        }
    }

    #[test]
    fn the_forwarded_body_is_the_typed_input_again() {
        let body = json!({
            "IncludePlannedDeletion": true, "MaxResults": 5, "NextToken": "t", "SortOrder": "asc",
            "SortBy": "last-changed-date", "Filters": [{"Key": "tag-key", "Values": ["a", ""]}],
        });
        assert_eq!(forwarded(Action::ListSecrets, body.clone()), body);
        // An explicit null is an absent member, and is not sent.
        assert_eq!(
            forwarded(
                Action::ListSecrets,
                json!({"NextToken": null, "MaxResults": 2})
            ),
            json!({"MaxResults": 2})
        );
        assert_eq!(
            forwarded(Action::RestoreSecret, json!({"SecretId": "a"})),
            json!({"SecretId": "a"})
        );
    }

    #[test]
    fn a_restore_needs_exactly_a_usable_secret_id() {
        for body in [json!({}), json!({"SecretId": null})] {
            assert_eq!(
                check(Action::RestoreSecret, body),
                Err("RestoreSecret: SecretId is required: a string of 1 to 2048 characters".into())
            );
        }
        for body in [
            json!({"SecretId": ""}),
            json!({"SecretId": "x".repeat(2049)}),
        ] {
            assert_eq!(
                check(Action::RestoreSecret, body),
                Err("RestoreSecret: SecretId must be a string of 1 to 2048 characters".into())
            );
        }
        assert_eq!(
            check(Action::RestoreSecret, json!({"SecretId": 5})),
            Err("RestoreSecret: SecretId must be a string, not a number".into())
        );
        let refused = check(
            Action::RestoreSecret,
            json!({"SecretId": "a", "ForceDeleteWithoutRecovery": true}),
        )
        .unwrap_err();
        assert!(
            refused.contains("unknown parameter \"ForceDeleteWithoutRecovery\""),
            "{refused}"
        );
        assert!(
            check(
                Action::DescribeSecret,
                json!({"SecretId": "a", "VersionId": "v"})
            )
            .is_err()
        );
        assert_eq!(
            check(Action::RestoreSecret, json!({"SecretId": "é".repeat(2048)})),
            Ok(())
        );
    }

    #[test]
    fn a_value_of_the_wrong_type_is_named_as_such() {
        let cases = [
            (
                Action::RestoreSecret,
                json!({"SecretId": 5}),
                "SecretId must be a string, not a number",
            ),
            (
                Action::DescribeSecret,
                json!({"SecretId": ["a"]}),
                "SecretId must be a string, not an array",
            ),
            (
                Action::RestoreSecret,
                json!({"SecretId": {"Name": "a"}}),
                "SecretId must be a string, not an object",
            ),
            (
                Action::RestoreSecret,
                json!({"SecretId": true}),
                "SecretId must be a string, not a boolean",
            ),
            (
                Action::ListSecrets,
                json!({"MaxResults": "100"}),
                "MaxResults must be an integer, not a string",
            ),
            (
                Action::ListSecrets,
                json!({"NextToken": 7}),
                "NextToken must be a string, not a number",
            ),
            (
                Action::ListSecrets,
                json!({"IncludePlannedDeletion": "true"}),
                "IncludePlannedDeletion must be true or false, not a string",
            ),
            (
                Action::ListSecrets,
                json!({"IncludePlannedDeletion": 1}),
                "IncludePlannedDeletion must be true or false, not a number",
            ),
            (
                Action::ListSecrets,
                json!({"SortOrder": 1}),
                "SortOrder must be a string, not a number",
            ),
            (
                Action::ListSecrets,
                json!({"SortBy": ["name"]}),
                "SortBy must be a string, not an array",
            ),
            (
                Action::ListSecrets,
                json!({"Filters": {"Key": "name"}}),
                "Filters must be a list, not an object",
            ),
        ];
        for (action, body, why) in cases {
            assert_eq!(
                check(action, body.clone()),
                Err(format!("{}: {why}", action.as_str())),
                "{body}"
            );
        }
        // The right type out of bounds gets the member's rule, not a type complaint.
        assert_eq!(
            check(Action::ListSecrets, json!({"MaxResults": 2.5})),
            Err("ListSecrets: MaxResults must be an integer from 1 to 100".into())
        );
        assert_eq!(
            check(Action::ListSecrets, json!({"SortOrder": "up"})),
            Err("ListSecrets: SortOrder must be one of asc, desc".into())
        );
    }

    #[test]
    fn list_parameters_are_checked_for_type_and_bounds() {
        let refused = |body: Value| check(Action::ListSecrets, body).unwrap_err();
        assert!(refused(json!({"Foo": 1})).contains("unknown parameter \"Foo\""));
        assert!(
            refused(json!({"MaxResults": 0}))
                .contains("MaxResults must be an integer from 1 to 100")
        );
        assert!(refused(json!({"MaxResults": 101})).contains("MaxResults"));
        assert!(refused(json!({"MaxResults": "100"})).contains("MaxResults"));
        assert!(refused(json!({"IncludePlannedDeletion": "true"})).contains("true or false"));
        assert!(refused(json!({"NextToken": ""})).contains("NextToken"));
        assert!(refused(json!({"NextToken": "t".repeat(4097)})).contains("NextToken"));
        assert!(refused(json!({"SortOrder": "up"})).contains("asc, desc"));
        assert!(refused(json!({"SortBy": "size"})).contains("SortBy"));
        for filters in [
            json!({"Key": "name", "Values": ["a"]}),
            json!([{"Key": "color", "Values": ["a"]}]),
            json!([{"Key": "name", "Values": []}]),
            json!([{"Key": "name", "Values": [1]}]),
            json!([{"Key": "name", "Values": ["a"], "Extra": 1}]),
            json!([{"Key": "name", "Values": ["v".repeat(513)]}]),
            Value::Array(vec![json!({"Key": "name", "Values": ["a"]}); 11]),
        ] {
            assert!(
                refused(json!({"Filters": filters})).contains("Filters must be"),
                "{filters}"
            );
        }
    }
}
