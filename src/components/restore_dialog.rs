use leptos::prelude::*;

use leptos::task::spawn_local;

use crate::browser;
use crate::components::backdrop::on_backdrop;
use crate::model::deadline::Deadline;
use crate::model::format::revealed;
use crate::model::view_url::secret_link;
use crate::state::{Dashboard, RestoreFailure};

/// The confirmation before RestoreSecret: a native modal `<dialog>` (focus trapped, Escape
/// closes), labelled as an alert dialog, with the safe choice focused first.
#[component]
pub fn RestoreDialog() -> impl IntoView {
    let dashboard = expect_context::<Dashboard>();
    let dialog_ref = dashboard.dialog;
    let pending = dashboard.restore.pending();

    // Escape, Cancel or the backdrop closed it: put focus back on the row's button.
    // (After a successful restore the state is cleared first and focus goes to the next row.)
    let on_close = move |_| {
        let Some(row) = dashboard.dialog_for.get_untracked() else {
            return;
        };
        if pending.get_untracked() {
            // A restore that has been sent cannot be called back: the dialog stays until its
            // answer is in. Escape closes a modal <dialog> by itself; it opens again at once.
            // (Preventing `cancel` is not enough: Chromium lets a second Escape through.)
            if let Some(dialog) = dialog_ref.get_untracked() {
                let _ = dialog.show_modal();
            }
            return;
        }
        dashboard.dialog_for.set(None);
        // The row is gone if its secret turned out to be purged.
        if !browser::focus_by_id(&row.dom_id()) {
            browser::focus_by_id("search");
        }
    };
    let close = move || {
        if let Some(dialog) = dialog_ref.get_untracked()
            && !pending.get_untracked()
        {
            dialog.close();
        }
    };
    let on_backdrop_click = on_backdrop(dialog_ref, close);
    // Purged: the dialog says so, and Confirm has nothing left to do.
    let is_gone = |f: &Option<RestoreFailure>| f.as_ref().is_some_and(|f| f.gone);
    let gone = move || dashboard.restore_failure.with(is_gone);
    // Nothing to send: the secret is gone, or the proxy turned out to be read-only.
    let refused = move || gone() || dashboard.read_only();
    let confirm = move |_| {
        // `pending` flips at dispatch, so a double click cannot send a second request.
        if pending.get_untracked()
            || dashboard.restore_failure.with_untracked(is_gone)
            || dashboard.read_only_untracked()
        {
            return;
        }
        if let Some(row) = dashboard.dialog_for.get_untracked() {
            dashboard.restore_failure.set(None);
            dashboard.restore.dispatch_local(row);
        }
    };

    let name = move || {
        dashboard
            .dialog_for
            .with(|r| r.as_ref().map(|r| r.name.clone()).unwrap_or_default())
    };
    let arn = move || {
        dashboard
            .dialog_for
            .with(|r| r.as_ref().map(|r| r.arn.clone()).unwrap_or_default())
    };
    // When it would be gone for good, so the urgency is in front of the person deciding (not
    // once a restore found it purged).
    let deadline_text = move || {
        if gone() {
            return String::new();
        }
        let deadline = dashboard
            .dialog_for
            .with(|r| r.as_ref().map_or(Deadline::Unknown, |r| r.deadline()));
        let when = deadline
            .shown_date()
            .map(|ms| format!("{} {}. ", deadline.date_label(), browser::format_date(ms)))
            .unwrap_or_default();
        format!("{when}{}.", deadline.time_left_text(dashboard.now.get()))
    };
    let busy = move || if pending.get() { "true" } else { "false" };
    // Copy link: a URL that opens this same dialog (the ARN names one secret in one place).
    let copied = RwSignal::new(None::<Result<String, String>>);
    Effect::new(move |_| {
        dashboard.dialog_for.track();
        copied.set(None);
    });
    let copy_link = move |_| {
        let Some(arn) = dashboard
            .dialog_for
            .with_untracked(|r| r.as_ref().map(|r| r.arn.clone()))
        else {
            return;
        };
        let url = browser::url_with_search(&secret_link(&arn));
        spawn_local(async move {
            let result = browser::copy_text(&url).await.map(|_| url.clone());
            let failed = result.is_err();
            copied.set(Some(result.map_err(|_| url)));
            if failed {
                // The link, selected, ready to copy by hand.
                browser::next_frame().await;
                browser::focus_by_id("secret-link");
            }
        });
    };
    let copy_result = move || {
        copied.get().map(|result| match result {
            Ok(_) => view! { <p class="copy-result" role="status">"Link copied."</p> }.into_any(),
            // No clipboard here (a page served over plain HTTP from another host, or
            // permission refused): the link to copy by hand, selected.
            Err(url) => view! {
                <p class="copy-result" role="status">
                    <label for="secret-link">"Could not copy: copy this link."</label>
                    <input
                        id="secret-link"
                        type="text"
                        readonly
                        prop:value=url
                        on:focus:target=move |ev| ev.target().select()
                    />
                </p>
            }
            .into_any(),
        })
    };
    let failure = move || {
        let open_id = dashboard
            .dialog_for
            .with(|r| r.as_ref().map(|r| r.id.clone()));
        dashboard
            .restore_failure
            .get()
            .filter(|f| Some(&f.id) == open_id.as_ref())
            .map(|f| f.words)
    };
    // Where the restore will act, in front of the person deciding: restoring in the wrong
    // account is the fear.
    let account = move || {
        dashboard.dialog_for.with(|r| {
            r.as_ref()
                // A proxy that predates targets does not say which account it acts in.
                .filter(|r| r.target.account.is_some() || !r.target.label.is_empty())
                .map(|r| r.target.account_text())
        })
    };
    let region = move || {
        dashboard
            .dialog_for
            .with(|r| r.as_ref().map(|r| r.target.region.clone()))
            .unwrap_or_default()
    };
    let place = move || {
        view! {
            <dl class="dialog-target">
                {move || account().map(|account| view! {
                    <div><dt>"Account"</dt><dd>{account}</dd></div>
                })}
                <div><dt>"Region"</dt><dd>{region}</dd></div>
            </dl>
        }
    };

    view! {
        <dialog
            node_ref=dialog_ref
            class="restore-dialog"
            role="alertdialog"
            aria-modal="true"
            aria-labelledby="restore-title"
            aria-describedby="restore-description"
            on:close=on_close
            on:click=on_backdrop_click
        >
            <div class="dialog-body">
                // The name isolated, so that characters in it that reorder text cannot move the
                // words around it; in the sentence and the ARN below, such characters and
                // invisible ones are written out ("prod/db[U+200B]").
                <h2 id="restore-title">"Cancel deletion of " <bdi>{name}</bdi> "?"</h2>
                <div id="restore-description">
                    {place}
                    <p>
                        "This restores " <strong>{move || revealed(&name())}</strong>
                        ": the scheduled deletion is cancelled, the secret becomes usable again and keeps its value, versions and tags."
                    </p>
                    <p class="dialog-deadline">{deadline_text}</p>
                    <p class="arn">"ARN: " <code>{move || revealed(&arn())}</code></p>
                </div>
                {move || failure().map(|words| view! {
                    <p class="banner error" role="alert">{words}</p>
                })}
                {move || dashboard.read_only().then(|| view! {
                    <p class="banner warning">
                        "The proxy runs in read-only mode: it refuses every restore. Restart it without --read-only to restore secrets."
                    </p>
                })}
                {copy_result}
                // While the request is out both buttons are `aria-disabled`, not `disabled`: a
                // disabled button drops keyboard focus to <body>, and focus must stay here for the
                // answer (the error above, or the next row after a success).
                <div class="dialog-actions">
                    <button type="button" class="link-copy" on:click=copy_link>
                        "Copy link"
                    </button>
                    <button
                        type="button"
                        class="secondary"
                        autofocus
                        aria-disabled=busy
                        on:click=move |_| close()
                    >
                        "Cancel"
                    </button>
                    <button
                        type="button"
                        class="primary"
                        on:click=confirm
                        aria-disabled=move || if pending.get() || refused() { "true" } else { "false" }
                    >
                        {move || if pending.get() { "Restoring…" } else { "Confirm restore" }}
                    </button>
                </div>
            </div>
        </dialog>
    }
}
