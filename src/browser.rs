//! The one edge between the console and the browser's clock, timers, events and clipboard.
//! Everything else calls these, so a change of API (a Leptos or gloo rename) is made here once.
//!
//! Timers and listeners are values: dropping one cancels the timer or removes the listener, so
//! whoever keeps it decides how long it lives (the app's state keeps its own in a `StoredValue`,
//! which drops them when the app is disposed). Nothing is `forget`-ten.

use std::time::Duration;

use gloo_events::EventListener;
use gloo_timers::callback::{Interval, Timeout};

/// Wall-clock time, ms since the epoch.
pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// A User Timing mark (`performance.mark`), read by `make bench` and the size check:
/// `console:interactive` (mounted and usable: the first load is every request before it),
/// `jobs:rendered` (the Jobs table's first rows on screen).
pub fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

/// The document's base URL (its `<base href>`, resolved), "" if there is no document.
pub fn base_uri() -> String {
    web_sys::window().and_then(|w| w.document()).and_then(|d| d.base_uri().ok().flatten()).unwrap_or_default()
}

/// A time in the reader's locale and time zone (`Intl`, through `Date.toLocaleString`).
pub fn local_time(ms: u64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    String::from(d.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED))
}

thread_local! {
    /// One `Intl.DateTimeFormat` for every time in the Jobs table: building one per call (as
    /// `toLocaleString` does) costs more than the rest of a row. The same fields as
    /// `toLocaleString`'s defaults, so the text is the same.
    static LOCAL_FORMAT: js_sys::Function = {
        let options = js_sys::Object::new();
        for field in ["year", "month", "day", "hour", "minute", "second"] {
            let _ = js_sys::Reflect::set(&options, &field.into(), &"numeric".into());
        }
        js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &options).format()
    };
}

/// As `local_time`, through one cached formatter (for tables of many rows).
pub fn local_time_cached(ms: u64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    LOCAL_FORMAT
        .with(|f| f.call1(&wasm_bindgen::JsValue::NULL, &d).ok().and_then(|s| s.as_string()))
        .unwrap_or_default()
}

/// Local midnight of a calendar date in epoch ms (the reader's time zone, with its offset on
/// that date); `None` for a date the browser cannot represent.
pub fn local_midnight_ms(year: u16, month: u8, day: u8) -> Option<u64> {
    let d = js_sys::Date::new_with_year_month_day(u32::from(year), i32::from(month) - 1, i32::from(day));
    let ms = d.get_time();
    (ms.is_finite() && ms >= 0.0).then_some(ms as u64)
}

/// Minutes east of UTC of the reader's time zone now (+540 in Tokyo).
pub fn utc_offset_minutes() -> i32 {
    -(js_sys::Date::new_0().get_timezone_offset() as i32)
}

/// Puts `text` on the clipboard; where the browser refuses (no permission, not secure), nothing
/// happens: the text is on screen to copy by hand.
pub fn copy_text(text: &str) {
    if let Some(w) = web_sys::window() {
        let _ = w.navigator().clipboard().write_text(text);
    }
}

/// Runs `f` once after `delay`, unless dropped first.
#[must_use = "dropping the timer cancels it"]
pub struct Timer(Option<Timeout>);

impl Timer {
    pub fn after(delay: Duration, f: impl FnOnce() + 'static) -> Timer {
        Timer(Some(Timeout::new(millis(delay), f)))
    }

    /// Lets it fire even though nobody keeps it (a toast's expiry: it only ever fires once).
    pub fn detach(mut self) {
        if let Some(t) = self.0.take() {
            t.forget();
        }
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        if let Some(t) = self.0.take() {
            t.cancel();
        }
    }
}

/// Runs `f` every `period` until dropped.
#[must_use = "dropping the ticker stops it"]
pub struct Ticker(#[allow(dead_code)] Interval);

impl Ticker {
    pub fn every(period: Duration, f: impl FnMut() + 'static) -> Ticker {
        Ticker(Interval::new(millis(period), f))
    }
}

/// Waits `delay` (an async pause, for retries and rate limits).
pub async fn sleep(delay: Duration) {
    gloo_timers::future::sleep(delay).await;
}

/// Runs `f` on the next animation frame: after the current view is in the document.
pub fn next_frame(f: impl FnOnce() + 'static) {
    leptos::prelude::request_animation_frame(f);
}

/// Opens a native `<dialog>` as a modal (focus moves in, the page behind turns inert) once it is
/// in the document: a view that arrives from a chunk or after a suspense is built before it is
/// mounted, and `showModal` refuses a dialog that is not connected yet.
pub fn show_modal(dialog: web_sys::HtmlDialogElement) {
    if dialog.open() {
        return;
    }
    if dialog.is_connected() {
        let _ = dialog.show_modal();
    } else {
        next_frame(move || {
            if dialog.is_connected() && !dialog.open() {
                let _ = dialog.show_modal();
            }
        });
    }
}

/// The height of the first element matching `selector` inside `root` (a table's row), in CSS
/// pixels; `None` when there is none or it is not drawn.
pub fn first_row_height(root: &web_sys::Element, selector: &str) -> Option<f64> {
    let h = root.query_selector(selector).ok()??.get_bounding_client_rect().height();
    (h > 0.0).then_some(h)
}

/// The `aria-rowindex` of the row holding the focus, when the focus is inside `root`.
pub fn focused_row_index(root: &web_sys::Element) -> Option<usize> {
    let active = web_sys::window()?.document()?.active_element()?;
    if !root.contains(Some(&active)) {
        return None;
    }
    active.closest("tr[aria-rowindex]").ok()??.get_attribute("aria-rowindex")?.parse().ok()
}

/// Moves the focus to `el` (a focusable scroll region).
pub fn focus_quietly(el: &web_sys::HtmlElement) {
    let _ = el.focus();
}

/// One listener for many Copy buttons: a click on (or in) a `button[data-copy]` copies its
/// value.
pub fn copy_from_click(ev: &web_sys::MouseEvent) {
    use wasm_bindgen::JsCast;
    let value = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|t| t.closest("button[data-copy]").ok().flatten())
        .and_then(|b| b.get_attribute("data-copy"));
    if let Some(v) = value {
        copy_text(&v);
    }
}

