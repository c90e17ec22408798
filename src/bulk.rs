//! Bulk Cancel deletion: the rows selected, the one confirmation for all of them, and the run
//! that restores them (bounds and outcomes in `model::bulk_run`). Components read this from
//! context beside `state::Dashboard`.

use std::cell::Cell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use leptos::html::Dialog;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::client::Client;
use crate::api::error::{ApiError, ErrorKind};
use crate::browser;
use crate::model::bulk_run::{BulkRun, ItemState};
use crate::model::format::count_text;
use crate::model::gone_batch::GoneBatch;
use crate::model::secret_row::SecretRow;
use crate::model::selection::Selection;
use crate::state::{Announcement, Dashboard, Tone, mark_once_rendered};

/// How often, at most, the live region repeats a running bulk restore's progress: screen
/// readers cannot keep up with one message per secret.
const ANNOUNCE_EVERY_MS: f64 = 2_000.0;

/// How often, at most, a running bulk restore redraws its dialog. Each redraw repaints the
/// dialog, and redrawn every frame it kept the main thread busy enough that answers waited and
/// the next restores left late; ten times a second still reads as live progress.
const DRAW_EVERY_MS: f64 = 100.0;

#[derive(Clone, Copy)]
pub struct BulkRestore {
    dashboard: Dashboard,
    /// The rows chosen, by id.
    pub selection: RwSignal<Selection>,
    /// The run the dialog shows: `None` until Confirm.
    pub run: RwSignal<Option<BulkRun>>,
    /// Why each row whose last restore did not succeed did not, by id: shown on the row until
    /// it is tried again (a new confirmation does not wipe them).
    pub reasons: RwSignal<HashMap<String, RowReason>>,
    pub dialog: NodeRef<Dialog>,
    /// What the dialog's live region says: the run's progress now and then, and its outcome.
    /// (While the modal dialog is open the page behind it, its live region included, is inert.)
    pub said: RwSignal<String>,
    last_announced: StoredValue<f64>,
    /// The running run's Stop, shared with its clients (`Client::stoppable`).
    stop: StoredValue<Rc<Cell<bool>>, LocalStorage>,
    /// What answers changed that the views have not been told yet (see [`Self::draw`]).
    undrawn: StoredValue<Undrawn, LocalStorage>,
}

/// Why a row's last restore did not succeed.
#[derive(Clone)]
pub struct RowReason {
    pub text: String,
    /// It found the secret already purged: the row's "time left" says none is, whatever the
    /// list read before. It stays for Retry failed, like any failure.
    pub purged: bool,
}

/// Answers read but not yet drawn: the views hear of them every [`DRAW_EVERY_MS`], and restored
/// rows leave the table in batches (`model::gone_batch`).
#[derive(Default)]
struct Undrawn {
    gone: GoneBatch,
    reasons: Vec<(String, RowReason)>,
    /// A draw is on its way.
    scheduled: bool,
}

impl BulkRestore {
    /// Creates the state in the current reactive owner.
    pub fn new(dashboard: Dashboard) -> Self {
        let selection = RwSignal::new(Selection::default());
        let run = RwSignal::new(None::<BulkRun>);
        let reasons = RwSignal::new(HashMap::new());
        // Rows that leave the list (restored, purged, of a target no longer served) leave the
        // selection.
        Effect::new(move |_| {
            dashboard.listing.with(|listing| {
                let stale = selection.with_untracked(|s| s.ids().any(|id| !listing.has(id)));
                if stale {
                    selection.update(|s| s.keep_only(|id| listing.has(id)));
                }
            });
        });
        // A read-only proxy restores nothing: nothing stays selected, and no reason from before
        // stays on a row (it would not be true once the proxy is read-write again).
        Effect::new(move |_| {
            if dashboard.read_only() {
                selection.update(|s| s.clear());
                reasons.update(HashMap::clear);
            }
        });
        BulkRestore {
            dashboard,
            selection,
            run,
            reasons,
            dialog: NodeRef::new(),
            said: RwSignal::new(String::new()),
            last_announced: StoredValue::new(0.0),
            stop: StoredValue::new_local(Rc::new(Cell::new(false))),
            undrawn: StoredValue::new_local(Undrawn::default()),
        }
    }

