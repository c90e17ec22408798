use leptos::ev::MouseEvent;
use leptos::html::Dialog;
use leptos::prelude::*;

/// A click handler for a modal `<dialog>` that calls `close` when the click lands on its
/// backdrop. Such a click targets the `<dialog>` itself (its content fills it otherwise). Only
/// single clicks count: the second click of a double click on the button that opened it lands
/// there too.
pub fn on_backdrop(dialog: NodeRef<Dialog>, close: impl Fn() + 'static) -> impl Fn(MouseEvent) {
    move |ev: MouseEvent| {
        let on_dialog = ev
            .target()
            .zip(dialog.get_untracked())
            .is_some_and(|(target, dialog)| target == ****dialog);
        if on_dialog && ev.detail() < 2 {
            close();
        }
    }
}
