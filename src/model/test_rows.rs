//! Fixtures for the model's tests: targets of one account in some regions, and a row scheduled
//! for deletion in one of them.

use std::sync::Arc;

use crate::model::secret_row::SecretRow;
use crate::model::target::{Target, targets_of};
use crate::wire::{ProxyConfig, SecretListEntry, TargetInfo, WireDate};

/// Account 111111111111 (no label) in each of `regions`.
pub fn targets_in(regions: &[&str]) -> Vec<Arc<Target>> {
    targets_of(&ProxyConfig {
        targets: Some(
            regions
                .iter()
                .map(|r| TargetInfo {
                    account: Some("111111111111".into()),
                    label: None,
                    region: Some(r.to_string()),
                    available: true,
                    reason: None,
                })
                .collect(),
        ),
        ..Default::default()
    })
}

/// The secret `name` of `target`, scheduled for deletion, with an ARN naming its region.
pub fn scheduled_row(target: &Arc<Target>, name: &str) -> Arc<SecretRow> {
    Arc::new(
        SecretRow::from_entry(
            SecretListEntry {
                arn: Some(format!(
                    "arn:aws:secretsmanager:{}:111111111111:secret:{name}",
                    target.region
                )),
                name: Some(name.into()),
                deleted_date: Some(WireDate::EpochMillis(1.0)),
                ..Default::default()
            },
            target,
            0.0,
        )
        .unwrap(),
    )
}
