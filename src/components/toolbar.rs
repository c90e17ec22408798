use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::browser;
use crate::model::fleet_scan::FleetScan;
use crate::model::target::distinct;
use crate::state::Dashboard;

/// How long typing in the search box must pause before the result is announced.
const SEARCH_ANNOUNCE_DELAY_MS: f64 = 700.0;

/// Search box, the account and region filters (when there is a choice), the match count, and
/// Refresh.
#[component]
pub fn Toolbar() -> impl IntoView {
    let dashboard = expect_context::<Dashboard>();
    let scanning = move || dashboard.scan.with(FleetScan::is_running);
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
                placeholder=move || {
                    if dashboard.scan.with(FleetScan::several) {
                        "Name, description, tag, account or region"
                    } else {
                        "Name, description or tag"
                    }
                }
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
            <TargetFilters />
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

/// "Account" and "Region" selects, each shown when the proxy serves more than one.
#[component]
fn TargetFilters() -> impl IntoView {
    let dashboard = expect_context::<Dashboard>();
    // (value, text) of each account, and of each region.
    let accounts = Memo::new(move |_| {
        dashboard.scan.with(|s| {
            let targets = s.targets();
            let keys = distinct(targets.iter().map(|t| t.account_key().to_string()));
            keys.into_iter()
                .filter_map(|key| {
                    let t = targets.iter().find(|t| t.account_key() == key)?;
                    Some((key, t.account_text()))
                })
                .collect::<Vec<_>>()
        })
    });
    let regions = Memo::new(move |_| {
        dashboard.scan.with(|s| {
            distinct(s.targets().iter().map(|t| t.region.clone()))
                .into_iter()
                .map(|r| (r.clone(), r))
                .collect::<Vec<_>>()
        })
    });
    view! {
        <FilterSelect
            id="account-filter"
            label="Account"
            all="All accounts"
            options=accounts
            filter=dashboard.account_filter
        />
        <FilterSelect
            id="region-filter"
            label="Region"
            all="All regions"
            options=regions
            filter=dashboard.region_filter
        />
    }
}

/// A labelled select of `options` (value, text) that sets `filter` (`None`: all), shown when
/// there is more than one option to choose from.
#[component]
fn FilterSelect(
    id: &'static str,
    label: &'static str,
    all: &'static str,
    options: Memo<Vec<(String, String)>>,
    filter: RwSignal<Option<String>>,
) -> impl IntoView {
    let dashboard = expect_context::<Dashboard>();
    let choose = move |value: String| {
        let value = (!value.is_empty()).then_some(value);
        if filter.get_untracked() != value {
            filter.set(value);
            dashboard.announce_showing();
        }
    };
    view! {
        <Show when=move || options.with(|o| o.len() > 1)>
            <label for=id class="filter-label">{label}</label>
            <select
                id=id
                prop:value=move || filter.get().unwrap_or_default()
                on:change:target=move |ev| choose(ev.target().value())
            >
                <option value="">{all}</option>
                {move || options.get().into_iter().map(|(value, text)| {
                    let selected = filter.get_untracked().as_deref() == Some(value.as_str());
                    view! { <option value=value selected=selected>{text}</option> }
                }).collect_view()}
            </select>
        </Show>
    }
}
