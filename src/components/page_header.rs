use leptos::prelude::*;

use crate::state::Dashboard;

/// Title, and which AWS region and endpoint the proxy talks to, so nobody restores in the wrong
/// account by mistake.
#[component]
pub fn PageHeader() -> impl IntoView {
    let dashboard = expect_context::<Dashboard>();
    let settings = move || {
        dashboard.config.get().map(|answer| {
            answer.map(|config| {
                let known = |value: Option<String>| value.unwrap_or_else(|| "unknown".into());
                view! {
                    <div>
                        <dt>"Region"</dt>
                        <dd>{known(config.region)}</dd>
                    </div>
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
