use leptos::prelude::*;

use crate::browser;
use crate::links::{LinkNotice, Links};

/// What a `?secret=` link led to when it could not simply open the secret's restore: a name
/// scheduled in several places (the table shows only those, until "Show all secrets"), or one
/// not scheduled anywhere listed.
#[component]
pub fn LinkNoticeBar() -> impl IntoView {
    let links = expect_context::<Links>();
    move || {
        links.notice.get().map(|notice| {
            let (text, class, button) = match notice {
                LinkNotice::Choose(text) => (text, "banner info", "Show all secrets"),
                LinkNotice::NotFound(text) => (text, "banner warning", "Dismiss"),
            };
            view! {
                <div class=class role="status">
                    <p>{text}</p>
                    <button
                        type="button"
                        on:click=move |_| {
                            links.dismiss();
                            browser::focus_by_id("search");
                        }
                    >
                        {button}
                    </button>
                </div>
            }
        })
    }
}