/// The window's inner height in CSS pixels.
pub fn window_height() -> Option<f64> {
    web_sys::window()?.inner_height().ok()?.as_f64()
}

/// The window was resized: `f()`.
pub fn on_resize(f: impl Fn() + 'static) -> Option<Listener> {
    let window = web_sys::window()?;
    Some(Listener(EventListener::new(&window, "resize", move |_| f())))
}

/// An event listener that is removed when dropped.
#[must_use = "dropping the listener removes it"]
pub struct Listener(#[allow(dead_code)] EventListener);

/// Page Visibility: `f(visible)` whenever the tab is shown or hidden.
pub fn on_visibility_change(f: impl Fn(bool) + 'static) -> Option<Listener> {
    let doc = web_sys::window()?.document()?;
    let d = doc.clone();
    Some(Listener(EventListener::new(&doc, "visibilitychange", move |_| f(!d.hidden()))))
}

/// Whether the tab is visible now.
pub fn is_visible() -> bool {
    web_sys::window().and_then(|w| w.document()).is_none_or(|d| !d.hidden())
}

/// Another tab wrote localStorage: `f(key)` (`None` when it was cleared).
pub fn on_storage_change(f: impl Fn(Option<String>) + 'static) -> Option<Listener> {
    let window = web_sys::window()?;
    Some(Listener(EventListener::new(&window, "storage", move |ev| {
        use wasm_bindgen::JsCast;
        if let Some(ev) = ev.dyn_ref::<web_sys::StorageEvent>() {
            f(ev.key());
        }
    })))
}

fn millis(d: Duration) -> u32 {
    u32::try_from(d.as_millis()).unwrap_or(u32::MAX)
}

/// A `BroadcastChannel` that hands each text message to `on_message` and closes when dropped.
/// Messages reach the other tabs (and other apps in this document) of the origin, not the
/// sender.
pub struct Channel {
    channel: web_sys::BroadcastChannel,
    _listener: EventListener,
}

impl Channel {
    pub fn open(name: &str, on_message: impl Fn(String) + 'static) -> Option<Channel> {
        let channel = web_sys::BroadcastChannel::new(name).ok()?;
        let listener = EventListener::new(&channel, "message", move |ev| {
            use wasm_bindgen::JsCast;
            if let Some(text) = ev.dyn_ref::<web_sys::MessageEvent>().and_then(|m| m.data().as_string()) {
                on_message(text);
            }
        });
        Some(Channel { channel, _listener: listener })
    }

    pub fn post(&self, text: &str) {
        let _ = self.channel.post_message(&text.into());
    }
}

impl Drop for Channel {
    fn drop(&mut self) {
        self.channel.close();
    }
}

/// A Web Lock asked for (`navigator.locks.request`): `on_granted` runs when this tab holds it,
/// and it is held until this value is dropped, which also withdraws a request still queued.
/// `None` where the browser has no Web Locks (an insecure origin).
pub struct LockRequest {
    abort: web_sys::AbortController,
    release: std::rc::Rc<std::cell::RefCell<Option<js_sys::Function>>>,
    _granted: wasm_bindgen::closure::Closure<dyn FnMut(wasm_bindgen::JsValue) -> js_sys::Promise>,
}

impl LockRequest {
    pub fn ask(name: &str, on_granted: impl FnOnce() + 'static) -> Option<LockRequest> {
        use wasm_bindgen::JsCast;
        use wasm_bindgen::closure::Closure;
        let navigator = web_sys::window()?.navigator();
        // Through Reflect: web-sys's LockManager is behind its unstable-API flag.
        let locks = js_sys::Reflect::get(&navigator, &"locks".into()).ok().filter(|l| l.is_object())?;
        let request: js_sys::Function = js_sys::Reflect::get(&locks, &"request".into()).ok()?.dyn_into().ok()?;
        let abort = web_sys::AbortController::new().ok()?;
        let options = js_sys::Object::new();
        js_sys::Reflect::set(&options, &"signal".into(), &abort.signal()).ok()?;
        let release = std::rc::Rc::new(std::cell::RefCell::new(None::<js_sys::Function>));
        let keep = release.clone();
        let mut on_granted = Some(on_granted);
        // Held while the promise it returns is pending: resolving it (on drop) lets go.
        let granted = Closure::<dyn FnMut(wasm_bindgen::JsValue) -> js_sys::Promise>::new(move |_lock| {
            let keep = keep.clone();
            let held = js_sys::Promise::new(&mut |resolve, _reject| *keep.borrow_mut() = Some(resolve));
            if let Some(f) = on_granted.take() {
                f();
            }
            held
        });
        let asked = request.call3(&locks, &name.into(), &options, granted.as_ref()).ok()?;
        // Withdrawn requests reject (AbortError): expected, not an error to report.
        if let Ok(p) = asked.dyn_into::<js_sys::Promise>() {
            wasm_bindgen_futures::spawn_local(async move {
                let _ = wasm_bindgen_futures::JsFuture::from(p).await;
            });
        }
        Some(LockRequest { abort, release, _granted: granted })
    }
}

impl Drop for LockRequest {
    fn drop(&mut self) {
        match self.release.borrow_mut().take() {
            Some(resolve) => {
                let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
            }
            None => self.abort.abort(),
        }
    }
}
