//! The table body: one `<tr>` per secret, kept in the table's order with the fewest DOM moves.
//!
//! This stands in for Leptos' keyed `<For>`, whose diff moves most rows that merely shifted when
//! rows are inserted across a sorted table: 5,800 to 20,000 `insertBefore` calls over one
//! 1,667-row scan, the largest single cost of showing the list. Here new rows are inserted in
//! place and only rows that really changed order move (`model::reorder`). Each row has its own
//! reactive owner, like a `<For>` row, so its effects end when it leaves the table.
//!
//! Search hides the rows that do not match (`hidden`; they stay in the DOM so that clearing the
//! search is cheap). One effect walks the rows when the search changes and touches only rows
//! whose state changes, rather than one effect per row re-running on every keystroke.

use std::sync::Arc;

use leptos::html::Tbody;
use leptos::prelude::*;
use leptos::tachys::view::Mountable;
use rustc_hash::FxHashMap;
use web_sys::{Element, Node};

use crate::model::reorder::rows_that_stay;
use crate::model::secret_row::SecretRow;

/// A `<tbody>` holding `row_view(row)` for each of `rows`, in order; rows that do not match the
/// lower-cased search `terms` are hidden. `row_view` may read `built_with` once, untracked, instead
/// of watching it: when it changes, every row is built again.
#[component]
pub fn RowList<V>(
    rows: Memo<Vec<Arc<SecretRow>>>,
    terms: Memo<Vec<String>>,
    built_with: Memo<bool>,
    row_view: fn(Arc<SecretRow>) -> V,
) -> impl IntoView
where
    V: IntoView + 'static,
{
    let tbody = NodeRef::<Tbody>::new();
    let owner = Owner::current().expect("RowList needs a reactive owner");
    let shown = StoredValue::new_local(Vec::<ShownRow>::new());
    // Returns the `built_with` its rows were built with, which the next run gets as `last`.
    Effect::new(move |last: Option<bool>| {
        let rows = rows.get();
        let built_with = built_with.get();
        let Some(tbody) = tbody.get() else {
            return built_with;
        };
        if last.is_some_and(|last| last != built_with) {
            shown.update_value(|shown| {
                for mut gone in shown.drain(..) {
                    gone.view.unmount();
                }
            });
        }
        // Building a row reads signals; those reads belong to the row, not to this effect.
        untrack(|| {
            terms.with(|terms| {
                shown.update_value(|shown| update(&tbody, shown, &rows, terms, &owner, row_view));
            });
        });
        built_with
    });
    Effect::new(move |_| {
        terms.with(|terms| {
            shown.update_value(|shown| {
                for shown_row in shown {
                    shown_row.show_if(shown_row.row.matches(terms));
                }
            });
        });
    });
    view! { <tbody node_ref=tbody></tbody> }
}

/// A row on the page: its data, its mounted view, and the reactive owner of its effects.
struct ShownRow {
    row: Arc<SecretRow>,
    view: Box<dyn Mountable>,
    /// The row's `<tr>`.
    element: Option<Element>,
    hidden: bool,
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
            _owner: owner,
        }
    }

    fn show_if(&mut self, matches: bool) {
        let hide = !matches;
        if self.hidden == hide {
            return;
        }
        self.hidden = hide;
        if let Some(element) = &self.element {
            let _ = element.toggle_attribute_with_force("hidden", self.hidden);
        }
    }
}

fn update<V: IntoView + 'static>(
    tbody: &Element,
    shown: &mut Vec<ShownRow>,
    rows: &[Arc<SecretRow>],
    terms: &[String],
    owner: &Owner,
    row_view: fn(Arc<SecretRow>) -> V,
) {
    // Where each row was, by ARN. A row whose data changed is built again.
    let old_positions: Vec<Option<usize>> = {
        let by_arn: FxHashMap<&str, usize> = shown
            .iter()
            .enumerate()
            .map(|(i, s)| (s.row.arn.as_str(), i))
            .collect();
        let mut taken = vec![false; shown.len()];
        rows.iter()
            .map(|row| {
                let i = *by_arn.get(row.arn.as_str())?;
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
                built.show_if(row.matches(terms));
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
