//! Runs in headless Chromium via wasm-bindgen-test (`scripts/test.sh` sets the runner): the parts
//! that need a real browser: Intl date formatting, `<meta>` lookup, timers, performance marks,
//! and the table's markup and sorting when mounted with real rows.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use undelete::api::error::{ApiError, ErrorKind};
use undelete::browser;
use undelete::bulk::BulkRestore;
use undelete::components::secrets_table::SecretsTable;
use undelete::components::toolbar::Toolbar;
use undelete::model::fleet_scan::{FleetScan, TargetState};
use undelete::model::target::Target;
use undelete::model::time_units::DAY_MS;
use undelete::state::Dashboard;
use undelete::wire::{ListSecretsResponse, ProxyConfig, SecretListEntry, WireDate, decode};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// What `mount_to` would do first: the dashboard's settings resource spawns a task when created.
/// The one target of these tests: a proxy that serves one account in one region.
fn one() -> std::sync::Arc<Target> {
    std::sync::Arc::new(Target::proxy_default("us-east-1"))
}

fn key() -> String {
    one().key()
}

/// The row id of the secret `arn` of [`one`].
fn id(arn: &str) -> String {
    format!("{}\n{arn}", key())
}

/// A scan that has listed [`one`] to its end.
fn listed() -> FleetScan {
    let mut scan = FleetScan::start(&[one()]);
    scan.set(&key(), TargetState::Listed);
    scan
}

fn start_executor() {
    // Already started by an earlier test: fine.
    let _ = any_spawner::Executor::init_wasm_bindgen();
}

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

#[wasm_bindgen_test]
fn dates_are_formatted_in_the_locale_with_a_time_zone() {
    // 2026-11-30T14:00:00Z
    let text = browser::format_date(1_796_047_200_000.0);
    assert!(text.contains("2026"), "{text}");
    assert!(text.chars().any(|c| c.is_alphabetic()), "{text}");
    assert_eq!(
        browser::iso_date(1_796_047_200_000.0),
        "2026-11-30T14:00:00.000Z"
    );
    // Beyond what a JS Date holds: no exception through the wasm, no text.
    assert_eq!(browser::iso_date(1e16), "");
    assert!(!browser::format_date(1e16).contains("Invalid"));
}

#[wasm_bindgen_test]
fn meta_content_is_read_from_the_page() {
    let meta: web_sys::HtmlMetaElement =
        document().create_element("meta").unwrap().unchecked_into();
    meta.set_name("undelete-test-meta");
    meta.set_content("https://proxy.example");
    document().head().unwrap().append_child(&meta).unwrap();
    assert_eq!(
        browser::meta_content("undelete-test-meta").as_deref(),
        Some("https://proxy.example")
    );
    assert_eq!(browser::meta_content("absent-meta"), None);
}

