//! The dashboard's reactive state and the two things it does: scan every ListSecrets page, and
//! restore one secret. Components read this from context; the logic it relies on is in `model`.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
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
use crate::model::batching::{BATCH_INTERVAL_MS, interval_after, wait_ms};
use crate::model::clock::IGNORED_SKEW_MS;
use crate::model::dropped_filter::dropped_filter_text;
use crate::model::fleet_scan::{FleetScan, TargetState};
use crate::model::format::grouped;
use crate::model::listing::{Listing, Pager};
use crate::model::secret_row::SecretRow;
use crate::model::table_view::{RowFilter, Sort, matching, query_terms, sorted_rows};
use crate::model::target::{Target, account_key_for, targets_of};
use crate::wire::{ListSecretsRequest, ListSecretsResponse, ProxyConfig, SecretListEntry};

/// ListSecrets' largest page.
const PAGE_SIZE: u32 = 100;
/// Targets listed at once, each with one request out: a browser opens at most six connections
/// to one origin over HTTP/1.1, and a seventh request would only queue behind them.
const TARGETS_IN_FLIGHT: usize = 6;

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
    pub fn new(tone: Tone, text: String) -> Self {
        Announcement { text, tone }
    }
}

/// A restore's outcome as the dialog shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct RestoreFailure {
    /// The row's id (`SecretRow::id`).
    pub id: String,
    pub words: String,
    /// The secret no longer exists (purged): there is nothing left to retry.
    pub gone: bool,
}

/// What the next answer of `GET /api/config` is for.
#[derive(Debug, Clone, PartialEq)]
enum SettingsFor {
    /// A Refresh: list every target.
    Scan,
    /// A Retry: list these targets (keys) again, and any target that is new.
    Retry(Vec<String>),
}

