use std::time::Duration;

use leptos::prelude::*;

use crate::browser;
use crate::bulk::BulkRestore;
use crate::components::bulk_dialog::BulkDialog;
use crate::components::link_notice::LinkNoticeBar;
use crate::components::live_region::LiveRegion;
use crate::components::page_header::PageHeader;
use crate::components::restore_dialog::RestoreDialog;
use crate::components::scan_status::ScanStatusBar;
use crate::components::secrets_table::SecretsTable;
use crate::components::selection_bar::SelectionBar;
use crate::components::toolbar::Toolbar;
use crate::links::Links;
use crate::state::Dashboard;

#[component]
pub fn App() -> impl IntoView {
    let dashboard = Dashboard::new();
    provide_context(dashboard);
    provide_context(BulkRestore::new(dashboard));
    // The address's view first, so the first scan lists into it.
    provide_context(Links::start(dashboard));
    dashboard.refresh();
    // "Time left" must stay true while the page is open.
    set_interval(
        move || dashboard.now.set(browser::server_now_ms()),
        Duration::from_secs(30),
    );

    view! {
        <PageHeader />
        <main id="main">
            <LiveRegion />
            <Toolbar />
            <LinkNoticeBar />
            <SelectionBar />
            <ScanStatusBar />
            <SecretsTable />
        </main>
        <RestoreDialog />
        <BulkDialog />
    }
}
