//! Links: the view lives in the page's query string (`model::view_url`), kept up to date with
//! `history.replaceState` as the search, sort and filters change, and read again when the
//! history entry changes; and `?secret=` opens that secret's restore once it is listed
//! (`model::secret_link`).

use std::sync::Arc;

use leptos::ev;
use leptos::prelude::*;

use crate::browser;
use crate::bulk::BulkRestore;
use crate::model::fleet_scan::FleetScan;
use crate::model::format::revealed;
use crate::model::secret_link::{
    LinkOutcome, choose_text, found_text, not_found_text, resolve, unsure_text,
};
use crate::model::secret_row::SecretRow;
use crate::model::selection::Selection;
use crate::model::table_view::RowFilter;
use crate::model::view_url::ViewUrl;
use crate::state::Dashboard;

/// What a `?secret=` link led to, when it did not simply open the dialog.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkNotice {
    /// The name is scheduled in several places; the table shows only those.
    Choose(String),
    NotFound(String),
    /// Found, but not opened by itself (the user was busy with something else, or another
    /// secret of that name may be in a target that could not be listed): a button opens it.
    Found(String, Arc<SecretRow>),
}

#[derive(Clone, Copy)]
pub struct Links {
    dashboard: Dashboard,
    /// The secret a link asks for, until it is found or known to be absent.
    wanted: RwSignal<Option<String>>,
    /// The view the page was opened with: a link's dialog opens by itself only while the
    /// user has changed nothing.
    opened_with: StoredValue<ViewUrl>,
    pub notice: RwSignal<Option<LinkNotice>>,
}

impl Links {
    /// Applies the page's query string to `dashboard` (before its first scan), and from then on
    /// keeps the two in step.
    pub fn start(dashboard: Dashboard) -> Self {
        let opened_with = ViewUrl::parse(&browser::location_search());
        let links = Links {
            dashboard,
            wanted: RwSignal::new(None),
            opened_with: StoredValue::new(opened_with.clone()),
            notice: RwSignal::new(None),
        };
        links.apply(&opened_with);
        // The address follows the view. `replaceState`: typing a search must not fill the
        // history with one entry per key.
        Effect::new(move |_| {
            let view = links.current_view();
            browser::replace_search(&view.to_search());
        });
        // An entry of this page's history taken again (Back, Forward): its view.
        let listener = window_event_listener(ev::popstate, move |_| {
            let view = ViewUrl::parse(&browser::location_search());
            links.opened_with.set_value(view.clone());
            links.apply(&view);
        });
        on_cleanup(move || listener.remove());
        Effect::new(move |_| links.follow());
        links
    }

    /// The view as the address should hold it now.
    fn current_view(self) -> ViewUrl {
        let d = self.dashboard;
        let mut view = ViewUrl::parse(&browser::location_search());
        view.query = d.query.get();
        view.sort = d.sort.get();
        view.account = d.account_filter.get();
        view.region = d.region_filter.get();
        view.secret = self.wanted.get();
        view
    }

    fn apply(self, view: &ViewUrl) {
        let d = self.dashboard;
        d.query.set(view.query.clone());
        d.sort.set(view.sort);
        d.account_filter.set(view.account.clone());
        d.region_filter.set(view.region.clone());
        self.wanted.set(view.secret.clone());
        if view.secret.is_none() {
            d.name_filter.set(None);
            self.notice.set(None);
        }
    }

    /// Decides a `?secret=` link as rows arrive: an ARN opens as soon as its row is listed, a
    /// name once every target has been listed. Only rows in the link's account and region (if
    /// it names them) count.
    fn follow(self) {
        let Some(wanted) = self.wanted.get() else {
            return;
        };
        let d = self.dashboard;
        let (over, all_listed) = d.scan.with(|s| {
            (
                matches!(s, FleetScan::Targets(_)) && !s.is_running(),
                s.all_listed(),
            )
        });
        let place = RowFilter {
            account: d.account_filter.get(),
            region: d.region_filter.get(),
            ..Default::default()
        };
        let candidates: Vec<_> = d.listing.with(|l| {
            l.rows()
                .iter()
                .filter(|r| place.shows(r))
                .cloned()
                .collect()
        });
        let outcome = resolve(&wanted, &candidates, over, all_listed);
        // In a sentence, characters that would reorder it or hide are written out.
        let named = revealed(&wanted);
        let notice = match outcome {
            LinkOutcome::Wait => return,
            LinkOutcome::Open(row) if untrack(|| self.undisturbed()) => {
                d.open_dialog(row);
                None
            }
            LinkOutcome::Open(row) => {
                let text = found_text(&named, &row.target.place_text());
                Some(LinkNotice::Found(text, row))
            }
            LinkOutcome::Unsure(row) => {
                let text = unsure_text(&named, &row.target.place_text());
                Some(LinkNotice::Found(text, row))
            }
            LinkOutcome::Choose(places) => {
                // The search would hide some of them.
                d.query.set(String::new());
                d.name_filter.set(Some(wanted.clone()));
                Some(LinkNotice::Choose(choose_text(&named, places)))
            }
            LinkOutcome::NotFound => Some(LinkNotice::NotFound(not_found_text(&named, all_listed))),
        };
        self.notice.set(notice);
        // Done: the address no longer asks for it (a reload does not open it again).
        self.wanted.set(None);
    }

    /// Whether the user has left the page as the link opened it: no dialog open, nothing
    /// selected, the same search and sort. A dialog must never open over (or instead
    /// of) something the user started while the fleet was being listed.
    fn undisturbed(self) -> bool {
        let d = self.dashboard;
        let bulk = expect_context::<BulkRestore>();
        let opened = self.opened_with.get_value();
        d.dialog_for.get().is_none()
            && !bulk.dialog.get().is_some_and(|dialog| dialog.open())
            && bulk.selection.with(Selection::is_empty)
            && d.query.get() == opened.query
            && d.sort.get() == opened.sort
    }

    /// The notice's button: opens the restore the link found.
    pub fn open_found(self, row: Arc<SecretRow>) {
        self.notice.set(None);
        self.dashboard.open_dialog(row);
    }

    /// "Show all secrets": the table without the link's name filter.
    pub fn dismiss(self) {
        self.notice.set(None);
        self.dashboard.name_filter.set(None);
    }
}
