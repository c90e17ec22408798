use leptos::prelude::*;

use crate::state::Dashboard;

/// The one polite live region: screen readers hear list results and restores from here.
#[component]
pub fn LiveRegion() -> impl IntoView {
    let dashboard = expect_context::<Dashboard>();
    view! {
        <p class="announcement" role="status" aria-live="polite" aria-atomic="true">
            {move || dashboard.announcement.get()}
        </p>
    }
}
