//! The dashboard's reactive state and the two things it does: scan every ListSecrets page, and
//! restore one secret. Components read this from context; the logic it relies on is in `model`.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use futures_channel::oneshot;
use leptos::html::Dialog;
use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::AbortController;

use crate::api::client::Client;
use crate::api::error::{ApiError, ErrorKind, Operation};
use crate::browser;
use crate::model::clock::IGNORED_SKEW_MS;
use crate::model::format::{count_text, grouped};
use crate::model::listing::{Listing, Pager};
use crate::model::secret_row::SecretRow;
use crate::model::table_view::{Sort, matching, query_terms, sorted_rows};
use crate::wire::{ListSecretsRequest, ListSecretsResponse, ProxyConfig, SecretListEntry};

/// ListSecrets' largest page.
const PAGE_SIZE: u32 = 100;
/// How often, at most, newly listed pages are added to the table while a scan runs. Each
/// hand-over re-sorts the rows and makes the browser lay out the table again; the next page's
/// request is already out meanwhile, so waiting costs nothing but this delay.
const BATCH_INTERVAL_MS: f64 = 120.0;

#[derive(Debug, Clone, PartialEq)]
pub enum ScanStatus {
    Running,
    Done,
    Failed(ApiError),
}

/// What the live region says, and how it looks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Announcement {
    pub text: String,
    pub tone: Tone,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Tone {
    #[default]
    Info,
    Success,
    Failure,
}

impl Announcement {
    fn new(tone: Tone, text: String) -> Self {
        Announcement { text, tone }
    }
}

/// A restore's outcome as the dialog shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct RestoreFailure {
    pub arn: String,
    pub words: String,
    /// The secret no longer exists (purged): there is nothing left to retry.
    pub gone: bool,
}

#[derive(Clone, Copy)]
pub struct Dashboard {
    pub listing: RwSignal<Listing>,
    pub scan: RwSignal<ScanStatus>,
    /// Bumped by every scan, so a superseded scan stops writing. Read, never watched: a stored
    /// value, not a signal.
    generation: StoredValue<u64>,
    /// Aborts the running scan's request when a newer scan starts.
    scan_abort: StoredValue<Option<AbortController>, LocalStorage>,
    /// The clock the "time left" column reads; ticks every 30 s.
    pub now: RwSignal<f64>,
    pub query: RwSignal<String>,
    pub sort: RwSignal<Sort>,
    /// The rows the table renders, in its order; rows the search excludes are hidden, not
    /// removed.
    pub sorted: Memo<Vec<Arc<SecretRow>>>,
    /// The search query split into lower-cased terms.
    pub terms: Memo<Vec<String>>,
    /// How many rows match the search.
    pub match_count: Memo<usize>,
    /// What the polite live region says.
    pub announcement: RwSignal<Announcement>,
    /// The proxy's settings (`GET /api/config`), read again by every Refresh: it may have been
    /// restarted with others (`--read-only`) since the page was opened.
    pub config: LocalResource<Result<ProxyConfig, ApiError>>,
    /// The secret whose dialog is open.
    pub dialog_for: RwSignal<Option<Arc<SecretRow>>>,
    /// The confirmation `<dialog>`. Opened and closed right here, not from an effect: while a
    /// modal is open the page behind it is inert and cannot take focus.
    pub dialog: NodeRef<Dialog>,
    pub restore_failure: RwSignal<Option<RestoreFailure>>,
    pub restore: Action<Arc<SecretRow>, ()>,
}

impl Default for Dashboard {
    fn default() -> Self {
        Self::new()
    }
}

