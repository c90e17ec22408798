//! The views. Each file is one part of the page; state and behaviour come from `state::Dashboard`.

pub mod app;
pub mod live_region;
pub mod page_header;
pub mod restore_dialog;
pub mod row_list;
pub mod scan_status;
pub mod secrets_table;
pub mod toolbar;

use leptos::prelude::*;

/// `<Show when>` without a fallback: the view while `when` holds, nothing otherwise. Like `<Show>`,
/// the view is only rebuilt when `when` flips (it goes through a memo). `<Show>` itself always
/// carries a type-erased fallback view (`AnyView`), whose machinery is several KB of wasm.
pub fn shown<V: IntoView + 'static>(
    when: impl Fn() -> bool + Send + Sync + 'static,
    view: impl Fn() -> V + Send + Sync + 'static,
) -> impl IntoView {
    let when = Memo::new(move |_| when());
    move || when.get().then(&view)
}
