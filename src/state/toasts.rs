//! Toasts: short messages that also go to an aria-live region, each with an optional link
//! ("View job"). They stay until dismissed or for `TTL_MS`, whichever is first.

use std::time::Duration;

use leptos::prelude::*;

use crate::browser::Timer;

const TTL_MS: u64 = 12_000;

#[derive(Debug, Clone, PartialEq)]
pub struct Toast {
    pub id: u64,
    pub text: String,
    pub link: Option<(String, String)>, // (label, href)
    pub tone: ToastTone,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ToastTone {
    Info,
    Success,
    Error,
}

#[derive(Clone, Copy)]
pub struct Toasts {
    pub items: RwSignal<Vec<Toast>>,
    next: StoredValue<u64>,
}

impl Toasts {
    pub fn provide() -> Toasts {
        let t = Toasts { items: RwSignal::new(Vec::new()), next: StoredValue::new(1) };
        provide_context(t);
        t
    }

    pub fn get() -> Toasts {
        expect_context::<Toasts>()
    }

    pub fn push(&self, text: impl Into<String>, link: Option<(String, String)>, tone: ToastTone) {
        let id = self.next.get_value();
        self.next.set_value(id + 1);
        self.items.update(|v| {
            v.push(Toast { id, text: text.into(), link, tone });
            // Keep the stack short: the oldest goes first.
            if v.len() > 4 {
                v.remove(0);
            }
        });
        let items = self.items;
        // A toast's expiry fires once; try_update does nothing if the app is gone by then.
        Timer::after(Duration::from_millis(TTL_MS), move || {
            items.try_update(|v| v.retain(|t| t.id != id));
        })
        .detach();
    }

    pub fn dismiss(&self, id: u64) {
        self.items.update(|v| v.retain(|t| t.id != id));
    }
}
