//! Where the console keeps things between loads (settings, the job register), as a trait so
//! the rules that persist are tested without a browser. The browser's storages implement it in
//! `state::settings::web`.

/// Where the console keeps settings between loads. `session` is per tab; `local` survives the
/// browser. Abstracted so the rules are tested without a browser.
pub trait Store {
    fn get(&self, key: &str) -> Option<String>;
    fn set(&self, key: &str, value: &str);
    fn remove(&self, key: &str);
}

/// An in-memory store for native tests of the rules that persist something.
#[cfg(test)]
pub mod memory {
    use std::cell::RefCell;
    use std::collections::HashMap;

    use super::Store;

    #[derive(Default)]
    pub struct MemStore(pub RefCell<HashMap<String, String>>);

    impl Store for MemStore {
        fn get(&self, k: &str) -> Option<String> {
            self.0.borrow().get(k).cloned()
        }
        fn set(&self, k: &str, v: &str) {
            self.0.borrow_mut().insert(k.into(), v.into());
        }
        fn remove(&self, k: &str) {
            self.0.borrow_mut().remove(k);
        }
    }
}
