//! Which target a Secrets Manager call names: `POST /api/secretsmanager` (the first target) or
//! `POST /api/secretsmanager/{account}/{region}`. Pure: the path is read as it came (still
//! percent-encoded), and only its form is checked here; whether the proxy serves that target
//! is the fleet's answer ([`crate::fleet::Fleet::route`]).

use crate::config::validate_region;
use crate::errors::Refusal;
use crate::targets::is_account_id;

/// The path of the first target.
pub const FIRST_TARGET_PATH: &str = "/api/secretsmanager";

/// What a Secrets Manager path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetPath<'a> {
    /// `/api/secretsmanager`.
    First,
    /// `/api/secretsmanager/{account}/{region}`, well-formed.
    Named { account: &'a str, region: &'a str },
}

/// The target named by `path`, `None` for a path that is not a Secrets Manager call, a
/// refusal (`InvalidTarget`) for a malformed one.
pub fn target_in_path(path: &str) -> Option<Result<TargetPath<'_>, Refusal>> {
    if path == FIRST_TARGET_PATH {
        return Some(Ok(TargetPath::First));
    }
    let rest = path.strip_prefix(FIRST_TARGET_PATH)?.strip_prefix('/')?;
    Some(parse_named_target(rest))
}

/// `{account}/{region}`: a 12-digit account and a region of `[a-z0-9-]`.
fn parse_named_target(rest: &str) -> Result<TargetPath<'_>, Refusal> {
    let malformed = |why: &str| {
        let shown: String = rest.chars().take(100).collect();
        Refusal::MalformedTarget(format!(
            "malformed target {shown:?}: {why}; expected /api/secretsmanager/{{account}}/{{region}}, \
             e.g. /api/secretsmanager/123456789012/eu-west-1"
        ))
    };
    let mut parts = rest.split('/');
    let (Some(account), Some(region), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(malformed("not two path segments"));
    };
    if !is_account_id(account) {
        return Err(malformed("the account is not 12 digits"));
    }
    if validate_region(region).is_err() {
        return Err(malformed("the region is not a region name ([a-z0-9-])"));
    }
    Ok(TargetPath::Named { account, region })
}

/// A target as the logs and the audit name it; `-` where a part is not known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetName {
    pub account: String,
    pub label: String,
    pub region: String,
}

impl TargetName {
    /// For a call that names no target the proxy could resolve.
    pub fn unknown() -> TargetName {
        TargetName {
            account: "-".into(),
            label: "-".into(),
            region: "-".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_target_and_named_targets() {
        assert_eq!(
            target_in_path("/api/secretsmanager"),
            Some(Ok(TargetPath::First))
        );
        assert_eq!(
            target_in_path("/api/secretsmanager/123456789012/eu-west-1"),
            Some(Ok(TargetPath::Named {
                account: "123456789012",
                region: "eu-west-1"
            }))
        );
        for other in [
            "/api/config",
            "/api/secretsmanagerx",
            "/api/secretsmanagerx/123456789012/eu-west-1",
            "/",
        ] {
            assert_eq!(target_in_path(other), None, "{other}");
        }
    }

    #[test]
    fn malformed_targets_are_invalid_target_refusals() {
        for (path, why) in [
            ("/api/secretsmanager/", "not two path segments"),
            ("/api/secretsmanager/123456789012", "not two path segments"),
            ("/api/secretsmanager/123456789012/", "not a region name"),
            (
                "/api/secretsmanager/123456789012/eu-west-1/",
                "not two path segments",
            ),
            (
                "/api/secretsmanager/123456789012/eu-west-1/x",
                "not two path segments",
            ),
            ("/api/secretsmanager/12345678901/eu-west-1", "not 12 digits"),
            (
                "/api/secretsmanager/1234567890123/eu-west-1",
                "not 12 digits",
            ),
            (
                "/api/secretsmanager/12345678901a/eu-west-1",
                "not 12 digits",
            ),
            ("/api/secretsmanager/prod/eu-west-1", "not 12 digits"),
            (
                "/api/secretsmanager/123456789012/EU-WEST-1",
                "not a region name",
            ),
            (
                "/api/secretsmanager/123456789012/eu-west-1.evil.test",
                "not a region name",
            ),
            (
                "/api/secretsmanager/123456789012/eu%2Dwest-1",
                "not a region name",
            ),
            (
                "/api/secretsmanager/123456789012%2Feu-west-1",
                "not two path segments",
            ),
            ("/api/secretsmanager//eu-west-1", "not 12 digits"),
        ] {
            let refusal = target_in_path(path).unwrap().unwrap_err();
            assert_eq!(refusal.status().as_u16(), 400, "{path}");
            assert_eq!(refusal.error_type(), "InvalidTarget", "{path}");
            let message = refusal.message();
            assert!(message.contains(why), "{path}: {message}");
            assert!(
                message.contains("/api/secretsmanager/{account}/{region}"),
                "{message}"
            );
        }
        let long = format!("/api/secretsmanager/{}", "x".repeat(5000));
        let message = target_in_path(&long).unwrap().unwrap_err().message();
        assert!(message.len() < 400, "the path is shortened in the message");
    }
}
