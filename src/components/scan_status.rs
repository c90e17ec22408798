use leptos::either::EitherOf3;
use leptos::prelude::*;

use crate::api::error::Operation;
use crate::browser;
use crate::model::clock::skew_note;
use crate::model::format::count_text;
use crate::state::{Dashboard, ScanStatus};

/// Progress while pages arrive, the count when done, or the error with Retry.
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
    let status = move || match dashboard.scan.get() {
        ScanStatus::Running => EitherOf3::A(view! {
            <div class="scan-status">
                <progress aria-label="Loading secrets"></progress>
                <span>{move || dashboard.progress_text()}</span>
            </div>
        }),
        ScanStatus::Done => {
            let scanned = dashboard.listing.with(|l| l.scanned());
            let at = browser::format_time(browser::server_now_ms());
            EitherOf3::B(view! {
                <div class="scan-status done muted">
                    {format!(
                        "Complete: scanned {} in this region, last refreshed at {at}.",
                        count_text(scanned, "secret", "secrets"),
                    )}
                </div>
            })
        }
        ScanStatus::Failed(error) => EitherOf3::C(view! {
            <div class="banner error" role="alert">
                <p>
                    <strong>"Could not load the list. "</strong>
                    {error.plain_words(Operation::List)}
                </p>
                <p class="muted">
                    {move || {
                        let shown = dashboard.listing.with(|l| l.rows().len());
                        if shown > 0 {
                            "The rows below are what was listed before the error: the list may be incomplete or out of date."
                        } else {
                            ""
                        }
                    }}
                </p>
                // The banner goes away as the scan starts again: focus moves to Refresh, which
                // does the same, rather than falling to the page.
                <button
                    type="button"
                    on:click=move |_| {
                        browser::focus_by_id("refresh");
                        dashboard.refresh();
                    }
                >
                    "Retry"
                </button>
            </div>
        }),
    };
    (skew, status)
}