impl Dashboard {
    /// Creates the state in the current reactive owner.
    pub fn new() -> Self {
        let listing = RwSignal::new(Listing::default());
        let now = RwSignal::new(browser::server_now_ms());
        let query = RwSignal::new(String::new());
        let sort = RwSignal::new(Sort::default());
        let scan = RwSignal::new(ScanStatus::Running);
        let sorted = Memo::new(move |_| listing.with(|l| sorted_rows(l.rows(), sort.get())));
        let terms = Memo::new(move |_| query_terms(&query.read()));
        let match_count = Memo::new(move |_| {
            let terms = terms.read();
            sorted.with(|rows| matching(rows, &terms).count())
        });
        let announcement = RwSignal::new(Announcement::default());
        let dialog_for = RwSignal::new(None::<Arc<SecretRow>>);
        let dialog = NodeRef::<Dialog>::new();
        let restore_failure = RwSignal::new(None);
        let config = LocalResource::new(|| async { Client::from_page().config().await });
        let restore = Action::new_local(move |row: &Arc<SecretRow>| {
            let row = row.clone();
            async move {
                let result = Client::from_page()
                    .restore_secret(&row.arn, &row.name)
                    .await;
                // Trust the RestoreSecret answer, not a re-list: ListSecrets lags. The row is the
                // one the request was sent for, whatever the answer calls it.
                let (arn, name) = (row.arn.clone(), row.name.clone());
                // Restored, or found purged (gone for good): either way it leaves the list.
                let gone = result
                    .as_ref()
                    .map_or_else(|e| e.kind == ErrorKind::NotFound, |_| true);
                // Where focus goes after a restore: read while the row is still listed.
                let next_focus = gone
                    .then(|| {
                        let shown: Vec<_> = terms.with_untracked(|terms| {
                            sorted.with_untracked(|rows| matching(rows, terms).cloned().collect())
                        });
                        next_focus_after(&shown, &arn)
                    })
                    .flatten();
                if gone {
                    listing.update(|l| {
                        // A restored secret stays hidden while ListSecrets lags; one found
                        // missing comes back if a later scan lists it.
                        if result.is_ok() {
                            l.mark_gone(&arn);
                        } else {
                            l.remove(&arn);
                        }
                    });
                }
                match result {
                    Ok(_) => {
                        announcement.set(Announcement::new(
                            Tone::Success,
                            format!("{name} restored."),
                        ));
                        if dialog_for.get_untracked().is_some_and(|r| r.arn == row.arn) {
                            // Cleared first, so the `close` handler knows focus is ours to place.
                            dialog_for.set(None);
                            if let Some(dialog) = dialog.get_untracked() {
                                dialog.close();
                            }
                        }
                        if !next_focus.as_deref().is_some_and(browser::focus_by_id) {
                            browser::focus_by_id("search");
                        }
                    }
                    Err(error) => {
                        let words = error.plain_words(Operation::Restore { name: &name });
                        // The reason is in the dialog, which stays open until the answer is in.
                        let said = if error.outcome_unknown() {
                            format!("Restore of {name}: the outcome is not known.")
                        } else {
                            format!("Restore of {name} failed.")
                        };
                        announcement.set(Announcement::new(Tone::Failure, said));
                        if error.kind == ErrorKind::ReadOnly {
                            // The proxy was restarted read-only: the rows lose their buttons.
                            config.refetch();
                        }
                        restore_failure.set(Some(RestoreFailure { arn, words, gone }));
                    }
                }
            }
        });
        Dashboard {
            listing,
            scan,
            generation: StoredValue::new(0),
            scan_abort: StoredValue::new_local(None),
            now,
            query,
            sort,
            sorted,
            terms,
            match_count,
            announcement,
            config,
            dialog_for,
            dialog,
            restore_failure,
            restore,
        }
    }

