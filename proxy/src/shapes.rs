//! The parameters each forwarded action accepts, from the AWS service model (botocore's
//! `secretsmanager/2017-10-17/service-2.json`: the input shapes of ListSecrets, DescribeSecret and
//! RestoreSecret, with their types, bounds and enums).
//!
//! A request whose body names anything else, or a value of the wrong type or size, is refused
//! here rather than forwarded: AWS would reject most of it too, but a RestoreSecret without a
//! usable `SecretId` must not reach AWS (or the audit log) at all, and nothing the UI never sends
//! should ride along on a signed request.

use crate::errors::Refusal;
use crate::policy::Action;
use serde_json::{Map, Value};

/// `SecretIdType`: 1 to 2048 characters.
const SECRET_ID_MAX: usize = 2048;
/// `NextTokenType`: 1 to 4096 characters.
const NEXT_TOKEN_MAX: usize = 4096;
/// `FiltersListType`: at most 10 filters; `FilterValuesStringList`: 1 to 10 values of at most
/// 512 characters each.
const FILTERS_MAX: usize = 10;
const FILTER_VALUES_MAX: usize = 10;
const FILTER_VALUE_MAX: usize = 512;
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

/// Checks `body` against `action`'s input shape.
pub fn check_parameters(action: Action, body: &Map<String, Value>) -> Result<(), Refusal> {
    let invalid = |why: String| {
        Err(Refusal::InvalidParameter(format!(
            "{}: {why}",
            action.as_str()
        )))
    };
    match action {
        Action::DescribeSecret | Action::RestoreSecret => {
            if let Some(name) = body.keys().find(|k| *k != "SecretId") {
                return invalid(format!(
                    "unknown parameter {name:?} (only SecretId is accepted)"
                ));
            }
            match body.get("SecretId") {
                Some(Value::String(id)) if (1..=SECRET_ID_MAX).contains(&id.chars().count()) => {
                    Ok(())
                }
                _ => invalid(format!(
                    "SecretId is required: a string of 1 to {SECRET_ID_MAX} characters"
                )),
            }
        }
        Action::ListSecrets => {
            for (name, value) in body {
                let ok = match name.as_str() {
                    "IncludePlannedDeletion" => value.is_boolean(),
                    "MaxResults" => value.as_u64().is_some_and(|n| (1..=100).contains(&n)),
                    "NextToken" => is_string_of(value, NEXT_TOKEN_MAX),
                    "SortOrder" => is_one_of(value, &SORT_ORDERS),
                    "SortBy" => is_one_of(value, &SORT_BY),
                    "Filters" => is_filter_list(value),
                    _ => return invalid(format!("unknown parameter {name:?}")),
                };
                // AWS reads an explicit null as an absent optional member.
                let ok = ok || value.is_null();
                if !ok {
                    return invalid(format!("{name} {}", expected(name)));
                }
            }
            Ok(())
        }
    }
}

/// What a ListSecrets parameter must be, for the refusal's message.
fn expected(name: &str) -> String {
    match name {
        "IncludePlannedDeletion" => "must be true or false".into(),
        "MaxResults" => "must be an integer from 1 to 100".into(),
        "NextToken" => format!("must be a string of 1 to {NEXT_TOKEN_MAX} characters"),
        "SortOrder" => format!("must be one of {}", SORT_ORDERS.join(", ")),
        "SortBy" => format!("must be one of {}", SORT_BY.join(", ")),
        _ => format!(
            "must be at most {FILTERS_MAX} objects {{\"Key\": one of {}, \"Values\": 1 to \
             {FILTER_VALUES_MAX} strings of at most {FILTER_VALUE_MAX} characters}}",
            FILTER_KEYS.join(", ")
        ),
    }
}

fn is_string_of(value: &Value, max: usize) -> bool {
    value
        .as_str()
        .is_some_and(|s| (1..=max).contains(&s.chars().count()))
}

fn is_one_of(value: &Value, allowed: &[&str]) -> bool {
    value.as_str().is_some_and(|s| allowed.contains(&s))
}

fn is_filter_list(value: &Value) -> bool {
    let Some(filters) = value.as_array() else {
        return false;
    };
    filters.len() <= FILTERS_MAX
        && filters.iter().all(|filter| {
            let Some(filter) = filter.as_object() else {
                return false;
            };
            let values_ok = filter
                .get("Values")
                .and_then(Value::as_array)
                .is_some_and(|values| {
                    (1..=FILTER_VALUES_MAX).contains(&values.len())
                        && values.iter().all(|v| {
                            v.as_str()
                                .is_some_and(|s| s.chars().count() <= FILTER_VALUE_MAX)
                        })
                });
            filter.keys().all(|k| k == "Key" || k == "Values")
                && filter
                    .get("Key")
                    .is_some_and(|k| is_one_of(k, &FILTER_KEYS))
                && values_ok
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(action: Action, body: Value) -> Result<(), String> {
        let Value::Object(map) = body else {
            panic!("test bodies are objects")
        };
        check_parameters(action, &map).map_err(|r| r.message())
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
    fn a_restore_needs_exactly_a_usable_secret_id() {
        for body in [
            json!({}),
            json!({"SecretId": 5}),
            json!({"SecretId": ""}),
            json!({"SecretId": null}),
            json!({"SecretId": "x".repeat(2049)}),
        ] {
            let refused = check(Action::RestoreSecret, body.clone()).unwrap_err();
            assert!(
                refused.starts_with("RestoreSecret: SecretId is required"),
                "{body}: {refused}"
            );
        }
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
