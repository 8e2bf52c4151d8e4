//! What the console has learned about each API key's role. No API tells a key's role in
//! advance; a permission error makes it definite ("denied"), a successful create too
//! ("allowed"). Kept in memory only, keyed by a fingerprint of the key, never the key.

use std::collections::HashMap;

use api_types::ApiError;
use leptos::prelude::*;

use crate::rules::eligibility::RoleKnowledge;

#[derive(Clone, Copy)]
pub struct Roles(RwSignal<HashMap<u64, RoleKnowledge>>);

impl Roles {
    pub fn provide() -> Roles {
        let r = Roles(RwSignal::new(HashMap::new()));
        provide_context(r);
        r
    }

    pub fn get() -> Roles {
        expect_context::<Roles>()
    }

    pub fn of(&self, key_fingerprint: u64) -> RoleKnowledge {
        self.0.with(|m| m.get(&key_fingerprint).cloned().unwrap_or(RoleKnowledge::Unknown))
    }

    /// What the answer to a change teaches about the key's role (a refusal: denied; success:
    /// allowed). Read untracked: it is called from the task that sent the request.
    pub fn learn_from<T>(&self, key_fingerprint: u64, outcome: &Result<T, ApiError>) {
        let now = self.0.with_untracked(|m| m.get(&key_fingerprint).cloned().unwrap_or(RoleKnowledge::Unknown));
        self.learn(key_fingerprint, now.learn(outcome.as_ref().map(|_| ())));
    }

    pub fn learn(&self, key_fingerprint: u64, knowledge: RoleKnowledge) {
        self.0.update(|m| {
            m.insert(key_fingerprint, knowledge);
        });
    }
}
