//! Where the console keeps things between loads (settings, the job register), as a trait so
//! the rules that persist are tested without a browser. The browser's storages implement it in
//! `state::settings::web`.

/// Where the console keeps settings between loads. `session` is per tab; `local` survives the
/// browser. Abstracted so the rules are tested without a browser.
pub trait Store {
    fn get(&self, key: &str) -> Option<String>;
    fn set(&self, key: &str, value: &str);
    fn remove(&self, key: &str);
    /// As `set`, saying whether the value was kept (a full storage refuses it).
    fn try_set(&self, key: &str, value: &str) -> Result<(), StoreFull> {
        self.set(key, value);
        Ok(())
    }
}

/// The browser refused a write (its quota for this origin is used up, or storage is off).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreFull;

/// An in-memory store for native tests of the rules that persist something.
#[cfg(test)]
pub mod memory {
    use std::cell::RefCell;
    use std::collections::HashMap;

    use super::Store;

    #[derive(Default)]
    pub struct MemStore(pub RefCell<HashMap<String, String>>);

    /// A store that holds at most `.0` characters in all: writes beyond it fail as a full
    /// browser storage does.
    pub struct FullStore(pub usize, pub MemStore);

    impl Store for FullStore {
        fn get(&self, k: &str) -> Option<String> {
            self.1.get(k)
        }
        fn set(&self, k: &str, v: &str) {
            let _ = self.try_set(k, v);
        }
        fn remove(&self, k: &str) {
            self.1.remove(k)
        }
        fn try_set(&self, k: &str, v: &str) -> Result<(), super::StoreFull> {
            let others: usize = self.1.0.borrow().iter().filter(|(key, _)| *key != k).map(|(_, v)| v.len()).sum();
            if others + v.len() > self.0 {
                return Err(super::StoreFull);
            }
            self.1.set(k, v);
            Ok(())
        }
    }

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
