use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::browser;
use crate::state::{Dashboard, ScanStatus};

/// How long typing in the search box must pause before the result is announced.
const SEARCH_ANNOUNCE_DELAY_MS: f64 = 700.0;

/// Search box with its match count, and Refresh.
#[component]
pub fn Toolbar() -> impl IntoView {
    let dashboard = expect_context::<Dashboard>();
    let scanning = move || dashboard.scan.with(|s| *s == ScanStatus::Running);
    view! {
        <div class="toolbar" role="search">
            <label for="search" class="search-label">
                "Search secrets"
            </label>
            <input
                id="search"
                type="search"
                autocomplete="off"
                spellcheck="false"
                placeholder="Name, description or tag"
                aria-describedby="match-count"
                prop:value=move || dashboard.query.get()
                on:input:target=move |ev| {
                    // Applied at the next frame: changing rows inside the input event makes the
                    // browser lay the table out once for the caret and again for the frame. The
                    // box's value is read then, so keys typed within one frame are never undone.
                    let input = ev.target();
                    spawn_local(async move {
                        browser::next_frame().await;
                        let value = input.value();
                        if dashboard.query.get_untracked() != value {
                            dashboard.query.set(value.clone());
                            // Screen readers hear the result once typing pauses. (The count
                            // beside the box is no live region: it also changes with every page
                            // of a scan. It describes the box, so it is read when the box gets
                            // focus, as after "Clear search".) Not over a newer message, such
                            // as a restore's.
                            let said = dashboard.announcement.with_untracked(|a| a.text.clone());
                            browser::sleep_ms(SEARCH_ANNOUNCE_DELAY_MS).await;
                            // `try_`: the toolbar may be gone by then (in tests it is).
                            if input.value() == value
                                && dashboard.announcement.try_with_untracked(|a| a.text == said)
                                    == Some(true)
                            {
                                dashboard.announce_showing();
                            }
                        }
                    });
                }
            />
            <span id="match-count" class="match-count">
                {move || dashboard.showing_text()}
            </span>
            // The name stays "Refresh" while scanning (progress is shown below); clicking it
            // restarts the scan.
            <button
                type="button"
                id="refresh"
                class="refresh"
                class:busy=scanning
                on:click=move |_| dashboard.refresh()
            >
                "Refresh"
            </button>
        </div>
    }
}