    /// Walks every ListSecrets page, showing rows as pages arrive. Rows already shown stay
    /// visible while it runs and if it fails. The proxy's settings are read again too: it may
    /// have been restarted with others (`--read-only`) since the page was opened.
    pub fn refresh(self) {
        let generation = self.generation.get_value() + 1;
        // The first scan's settings are already on their way (`Dashboard::new`).
        if generation > 1 {
            self.config.refetch();
        }
        self.generation.set_value(generation);
        self.listing.update(Listing::begin_scan);
        self.scan.set(ScanStatus::Running);
        let current = move || self.generation.get_value() == generation;
        // Quick Refresh clicks leave one scan's request in flight, not one per click.
        let abort = AbortController::new().ok();
        if let Some(previous) = self.scan_abort.get_value() {
            previous.abort();
        }
        self.scan_abort.set_value(abort.clone());
        spawn_local(async move {
            let client = match abort {
                Some(abort) => Client::from_page().abortable(abort.signal()),
                None => Client::from_page(),
            };
            let mut pager = Pager::default();
            let batch = Batch::new(self.listing, self.now, current);
            let mut next_page = start_page(&client, None);
            loop {
                // The sender is dropped only if its task died: read that as a lost answer.
                let page = next_page
                    .await
                    .unwrap_or_else(|_| Err(ApiError::network("the request was abandoned")));
                if !current() {
                    return;
                }
                let page = match page {
                    Ok(page) => page,
                    Err(error) => {
                        batch.flush();
                        return self.scan.set(ScanStatus::Failed(error));
                    }
                };
                if pager.advance(page.next_token).is_err() {
                    batch.add(page.secret_list);
                    batch.flush();
                    let error = ApiError::malformed(
                        200,
                        "the server repeated a NextToken, so paging would never end. Retry starts again from the first page.",
                    );
                    return self.scan.set(ScanStatus::Failed(error));
                }
                if pager.finished() {
                    batch.add(page.secret_list);
                    batch.flush();
                    self.listing.update(Listing::finish_scan);
                    self.scan.set(ScanStatus::Done);
                    // The figure includes rendering the full table.
                    spawn_local(mark_once_rendered("undelete:list-complete"));
                    let found = self.listing.with_untracked(Listing::found);
                    let mut said = format!(
                        "{} scheduled for deletion.",
                        count_text(found, "secret", "secrets")
                    );
                    // A search typed during the scan: what it shows now, too.
                    if !self.terms.with_untracked(Vec::is_empty) {
                        let matches = self.match_count.get_untracked();
                        said = format!(
                            "{said} {} the search.",
                            count_text(matches, "matches", "match")
                        );
                    }
                    self.announcement.set(Announcement::new(Tone::Info, said));
                    return;
                }
                // The next page is on its way before this one's rows are drawn.
                next_page = start_page(&client, pager.token());
                batch.add(page.secret_list);
            }
        });
    }

    /// "Showing 3 of 16": how many rows the search leaves.
    pub fn showing_text(self) -> String {
        let total = self.listing.with(|l| l.rows().len());
        format!(
            "Showing {} of {}",
            grouped(self.match_count.get()),
            grouped(total)
        )
    }

    /// Says in the live region how many rows the search shows now.
    pub fn announce_showing(self) {
        let text = self.showing_text();
        self.announcement.set(Announcement::new(Tone::Info, text));
    }

    /// "Scanned 1,200 secrets, 37 scheduled for deletion…" while scanning.
    pub fn progress_text(self) -> String {
        self.listing.with(|l| {
            format!(
                "Scanned {}, {} scheduled for deletion…",
                count_text(l.scanned(), "secret", "secrets"),
                grouped(l.found())
            )
        })
    }

    /// Whether the proxy says it refuses restores (not known yet, or unreadable: no).
    pub fn read_only(self) -> bool {
        self.config.with(says_read_only)
    }

    /// The same, read without tracking (in an event handler).
    pub fn read_only_untracked(self) -> bool {
        self.config.with_untracked(says_read_only)
    }

    pub fn open_dialog(self, row: Arc<SecretRow>) {
        self.restore_failure.set(None);
        self.dialog_for.set(Some(row));
        if let Some(dialog) = self.dialog.get_untracked()
            && !dialog.open()
        {
            // Focuses the dialog's `autofocus` button: the safe choice.
            let _ = dialog.show_modal();
        }
    }
}

/// Hands listed pages to the table: the first page at once, so the first rows show as early as
/// possible, then whatever has arrived at most every [`BATCH_INTERVAL_MS`]. A clone shares the
/// same pending rows (the scan and its timer both hold one).
#[derive(Clone)]
struct Batch(Rc<RefCell<PendingRows>>);

struct PendingRows {
    listing: RwSignal<Listing>,
    /// The clock "time left" is counted with, set here when the proxy's clock turns out to be
    /// far from the browser's (`browser::server_now_ms`).
    now: RwSignal<f64>,
    /// Whether the scan this batch belongs to is still the current one: a superseded scan's
    /// timer must not add its rows.
    is_current: Box<dyn Fn() -> bool>,
    pending: Vec<SecretListEntry>,
    last_flush: Option<f64>,
    timer_set: bool,
    first_row_marked: bool,
}

impl Batch {
    fn new(
        listing: RwSignal<Listing>,
        now: RwSignal<f64>,
        is_current: impl Fn() -> bool + 'static,
    ) -> Self {
        Batch(Rc::new(RefCell::new(PendingRows {
            listing,
            now,
            is_current: Box::new(is_current),
            pending: Vec::new(),
            last_flush: None,
            timer_set: false,
            first_row_marked: false,
        })))
    }

