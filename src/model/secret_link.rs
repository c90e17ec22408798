//! What a `?secret=NAME-or-ARN` link leads to, given the rows listed so far: an ARN names one
//! secret and opens as soon as it is listed; a name may be scheduled in several account-regions,
//! so it is decided once every target has been listed.

use std::sync::Arc;

use crate::model::secret_row::SecretRow;

#[derive(Debug, Clone, PartialEq)]
pub enum LinkOutcome {
    /// Not decided yet: the scan goes on.
    Wait,
    /// Open this row's restore.
    Open(Arc<SecretRow>),
    /// A name listed once, while some targets could not be listed and may hold it too: the
    /// user decides whether this is the one.
    Unsure(Arc<SecretRow>),
    /// The name is scheduled in this many places: the table shows those, for the user to choose.
    Choose(usize),
    /// Not scheduled for deletion anywhere listed.
    NotFound,
}

/// `wanted` against `rows`; `scan_over`: every target has been listed or has failed;
/// `all_listed`: and none failed.
pub fn resolve(
    wanted: &str,
    rows: &[Arc<SecretRow>],
    scan_over: bool,
    all_listed: bool,
) -> LinkOutcome {
    if let Some(row) = rows.iter().find(|r| r.arn == wanted) {
        return LinkOutcome::Open(row.clone());
    }
    if !scan_over {
        return LinkOutcome::Wait;
    }
    let mut named = rows.iter().filter(|r| r.name == wanted);
    match (named.next(), named.count()) {
        (None, _) => LinkOutcome::NotFound,
        (Some(row), 0) if all_listed => LinkOutcome::Open(row.clone()),
        (Some(row), 0) => LinkOutcome::Unsure(row.clone()),
        (Some(_), more) => LinkOutcome::Choose(more + 1),
    }
}

/// "prod/db is scheduled for deletion in 2 places: choose one."
pub fn choose_text(name: &str, places: usize) -> String {
    format!("{name} is scheduled for deletion in {places} places: choose one.")
}

/// Said when a name was listed once but some targets could not be listed.
pub fn unsure_text(name: &str, place: &str) -> String {
    format!(
        "{name} is scheduled for deletion in {place}, but some account-regions could not be listed and may hold another secret of that name: check that this is the one you mean."
    )
}

/// The notice's offer to open a restore the link found but did not open by itself.
pub fn found_text(name: &str, place: &str) -> String {
    format!("The link's secret {name} is listed in {place}.")
}

/// Said when the link's secret is not listed once the scan is over. `all_listed`: every
/// target was listed to its end (else some could not be, and may hold it).
pub fn not_found_text(wanted: &str, all_listed: bool) -> String {
    let what = if wanted.starts_with("arn:") {
        format!("No secret with the ARN {wanted}")
    } else {
        format!("No secret named {wanted}")
    };
    let mut text = format!(
        "{what} is scheduled for deletion in the accounts and regions listed here; it may have been restored or purged, or live in an account this dashboard does not list."
    );
    if !all_listed {
        text.push_str(
            " Some account-regions could not be listed (see above): it may be in one of them.",
        );
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::target::Target;
    use crate::model::test_rows::{scheduled_row as row, targets_in};

    fn two_targets() -> Vec<Arc<Target>> {
        targets_in(&["us-east-1", "eu-west-1"])
    }

    #[test]
    fn an_arn_opens_as_soon_as_it_is_listed() {
        let t = two_targets();
        let rows = vec![row(&t[0], "prod/db"), row(&t[1], "prod/db")];
        assert_eq!(
            resolve(&rows[1].arn, &rows, false, false),
            LinkOutcome::Open(rows[1].clone())
        );
        assert_eq!(resolve("arn:nope", &rows, false, false), LinkOutcome::Wait);
        assert_eq!(
            resolve("arn:nope", &rows, true, true),
            LinkOutcome::NotFound
        );
    }

    #[test]
    fn a_name_waits_for_the_whole_fleet_then_opens_or_asks_to_choose() {
        let t = two_targets();
        let one = vec![row(&t[0], "prod/db")];
        assert_eq!(resolve("prod/db", &one, false, false), LinkOutcome::Wait);
        assert_eq!(
            resolve("prod/db", &one, true, true),
            LinkOutcome::Open(one[0].clone())
        );
        // Some target failed: it may hold another of that name.
        assert_eq!(
            resolve("prod/db", &one, true, false),
            LinkOutcome::Unsure(one[0].clone())
        );
        let both = vec![
            row(&t[0], "prod/db"),
            row(&t[1], "prod/db"),
            row(&t[1], "x"),
        ];
        assert_eq!(
            resolve("prod/db", &both, true, true),
            LinkOutcome::Choose(2)
        );
        // A name matches exactly, not as a search does.
        assert_eq!(resolve("prod", &both, true, true), LinkOutcome::NotFound);
    }

    #[test]
    fn the_messages_say_what_happened() {
        assert_eq!(
            choose_text("prod/db", 2),
            "prod/db is scheduled for deletion in 2 places: choose one."
        );
        assert_eq!(
            not_found_text("prod/db", true),
            "No secret named prod/db is scheduled for deletion in the accounts and regions listed here; it may have been restored or purged, or live in an account this dashboard does not list."
        );
        assert!(not_found_text("arn:aws:x", false).starts_with("No secret with the ARN arn:aws:x"));
        assert!(not_found_text("a", false).contains("could not be listed"));
    }
}