    /// The selected rows, in the table's order, those the search hides included.
    pub fn selected_rows(self) -> Vec<Arc<SecretRow>> {
        self.selection.with(|selection| {
            self.dashboard.sorted.with(|rows| {
                rows.iter()
                    .filter(|r| selection.contains(&r.id))
                    .cloned()
                    .collect()
            })
        })
    }

    /// Whether a run is under way (the dialog then stays open).
    pub fn is_running(self) -> bool {
        self.run
            .with(|r| r.as_ref().is_some_and(BulkRun::is_running))
    }

    pub fn is_running_untracked(self) -> bool {
        self.run
            .with_untracked(|r| r.as_ref().is_some_and(BulkRun::is_running))
    }

    /// Opens the confirmation for the rows selected now.
    pub fn open(self) {
        if self.selection.with_untracked(Selection::is_empty)
            || self.dashboard.read_only_untracked()
            || self.is_running_untracked()
        {
            return;
        }
        self.run.set(None);
        self.said.set(String::new());
        if let Some(dialog) = self.dialog.get_untracked()
            && !dialog.open()
        {
            // Focuses the dialog's `autofocus` button: Cancel.
            let _ = dialog.show_modal();
        }
    }

    pub fn close(self) {
        if self.is_running_untracked() {
            return;
        }
        if let Some(dialog) = self.dialog.get_untracked() {
            dialog.close();
        }
    }

    /// Confirm: one RestoreSecret for each selected secret. A second Confirm (a double click)
    /// finds the run already made and sends nothing.
    pub fn confirm(self) {
        if self.run.with_untracked(Option::is_some) || self.dashboard.read_only_untracked() {
            return;
        }
        let rows = untrack(|| self.selected_rows());
        if rows.is_empty() {
            return;
        }
        self.start(rows);
    }

    /// "Retry failed": the refused and unknown ones of the last run, still listed, once more.
    pub fn retry_failed(self) {
        if self.is_running_untracked() || self.dashboard.read_only_untracked() {
            return;
        }
        let rows: Vec<_> = self.run.with_untracked(|r| {
            r.iter()
                .flat_map(BulkRun::retryable)
                .filter(|row| self.dashboard.listing.with_untracked(|l| l.has(&row.id)))
                .collect()
        });
        if !rows.is_empty() {
            self.start(rows);
        }
    }

    /// Stop: no further restore starts; those sent finish and are reported.
    pub fn stop(self) {
        self.stop.get_value().set(true);
        self.run.update(|r| {
            if let Some(run) = r {
                run.stop();
            }
        });
        self.after_answer();
    }

    fn start(self, rows: Vec<Arc<SecretRow>>) {
        let total = rows.len();
        self.stop.set_value(Rc::new(Cell::new(false)));
        // Tried again: what the last try said no longer holds.
        self.reasons.update(|r| {
            for row in &rows {
                r.remove(&row.id);
            }
        });
        self.undrawn.update_value(|u| u.gone.restart());
        self.run.set(Some(BulkRun::new(rows)));
        self.last_announced.set_value(browser::now_ms());
        self.said.set(format!(
            "Restoring {}…",
            count_text(total, "secret", "secrets")
        ));
        self.start_next();
    }

    /// Sends as many restores as the bounds allow.
    fn start_next(self) {
        let Some(rows) = self
            .run
            .try_update(|r| r.as_mut().map(BulkRun::start_next).unwrap_or_default())
        else {
            return;
        };
        self.send(rows);
    }

    /// One RestoreSecret for each of `rows`, each answered to [`Self::answered`].
    fn send(self, rows: Vec<Arc<SecretRow>>) {
        let stop = self.stop.get_value();
        for row in rows {
            let stop = stop.clone();
            spawn_local(async move {
                let client = Client::from_page().stoppable(stop);
                let outcome = match client.at(&row.target) {
                    Some(client) => client.restore_secret(&row.arn, &row.name).await,
                    None => Err(ApiError::network(
                        "the dashboard has no address for this account and region",
                    )),
                };
                self.answered(&row, outcome);
            });
        }
    }

