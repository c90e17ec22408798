//! ListSecrets pages fetched ahead by the page's list worker (`worker/list-pages.js`, started by
//! `index.html`). The worker keeps requesting the next page while the main thread draws rows;
//! the scan re-reads every page here and checks it is the one it wants, and on anything
//! unexpected drops the feed and pages by itself (see `Dashboard::refresh`).

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::api::client::decode_answer;
use crate::api::error::ApiError;
use crate::browser;
use crate::wire::ListSecretsResponse;

/// A running list worker. Dropping it stops the worker.
pub struct ListFeed {
    feed: Object,
}

impl ListFeed {
    /// The feed `index.html` started while the app loaded (taken once), or else a new one.
    /// `None` when the page has no list worker (e.g. an edited `index.html`).
    pub fn start() -> Option<Self> {
        let window: Object = web_sys::window()?.into();
        let started = JsValue::from_str("undeleteListFeed");
        let feed = Reflect::get(&window, &started)
            .ok()
            .filter(|f| f.is_object());
        let feed = match feed {
            Some(feed) => {
                let _ = Reflect::delete_property(&window, &started);
                feed
            }
            None => Reflect::get(&window, &"undeleteStartListFeed".into())
                .ok()?
                .dyn_into::<Function>()
                .ok()?
                .call0(&JsValue::NULL)
                .ok()?,
        };
        Some(ListFeed {
            feed: feed.dyn_into().ok()?,
        })
    }

    /// The answer to the ListSecrets request with `token`, if the worker has it. `None` when
    /// the worker stopped, or sent another page than the one asked for: page by yourself then.
    pub async fn page(&self, token: Option<&str>) -> Option<Result<ListSecretsResponse, ApiError>> {
        let item = JsFuture::from(self.call("next")?.dyn_into::<Promise>().ok()?)
            .await
            .ok()?;
        let text = Reflect::get(&item, &"text".into()).ok()?.as_string()?;
        let sent = Reflect::get(&item, &"token".into()).ok()?.as_string();
        // The answer's `Date` header and when it arrived (pages wait here while rows are drawn).
        if let (Some(date), Some(at)) = (
            Reflect::get(&item, &"date".into()).ok()?.as_string(),
            Reflect::get(&item, &"at".into()).ok()?.as_f64(),
        ) {
            browser::note_server_date_at(&date, at);
        }
        // The worker passes on 2xx answers only.
        (sent.as_deref() == token).then(|| decode_answer(200, &text))
    }

    fn call(&self, method: &str) -> Option<JsValue> {
        Reflect::get(&self.feed, &method.into())
            .ok()?
            .dyn_into::<Function>()
            .ok()?
            .call0(&self.feed)
            .ok()
    }
}

impl Drop for ListFeed {
    fn drop(&mut self) {
        self.call("stop");
    }
}
