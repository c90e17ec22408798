//! The forwarded actions and the fixed limits of the API endpoint: plain data that every other
//! module may use (this module uses none of them).

/// The only `secretsmanager.<Action>` targets that are ever forwarded.
pub const ALLOWED_ACTIONS: [&str; 3] = ["ListSecrets", "DescribeSecret", "RestoreSecret"];

/// Prefix of a valid `X-Amz-Target`.
pub const TARGET_PREFIX: &str = "secretsmanager.";

/// Largest accepted request body (64 KiB). A ListSecrets filter set is a few hundred bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The content type the AWS SDKs send for Secrets Manager (AWS JSON 1.1).
pub const AMZ_JSON_1_1: &str = "application/x-amz-json-1.1";

/// Secrets Manager actions the proxy forwards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    ListSecrets,
    DescribeSecret,
    RestoreSecret,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::ListSecrets => "ListSecrets",
            Action::DescribeSecret => "DescribeSecret",
            Action::RestoreSecret => "RestoreSecret",
        }
    }

    /// The allowlisted action of that name, if any.
    pub fn from_name(name: &str) -> Option<Action> {
        match name {
            "ListSecrets" => Some(Action::ListSecrets),
            "DescribeSecret" => Some(Action::DescribeSecret),
            "RestoreSecret" => Some(Action::RestoreSecret),
            _ => None,
        }
    }

    /// Whether the action changes state in AWS.
    pub fn is_mutating(self) -> bool {
        matches!(self, Action::RestoreSecret)
    }

    /// The value for the upstream `X-Amz-Target` header (rebuilt, never copied from the client).
    pub fn target(self) -> &'static str {
        match self {
            Action::ListSecrets => "secretsmanager.ListSecrets",
            Action::DescribeSecret => "secretsmanager.DescribeSecret",
            Action::RestoreSecret => "secretsmanager.RestoreSecret",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_targets_and_the_allowlist_agree() {
        for name in ALLOWED_ACTIONS {
            let action = Action::from_name(name).unwrap();
            assert_eq!(action.as_str(), name);
            assert_eq!(action.target(), format!("{TARGET_PREFIX}{name}"));
        }
        assert_eq!(Action::from_name("GetSecretValue"), None);
    }
}
