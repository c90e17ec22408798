use leptos::prelude::*;

use crate::state::{Dashboard, Tone};

/// The one polite live region: screen readers hear list results and restores from here.
#[component]
pub fn LiveRegion() -> impl IntoView {
    let dashboard = expect_context::<Dashboard>();
    view! {
        <p
            class=move || match dashboard.announcement.with(|a| a.tone) {
                Tone::Info => "announcement",
                Tone::Success => "announcement success",
                Tone::Failure => "announcement failure",
            }
            role="status"
            aria-live="polite"
            aria-atomic="true"
        >
            {move || dashboard.announcement.with(|a| a.text.clone())}
        </p>
    }
}
