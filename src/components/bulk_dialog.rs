use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::browser;
use crate::bulk::BulkRestore;
use crate::components::backdrop::on_backdrop;
use crate::model::bulk_run::{BulkItem, BulkRun, ItemState};
use crate::model::format::{count_text, grouped, revealed};
use crate::state::Dashboard;

/// The one confirmation for every selected secret: a native modal `<dialog>` labelled as an
/// alert dialog, Cancel focused first. After Confirm it shows the run: a progress bar, Stop, and
/// what became of each secret, with "Retry failed" for those that did not come back.
#[component]
pub fn BulkDialog() -> impl IntoView {
    let dashboard = expect_context::<Dashboard>();
    let bulk = expect_context::<BulkRestore>();
    let dialog_ref = bulk.dialog;
    let running = move || bulk.is_running();
    let confirmed = move || bulk.run.with(Option::is_some);
    // Before Confirm: the selection as it is now. After: the run's own secrets.
    let items = move || -> Vec<BulkItem> {
        match bulk.run.get() {
            Some(run) => run.items().to_vec(),
            None => bulk
                .selected_rows()
                .into_iter()
                .map(|row| BulkItem {
                    row,
                    state: ItemState::Queued,
                })
                .collect(),
        }
    };
    let count = move || items().len();
    let title = move || {
        let secrets = count_text(count(), "secret", "secrets");
        if !confirmed() {
            format!("Cancel deletion of {secrets}?")
        } else if running() {
            format!("Cancelling deletion of {secrets}…")
        } else {
            format!("Cancel deletion of {secrets}: done")
        }
    };
    let on_close = move |_| {
        if bulk.is_running_untracked() {
            // Restores that were sent cannot be called back, and the run reports to this
            // dialog: Escape must not hide it (Stop is the way to end it early).
            if let Some(dialog) = dialog_ref.get_untracked() {
                let _ = dialog.show_modal();
            }
            // `showModal` focuses the first focusable thing, which may be the scrolling list.
            browser::focus_by_id("bulk-confirm");
            return;
        }
        // The run stays: its failed rows keep their reasons until the next confirmation.
        bulk.closed();
        // Back to the button that opened it (cancelled, or rows left selected); the search if
        // nothing is selected any more and the bar has gone.
        if !browser::focus_by_id("bulk-restore") {
            browser::focus_by_id("search");
        }
    };
    let on_backdrop_click = on_backdrop(dialog_ref, move || bulk.close());
    let progress = move || {
        bulk.run.with(|run| {
            run.as_ref().map(|run| {
                let c = run.counts();
                let done = c.total - c.pending;
                view! {
                    <div class="bulk-progress">
                        <progress
                            max=c.total
                            value=done
                            aria-label="Restores done"
                            aria-valuetext=run.progress_text()
                        ></progress>
                        // The exact count for the eye; assistive technology has the bar's
                        // value text and the status line below.
                        <span class="bulk-count" aria-hidden="true">{run.progress_text()}</span>
                    </div>
                }
            })
        })
    };
    let retry_count = move || {
        bulk.run
            .with(|r| r.as_ref().map_or(0, |r| r.retryable().len()))
    };
    let can_retry = move || retry_count() != 0 && !dashboard.read_only();
    let not_confirmed = move || !confirmed();
    let done = move || confirmed() && !running();
    let not_done = move || !done();
    let stopped = move || bulk.run.with(|r| r.as_ref().is_some_and(BulkRun::stopped));
    // Confirm stays the same element while its restores run ("Restoring…", inert), and keeps
    // focus: a second Enter or a held key lands on it, not on Stop.
    let actions = view! {
        <Show when=not_confirmed>
            <button type="button" class="secondary" autofocus on:click=move |_| bulk.close()>
                "Cancel"
            </button>
        </Show>
        <Show when=running>
            <button
                type="button"
                id="bulk-stop"
                aria-disabled=move || if stopped() { "true" } else { "false" }
                on:click=move |_| bulk.stop()
            >
                {move || if stopped() { "Stopping…" } else { "Stop" }}
            </button>
        </Show>
        <Show when=done>
            <Show when=can_retry>
                <button
                    type="button"
                    id="bulk-retry"
                    on:click=move |_| {
                        bulk.retry_failed();
                        focus_once_drawn("bulk-confirm");
                    }
                >
                    {move || format!("Retry failed ({})", grouped(retry_count()))}
                </button>
            </Show>
            <button type="button" class="secondary" id="bulk-close" on:click=move |_| bulk.close()>
                "Close"
            </button>
        </Show>
        <Show when=not_done>
            <button
                type="button"
                class="primary"
                id="bulk-confirm"
                aria-disabled=move || {
                    if confirmed() || dashboard.read_only() { "true" } else { "false" }
                }
                on:click=move |_| bulk.confirm()
            >
                {move || {
                    if confirmed() {
                        "Restoring…".to_string()
                    } else {
                        format!("Confirm restore of {}", grouped(count()))
                    }
                }}
            </button>
        </Show>
    };
    // Once the run ends, focus moves to what can be done next, not left on the vanished Stop.
    Effect::new(move |was_running: Option<bool>| {
        let now_running = running();
        if was_running == Some(true) && !now_running {
            spawn_local(async {
                browser::next_frame().await;
                if !browser::focus_by_id("bulk-retry") {
                    browser::focus_by_id("bulk-close");
                }
            });
        }
        now_running
    });

    view! {
        <dialog
            node_ref=dialog_ref
            class="restore-dialog bulk-dialog"
            role="alertdialog"
            aria-modal="true"
            aria-labelledby="bulk-title"
            aria-describedby="bulk-description"
            on:close=on_close
            on:click=on_backdrop_click
        >
            <div class="dialog-body">
                <h2 id="bulk-title">{title}</h2>
                <p id="bulk-description">
                    "Each secret below is restored in its own account and region: its scheduled deletion is cancelled and it becomes usable again with its value, versions and tags."
                </p>
                <ul class="bulk-items">
                    // Keyed by secret and status: an answer redraws its own item only.
                    <For
                        each=items
                        key=|item| (item.row.id.clone(), status_text(&item.state))
                        children=item_view
                    />
                </ul>
                {progress}
                // Progress now and then, and the outcome: the page's own live region is inert
                // behind this modal.
                <p class="bulk-progress-text" role="status" aria-live="polite" aria-atomic="true">
                    {move || bulk.said.get()}
                </p>
                <div class="dialog-actions">{actions}</div>
            </div>
        </dialog>
    }
}

