use leptos::prelude::*;

use crate::browser;
use crate::links::{LinkNotice, Links};
use crate::model::format::revealed;

/// What a `?secret=` link led to when it did not simply open the secret's restore: a name
/// scheduled in several places (the table shows only those, until "Show all secrets"), one not
/// scheduled anywhere listed, or one found but not opened by itself (with a button to open it).
#[component]
pub fn LinkNoticeBar() -> impl IntoView {
    let links = expect_context::<Links>();
    let dismiss = move || {
        links.dismiss();
        browser::focus_by_id("search");
    };
    move || {
        links.notice.get().map(|notice| {
            let (text, class, open, dismiss_name) = match notice {
                LinkNotice::Choose(text) => (text, "banner info", None, "Show all secrets"),
                LinkNotice::NotFound(text) => (text, "banner warning", None, "Dismiss"),
                LinkNotice::Found(text, row) => (text, "banner info", Some(row), "Dismiss"),
            };
            view! {
                <div class=class role="status">
                    <p>{text}</p>
                    {open.map(|row| {
                        let label = format!("Open the restore of {}", revealed(&row.name));
                        view! {
                            <button
                                type="button"
                                class="primary"
                                on:click=move |_| links.open_found(row.clone())
                            >
                                {label}
                            </button>
                        }
                    })}
                    <button type="button" on:click=move |_| dismiss()>{dismiss_name}</button>
                </div>
            }
        })
    }
}
