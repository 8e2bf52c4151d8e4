//! One HTTP exchange over `fetch` (gloo-net): the Bearer header, the time-out and cancellation
//! live here and nowhere else.
//!
//! Every request has its own `AbortController`. It is aborted when the time-out fires, and also
//! when the future is dropped before it finished, which is what Leptos does with a resource's
//! future when its view goes away: leaving a page cancels its requests.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use api_types::{ApiError, ErrorKind};
use gloo_net::http::{Method, RequestBuilder};
use web_sys::AbortController;

use super::key::ApiKey;
use crate::browser::Timer;

/// What came back: status, `Retry-After`, and the raw body (decoded by `api_types`).
pub struct Answer {
    pub status: u16,
    pub retry_after: Option<String>,
    pub body: Vec<u8>,
}

/// Aborts the request if it is dropped before `disarm()`.
struct AbortOnDrop(Option<AbortController>);

impl AbortOnDrop {
    fn disarm(&mut self) {
        self.0 = None;
    }
}

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(c) = self.0.take() {
            c.abort();
        }
    }
}

pub async fn send(
    method: Method,
    url: &str,
    query: &[(&str, String)],
    key: Option<&ApiKey>,
    body: Option<String>,
    timeout_ms: u32,
) -> Result<Answer, ApiError> {
    let controller = AbortController::new().map_err(|_| ApiError::network("the browser refused to start a request"))?;
    let signal = controller.signal();
    let mut guard = AbortOnDrop(Some(controller.clone()));

    let timed_out = Rc::new(Cell::new(false));
    let _timer = {
        let timed_out = timed_out.clone();
        Timer::after(Duration::from_millis(u64::from(timeout_ms)), move || {
            timed_out.set(true);
            controller.abort();
        })
    };

    let mut builder = RequestBuilder::new(url)
        .method(method)
        .query(query.iter().map(|(k, v)| (*k, v.as_str())))
        .header("Accept", "application/json")
        .abort_signal(Some(&signal));
    if let Some(key) = key {
        builder = builder.header("Authorization", &key.bearer());
    }
    let request = match body {
        Some(json) => builder.header("Content-Type", "application/json").body(json),
        None => builder.build(),
    }
    .map_err(|e| ApiError::network(format!("could not build the request: {e}")))?;

    let result = async {
        let response = request.send().await?;
        let status = response.status();
        let retry_after = response.headers().get("retry-after");
        let body = response.binary().await?;
        Ok::<_, gloo_net::Error>(Answer { status, retry_after, body })
    }
    .await;
    guard.disarm();

    result.map_err(|e| {
        if timed_out.get() {
            return ApiError::timeout(timeout_ms);
        }
        match e {
            gloo_net::Error::JsError(js) if js.name == "AbortError" => ApiError::aborted(),
            // fetch() rejects with a TypeError for offline, DNS, refused connections and CORS.
            gloo_net::Error::JsError(js) => ApiError::new(ErrorKind::Network, js.message),
            other => ApiError::network(other.to_string()),
        }
    })
}