#[derive(Clone, Copy)]
pub struct Dashboard {
    pub listing: RwSignal<Listing>,
    /// Where listing every account-region stands.
    pub scan: RwSignal<FleetScan>,
    /// Bumped by every Refresh, so a superseded scan stops writing. Read, never watched: a
    /// stored value, not a signal.
    generation: StoredValue<u64>,
    /// The running scan's requests and the targets waiting for one.
    pass: StoredValue<Option<Rc<Pass>>, LocalStorage>,
    /// What the settings being read are for (nothing: only the header wants them).
    settings_for: StoredValue<Option<SettingsFor>>,
    /// Said with the scan's outcome: a filter the settings dropped (`drop_filters_not_in`).
    dropped_filters: StoredValue<Option<String>>,
    /// The clock the "time left" column reads; ticks every 30 s.
    pub now: RwSignal<f64>,
    pub query: RwSignal<String>,
    pub sort: RwSignal<Sort>,
    /// The account shown (`Target::account_key`), or every account.
    pub account_filter: RwSignal<Option<String>>,
    /// The region shown, or every region.
    pub region_filter: RwSignal<Option<String>>,
    /// Only rows of this exact name (a link to a name scheduled in several places).
    pub name_filter: RwSignal<Option<String>>,
    /// The rows the table renders, in its order; rows the filter excludes are hidden, not
    /// removed.
    pub sorted: Memo<Vec<Arc<SecretRow>>>,
    /// The search terms (lower-cased) and the account and region chosen.
    pub filter: Memo<RowFilter>,
    /// How many rows the filter shows.
    pub match_count: Memo<usize>,
    /// What the polite live region says.
    pub announcement: RwSignal<Announcement>,
    /// The proxy's settings (`GET /api/config`), read again by every Refresh and Retry: it may
    /// have been restarted with others (`--read-only`, other accounts) since the page was opened.
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
        let account_filter = RwSignal::new(None::<String>);
        let region_filter = RwSignal::new(None::<String>);
        let name_filter = RwSignal::new(None::<String>);
        let scan = RwSignal::new(FleetScan::ReadingSettings);
        let sorted = Memo::new(move |_| listing.with(|l| sorted_rows(l.rows(), sort.get())));
        let filter = Memo::new(move |_| RowFilter {
            terms: query_terms(&query.read()),
            account: account_filter.get(),
            region: region_filter.get(),
            name: name_filter.get(),
        });
        let match_count = Memo::new(move |_| {
            let filter = filter.read();
            sorted.with(|rows| matching(rows, &filter).count())
        });
        let announcement = RwSignal::new(Announcement::default());
        let dialog_for = RwSignal::new(None::<Arc<SecretRow>>);
        let dialog = NodeRef::<Dialog>::new();
        let restore_failure = RwSignal::new(None);
        let config = LocalResource::new(|| async { Client::from_page().config().await });
        let restore = Action::new_local(move |row: &Arc<SecretRow>| {
            let row = row.clone();
            async move {
                let result = match Client::from_page().at(&row.target) {
                    Some(client) => client.restore_secret(&row.arn, &row.name).await,
                    None => Err(ApiError::network(
                        "the dashboard has no address for this account and region",
                    )),
                };
                // Trust the RestoreSecret answer, not a re-list: ListSecrets lags. The row is the
                // one the request was sent for, whatever the answer calls it.
                let (id, name) = (row.id.clone(), row.name.clone());
                // Restored, or found purged (gone for good): either way it leaves the list.
                let gone = result
                    .as_ref()
                    .map_or_else(|e| e.kind == ErrorKind::NotFound, |_| true);
                // Where focus goes after a restore: read while the row is still listed.
                let next_focus = gone
                    .then(|| {
                        let shown: Vec<_> = filter.with_untracked(|filter| {
                            sorted.with_untracked(|rows| matching(rows, filter).cloned().collect())
                        });
                        next_focus_after(&shown, &id)
                    })
                    .flatten();
                if gone {
                    listing.update(|l| {
                        // A restored secret stays hidden while ListSecrets lags; one found
                        // missing comes back if a later scan lists it.
                        if result.is_ok() {
                            l.mark_gone(&id);
                        } else {
                            l.remove(&id);
                        }
                    });
                }
                let place = row.target.place_text();
                let several = scan.with_untracked(FleetScan::several);
                let named = if several {
                    format!("{name} in {place}")
                } else {
                    name.clone()
                };
                match result {
                    Ok(_) => {
                        announcement.set(Announcement::new(
                            Tone::Success,
                            format!("{named} restored."),
                        ));
                        if dialog_for.get_untracked().is_some_and(|r| r.id == row.id) {
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
                            format!("Restore of {named}: the outcome is not known.")
                        } else {
                            format!("Restore of {named} failed.")
                        };
                        announcement.set(Announcement::new(Tone::Failure, said));
                        if error.kind == ErrorKind::ReadOnly {
                            // The proxy was restarted read-only: the rows lose their buttons.
                            config.refetch();
                        }
                        restore_failure.set(Some(RestoreFailure { id, words, gone }));
                    }
                }
            }
        });
        let dashboard = Dashboard {
            listing,
            scan,
            generation: StoredValue::new(0),
            pass: StoredValue::new_local(None),
            settings_for: StoredValue::new(None),
            dropped_filters: StoredValue::new(None),
            now,
            query,
            sort,
            account_filter,
            region_filter,
            name_filter,
            sorted,
            filter,
            match_count,
            announcement,
            config,
            dialog_for,
            dialog,
            restore_failure,
            restore,
        };
        // Listing starts once the proxy says which targets it serves (read by the header too).
        Effect::new(move |_| {
            let Some(answer) = config.get() else { return };
            if let Some(wanted) = dashboard
                .settings_for
                .try_update_value(Option::take)
                .flatten()
            {
                dashboard.settings_read(answer, wanted);
            }
        });
        dashboard
    }

    /// Lists every target again, showing rows as pages arrive. Rows already shown stay visible
    /// while it runs and if it fails. The proxy's settings are read first: it may have been
    /// restarted with others (`--read-only`, other accounts) since the page was opened.
    pub fn refresh(self) {
        let generation = self.generation.get_value() + 1;
        self.generation.set_value(generation);
        // Quick Refresh clicks leave one scan's requests in flight, not one per click.
        if let Some(pass) = self.pass.get_value() {
            pass.stop();
        }
        self.pass.set_value(None);
        self.scan.set(FleetScan::ReadingSettings);
        self.settings_for.set_value(Some(SettingsFor::Scan));
        // The first scan's settings are already on their way (`Dashboard::new`).
        if generation > 1 {
            self.config.refetch();
        }
    }

    /// Lists again only the targets that failed (and any the proxy serves now that it did not).
    pub fn retry_failed(self) {
        let failed: Vec<String> = self.scan.with_untracked(FleetScan::failed_keys);
        if failed.is_empty() || self.settings_for.get_value().is_some() {
            return;
        }
        self.scan.update(|s| {
            for key in &failed {
                s.set(key, TargetState::Waiting);
            }
        });
        self.settings_for
            .set_value(Some(SettingsFor::Retry(failed)));
        self.config.refetch();
    }

    /// The settings a Refresh or Retry waited for have come.
    fn settings_read(self, answer: Result<ProxyConfig, ApiError>, wanted: SettingsFor) {
        let config = match answer {
            Ok(config) => config,
            Err(error) => {
                self.scan.set(FleetScan::SettingsFailed(error));
                return self.scan_ended();
            }
        };
        let targets = targets_of(&config);
        let keys: Vec<String> = targets.iter().map(|t| t.key()).collect();
        self.listing.update(|l| l.keep_targets(&keys));
        self.drop_filters_not_in(&targets);
        let (scan, to_list) = match wanted {
            SettingsFor::Scan => {
                let scan = FleetScan::start(&targets);
                let waiting = scan.waiting();
                (scan, waiting)
            }
            SettingsFor::Retry(failed) => self.scan.with_untracked(|s| s.retry(&targets, &failed)),
        };
        self.scan.set(scan);
        let pass = match self.pass.get_value() {
            Some(pass) => pass,
            None => {
                let pass = Rc::new(Pass::new(self));
                self.pass.set_value(Some(pass.clone()));
                pass
            }
        };
        if !self.scan.with_untracked(FleetScan::is_running) {
            return self.scan_ended();
        }
        pass.enqueue(self, to_list);
    }

    /// An account or region filter that names nothing the proxy serves any more shows all, and
    /// the scan's outcome says so. An account given by its label or ID (a link) becomes that
    /// account's key.
    fn drop_filters_not_in(self, targets: &[Arc<Target>]) {
        let mut dropped_account = None;
        if let Some(account) = self.account_filter.get_untracked() {
            let key = account_key_for(targets, &account).map(str::to_string);
            if key.is_none() {
                dropped_account = Some(account);
                self.account_filter.set(None);
            } else if key.as_ref() != Some(&account) {
                self.account_filter.set(key);
            }
        }
        let mut dropped_region = None;
        if let Some(region) = self.region_filter.get_untracked()
            && !targets.iter().any(|t| t.region == region)
        {
            dropped_region = Some(region);
            self.region_filter.set(None);
        }
        let said = dropped_filter_text(dropped_account.as_deref(), dropped_region.as_deref());
        self.dropped_filters.set_value(said);
    }

    /// Walks every ListSecrets page of `target`, through `pass`'s client.
    async fn list_target(self, pass: Rc<Pass>, target: Arc<Target>) {
        let key = target.key();
        let Some(client) = pass.client.at(&target) else {
            return;
        };
        self.listing.update(|l| l.begin_scan(&key));
        self.scan.update(|s| s.set(&key, TargetState::Listing));
        let mut pager = Pager::default();
        let mut next_page = start_page(&client, None);
        let state = loop {
            // The sender is dropped only if its task died: read that as a lost answer.
            let page = next_page
                .await
                .unwrap_or_else(|_| Err(ApiError::network("the request was abandoned")));
            if !pass.is_current() {
                return;
            }
            let page = match page {
                Ok(page) => page,
                Err(error) => {
                    pass.batch.flush();
                    break TargetState::Failed(error);
                }
            };
            if pager.advance(page.next_token).is_err() {
                pass.batch.add(&target, page.secret_list);
                pass.batch.flush();
                break TargetState::Failed(ApiError::malformed(
                    200,
                    "the server repeated a NextToken, so paging would never end. Retry starts again from the first page.",
                ));
            }
            if pager.finished() {
                // Drawn with the next batch, like any page: the target's rows the scan did not
                // see leave the table then (`Listing::finish_scan`).
                pass.batch.add_last(&target, page.secret_list);
                break TargetState::Listed;
            }
            // The next page is on its way before this one's rows are drawn.
            next_page = start_page(&client, pager.token());
            pass.batch.add(&target, page.secret_list);
        };
        self.scan.update(|s| s.set(&key, state));
        if !self.scan.with_untracked(FleetScan::is_running) {
            pass.batch.flush();
            self.scan_ended();
        }
    }

    /// Every target has been listed or has failed: say what was found.
    fn scan_ended(self) {
        // The figure includes rendering the full table.
        spawn_local(mark_once_rendered("undelete:list-complete"));
        let failed: Vec<String> = self.scan.with_untracked(FleetScan::failed_keys);
        let (shown, unfinished) = self
            .listing
            .with_untracked(|l| (l.rows().len(), l.rows_of(&failed)));
        // A search typed during the scan: what it shows now, too.
        let narrowed = self.filter.with_untracked(|f| {
            f.narrows()
                .then(|| (self.match_count.get_untracked(), f.by_place()))
        });
        let mut said = self
            .scan
            .with_untracked(|s| s.ended_text(shown, unfinished, narrowed));
        if let Some(dropped) = self
            .dropped_filters
            .try_update_value(Option::take)
            .flatten()
        {
            said.push(' ');
            said.push_str(&dropped);
        }
        let unread = self
            .scan
            .with_untracked(|s| matches!(s, FleetScan::SettingsFailed(_)));
        let tone = if unread || !failed.is_empty() {
            Tone::Failure
        } else {
            Tone::Info
        };
        self.announcement.set(Announcement::new(tone, said));
    }

    /// "Showing 3 of 16": how many rows the search and filters leave.
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

    /// The progress line while listing.
    pub fn progress_text(self) -> String {
        let (read, found) = self.listing.with(|l| (l.scanned(), l.found()));
        self.scan.with(|s| s.progress_text(read, found))
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

/// One Refresh's listing: its requests (aborted by the next Refresh), the targets waiting for a
/// turn, and how many are being listed (at most [`TARGETS_IN_FLIGHT`]).
struct Pass {
    generation: u64,
    dashboard_generation: StoredValue<u64>,
    abort: Option<AbortController>,
    client: Client,
    batch: Batch,
    queue: RefCell<VecDeque<Arc<Target>>>,
    active: Cell<usize>,
}

impl Pass {
    fn new(dashboard: Dashboard) -> Self {
        let generation = dashboard.generation.get_value();
        let abort = AbortController::new().ok();
        let client = match &abort {
            Some(abort) => Client::from_page().abortable(abort.signal()),
            None => Client::from_page(),
        };
        let current = dashboard.generation;
        Pass {
            generation,
            dashboard_generation: current,
            abort,
            client,
            batch: Batch::new(dashboard.listing, dashboard.now, move || {
                current.try_get_value() == Some(generation)
            }),
            queue: RefCell::new(VecDeque::new()),
            active: Cell::new(0),
        }
    }

    fn is_current(&self) -> bool {
        self.dashboard_generation.try_get_value() == Some(self.generation)
    }

    fn stop(&self) {
        self.queue.borrow_mut().clear();
        if let Some(abort) = &self.abort {
            abort.abort();
        }
    }

    /// Queues targets, and starts listing as many as the bound allows.
    fn enqueue(self: &Rc<Self>, dashboard: Dashboard, targets: Vec<Arc<Target>>) {
        self.queue.borrow_mut().extend(targets);
        while self.active.get() < TARGETS_IN_FLIGHT && !self.queue.borrow().is_empty() {
            self.active.set(self.active.get() + 1);
            let pass = self.clone();
            spawn_local(async move {
                loop {
                    let next = pass.queue.borrow_mut().pop_front();
                    let Some(target) = next.filter(|_| pass.is_current()) else {
                        break;
                    };
                    dashboard.list_target(pass.clone(), target).await;
                }
                pass.active.set(pass.active.get() - 1);
            });
        }
    }
}

/// Hands listed pages to the table: the first page at once, so the first rows show as early as
/// possible, then whatever has arrived once the interval since the last hand-over is over
/// (`model::batching`: at least [`BATCH_INTERVAL_MS`], more when drawing the last one cost
/// more); the last page of the scan at once. A target's last page waits like any other. A clone
/// shares the same pending rows (the scan and its timer both hold one).
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
    /// Pages to add, and whether each is its target's last.
    pending: Vec<(Arc<Target>, Vec<SecretListEntry>, bool)>,
    last_flush: Option<f64>,
    /// How long after `last_flush` the next may come (`model::batching::interval_after`).
    interval: f64,
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
            interval: BATCH_INTERVAL_MS,
            timer_set: false,
            first_row_marked: false,
        })))
    }

    /// Adds a page's entries: drawn now if the table was last updated long enough ago, else by a
    /// timer at the end of the interval.
    fn add(&self, target: &Arc<Target>, entries: Vec<SecretListEntry>) {
        self.push(target, entries, false);
    }

    /// The same, for a target's last page.
    fn add_last(&self, target: &Arc<Target>, entries: Vec<SecretListEntry>) {
        self.push(target, entries, true);
    }

    fn push(&self, target: &Arc<Target>, entries: Vec<SecretListEntry>, last: bool) {
        let mut wait = {
            let mut rows = self.0.borrow_mut();
            rows.pending.push((target.clone(), entries, last));
            let wait = wait_ms(rows.last_flush, rows.interval, browser::now_ms());
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
            // The interval may have grown meanwhile (the last hand-over's cost came in).
            while wait > 0.0 {
                browser::sleep_ms(wait).await;
                wait = batch.wait();
            }
            batch.0.borrow_mut().timer_set = false;
            batch.flush();
        });
    }

    /// How long the next hand-over must wait now.
    fn wait(&self) -> f64 {
        let rows = self.0.borrow();
        wait_ms(rows.last_flush, rows.interval, browser::now_ms())
    }

    /// Draws every pending row now.
    fn flush(&self) {
        let mut rows = self.0.borrow_mut();
        if !(rows.is_current)() || (rows.pending.is_empty() && rows.last_flush.is_some()) {
            return;
        }
        let pages = std::mem::take(&mut rows.pending);
        // Dates from AWS are read against the proxy's clock; the interval between flushes is
        // the page's own.
        let listed_at = browser::server_now_ms();
        if (listed_at - rows.now.get_untracked()).abs() >= IGNORED_SKEW_MS {
            rows.now.set(listed_at);
        }
        rows.listing.update(|l| {
            for (target, entries, last) in pages {
                l.add_page(&target, entries, listed_at);
                if last {
                    l.finish_scan(&target.key());
                }
            }
        });
        let flushed_at = browser::now_ms();
        rows.last_flush = Some(flushed_at);
        if !rows.first_row_marked && rows.listing.with_untracked(|l| l.found() > 0) {
            rows.first_row_marked = true;
            spawn_local(mark_once_rendered("undelete:first-row"));
        }
        // What drawing these rows costs (the effects that build them, then the browser's
        // layout and paint): the main thread is that long away from the answers coming in.
        let batch = self.clone();
        spawn_local(async move {
            browser::after_next_paint().await;
            let cost = browser::now_ms() - flushed_at;
            let mut rows = batch.0.borrow_mut();
            if rows.last_flush == Some(flushed_at) {
                rows.interval = interval_after(cost);
            }
        });
    }
}

/// Records a `performance` mark once the next frame is rendered: the reactive DOM updates (which
/// run as microtasks) have put the latest rows on the page, and that frame has laid them out and
/// painted them. The benchmark's figures include rendering them.
pub(crate) async fn mark_once_rendered(name: &'static str) {
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

/// After the row `id` leaves the table, focus goes to the row that takes its place, or the one
/// above.
fn next_focus_after(visible: &[Arc<SecretRow>], id: &str) -> Option<String> {
    let index = visible.iter().position(|r| r.id == id)?;
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
                &Arc::new(crate::model::target::Target::proxy_default("us-east-1")),
                0.0,
            )
            .unwrap(),
        )
    }

    #[test]
    fn focus_moves_to_the_next_row_then_the_previous() {
        let rows = vec![row("a"), row("b"), row("c")];
        assert_eq!(next_focus_after(&rows, &rows[0].id), Some(rows[1].dom_id()));
        assert_eq!(next_focus_after(&rows, &rows[2].id), Some(rows[1].dom_id()));
        assert_eq!(next_focus_after(&rows[..1], &rows[0].id), None);
        assert_eq!(next_focus_after(&rows, "arn:zzz"), None);
    }
}