    /// Adds a page's entries: drawn now if the table was last updated long enough ago, else by a
    /// timer at the end of the interval.
    fn add(&self, entries: Vec<SecretListEntry>) {
        let wait = {
            let mut rows = self.0.borrow_mut();
            rows.pending.extend(entries);
            let wait = rows
                .last_flush
                .map_or(0.0, |at| BATCH_INTERVAL_MS - (browser::now_ms() - at));
            if wait > 0.0 && rows.timer_set {
                return;
            }
            rows.timer_set = wait > 0.0;
            wait
        };
        if wait <= 0.0 {
            return self.flush();
        }
        let batch = self.clone();
        spawn_local(async move {
            browser::sleep_ms(wait).await;
            batch.0.borrow_mut().timer_set = false;
            batch.flush();
        });
    }

    /// Draws every pending row now.
    fn flush(&self) {
        let mut rows = self.0.borrow_mut();
        if !(rows.is_current)() || (rows.pending.is_empty() && rows.last_flush.is_some()) {
            return;
        }
        let entries = std::mem::take(&mut rows.pending);
        // Dates from AWS are read against the proxy's clock; the interval between flushes is
        // the page's own.
        let listed_at = browser::server_now_ms();
        if (listed_at - rows.now.get_untracked()).abs() >= IGNORED_SKEW_MS {
            rows.now.set(listed_at);
        }
        rows.listing.update(|l| {
            l.add_page(entries, listed_at);
        });
        rows.last_flush = Some(browser::now_ms());
        if !rows.first_row_marked && rows.listing.with_untracked(|l| l.found() > 0) {
            rows.first_row_marked = true;
            spawn_local(mark_once_rendered("undelete:first-row"));
        }
    }
}

/// Records a `performance` mark once the next frame is rendered: the reactive DOM updates (which
/// run as microtasks) have put the latest rows on the page, and that frame has laid them out and
/// painted them. The benchmark's figures include rendering them.
async fn mark_once_rendered(name: &'static str) {
    browser::after_next_paint().await;
    browser::mark(name);
}

fn says_read_only(config: &Option<Result<ProxyConfig, ApiError>>) -> bool {
    matches!(config, Some(Ok(config)) if config.read_only)
}

/// Sends the ListSecrets request for the page after `next_token` (the first page: `None`) at
/// once, in a task of its own; its answer arrives on the returned channel.
fn start_page(
    client: &Client,
    next_token: Option<&str>,
) -> oneshot::Receiver<Result<ListSecretsResponse, ApiError>> {
    let (answer, receiver) = oneshot::channel();
    let client = client.clone();
    let request = ListSecretsRequest {
        include_planned_deletion: true,
        max_results: PAGE_SIZE,
        next_token: next_token.map(str::to_string),
    };
    spawn_local(async move {
        // Nobody waits for it any more if a newer scan began meanwhile.
        let _ = answer.send(client.list_secrets(&request).await);
    });
    receiver
}

/// After `arn` leaves the table, focus goes to the row that takes its place, or the one above.
fn next_focus_after(visible: &[Arc<SecretRow>], arn: &str) -> Option<String> {
    let index = visible.iter().position(|r| r.arn == arn)?;
    visible
        .get(index + 1)
        .or_else(|| index.checked_sub(1).and_then(|i| visible.get(i)))
        .map(|r| r.dom_id())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::{SecretListEntry, WireDate};

    fn row(name: &str) -> Arc<SecretRow> {
        Arc::new(
            SecretRow::from_entry(
                SecretListEntry {
                    arn: Some(format!("arn:{name}")),
                    name: Some(name.into()),
                    deleted_date: Some(WireDate::EpochMillis(1.0)),
                    ..Default::default()
                },
                0.0,
            )
            .unwrap(),
        )
    }

    #[test]
    fn focus_moves_to_the_next_row_then_the_previous() {
        let rows = vec![row("a"), row("b"), row("c")];
        assert_eq!(next_focus_after(&rows, "arn:a"), Some(rows[1].dom_id()));
        assert_eq!(next_focus_after(&rows, "arn:c"), Some(rows[1].dom_id()));
        assert_eq!(next_focus_after(&rows[..1], "arn:a"), None);
        assert_eq!(next_focus_after(&rows, "arn:zzz"), None);
    }
}
