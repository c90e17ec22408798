//! The card floor (see Cargo.toml): a table of the secrets scheduled for deletion, drawn as soon
//! as the first ListSecrets page is in and grown page by page until the last `NextToken`.

mod api;
mod paint;

use leptos::prelude::*;
use leptos::task::spawn_local;

/// A secret scheduled for deletion, as the table shows it.
#[derive(Clone)]
struct Row {
    arn: String,
    name: String,
    deletion: String,
}

impl Row {
    /// The row for a listed secret, if it is scheduled for deletion.
    fn scheduled(secret: api::Secret) -> Option<Row> {
        let seconds = secret.deleted_date?;
        let date = js_sys::Date::new(&(seconds * 1000.0).into());
        Some(Row {
            arn: secret.arn.unwrap_or_default(),
            name: secret.name.unwrap_or_default(),
            deletion: date.to_utc_string().into(),
        })
    }
}

/// Pages through ListSecrets, appending each page's scheduled rows. The next request goes out
/// before the rows just added are drawn (the DOM updates run once this task yields).
async fn scan(rows: RwSignal<Vec<Row>>, done: RwSignal<bool>, error: RwSignal<Option<String>>) {
    let mut token: Option<String> = None;
    let mut first_row_marked = false;
    loop {
        let page = match api::list_secrets(token.as_deref()).await {
            Ok(page) => page,
            Err(message) => return error.set(Some(message)),
        };
        let scheduled = page
            .secret_list
            .into_iter()
            .flatten()
            .filter_map(Row::scheduled);
        rows.update(|rows| rows.extend(scheduled));
        if !first_row_marked && rows.with_untracked(|rows| !rows.is_empty()) {
            first_row_marked = true;
            paint::mark_after_next_paint("undelete:first-row");
        }
        token = page.next_token.filter(|t| !t.is_empty());
        if token.is_none() {
            break;
        }
    }
    done.set(true);
    paint::mark_after_next_paint("undelete:list-complete");
}

#[component]
fn App() -> impl IntoView {
    let rows = RwSignal::new(Vec::new());
    let done = RwSignal::new(false);
    let error = RwSignal::new(None);
    spawn_local(scan(rows, done, error));
    let status = move || {
        let found = rows.with(Vec::len);
        if done.get() {
            format!("{found} scheduled for deletion")
        } else {
            format!("{found} scheduled for deletion so far, loading…")
        }
    };
    view! {
        <main>
            <h1>"Secrets scheduled for deletion"</h1>
            <p id="match-count" role="status">{status}</p>
            <Show when=move || error.with(Option::is_some)>
                <p role="alert">{move || error.get()}</p>
            </Show>
            <table>
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Deletion date"</th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || rows.get() key=|row| row.arn.clone() let:row>
                        <tr>
                            <td>{row.name}</td>
                            <td>{row.deletion}</td>
                        </tr>
                    </For>
                </tbody>
            </table>
        </main>
    }
}

fn main() {
    mount_to_body(App);
}
