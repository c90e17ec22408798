use std::sync::Arc;

use leptos::either::Either;
use leptos::prelude::*;

use crate::browser;
use crate::bulk::BulkRestore;
use crate::components::row_list::RowList;
use crate::components::selection_bar::SelectAllShown;
use crate::model::deadline::Deadline;
use crate::model::fleet_scan::FleetScan;
use crate::model::format::{reveal_invisible, revealed};
use crate::model::secret_row::SecretRow;
use crate::model::table_view::SortColumn;
use crate::state::Dashboard;

/// From this many rows on, rows off screen skip rendering (`content-visibility: auto` in
/// main.css). Below it every row stays rendered, because Chromium leaves skipped rows' content
/// out of the accessibility tree (a screen reader reads them as empty rows until they are
/// scrolled into view, and a row's button has no box, so tools see it as not visible). Above it,
/// rendering every row costs too much: with 2,000 rows shown again by a search, the next paint
/// takes 80-90 ms instead of 40 and the table settles after 720 ms instead of 120; the list of
/// 1,667 takes ~15% longer to complete. At 1,000 rows without skipping, the next paint is still
/// ~50 ms. Search is the way to any row of a larger table: matching rows come on screen.
const LARGE_TABLE: usize = 1000;

/// The "time left" of a row whose bulk restore found it already purged.
const PURGED_TEXT: &str = "none: a restore found it already deleted for good";

/// The table of secrets scheduled for deletion, or the empty state.
#[component]
pub fn SecretsTable() -> impl IntoView {
    let dashboard = expect_context::<Dashboard>();
    let has_rows = move || dashboard.listing.with(|l| !l.rows().is_empty());
    // Only a fleet listed to its end may say that nothing is scheduled for deletion.
    let all_listed = move || dashboard.scan.with(FleetScan::all_listed);
    let nothing_matches = move || has_rows() && dashboard.match_count.get() == 0;
    let large = move || dashboard.sorted.with(Vec::len) >= LARGE_TABLE;
    let look = Memo::new(move |_| RowLook {
        read_only: dashboard.read_only(),
        several_targets: dashboard.scan.with(FleetScan::several),
    });
    let several = move || look.with(|l| l.several_targets);
    // A read-only proxy restores nothing, so nothing can be selected.
    let selectable = move || look.with(|l| !l.read_only);
    let everywhere = move || {
        if several() {
            "Every account and region listed here has no secret scheduled for deletion. Nothing needs restoring."
        } else {
            "Every secret in this region is live. Nothing needs restoring."
        }
    };

    view! {
        <Show when=move || !has_rows() && all_listed()>
            <div class="empty-state">
                <h2>"No secrets are scheduled for deletion"</h2>
                <p>{everywhere}</p>
            </div>
        </Show>
        <Show when=has_rows>
            <div class="table-wrap">
                <table class="secrets" class:large=large class:fleet=several class:selectable=selectable>
                    // The sort order is conveyed by `aria-sort` on the headers.
                    <caption>"Secrets scheduled for deletion"</caption>
                    <thead>
                        <tr>
                            <Show when=selectable>
                                <SelectAllShown />
                            </Show>
                            <SortHeader column=SortColumn::Name />
                            <Show when=several>
                                <th scope="col">"Account"</th>
                                <th scope="col">"Region"</th>
                            </Show>
                            <th scope="col">"Description"</th>
                            <SortHeader column=SortColumn::DeletionDate />
                            <SortHeader column=SortColumn::TimeLeft />
                            <th scope="col">"Tags"</th>
                            <SortHeader column=SortColumn::LastChanged />
                            <th scope="col">"Actions"</th>
                        </tr>
                    </thead>
                    // Rows read how they look once, when built: the proxy says it once, at start,
                    // and the rows are built again then, rather than every row watching it.
                    <RowList
                        rows=dashboard.sorted
                        filter=dashboard.filter
                        built_with=look
                        row_view=secret_row_view
                    />
                </table>
            </div>
            <Show when=nothing_matches>
                <p class="no-match">
                    {move || format!("No secrets match “{}”. ", revealed(&dashboard.query.get()))}
                    <button type="button" class="link" on:click=move |_| {
                        dashboard.query.set(String::new());
                        browser::focus_by_id("search");
                        // The live region still says "Showing 0 of N" from the search.
                        dashboard.announce_showing();
                    }>"Clear search"</button>
                </p>
            </Show>
        </Show>
    }
}

