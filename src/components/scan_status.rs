use leptos::either::EitherOf4;
use leptos::prelude::*;

use crate::api::error::Operation;
use crate::browser;
use crate::model::clock::skew_note;
use crate::model::fleet_scan::FleetScan;
use crate::model::format::{count_text, grouped};
use crate::state::Dashboard;

/// Progress while pages arrive, the count when done, and the targets that could not be listed
/// (with why, and a Retry for those only).
#[component]
pub fn ScanStatusBar() -> impl IntoView {
    let dashboard = expect_context::<Dashboard>();
    // Whatever the scan's state: the rows shown are counted with the proxy's clock meanwhile.
    // (`now` is set when the offset is first found, so this is redrawn then.)
    let skew = move || {
        dashboard.now.track();
        skew_note(browser::clock_offset())
            .map(|note| view! { <p class="muted clock-note">{note}</p> })
    };
    let running = move || dashboard.scan.with(FleetScan::is_running);
    let settings_failed = move || {
        dashboard.scan.with(|s| match s {
            FleetScan::SettingsFailed(error) => Some(error.clone()),
            _ => None,
        })
    };
    let failures = Memo::new(move |_| dashboard.scan.with(FleetScan::failures));
    let status = move || {
        if let Some(error) = settings_failed() {
            return EitherOf4::A(view! {
                <div class="banner error" role="alert">
                    <p>
                        <strong>"Could not load the list. "</strong>
                        {error.plain_words(Operation::List)}
                    </p>
                    <RowsMayBeStale />
                    <RetryAll />
                </div>
            });
        }
        if running() {
            return EitherOf4::B(view! {
                <div class="scan-status">
                    <progress aria-label="Loading secrets"></progress>
                    <span>{move || dashboard.progress_text()}</span>
                </div>
            });
        }
        let (listed, total) = dashboard.scan.with(|s| (s.listed(), s.states().len()));
        let scanned = dashboard.listing.with(|l| l.scanned());
        let at = browser::format_time(browser::server_now_ms());
        if dashboard.scan.with(FleetScan::several) {
            EitherOf4::C(view! {
                <div class="scan-status done muted">
                    {format!(
                        "Listed {} of {}: scanned {}, last refreshed at {at}.",
                        grouped(listed),
                        count_text(total, "account-region", "account-regions"),
                        count_text(scanned, "secret", "secrets"),
                    )}
                </div>
            })
        } else {
            EitherOf4::D(view! {
                <div class="scan-status done muted">
                    {format!(
                        "Complete: scanned {} in this region, last refreshed at {at}.",
                        count_text(scanned, "secret", "secrets"),
                    )}
                </div>
            })
        }
    };
    // Shown while others are still being listed too: a target that failed is news at once.
    let failed = move || {
        let failures = failures.get();
        if failures.is_empty() {
            return None;
        }
        let several = dashboard.scan.with(FleetScan::several);
        let total = dashboard.scan.with(|s| s.states().len());
        let heading = if several {
            format!(
                "Could not list {} of {}.",
                grouped(failures.len()),
                count_text(total, "account-region", "account-regions")
            )
        } else {
            "Could not load the list.".to_string()
        };
        let items = failures
            .iter()
            .map(|(target, error)| {
                let words = error.plain_words(Operation::List);
                if several {
                    view! { <li><strong>{target.place_text()} ": "</strong>{words}</li> }.into_any()
                } else {
                    view! { <li>{words}</li> }.into_any()
                }
            })
            .collect_view();
        // Only the failed targets' rows may be stale; say so only if they have any.
        let keys: Vec<String> = failures.iter().map(|(t, _)| t.key()).collect();
        let earlier = dashboard.listing.with(|l| l.rows_of(&keys));
        let earlier_rows = (earlier > 0).then(|| {
            let text = if several {
                format!(
                    "{} below {} from these account-regions as listed before the error: they may be incomplete or out of date.",
                    count_text(earlier, "row", "rows"),
                    if earlier == 1 { "is" } else { "are" }
                )
            } else {
                STALE_ROWS.to_string()
            };
            view! { <p class="muted">{text}</p> }
        });
        let retry_name = if several {
            format!(
                "Retry {}",
                count_text(failures.len(), "account-region", "account-regions")
            )
        } else {
            "Retry".to_string()
        };
        Some(view! {
            <div class="banner error" role="alert">
                <p><strong>{heading}</strong></p>
                <ul class="failed-targets">{items}</ul>
                {earlier_rows}
                <button
                    type="button"
                    on:click=move |_| {
                        // The banner goes away as the retry starts: focus moves to Refresh
                        // rather than falling to the page.
                        browser::focus_by_id("refresh");
                        dashboard.retry_failed();
                    }
                >
                    {retry_name}
                </button>
            </div>
        })
    };
    (skew, status, failed)
}

const STALE_ROWS: &str = "The rows below are what was listed before the error: the list may be incomplete or out of date.";

/// Under an error: the rows shown may not be the whole truth.
#[component]
fn RowsMayBeStale() -> impl IntoView {
    let dashboard = expect_context::<Dashboard>();
    move || {
        let shown = dashboard.listing.with(|l| !l.rows().is_empty());
        shown.then(|| view! { <p class="muted">{STALE_ROWS}</p> })
    }
}

/// Refresh, for when not even the proxy's settings could be read.
#[component]
fn RetryAll() -> impl IntoView {
    let dashboard = expect_context::<Dashboard>();
    view! {
        <button
            type="button"
            on:click=move |_| {
                browser::focus_by_id("refresh");
                dashboard.refresh();
            }
        >
            "Retry"
        </button>
    }
}
