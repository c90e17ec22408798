//! One secret scheduled for deletion, as the table shows it.

use std::sync::Arc;

use crate::model::deadline::{DateReading, Deadline};
use crate::model::target::Target;
use crate::wire::{SecretListEntry, WireDate};

#[derive(Debug, Clone, PartialEq)]
pub struct SecretRow {
    /// The account-region it was listed in, where its restore goes.
    pub target: Arc<Target>,
    /// Tells rows apart across targets: the target's key and the ARN (a name where no ARN was
    /// sent may be scheduled in several targets).
    pub id: String,
    /// What RestoreSecret is called with; the ARN when the server sent one.
    pub arn: String,
    pub name: String,
    pub description: String,
    pub tags: Vec<(String, String)>,
    /// `DeletedDate` in epoch ms; `None` when present but unreadable (the row still shows).
    pub deleted_date: Option<f64>,
    /// Whether `deleted_date` is the scheduled purge time or the time of deletion (or could be
    /// either), decided when listed.
    pub deleted_date_reading: DateReading,
    pub last_changed: Option<f64>,
    /// Set for secrets managed by another AWS service (e.g. RDS), which AWS may not let us restore.
    pub owning_service: Option<String>,
    /// Lower-cased name, description and tags, for search.
    search_text: String,
    /// Length of the lower-cased name at the start of `search_text` (the sort key).
    lower_name_len: usize,
}

impl SecretRow {
    /// Keeps only entries scheduled for deletion (`DeletedDate` present) that can be addressed.
    /// `listed_at`: when the server reported the entry (epoch ms).
    pub fn from_entry(
        entry: SecretListEntry,
        target: &Arc<Target>,
        listed_at: f64,
    ) -> Option<SecretRow> {
        let deleted = entry.deleted_date?;
        let name = entry.name.filter(|n| !n.is_empty());
        let arn = entry
            .arn
            .filter(|a| !a.is_empty())
            .or_else(|| name.clone())?;
        let name = name.unwrap_or_else(|| arn.clone());
        let description = entry.description.unwrap_or_default();
        let tags: Vec<(String, String)> = entry
            .tags
            .into_iter()
            .map(|t| (t.key.unwrap_or_default(), t.value.unwrap_or_default()))
            // AWS requires a key; a tag without one has nothing to show.
            .filter(|(k, _)| !k.is_empty())
            .collect();
        let mut rest = description.clone();
        // Each tag as the table shows it ("team: payments") and as `key=value`, so a search
        // copied from the table finds it as well as the shorter form does.
        for (k, v) in &tags {
            for separator in ["=", ": "] {
                rest.push('\n');
                rest.push_str(k);
                rest.push_str(separator);
                rest.push_str(v);
            }
        }
        // Where it lives, so that "prod eu-west-1" finds it.
        for place in [
            target.label.as_str(),
            target.account.as_deref().unwrap_or_default(),
            target.region.as_str(),
        ] {
            rest.push('\n');
            rest.push_str(place);
        }
        let mut search_text = name.to_lowercase();
        let lower_name_len = search_text.len();
        search_text.push('\n');
        search_text.push_str(&rest.to_lowercase());
        let deleted_date = deleted.millis();
        Some(SecretRow {
            target: target.clone(),
            id: format!("{}\n{arn}", target.key()),
            arn,
            name,
            description,
            tags,
            deleted_date,
            deleted_date_reading: DateReading::of(deleted_date, listed_at),
            last_changed: entry.last_changed_date.and_then(WireDate::millis),
            owning_service: entry.owning_service.filter(|s| !s.is_empty()),
            search_text,
            lower_name_len,
        })
    }

    /// What is known about when the secret is gone for good.
    pub fn deadline(&self) -> Deadline {
        Deadline::from_deleted_date(self.deleted_date, self.deleted_date_reading)
    }

    /// The lower-cased name, which the table sorts by.
    pub fn lower_name(&self) -> &str {
        &self.search_text[..self.lower_name_len]
    }

    /// Every whitespace-separated term of the (lower-cased) query must occur somewhere.
    pub fn matches(&self, lowered_terms: &[String]) -> bool {
        lowered_terms
            .iter()
            .all(|term| self.search_text.contains(term.as_str()))
    }

