//! `performance` marks set once the frame that shows the latest rows has been painted, at the
//! same moment as the dashboard sets its own: in a task queued from that frame's animation
//! callback (which the browser runs only after the frame is rendered). The task is
//! `user-blocking`, so it runs before tasks queued earlier (network answers); without
//! `scheduler.postTask` it is a 0 ms timer.

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// `scheduler.postTask(callback, options)`; throws where there is no `scheduler`.
    #[wasm_bindgen(catch, js_namespace = scheduler, js_name = postTask)]
    fn post_task(callback: &Function, options: &Object) -> Result<Promise, JsValue>;
}

/// Records `performance.mark(name)` after the next frame has been painted.
pub fn mark_after_next_paint(name: &'static str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let after_frame = Closure::once_into_js(move || {
        let mark = Closure::once_into_js(move || {
            if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
                let _ = performance.mark(name);
            }
        });
        let mark: &Function = mark.unchecked_ref();
        let options = Object::new();
        let _ = Reflect::set(&options, &"priority".into(), &"user-blocking".into());
        if post_task(mark, &options).is_err()
            && let Some(window) = web_sys::window()
        {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(mark, 0);
        }
    });
    let _ = window.request_animation_frame(after_frame.unchecked_ref());
}
