use leptos::prelude::*;

use crate::browser;
use crate::bulk::BulkRestore;
use crate::model::format::grouped;
use crate::model::selection::HeaderCheck;
use crate::model::table_view::matching;
use crate::state::Dashboard;

/// "N selected", with the bulk Cancel deletion and Clear selection; shown while rows are
/// selected (never on a read-only proxy, which shows no checkboxes).
#[component]
pub fn SelectionBar() -> impl IntoView {
    let dashboard = expect_context::<Dashboard>();
    let bulk = expect_context::<BulkRestore>();
    let count = move || bulk.selection.with(|s| s.len());
    let shown = move || count() > 0 && !dashboard.read_only();
    // Selected rows the search or a filter hides are still part of it: say how many.
    let hidden = move || {
        let hidden = bulk.selection.with(|s| {
            dashboard.filter.with(|filter| {
                dashboard
                    .sorted
                    .with(|rows| s.hidden(matching(rows, filter).map(|r| r.id.as_str())))
            })
        });
        (hidden > 0).then(|| format!(" ({} not shown by the search or filters)", grouped(hidden)))
    };
    view! {
        <Show when=shown>
            <div class="selection-bar" role="group" aria-label="Selected secrets">
                <span class="selected-count">
                    {move || format!("{} selected", grouped(count()))}
                    {hidden}
                </span>
                <button type="button" class="primary" id="bulk-restore" on:click=move |_| bulk.open()>
                    {move || format!("Cancel deletion for {} selected", grouped(count()))}
                </button>
                <button
                    type="button"
                    on:click=move |_| {
                        bulk.selection.update(|s| s.clear());
                        // The bar goes away: focus goes to the search rather than to the page.
                        browser::focus_by_id("search");
                    }
                >
                    "Clear selection"
                </button>
            </div>
        </Show>
    }
}

/// The header's "Select all shown" checkbox: mixed while some of the rows shown are selected.
#[component]
pub fn SelectAllShown() -> impl IntoView {
    let dashboard = expect_context::<Dashboard>();
    let bulk = expect_context::<BulkRestore>();
    let state = Memo::new(move |_| {
        bulk.selection.with(|s| {
            dashboard.filter.with(|filter| {
                dashboard
                    .sorted
                    .with(|rows| s.header(matching(rows, filter).map(|r| r.id.as_str())))
            })
        })
    });
    let toggle = move || {
        dashboard.filter.with_untracked(|filter| {
            dashboard.sorted.with_untracked(|rows| {
                let shown: Vec<&str> = matching(rows, filter).map(|r| r.id.as_str()).collect();
                bulk.selection
                    .update(|s| s.toggle_shown(shown.iter().copied()));
            })
        });
    };
    view! {
        <th scope="col" class="select">
            // `indeterminate` is what browsers expose as mixed; `aria-checked` says the same
            // for tools that read the attribute, and always agrees with the box.
            <input
                type="checkbox"
                aria-label="Select all shown"
                prop:checked=move || state.get() == HeaderCheck::All
                prop:indeterminate=move || state.get() == HeaderCheck::Some
                aria-checked=move || state.get().aria()
                disabled=move || dashboard.match_count.get() == 0
                on:change=move |_| toggle()
            />
        </th>
    }
}
