//! The table body: one `<tr>` per secret, kept in the table's order with the fewest DOM moves.
//!
//! This stands in for Leptos' keyed `<For>`, whose diff moves most rows that merely shifted when
//! rows are inserted across a sorted table. Here new rows are inserted in place and only rows
//! that really changed order move (`model::reorder`). Each row has its own reactive owner, like a
//! `<For>` row, so its effects end when it leaves the table.
//!
//! Why it is kept: `scripts/bench/compare_lists.sh` with a `<For>` build of the same table
//! (keyed by the row's data, each row watching the search) against this one, same run, 2026-12-02
//! (2 noisy cores): with `<For>` a search key that changes which of 2,000 rows show took 104 ms
//! to the next paint (median; 64 ms here), and the complete list of 1,667 rows took 7.3 s instead
//! of 4.0 s. A re-sort of 2,000 rows was faster with `<For>` (140 ms against 236 ms).
//!
//! Search hides the rows that do not match (`hidden`; they stay in the DOM so that clearing the
//! search is cheap). One effect walks the rows when the search changes and touches only rows
//! whose state changes, rather than one effect per row re-running on every keystroke. When that
//! is many rows, the top of the table is done in the frame that answers the key and the rest in
//! the frames after (`model::search_steps`).

use std::sync::Arc;

use leptos::html::Tbody;
use leptos::prelude::*;
use leptos::tachys::view::Mountable;
use leptos::task::spawn_local;
use rustc_hash::FxHashMap;
use web_sys::{Element, Node};

use crate::browser;
use crate::model::reorder::rows_that_stay;
use crate::model::search_steps::{SearchedRow, Step, apply_step};
use crate::model::secret_row::SecretRow;
use crate::model::table_view::RowFilter;

/// A `<tbody>` holding `row_view(row)` for each of `rows`, in order; rows that `filter` does not
/// show are hidden. `row_view` may read `built_with` once, untracked, instead of watching it: when
/// it changes, every row is built again.
#[component]
pub fn RowList<V, B>(
    rows: Memo<Vec<Arc<SecretRow>>>,
    filter: Memo<RowFilter>,
    built_with: Memo<B>,
    row_view: fn(Arc<SecretRow>) -> V,
) -> impl IntoView
where
    V: IntoView + 'static,
    B: Clone + PartialEq + Send + Sync + 'static,
{
    let tbody = NodeRef::<Tbody>::new();
    let owner = Owner::current().expect("RowList needs a reactive owner");
    let table = StoredValue::new_local(Table::default());
    // Returns the `built_with` its rows were built with, which the next run gets as `last`.
    Effect::new(move |last: Option<B>| {
        let rows = rows.get();
        let built_with = built_with.get();
        let Some(tbody) = tbody.get() else {
            return built_with;
        };
        // Building a row reads signals; those reads belong to the row, not to this effect.
        untrack(|| {
            filter.with(|filter| {
                table.update_value(|table| {
                    if last.is_some_and(|last| last != built_with) {
                        for mut gone in table.shown.drain(..) {
                            gone.view.unmount();
                        }
                    }
                    update(&tbody, &mut table.shown, &rows, filter, &owner, row_view);
                    // Rows moved: a search still under way starts again from the top (rows
                    // already right cost nothing).
                    table.next_step = table.next_step.map(|_| 0);
                });
            });
        });
        built_with
    });
    Effect::new(move |_| {
        let start = filter.with(|filter| {
            table.try_update_value(|table| {
                for shown_row in table.shown.iter_mut() {
                    shown_row.wanted = filter.shows(&shown_row.row);
                }
                table.next_step = apply_step(&mut table.shown, 0, Step::First);
                let start = table.next_step.is_some() && !table.stepping;
                table.stepping |= start;
                start
            })
        });
        if start == Some(true) {
            spawn_local(finish_search(table));
        }
    });
    view! { <tbody node_ref=tbody></tbody> }
}

