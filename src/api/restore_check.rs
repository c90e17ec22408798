//! What a restore whose answer was lost did, decided from a DescribeSecret of the same secret.
//!
//! RestoreSecret may have run at AWS even though its answer never reached the browser (the
//! network dropped, the proxy timed out waiting, a 5xx came back). Rather than leave the
//! operator guessing, the client looks the secret up again and this decides what to say.

use crate::api::error::{ApiError, ErrorKind};
use crate::wire::{DescribeSecretResponse, RestoreSecretResponse};

/// Whether an answer's `ARN` or `Name` is this secret's. An answer that names no secret, or
/// another one, proves nothing about this one.
pub fn names_secret(
    answer_arn: Option<&str>,
    answer_name: Option<&str>,
    arn: &str,
    name: &str,
) -> bool {
    answer_arn == Some(arn) || answer_name == Some(name)
}

/// A 2xx RestoreSecret answer is the restore's success only if it names the secret (AWS's
/// always does); any other is read as an unreadable answer, whose outcome DescribeSecret settles.
pub fn check_answer(
    answer: RestoreSecretResponse,
    arn: &str,
    name: &str,
) -> Result<RestoreSecretResponse, ApiError> {
    if names_secret(answer.arn.as_deref(), answer.name.as_deref(), arn, name) {
        Ok(answer)
    } else {
        Err(ApiError::malformed(
            200,
            format!("the answer to the restore does not name {name}."),
        ))
    }
}

/// The restore's outcome, given the error that lost its answer and the DescribeSecret answer
/// for the secret `arn` (named `name`).
pub fn settle(
    lost: ApiError,
    check: Result<DescribeSecretResponse, ApiError>,
    arn: &str,
    name: &str,
) -> Result<RestoreSecretResponse, ApiError> {
    match check {
        // An answer that does not name this secret (`{}`, another one) proves nothing.
        Ok(secret) if !names_secret(secret.arn.as_deref(), secret.name.as_deref(), arn, name) => {
            Err(lost)
        }
        // No longer scheduled for deletion: restored (by this request or someone else's).
        Ok(secret) if !secret.scheduled_for_deletion() => Ok(RestoreSecretResponse {
            arn: secret.arn,
            name: secret.name,
        }),
        Ok(_) => Err(ApiError {
            kind: ErrorKind::NotRestored,
            ..lost
        }),
        // Purged meanwhile: the row leaves the list with the purge's own words.
        Err(gone) if gone.kind == ErrorKind::NotFound => Err(gone),
        // The check failed too: still unknown, and the words say so.
        Err(_) => Err(lost),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::error::Operation;
    use crate::wire::WireDate;

    const RESTORE: Operation<'static> = Operation::Restore { name: "prod/db" };
    const ARN: &str = "arn:prod/db";
    const NAME: &str = "prod/db";

    fn lost() -> ApiError {
        ApiError::from_response(504, "")
    }

    fn described(scheduled: bool) -> Result<DescribeSecretResponse, ApiError> {
        Ok(DescribeSecretResponse {
            arn: Some("arn:prod/db".into()),
            name: Some("prod/db".into()),
            deleted_date: scheduled.then_some(WireDate::EpochMillis(1.0)),
        })
    }

    #[test]
    fn a_secret_no_longer_scheduled_was_restored() {
        let restored = settle(lost(), described(false), ARN, NAME).unwrap();
        assert_eq!(restored.arn.as_deref(), Some("arn:prod/db"));
        assert_eq!(restored.name.as_deref(), Some("prod/db"));
    }

    #[test]
    fn a_secret_still_scheduled_was_not_restored_and_the_words_say_retry() {
        let e = settle(lost(), described(true), ARN, NAME).unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotRestored);
        assert_eq!(
            e.plain_words(RESTORE),
            "prod/db was not restored: the request failed (gateway timeout), and prod/db is still scheduled for deletion. Retry."
        );
        assert!(!e.outcome_unknown());
    }

    #[test]
    fn an_answer_about_no_secret_or_another_one_proves_nothing() {
        let empty = Ok(DescribeSecretResponse::default());
        assert_eq!(settle(lost(), empty, ARN, NAME), Err(lost()));
        let other = Ok(DescribeSecretResponse {
            arn: Some("arn:other".into()),
            name: Some("other".into()),
            deleted_date: None,
        });
        assert_eq!(settle(lost(), other, ARN, NAME), Err(lost()));
        // Either the ARN or the name is enough to know it is this secret.
        let by_name = Ok(DescribeSecretResponse {
            arn: None,
            name: Some(NAME.into()),
            deleted_date: None,
        });
        assert!(settle(lost(), by_name, ARN, NAME).is_ok());
    }

    #[test]
    fn a_restore_answer_must_name_the_secret() {
        let answer = |arn: Option<&str>, name: Option<&str>| RestoreSecretResponse {
            arn: arn.map(str::to_string),
            name: name.map(str::to_string),
        };
        assert!(check_answer(answer(Some(ARN), Some(NAME)), ARN, NAME).is_ok());
        assert!(check_answer(answer(Some(ARN), None), ARN, NAME).is_ok());
        for wrong in [answer(None, None), answer(Some("arn:other"), Some("other"))] {
            let e = check_answer(wrong, ARN, NAME).unwrap_err();
            // Read as a lost answer: DescribeSecret decides.
            assert!(e.outcome_unknown());
        }
    }

    #[test]
    fn a_purged_secret_says_so() {
        let purged = ApiError::from_response(
            400,
            r#"{"__type":"ResourceNotFoundException","message":"not found"}"#,
        );
        let e = settle(lost(), Err(purged), ARN, NAME).unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotFound);
        assert!(e.plain_words(RESTORE).contains("deleted for good"));
    }

    #[test]
    fn a_failed_check_leaves_the_outcome_unknown() {
        let e = settle(
            lost(),
            Err(ApiError::network("TypeError: Failed to fetch")),
            ARN,
            NAME,
        )
        .unwrap_err();
        assert_eq!(e, lost());
        assert!(
            e.plain_words(RESTORE)
                .ends_with("It is not known whether prod/db was restored; retrying is safe.")
        );
    }
}
