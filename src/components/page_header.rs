use leptos::prelude::*;

use crate::model::target::{scope_text, targets_of};
use crate::state::Dashboard;

/// Title, and which AWS account(s), region(s) and endpoint the proxy talks to, so nobody restores
/// in the wrong account by mistake.
#[component]
pub fn PageHeader() -> impl IntoView {
    let dashboard = expect_context::<Dashboard>();
    let settings = move || {
        dashboard.config.get().map(|answer| {
            answer.map(|config| {
                let known = |value: Option<String>| value.unwrap_or_else(|| "unknown".into());
                let targets = targets_of(&config);
                // One target: which account and region, as plainly as possible. Several: what
                // the table spans (each row names its own).
                let scope = match targets.as_slice() {
                    [one] => {
                        let account = (one.account.is_some() || !one.label.is_empty()).then(|| {
                            view! {
                                <div>
                                    <dt>"Account"</dt>
                                    <dd>{one.account_text()}</dd>
                                </div>
                            }
                        });
                        view! {
                            {account}
                            <div>
                                <dt>"Region"</dt>
                                <dd>{known(Some(one.region.clone()).filter(|r| !r.is_empty()))}</dd>
                            </div>
                        }
                        .into_any()
                    }
                    [] => view! {
                        <div>
                            <dt>"Accounts"</dt>
                            <dd>"None: the proxy lists no account or region"</dd>
                        </div>
                    }
                    .into_any(),
                    many => view! {
                        <div>
                            <dt>"Accounts"</dt>
                            <dd>{scope_text(many)}</dd>
                        </div>
                    }
                    .into_any(),
                };
                view! {
                    {scope}
                    <div>
                        <dt>"Endpoint"</dt>
                        <dd>
                            <code>{known(config.endpoint)}</code>
                        </dd>
                    </div>
                    <Show when=move || config.read_only>
                        <div>
                            <dt>"Mode"</dt>
                            <dd>"Read-only: the proxy refuses restores"</dd>
                        </div>
                    </Show>
                }
            })
        })
    };
    view! {
        <header class="page-header">
            <div class="brand">
                <h1>"Undelete"</h1>
                <p class="tagline">"AWS Secrets Manager secrets scheduled for deletion"</p>
            </div>
            <dl class="target">
                // The settings shown stay while a Refresh reads them again.
                <Transition fallback=|| view! {
                    <div>
                        <dt>"Proxy"</dt>
                        <dd>"Reading its settings…"</dd>
                    </div>
                }>
                    <ErrorBoundary fallback=|errors| view! {
                        <div>
                            <dt>"Proxy"</dt>
                            <dd>
                                "Settings unavailable: "
                                {move || errors.with(|errors| {
                                    errors.iter().map(|(_, e)| e.to_string()).collect::<Vec<_>>().join("; ")
                                })}
                            </dd>
                        </div>
                    }>
                        {settings}
                    </ErrorBoundary>
                </Transition>
            </dl>
        </header>
    }
}