/// The rows on the page, and how far the search has got with them.
#[derive(Default)]
struct Table {
    shown: Vec<ShownRow>,
    /// Where the search's next step starts, while rows below the screen still wait for it.
    next_step: Option<usize>,
    /// Whether `finish_search` is running (one loop serves every search and row update).
    stepping: bool,
}

/// The search's later steps, one per frame, until every row is as it wants (or the table is
/// gone). A new search or new rows change where the next step starts.
async fn finish_search(table: StoredValue<Table, LocalStorage>) {
    loop {
        browser::next_frame().await;
        let more = table.try_update_value(|table| {
            table.next_step = table
                .next_step
                .and_then(|from| apply_step(&mut table.shown, from, Step::Next));
            table.stepping = table.next_step.is_some();
            table.stepping
        });
        if more != Some(true) {
            return;
        }
    }
}

/// A row on the page: its data, its mounted view, and the reactive owner of its effects.
struct ShownRow {
    row: Arc<SecretRow>,
    view: Box<dyn Mountable>,
    /// The row's `<tr>`.
    element: Option<Element>,
    hidden: bool,
    /// Whether the current search shows the row (it may not be shown yet, see `finish_search`).
    wanted: bool,
    _owner: Owner,
}

impl ShownRow {
    fn build<V: IntoView + 'static>(
        parent: &Owner,
        row: Arc<SecretRow>,
        row_view: fn(Arc<SecretRow>) -> V,
    ) -> Self {
        let owner = parent.with(Owner::new);
        let view = owner.with(|| row_view(row.clone()).build());
        let element = view.elements().into_iter().next();
        ShownRow {
            row,
            view: Box::new(view),
            element,
            hidden: false,
            wanted: true,
            _owner: owner,
        }
    }
}

impl SearchedRow for ShownRow {
    fn wanted(&self) -> bool {
        self.wanted
    }

    fn shown(&self) -> bool {
        !self.hidden
    }

    fn set_shown(&mut self, shown: bool) {
        self.hidden = !shown;
        if let Some(element) = &self.element {
            let _ = element.toggle_attribute_with_force("hidden", self.hidden);
        }
    }
}

fn update<V: IntoView + 'static>(
    tbody: &Element,
    shown: &mut Vec<ShownRow>,
    rows: &[Arc<SecretRow>],
    filter: &RowFilter,
    owner: &Owner,
    row_view: fn(Arc<SecretRow>) -> V,
) {
    // Where each row was, by id. A row whose data changed is built again.
    let old_positions: Vec<Option<usize>> = {
        let by_id: FxHashMap<&str, usize> = shown
            .iter()
            .enumerate()
            .map(|(i, s)| (s.row.id.as_str(), i))
            .collect();
        let mut taken = vec![false; shown.len()];
        rows.iter()
            .map(|row| {
                let i = *by_id.get(row.id.as_str())?;
                let same = Arc::ptr_eq(&shown[i].row, row) || *shown[i].row == **row;
                (same && !std::mem::replace(&mut taken[i], true)).then_some(i)
            })
            .collect()
    };
    let mut old: Vec<Option<ShownRow>> = shown.drain(..).map(Some).collect();
    let mut next: Vec<ShownRow> = rows
        .iter()
        .zip(&old_positions)
        .map(|(row, position)| match position {
            Some(i) => old[*i].take().expect("each old row is taken once"),
            None => {
                let mut built = ShownRow::build(owner, row.clone(), row_view);
                built.wanted = filter.shows(row);
                if !built.wanted {
                    built.set_shown(false);
                }
                built
            }
        })
        .collect();
    // Rows that left: off the page, then their owner (dropped with them) ends their effects.
    for mut gone in old.into_iter().flatten() {
        gone.view.unmount();
    }
    // From the end, so each row goes before the row that follows it.
    let stays = rows_that_stay(&old_positions);
    let mut anchor: Option<Node> = None;
    for (shown_row, stays) in next.iter_mut().zip(stays).rev() {
        if !stays {
            shown_row.view.mount(tbody, anchor.as_ref());
        }
        anchor = shown_row.element.clone().map(Node::from).or(anchor);
    }
    *shown = next;
}
