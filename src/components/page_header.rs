use leptos::prelude::*;

use crate::components::shown;
use crate::state::Dashboard;

/// Title, and which AWS region and endpoint the proxy talks to, so nobody restores in the wrong
/// account by mistake.
#[component]
pub fn PageHeader() -> impl IntoView {
    let dashboard = Dashboard::from_context();
    let region = move || {
        dashboard.config.with(|c| {
            c.as_ref()
                .and_then(|c| c.region.clone())
                .unwrap_or_else(|| "unknown".into())
        })
    };
    let endpoint = move || {
        dashboard.config.with(|c| {
            c.as_ref()
                .and_then(|c| c.endpoint.clone())
                .unwrap_or_else(|| "unknown".into())
        })
    };
    view! {
        <header class="page-header">
            <div class="brand">
                <h1>"Undelete"</h1>
                <p class="tagline">"AWS Secrets Manager secrets scheduled for deletion"</p>
            </div>
            <dl class="target">
                <div>
                    <dt>"Region"</dt>
                    <dd>{region}</dd>
                </div>
                <div>
                    <dt>"Endpoint"</dt>
                    <dd>
                        <code>{endpoint}</code>
                    </dd>
                </div>
                {shown(
                    move || dashboard.read_only(),
                    || view! {
                        <div>
                            <dt>"Mode"</dt>
                            <dd>"Read-only: the proxy refuses restores"</dd>
                        </div>
                    },
                )}
            </dl>
        </header>
    }
}
