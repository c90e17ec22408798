//! Small wrappers over browser APIs: clock, locale-aware dates, timers, focus and
//! `performance` marks. Everything here needs a browser; the logic that uses it lives in `model`.

use std::cell::{Cell, OnceCell};

use js_sys::{Array, Date, Function, Intl, Object, Reflect};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::model::clock;

#[wasm_bindgen]
extern "C" {
    /// `scheduler.postTask(callback, options)`; throws where there is no `scheduler`.
    #[wasm_bindgen(catch, js_namespace = scheduler, js_name = postTask)]
    fn post_task(callback: &Function, options: &Object) -> Result<js_sys::Promise, JsValue>;
}

/// Milliseconds since the Unix epoch, from the browser clock. For intervals between two moments
/// in this page; for anything compared with AWS's dates, [`server_now_ms`].
pub fn now_ms() -> f64 {
    Date::now()
}

thread_local! {
    /// What to add to the browser's clock to get the proxy's (`model::clock`).
    static CLOCK_OFFSET: Cell<f64> = const { Cell::new(0.0) };
}

/// The time by the proxy's clock when the browser's is clearly off, else the browser's: what
/// "time left" is counted with.
pub fn server_now_ms() -> f64 {
    Date::now() + CLOCK_OFFSET.get()
}

/// The offset in use ([`model::clock::clock_offset`](crate::model::clock::clock_offset)).
pub fn clock_offset() -> f64 {
    CLOCK_OFFSET.get()
}

/// Takes the proxy's clock from the `Date` header of an answer just received.
pub fn note_server_date(date: &str) {
    CLOCK_OFFSET.set(clock::clock_offset(Date::parse(date), Date::now()));
}

thread_local! {
    static DATE_FORMAT: OnceCell<Function> = const { OnceCell::new() };
    static TIME_FORMAT: OnceCell<Function> = const { OnceCell::new() };
}

fn intl_format(cell: &OnceCell<Function>, options: &[(&str, &str)], ms: f64) -> String {
    let format = cell.get_or_init(|| {
        let object = Object::new();
        for (key, value) in options {
            let _ = Reflect::set(&object, &(*key).into(), &(*value).into());
        }
        Intl::DateTimeFormat::new(&Array::new(), &object).format()
    });
    format
        .call1(&JsValue::NULL, &Date::new(&JsValue::from_f64(ms)))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

/// A date and time in the user's locale and time zone, with the zone named ("Nov 30, 2026,
/// 2:00 PM UTC"), because an operator may be reading it across time zones.
pub fn format_date(ms: f64) -> String {
    DATE_FORMAT.with(|cell| {
        intl_format(
            cell,
            &[
                ("year", "numeric"),
                ("month", "short"),
                ("day", "numeric"),
                ("hour", "numeric"),
                ("minute", "2-digit"),
                ("timeZoneName", "short"),
            ],
            ms,
        )
    })
}

/// A time of day in the user's locale ("1:34 AM").
pub fn format_time(ms: f64) -> String {
    TIME_FORMAT.with(|cell| intl_format(cell, &[("timeStyle", "short")], ms))
}

/// The machine-readable form for `<time datetime>`; empty for a time the browser's `Date`
/// cannot hold (its `toISOString` would throw through the wasm).
pub fn iso_date(ms: f64) -> String {
    if ms.abs() <= 8.64e15 {
        String::from(Date::new(&JsValue::from_f64(ms)).to_iso_string())
    } else {
        String::new()
    }
}

/// Resolves after `ms` milliseconds.
pub async fn sleep_ms(ms: f64) {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        if let Some(window) = web_sys::window() {
            let _ = window
                .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms.round() as i32);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Resolves at the next animation frame (never while the page is hidden).
pub async fn next_frame() {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        if let Some(window) = web_sys::window() {
            let _ = window.request_animation_frame(&resolve);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Resolves once the next frame has been rendered (style, layout and paint): in a task queued
/// from that frame's animation callbacks, which the browser runs only after the frame. The task
/// is `user-blocking`, so it runs before tasks queued earlier (answers to the next pages' requests)
/// that a 0 ms timer would wait behind; without `scheduler.postTask` it is a 0 ms timer.
pub async fn after_next_paint() {
    next_frame().await;
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let options = Object::new();
        let _ = Reflect::set(&options, &"priority".into(), &"user-blocking".into());
        if post_task(&resolve, &options).is_err()
            && let Some(window) = web_sys::window()
        {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// A random fraction in [0, 1) for retry jitter.
pub fn random() -> f64 {
    js_sys::Math::random()
}

/// Records a `performance.mark` (read by the benchmark and by anyone profiling in DevTools).
pub fn mark(name: &str) {
    if let Some(perf) = web_sys::window().and_then(|w| w.performance()) {
        let _ = perf.mark(name);
    }
}

/// Moves keyboard focus to the element with `id`. Returns whether focus is really there now
/// (`focus()` fails silently on an element that is inert or hidden).
pub fn focus_by_id(id: &str) -> bool {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return false;
    };
    let Some(element) = document
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return false;
    };
    let _ = element.focus();
    let element: &web_sys::Element = &element;
    document
        .active_element()
        .is_some_and(|active| active == *element)
}

/// `content` of `<meta name="...">` in the page, if present.
pub fn meta_content(name: &str) -> Option<String> {
    let document = web_sys::window()?.document()?;
    let meta = document
        .query_selector(&format!("meta[name=\"{name}\"]"))
        .ok()??
        .dyn_into::<web_sys::HtmlMetaElement>()
        .ok()?;
    Some(meta.content())
}

/// The page's query string (`location.search`, with its `?`, or empty).
pub fn location_search() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}

/// This page's address with `search` as its query string, and nothing else of the current
/// address (no fragment: a link carries only what `search` holds).
pub fn url_with_search(search: &str) -> String {
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return search.to_string();
    };
    let origin = location.origin().unwrap_or_default();
    let path = location.pathname().unwrap_or_default();
    format!("{origin}{path}{search}")
}

/// Replaces the current history entry's query string with `search`, without a navigation.
pub fn replace_search(search: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    if window.location().search().ok().as_deref() == Some(search) {
        return;
    }
    let path = window.location().pathname().unwrap_or_default();
    let hash = window.location().hash().unwrap_or_default();
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(
            &JsValue::NULL,
            "",
            Some(&format!("{path}{search}{hash}")),
        );
    }
}

/// Puts `text` on the clipboard. Fails where the page may not (not a secure context, or
/// permission refused).
pub async fn copy_text(text: &str) -> Result<(), String> {
    let navigator = web_sys::window().ok_or("no window")?.navigator();
    // Absent outside secure contexts (a page served over plain HTTP from another host).
    let clipboard = Reflect::get(&navigator, &"clipboard".into())
        .ok()
        .filter(|c| !c.is_undefined() && !c.is_null())
        .ok_or("this page may not use the clipboard")?
        .unchecked_into::<web_sys::Clipboard>();
    JsFuture::from(clipboard.write_text(text))
        .await
        .map(|_| ())
        .map_err(|e| e.as_string().unwrap_or_else(|| format!("{e:?}")))
}
