//! Entry point: install the panic hook (a panic in wasm would otherwise die silently), mount,
//! and mark the moment the console is usable.
fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(backup_console::App);
    backup_console::browser::mark("console:interactive");
}