    /// A stable, HTML-safe element id for this row's button (names and ARNs contain `/` and `:`).
    pub fn dom_id(&self) -> String {
        // FNV-1a: tiny, deterministic, good enough to tell rows apart on one page.
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in self.id.bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        format!("restore-{hash:016x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Tag;

    fn one() -> Arc<Target> {
        Arc::new(Target::proxy_default("us-east-1"))
    }

    fn entry(name: &str, deleted: Option<WireDate>) -> SecretListEntry {
        SecretListEntry {
            arn: Some(format!(
                "arn:aws:secretsmanager:us-east-1:1:secret:{name}-AbCdEf"
            )),
            name: Some(name.into()),
            deleted_date: deleted,
            ..Default::default()
        }
    }

    #[test]
    fn live_secrets_are_not_rows() {
        assert_eq!(
            SecretRow::from_entry(entry("live", None), &one(), 0.0),
            None
        );
    }

    #[test]
    fn deleted_secrets_are_rows_even_with_an_unreadable_date() {
        let row =
            SecretRow::from_entry(entry("a/b", Some(WireDate::Unreadable)), &one(), 0.0).unwrap();
        assert_eq!(row.name, "a/b");
        assert_eq!(row.deleted_date, None);
        let row = SecretRow::from_entry(entry("c", Some(WireDate::EpochMillis(5.0))), &one(), 0.0)
            .unwrap();
        assert_eq!(row.deleted_date, Some(5.0));
    }

    #[test]
    fn falls_back_between_name_and_arn_and_drops_unaddressable_entries() {
        let mut e = entry("x", Some(WireDate::EpochMillis(1.0)));
        e.arn = None;
        assert_eq!(SecretRow::from_entry(e, &one(), 0.0).unwrap().arn, "x");
        let mut e = entry("x", Some(WireDate::EpochMillis(1.0)));
        e.name = Some(String::new());
        let row = SecretRow::from_entry(e, &one(), 0.0).unwrap();
        assert_eq!(row.name, row.arn);
        let e = SecretListEntry {
            deleted_date: Some(WireDate::EpochMillis(1.0)),
            ..Default::default()
        };
        assert_eq!(SecretRow::from_entry(e, &one(), 0.0), None);
    }

    #[test]
    fn search_covers_name_description_and_tags_case_insensitively() {
        let mut e = entry("prod/DB", Some(WireDate::EpochMillis(1.0)));
        e.description = Some("Primary Postgres".into());
        e.tags = vec![Tag {
            key: Some("team".into()),
            value: Some("Payments".into()),
        }];
        let row = SecretRow::from_entry(e, &one(), 0.0).unwrap();
        let q = |s: &str| -> Vec<String> { s.split_whitespace().map(str::to_lowercase).collect() };
        assert!(row.matches(&q("prod/db")));
        assert!(row.matches(&q("postgres")));
        assert!(row.matches(&q("team=payments")));
        // As the table shows the tag.
        assert!(row.matches(&q("team: payments")));
        assert!(!row.matches(&q("team: billing")));
        assert!(row.matches(&q("payments PROD")));
        assert!(!row.matches(&q("payments staging")));
        assert!(row.matches(&[]));
    }

    #[test]
    fn tags_without_a_key_are_left_out() {
        let mut e = entry("a", Some(WireDate::EpochMillis(1.0)));
        e.tags = vec![
            Tag::default(),
            Tag {
                key: None,
                value: Some("orphan".into()),
            },
            Tag {
                key: Some("team".into()),
                value: None,
            },
        ];
        let row = SecretRow::from_entry(e, &one(), 0.0).unwrap();
        assert_eq!(row.tags, vec![("team".to_string(), String::new())]);
    }

    #[test]
    fn dom_ids_are_stable_and_distinct() {
        let a = SecretRow::from_entry(entry("a", Some(WireDate::Unreadable)), &one(), 0.0).unwrap();
        let b = SecretRow::from_entry(entry("b", Some(WireDate::Unreadable)), &one(), 0.0).unwrap();
        assert_eq!(a.dom_id(), a.clone().dom_id());
        assert_ne!(a.dom_id(), b.dom_id());
        assert!(
            a.dom_id()
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        );
    }
}

#[cfg(test)]
mod fleet_tests {
    use super::*;
    use crate::wire::TargetInfo;

    fn target(account: &str, label: &str, region: &str) -> Arc<Target> {
        let config = crate::wire::ProxyConfig {
            targets: Some(vec![TargetInfo {
                account: Some(account.into()),
                label: Some(label.into()),
                region: Some(region.into()),
                available: true,
                reason: None,
            }]),
            ..Default::default()
        };
        crate::model::target::targets_of(&config).remove(0)
    }

    fn row(name: &str, target: &Arc<Target>) -> SecretRow {
        let entry = SecretListEntry {
            name: Some(name.into()),
            deleted_date: Some(WireDate::EpochMillis(1.0)),
            ..Default::default()
        };
        SecretRow::from_entry(entry, target, 0.0).unwrap()
    }

    #[test]
    fn the_same_name_in_two_targets_is_two_rows() {
        let prod = target("210987654321", "prod", "eu-west-1");
        let own = target("123456789012", "123456789012", "eu-west-1");
        let (a, b) = (row("shared/db", &prod), row("shared/db", &own));
        assert_eq!(a.arn, b.arn, "no ARN sent: both fall back to the name");
        assert_ne!(a.id, b.id);
        assert_ne!(a.dom_id(), b.dom_id());
    }

    #[test]
    fn search_finds_rows_by_account_label_id_and_region() {
        let prod = target("210987654321", "prod", "eu-west-1");
        let r = row("db", &prod);
        for q in ["prod", "210987654321", "eu-west-1", "PROD db EU-WEST"] {
            let terms: Vec<String> = q.split_whitespace().map(str::to_lowercase).collect();
            assert!(r.matches(&terms), "{q}");
        }
        assert!(!r.matches(&["us-east-1".to_string()]));
    }
}