    fn answered<T>(self, row: &SecretRow, outcome: Result<T, ApiError>) {
        let state = ItemState::from_outcome(&outcome, &row.name);
        if outcome
            .as_ref()
            .is_err_and(|e| e.kind == ErrorKind::ReadOnly)
        {
            // The proxy was restarted read-only: every other restore would be refused too. The
            // rows lose their checkboxes once the settings are read again.
            self.stop.get_value().set(true);
            self.run.update_untracked(|r| {
                if let Some(run) = r {
                    run.stop();
                }
            });
            self.dashboard.config.refetch();
        }
        let restored = state == ItemState::Restored;
        let purged = outcome
            .as_ref()
            .is_err_and(|e| e.kind == ErrorKind::NotFound);
        let reason = state.reason_text().map(|text| RowReason { text, purged });
        // The next restores go out first; the views hear of this answer at the next draw.
        let Some(next) = self
            .run
            .try_update_untracked(|r| {
                let run = r.as_mut()?;
                run.finish(&row.id, state);
                Some(run.start_next())
            })
            .flatten()
        else {
            return;
        };
        self.send(next);
        self.undrawn.update_value(|u| {
            if restored {
                u.gone.push(row.id.clone());
            }
            if let Some(reason) = reason {
                u.reasons.push((row.id.clone(), reason));
            }
        });
        self.after_answer();
    }

    /// Tells the views what the answers since the last draw changed: the run (the dialog's
    /// progress and list), the reasons, and, when a batch is due, the rows that leave the table
    /// and the selection. Called from [`Self::after_answer`]: every [`DRAW_EVERY_MS`] while the
    /// run goes on, at once when it ends.
    fn draw(self) {
        let run_over = !self.is_running_untracked();
        let now = browser::now_ms();
        let (gone, reasons, first) = self
            .undrawn
            .try_update_value(|u| {
                u.scheduled = false;
                let first = u.gone.none_left();
                (
                    u.gone.take_due(now, run_over),
                    std::mem::take(&mut u.reasons),
                    first,
                )
            })
            .unwrap_or_default();
        self.run.notify();
        if !reasons.is_empty() {
            self.reasons.update(|r| r.extend(reasons));
        }
        if !gone.is_empty() {
            // Trust the answers, not a re-list: ListSecrets lags for minutes. The rows leave the
            // selection with the list (the effect in `new`).
            self.dashboard.listing.update(|l| {
                for id in &gone {
                    l.mark_gone(id);
                }
            });
            if first {
                // `make bench`: the time to the first row leaving the table.
                spawn_local(mark_once_rendered("undelete:bulk-first-gone"));
            }
        }
        // Rows still waiting for their batch: look again at the next draw.
        if self.undrawn.with_value(|u| u.gone.is_waiting()) {
            self.schedule_draw();
        }
    }

    fn schedule_draw(self) {
        // The first restored row leaves at once: the run is seen to work.
        if self
            .undrawn
            .with_value(|u| u.gone.none_left() && u.gone.is_waiting())
        {
            self.draw();
            return;
        }
        let first = self
            .undrawn
            .try_update_value(|u| !std::mem::replace(&mut u.scheduled, true))
            .unwrap_or(false);
        if first {
            spawn_local(async move {
                browser::sleep_ms(DRAW_EVERY_MS).await;
                self.draw();
            });
        }
    }

    /// Says how it is going now and then, and what it did once nothing is pending.
    fn after_answer(self) {
        let Some((running, progress, summary)) = self.run.with_untracked(|r| {
            r.as_ref()
                .map(|run| (run.is_running(), run.progress_text(), run.summary_text()))
        }) else {
            return;
        };
        if running {
            self.schedule_draw();
            let now = browser::now_ms();
            if now - self.last_announced.get_value() >= ANNOUNCE_EVERY_MS {
                self.last_announced.set_value(now);
                self.said.set(format!("{progress}…"));
            }
            return;
        }
        self.draw();
        spawn_local(mark_once_rendered("undelete:bulk-complete"));
        self.said.set(summary);
    }

    /// The dialog was closed: the page's own live region says what the last run did.
    pub fn closed(self) {
        let Some((summary, failed)) = self.run.with_untracked(|r| {
            r.as_ref().filter(|r| !r.is_running()).map(|run| {
                let c = run.counts();
                (run.summary_text(), c.failed + c.unknown > 0)
            })
        }) else {
            return;
        };
        let tone = if failed { Tone::Failure } else { Tone::Success };
        self.dashboard
            .announcement
            .set(Announcement::new(tone, summary));
    }
}
