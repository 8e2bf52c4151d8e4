//! The baseline the console's size and start-up are compared with: one component, one signal.
use leptos::prelude::*;

#[component]
fn Counter() -> impl IntoView {
    let (count, set_count) = signal(0);
    view! {
        <main>
            <h1>"Counter"</h1>
            <button type="button" on:click=move |_| set_count.update(|n| *n += 1)>"Add one"</button>
            <p role="status">"Value: " {move || count.get()}</p>
        </main>
    }
}

fn main() {
    leptos::mount::mount_to_body(Counter);
    // The same mark as the console's Jobs table: the frame after the first view is in the page.
    request_animation_frame(|| {
        if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
            let _ = p.mark("counter:rendered");
        }
    });
}