/// The wasm build reads JSON with the same serde code as the native tests: explicit nulls,
/// integer/float/string epochs, unknown fields.
#[wasm_bindgen_test]
fn wire_json_is_read_in_the_browser_as_natively() {
    let body = r#"{"SecretList": [{"ARN": "arn:a", "Name": "prod/db", "Description": null,
        "RotationRules": null, "LastChangedDate": 1763856000, "DeletedDate": 1764460800.5,
        "Tags": null, "SecretVersionsToStages": {"v1": ["AWSCURRENT"]}},
        {"Name": "x", "DeletedDate": "1764460800", "Tags": [{"Key": "team", "Value": "pay"}]},
        {"Name": "y", "DeletedDate": {"a": 1}}], "NextToken": null}"#;
    let page: ListSecretsResponse = decode(body).unwrap();
    assert_eq!(page.next_token, None);
    let [a, x, y] = &page.secret_list[..] else {
        panic!("{page:?}")
    };
    assert_eq!(
        (a.name.as_deref(), a.description.as_deref()),
        (Some("prod/db"), None)
    );
    assert_eq!(
        a.last_changed_date,
        Some(WireDate::EpochMillis(1_763_856_000_000.0))
    );
    assert_eq!(
        a.deleted_date,
        Some(WireDate::EpochMillis(1_764_460_800_500.0))
    );
    assert!(a.tags.is_empty());
    assert_eq!(
        x.deleted_date,
        Some(WireDate::EpochMillis(1_764_460_800_000.0))
    );
    assert_eq!(x.tags[0].value.as_deref(), Some("pay"));
    assert_eq!(y.deleted_date, Some(WireDate::Unreadable));
    assert_eq!(
        decode::<ListSecretsResponse>(r#"{"SecretList":[]}"#).unwrap(),
        Default::default()
    );
    assert!(decode::<ListSecretsResponse>("{}").is_err());
    assert!(decode::<ListSecretsResponse>("[1,2]").is_err());
    assert!(decode::<ListSecretsResponse>("<html>").is_err());
    assert!(decode::<ListSecretsResponse>(r#"{"SecretList":"nope"}"#).is_err());
    let c: ProxyConfig = decode(r#"{"region":"eu-west-1","readOnly":true}"#).unwrap();
    assert!(c.read_only);
    let e = ApiError::from_response(400, r#"{"__type":"a#ThrottlingException:x","Message":"m"}"#);
    assert_eq!((e.kind, e.message.as_str()), (ErrorKind::Throttled, "m"));
}

#[wasm_bindgen_test]
async fn sleep_waits() {
    let start = browser::now_ms();
    browser::sleep_ms(50.0).await;
    assert!(browser::now_ms() - start >= 45.0);
}

fn entry(name: &str, deleted: f64) -> SecretListEntry {
    SecretListEntry {
        arn: Some(format!(
            "arn:aws:secretsmanager:us-east-1:1:secret:{name}-AbCdEf"
        )),
        name: Some(name.into()),
        deleted_date: Some(WireDate::EpochMillis(deleted)),
        ..Default::default()
    }
}

fn names_in_table(root: &web_sys::Element) -> Vec<String> {
    let cells = root
        .query_selector_all("tbody th[scope=row] .secret-name")
        .unwrap();
    (0..cells.length())
        .map(|i| cells.item(i).unwrap().text_content().unwrap())
        .collect()
}

/// Mounts `<SecretsTable />` in a new element, with `entries` listed by a scan still running.
/// Keep the returned handle alive for as long as the table is used.
fn mount_table(entries: Vec<SecretListEntry>) -> (web_sys::Element, Dashboard, impl Sized) {
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    // The owner must outlive the test's reactive values.
    let owner = Owner::new();
    let dashboard = owner.with(|| {
        start_executor();
        let dashboard = Dashboard::new();
        dashboard.listing.update(|l| {
            l.begin_scan(&key());
            l.add_page(&one(), entries, browser::now_ms());
        });
        dashboard
    });
    let handle = leptos::mount::mount_to(root.clone().unchecked_into(), move || {
        provide_context(dashboard);
        provide_context(BulkRestore::new(dashboard));
        view! { <SecretsTable /> }
    });
    (root, dashboard, (owner, handle))
}

#[wasm_bindgen_test]
async fn table_is_accessible_and_sorts_by_urgency() {
    let now = browser::now_ms();
    let (root, dashboard, _mounted) = mount_table(vec![
        entry("later/api", now + 20.0 * DAY_MS),
        entry("prod/db", now + 2.0 * DAY_MS),
    ]);
    dashboard.listing.update(|l| l.finish_scan(&key()));
    dashboard.scan.set(listed());
    browser::sleep_ms(20.0).await;

    let caption = root.query_selector("table caption").unwrap().unwrap();
    assert!(
        caption
            .text_content()
            .unwrap()
            .starts_with("Secrets scheduled for deletion")
    );
    assert_eq!(
        root.query_selector_all("thead th[scope=col]")
            .unwrap()
            .length(),
        8
    );
    // The first column selects rows for a bulk restore.
    let select_all = root
        .query_selector("thead th.select input[type=checkbox]")
        .unwrap()
        .unwrap();
    assert_eq!(
        select_all.get_attribute("aria-label").unwrap(),
        "Select all shown"
    );
    assert_eq!(
        root.query_selector("tbody tr td.select input")
            .unwrap()
            .unwrap()
            .get_attribute("aria-label")
            .unwrap(),
        "Select prod/db"
    );
    assert_eq!(names_in_table(&root), ["prod/db", "later/api"]);

    let button = root
        .query_selector("tbody tr button.restore")
        .unwrap()
        .unwrap();
    assert_eq!(
        button.get_attribute("aria-label").unwrap(),
        "Cancel deletion for prod/db"
    );

    // Clicking "Time left" flips the order and aria-sort.
    let headers = root.query_selector_all("thead th").unwrap();
    let time_left: web_sys::Element = headers.item(4).unwrap().unchecked_into();
    assert_eq!(time_left.get_attribute("aria-sort").unwrap(), "ascending");
    let sort_button: web_sys::HtmlElement = time_left
        .query_selector("button")
        .unwrap()
        .unwrap()
        .unchecked_into();
    sort_button.click();
    browser::sleep_ms(20.0).await;
    assert_eq!(time_left.get_attribute("aria-sort").unwrap(), "descending");
    assert_eq!(names_in_table(&root), ["later/api", "prod/db"]);
}

/// The table's own keyed list: rows inserted across the sorted table go in place (the rows already
/// shown are the same elements, none re-created), search hides rows without removing them, rows
/// that leave are removed, and a row whose data changed is drawn again.
#[wasm_bindgen_test]
async fn row_list_inserts_in_place_hides_and_removes() {
    let now = browser::now_ms();
    let (root, dashboard, _mounted) = mount_table(vec![
        entry("b", now + 2.0 * DAY_MS),
        entry("d", now + 4.0 * DAY_MS),
    ]);
    browser::sleep_ms(20.0).await;
    let rows = |root: &web_sys::Element| {
        let list = root.query_selector_all("tbody tr").unwrap();
        (0..list.length())
            .map(|i| list.item(i).unwrap().unchecked_into::<web_sys::Element>())
            .collect::<Vec<_>>()
    };
    let before = rows(&root);
    assert_eq!(names_in_table(&root), ["b", "d"]);

    // A page whose rows sort before, between and after the shown ones.
    dashboard.listing.update(|l| {
        l.add_page(
            &one(),
            vec![
                entry("a", now + DAY_MS),
                entry("c", now + 3.0 * DAY_MS),
                entry("e", now + 5.0 * DAY_MS),
            ],
            browser::now_ms(),
        );
    });
    browser::sleep_ms(20.0).await;
    assert_eq!(names_in_table(&root), ["a", "b", "c", "d", "e"]);
    let after = rows(&root);
    assert!(
        after[1] == before[0] && after[3] == before[1],
        "b and d are the same elements"
    );

    // Search hides, clearing it shows again: the same elements throughout.
    dashboard.query.set("c".into());
    browser::sleep_ms(20.0).await;
    let hidden: Vec<bool> = rows(&root)
        .iter()
        .map(|r| r.has_attribute("hidden"))
        .collect();
    assert_eq!(hidden, [true, true, false, true, true]);
    // Rows that arrive while a search is active are hidden or shown by it from the start.
    dashboard.listing.update(|l| {
        l.add_page(
            &one(),
            vec![
                entry("cc", now + 3.5 * DAY_MS),
                entry("f", now + 6.0 * DAY_MS),
            ],
            browser::now_ms(),
        );
    });
    browser::sleep_ms(20.0).await;
    assert_eq!(names_in_table(&root), ["a", "b", "c", "cc", "d", "e", "f"]);
    let hidden: Vec<bool> = rows(&root)
        .iter()
        .map(|r| r.has_attribute("hidden"))
        .collect();
    assert_eq!(hidden, [true, true, false, false, true, true, true]);
    dashboard.listing.update(|l| {
        l.mark_gone(&id("arn:aws:secretsmanager:us-east-1:1:secret:cc-AbCdEf"));
        l.mark_gone(&id("arn:aws:secretsmanager:us-east-1:1:secret:f-AbCdEf"));
    });
    dashboard.query.set(String::new());
    browser::sleep_ms(20.0).await;
    assert!(rows(&root).iter().all(|r| !r.has_attribute("hidden")));
    assert!(rows(&root) == after);

    // A restored row leaves; a row whose data changed is drawn again with it.
    let b_arn = "arn:aws:secretsmanager:us-east-1:1:secret:b-AbCdEf";
    dashboard.listing.update(|l| {
        l.mark_gone(&id(b_arn));
    });
    browser::sleep_ms(20.0).await;
    assert_eq!(names_in_table(&root), ["a", "c", "d", "e"]);
    let mut changed = entry("d", now + 4.0 * DAY_MS);
    changed.description = Some("now described".into());
    dashboard.listing.update(|l| {
        l.begin_scan(&key());
        l.add_page(&one(), vec![changed], browser::now_ms());
    });
    browser::sleep_ms(20.0).await;
    let d = rows(&root)
        .into_iter()
        .find(|r| r.text_content().unwrap().contains("now described"))
        .expect("d shows its new description");
    assert!(d != before[1], "d was drawn again");
}

/// A purge time that passes while the page is open stays a purge time: the row says it has
/// passed, rather than reading the date as a deletion with 7 to 30 days to go.
#[wasm_bindgen_test]
async fn a_purge_time_that_passes_while_shown_is_still_the_purge_time() {
    // Listed well before its purge time (closer, it could be a deletion time just as well).
    let now = browser::now_ms();
    let purge_at = now + 10.0 * 60_000.0;
    let (root, dashboard, _mounted) = mount_table(vec![entry("soon", purge_at)]);
    dashboard.now.set(purge_at - 40_000.0);
    browser::sleep_ms(20.0).await;
    let text = |selector: &str| {
        root.query_selector(selector)
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap()
    };
    assert_eq!(
        text("td.time-left .time-left-text"),
        "less than a minute left"
    );
    dashboard.now.set(purge_at + 35_000.0);
    browser::sleep_ms(20.0).await;
    assert_eq!(
        text("td.deletion-date .date-label"),
        "Permanent deletion on"
    );
    assert_eq!(
        text("td.time-left .time-left-text"),
        "Purge time passed: it may already be deleted for good"
    );
    assert_eq!(text("td.time-left .urgency"), "Urgent");
}

/// A search that shows or hides many rows gets the top of the table right at once and the rest in
/// the frames after; a new search meanwhile, or new rows, end with every row as the search wants.
#[wasm_bindgen_test]
async fn a_search_over_many_rows_does_the_top_first_then_the_rest() {
    let now = browser::now_ms();
    // 1,000 rows in the table's order (by time left); every 4th is a `match-` row.
    let name = |i: usize| {
        format!(
            "{}-{i:04}",
            if i.is_multiple_of(4) {
                "match"
            } else {
                "other"
            }
        )
    };
    let (root, dashboard, _mounted) = mount_table(
        (0..1000)
            .map(|i| entry(&name(i), now + DAY_MS + i as f64 * 60_000.0))
            .collect(),
    );
    browser::sleep_ms(20.0).await;
    let hidden = |root: &web_sys::Element| -> Vec<bool> {
        let list = root.query_selector_all("tbody tr").unwrap();
        (0..list.length())
            .map(|i| {
                list.item(i)
                    .unwrap()
                    .unchecked_into::<web_sys::Element>()
                    .has_attribute("hidden")
            })
            .collect()
    };
    let wanted_hidden = |query: &str| -> Vec<bool> {
        (0..1000)
            .map(|i| !name(i).contains(query))
            .collect::<Vec<_>>()
    };
    assert_eq!(hidden(&root).len(), 1000);

    // The effect runs before this task ends: only the first step is on the page.
    dashboard.query.set("match".into());
    browser::sleep_ms(0.0).await;
    let now_hidden = hidden(&root);
    let want = wanted_hidden("match");
    // The first 60 matching rows (rows 0..237) and every row between them are right...
    assert_eq!(now_hidden[..237], want[..237]);
    // ...and the rows further down are not all done yet.
    assert_ne!(now_hidden, want);
    assert_eq!(dashboard.match_count.get_untracked(), 250);
    settle(|| hidden(&root) == want).await;
    assert_eq!(hidden(&root), want);

    // Showing every row again, interrupted by another search and by new rows.
    dashboard.query.set(String::new());
    browser::sleep_ms(0.0).await;
    assert!(hidden(&root)[..60].iter().all(|h| !h));
    assert!(
        hidden(&root).iter().any(|h| *h),
        "not all shown in one step"
    );
    dashboard.query.set("other".into());
    dashboard.listing.update(|l| {
        l.add_page(
            &one(),
            vec![entry("other-late", now + DAY_MS / 2.0)],
            browser::now_ms(),
        );
    });
    // `other-late` sorts first, and matches.
    let mut want = vec![false];
    want.extend(wanted_hidden("other"));
    settle(|| hidden(&root) == want).await;
    assert_eq!(hidden(&root), want);
}

/// Waits until `done` holds, for at most 5 s (frames come slowly on a busy machine).
async fn settle(done: impl Fn() -> bool) {
    for _ in 0..100 {
        if done() {
            return;
        }
        browser::sleep_ms(50.0).await;
    }
}

/// Rows read the proxy's read-only mode once, when built; when the proxy's answer arrives after
/// the rows are drawn, every row is drawn again without its restore button.
#[wasm_bindgen_test]
async fn rows_drawn_before_a_read_only_config_lose_their_buttons() {
    let now = browser::now_ms();
    let (root, dashboard, _mounted) = mount_table(vec![
        entry("a", now + DAY_MS),
        entry("b", now + 2.0 * DAY_MS),
    ]);
    browser::sleep_ms(20.0).await;
    let buttons =
        |root: &web_sys::Element| root.query_selector_all("tbody button").unwrap().length();
    assert_eq!(buttons(&root), 2);

    // The dashboard's own request for the settings (the test server has no proxy) first.
    let _ = dashboard.config.await;
    let config = |read_only| {
        Some(Ok(ProxyConfig {
            region: None,
            endpoint: None,
            read_only,
            targets: None,
        }))
    };
    // Not read-only: nothing changes.
    dashboard.config.set(config(false));
    browser::sleep_ms(20.0).await;
    assert_eq!(buttons(&root), 2);

    dashboard.config.set(config(true));
    browser::sleep_ms(20.0).await;
    assert_eq!(names_in_table(&root), ["a", "b"]);
    assert_eq!(buttons(&root), 0);
    assert_eq!(
        root.query_selector_all("tbody td.actions")
            .unwrap()
            .length(),
        2,
        "each row is there once"
    );
    let actions = root.query_selector("tbody td.actions").unwrap().unwrap();
    assert_eq!(actions.text_content().unwrap(), "Read-only");
}

/// Puts `text` in the search box as typing would, and waits past the next frame, when the
/// toolbar applies it to the query.
async fn type_into(input: &web_sys::HtmlInputElement, text: &str) {
    input.set_value(text);
    input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    browser::sleep_ms(100.0).await;
}

/// The search box is not bound back from the query signal: typing sets the query, and "Clear
/// search" must empty both the query and the box, and put focus in the box.
#[wasm_bindgen_test]
async fn clear_search_empties_the_box_and_shows_every_row() {
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    let now = browser::now_ms();
    let owner = Owner::new();
    let dashboard = owner.with(|| {
        start_executor();
        let dashboard = Dashboard::new();
        dashboard.listing.update(|l| {
            l.begin_scan(&key());
            l.add_page(
                &one(),
                vec![entry("prod/db", now + 2.0 * DAY_MS)],
                browser::now_ms(),
            );
            l.finish_scan(&key());
        });
        dashboard.scan.set(listed());
        dashboard
    });
    let _handle = leptos::mount::mount_to(root.clone().unchecked_into(), move || {
        provide_context(dashboard);
        provide_context(BulkRestore::new(dashboard));
        view! { <Toolbar /> <SecretsTable /> }
    });
    browser::sleep_ms(20.0).await;

    let input: web_sys::HtmlInputElement = root
        .query_selector("#search")
        .unwrap()
        .unwrap()
        .unchecked_into();
    type_into(&input, "nothing-like-this").await;
    assert_eq!(dashboard.query.get_untracked(), "nothing-like-this");
    let no_match = root.query_selector(".no-match").unwrap().unwrap();
    assert!(
        no_match
            .text_content()
            .unwrap()
            .contains("No secrets match “nothing-like-this”")
    );

    let clear: web_sys::HtmlElement = no_match
        .query_selector("button")
        .unwrap()
        .unwrap()
        .unchecked_into();
    clear.click();
    browser::sleep_ms(20.0).await;
    assert_eq!(dashboard.query.get_untracked(), "");
    assert_eq!(input.value(), "");
    assert!(root.query_selector(".no-match").unwrap().is_none());
    assert_eq!(names_in_table(&root), ["prod/db"]);
    let active = document().active_element().unwrap();
    assert_eq!(active.id(), "search");
    // Typing again after a clear still filters.
    type_into(&input, "prod").await;
    assert_eq!(dashboard.query.get_untracked(), "prod");
    assert_eq!(names_in_table(&root), ["prod/db"]);
}