/// What every row's look depends on, read once when the rows are built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct RowLook {
    read_only: bool,
    /// Rows name their account and region.
    several_targets: bool,
}

fn column_title(column: SortColumn) -> &'static str {
    match column {
        SortColumn::Name => "Name",
        SortColumn::DeletionDate => "Deletion date",
        SortColumn::TimeLeft => "Time left",
        SortColumn::LastChanged => "Last changed",
    }
}

/// A column header whose button sorts by it; `aria-sort` tells assistive technology the order.
#[component]
fn SortHeader(column: SortColumn) -> impl IntoView {
    let dashboard = expect_context::<Dashboard>();
    let aria_sort = move || dashboard.sort.get().aria_sort(column);
    view! {
        <th scope="col" aria-sort=aria_sort>
            <button
                type="button"
                class="sort"
                on:click=move |_| dashboard.sort.update(|s| *s = s.toggled(column))
            >
                {column_title(column)}
                <span class="sort-indicator" aria-hidden="true">
                    {move || match aria_sort() {
                        "ascending" => "▲",
                        "descending" => "▼",
                        _ => "↕",
                    }}
                </span>
            </button>
        </th>
    }
}

/// One secret's row. A plain function, not a component: [`RowList`] builds it under the row's own
/// reactive owner, untracked.
///
/// Only what the clock changes is reactive; everything else is read once. A large account's
/// first scan builds thousands of rows, and each effect costs about as much as an element.
fn secret_row_view(row: Arc<SecretRow>) -> impl IntoView {
    let dashboard = expect_context::<Dashboard>();
    let deadline = row.deadline();
    let now = dashboard.now;
    let clock = move |text| clock_text(deadline, now, text);
    let deletion_date = deadline
        .shown_date()
        .map(|ms| (browser::iso_date(ms), browser::format_date(ms)));
    let several = dashboard.scan.with(FleetScan::several);
    // "prod/db in prod (eu-west-1)": the same name may be scheduled in several places. Invisible
    // and reordering characters are written out, so that look-alike rows' controls are told
    // apart by name too.
    let shown_name = revealed(&row.name);
    let named = if several {
        format!("{shown_name} in {}", row.target.place())
    } else {
        shown_name
    };
    let place = several.then(|| {
        let target = &row.target;
        let id = target.has_label().then(|| target.account.clone()).flatten();
        view! {
            <td class="account">
                <span class="account-label" class:numeric=!target.has_label()>
                    {target.account_name().to_string()}
                </span>
                {id.map(|id| view! { <span class="account-id numeric">{id}</span> })}
            </td>
            <td class="region">{target.region.clone()}</td>
        }
    });
    let selectable = !dashboard.read_only();
    let bulk = selectable.then(|| expect_context::<BulkRestore>());
    let select = bulk.map(|bulk| {
        let id = row.id.clone();
        let checked_id = id.clone();
        view! {
            <td class="select">
                <input
                    type="checkbox"
                    aria-label=format!("Select {named}")
                    prop:checked=move || bulk.selection.with(|s| s.contains(&checked_id))
                    on:change:target=move |ev| {
                        let checked = ev.target().checked();
                        bulk.selection.update(|s| s.set(&id, checked));
                    }
                />
            </td>
        }
    });
    // Why a bulk restore did not bring it back, beside its name until the next run.
    let reason = bulk.map(|bulk| {
        let id = row.id.clone();
        move || {
            bulk.reasons
                .with(|r| r.get(&id).map(|reason| reason.text.clone()))
                .map(|words| view! { <span class="row-reason">{words}</span> })
        }
    });
    // A bulk restore found it purged: no time is left, whatever the list read before.
    let purged = {
        let id = row.id.clone();
        move || bulk.is_some_and(|b| b.reasons.with(|r| r.get(&id).is_some_and(|x| x.purged)))
    };
    let purged_too = purged.clone();
    let actions = if dashboard.read_only() {
        Either::Left(view! { <span class="muted">"Read-only"</span> })
    } else {
        let open_row = row.clone();
        Either::Right(view! {
            <button
                type="button"
                class="restore"
                id=row.dom_id()
                aria-label=format!("Cancel deletion for {named}")
                on:click=move |_| dashboard.open_dialog(open_row.clone())
            >
                "Cancel deletion"
            </button>
        })
    };
    // One optional line under the name, not one per note: every row pays for each optional
    // node's placeholder, and a search re-lays out thousands of rows.
    let mut note = row
        .owning_service
        .as_ref()
        .map(|service| format!("Managed by {service}"));
    if let Some(shown) = reveal_invisible(&row.name) {
        let hidden = format!("Hidden characters: {shown}");
        note = Some(match note {
            Some(managed) => format!("{hidden}. {managed}"),
            None => hidden,
        });
    }
    let (description, description_class) = if row.description.is_empty() {
        ("No description".to_string(), "muted")
    } else {
        (row.description.clone(), "")
    };

    view! {
        <tr class=clock(|d, now| format!("secret {}", d.urgency(now).css()))>
            {select}
            <th scope="row" class="name">
                <span class="secret-name">{row.name.clone()}</span>
                {note.map(|note| view! { <span class="managed">{note}</span> })}
                {reason}
            </th>
            {place}
            <td class="description">
                <span class=description_class>{description}</span>
            </td>
            <td class="deletion-date">
                <span class="date-label">{clock(|d, _| d.date_label().into())}</span>
                {deletion_date.map(|(iso, text)| view! { <time datetime=iso>{text}</time> })}
                <span class="date-note">{clock(|d, _| d.date_note().into())}</span>
            </td>
            <td class="time-left">
                <span class=clock(|d, now| format!("urgency {}", d.urgency(now).css()))>
                    {move || {
                        if purged_too() {
                            "Purged".to_string()
                        } else {
                            clock(|d, now| d.urgency(now).label().into())()
                        }
                    }}
                </span>
                <span class="time-left-text">
                    {move || {
                        if purged() {
                            PURGED_TEXT.to_string()
                        } else {
                            clock(Deadline::time_left_text)()
                        }
                    }}
                </span>
            </td>
            <td class="tags">
                {if row.tags.is_empty() {
                    Either::Left(view! { <span class="muted">"No tags"</span> })
                } else {
                    Either::Right(view! {
                        <ul class="tag-list">
                            {row.tags.iter().map(|(k, v)| {
                                let text = if v.is_empty() { k.clone() } else { format!("{k}: {v}") };
                                view! { <li>{text}</li> }
                            }).collect_view()}
                        </ul>
                    })
                }}
            </td>
            <td class="last-changed">
                {match row.last_changed {
                    Some(ms) => Either::Left(view! {
                        <time datetime=browser::iso_date(ms)>{browser::format_date(ms)}</time>
                    }),
                    None => Either::Right(view! { <span class="muted">"Unknown"</span> }),
                }}
            </td>
            <td class="actions">{actions}</td>
        </tr>
    }
}

/// A text of a row that follows the clock. Every such text is this one closure type, so the wasm
/// holds one copy of the code that draws and redraws them rather than one per text.
fn clock_text(
    deadline: Deadline,
    now: RwSignal<f64>,
    text: fn(Deadline, f64) -> String,
) -> impl Fn() -> String + Copy {
    move || text(deadline, now.get())
}