/// One secret of the confirmation: name, where, time left, and once the run is under way what
/// became of it.
fn item_view(item: BulkItem) -> impl IntoView {
    let dashboard = expect_context::<Dashboard>();
    let BulkItem { row, state } = item;
    let place = row.target.place_text();
    // Follows the clock, as the table's "time left" does: the confirmation may be open (or the
    // rows selected) long before it is read.
    let deadline = row.deadline();
    let now = dashboard.now;
    let left = move || deadline.time_left_text(now.get());
    let status = status_text(&state);
    let class = match state {
        ItemState::Restored => "bulk-item restored",
        ItemState::Failed(_) | ItemState::Unknown(_) => "bulk-item failed",
        _ => "bulk-item",
    };
    view! {
        <li class=class>
            <span class="bulk-name"><bdi>{revealed(&row.name)}</bdi></span>
            <span class="bulk-place">{place}</span>
            <span class="bulk-left">{left}</span>
            {status.map(|s| view! { <span class="bulk-status">{s}</span> })}
        </li>
    }
}

/// Focuses the element `id` once the view that holds it has been drawn.
fn focus_once_drawn(id: &'static str) {
    spawn_local(async move {
        browser::next_frame().await;
        browser::focus_by_id(id);
    });
}

fn status_text(state: &ItemState) -> Option<String> {
    match state {
        ItemState::Queued => None,
        ItemState::Running => Some("Restoring…".into()),
        ItemState::Restored => Some("Restored".into()),
        ItemState::NotStarted => Some("Not started (stopped)".into()),
        other => other.reason_text(),
    }
}
