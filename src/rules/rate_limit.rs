//! The documented limit is 20 requests per second per key per endpoint (docs/api-contract.md §1.4). The
//! client keeps itself under it with a sliding one-second window per endpoint, so a burst (a
//! Jobs page following many jobs) is spread out instead of being answered with 429s.

use std::collections::{HashMap, VecDeque};

pub const PER_SECOND: usize = 20;
const WINDOW_MS: u64 = 1_000;

#[derive(Debug, Default)]
pub struct RateLimiter {
    sent: HashMap<&'static str, VecDeque<u64>>,
}

impl RateLimiter {
    /// Takes a slot for `endpoint` at `now_ms`, or says how long to wait for one.
    pub fn acquire(&mut self, endpoint: &'static str, now_ms: u64) -> Result<(), u64> {
        let window = self.sent.entry(endpoint).or_default();
        while window.front().is_some_and(|&t| t + WINDOW_MS <= now_ms) {
            window.pop_front();
        }
        if window.len() < PER_SECOND {
            window.push_back(now_ms);
            Ok(())
        } else {
            // The oldest send leaves the window first.
            Err(window.front().map_or(1, |&t| (t + WINDOW_MS).saturating_sub(now_ms).max(1)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twenty_per_second_per_endpoint() {
        let mut l = RateLimiter::default();
        for i in 0..20 {
            assert_eq!(l.acquire("GET /v2/jobs/{id}", 1_000 + i), Ok(()));
        }
        assert_eq!(l.acquire("GET /v2/jobs/{id}", 1_020), Err(980));
        // Another endpoint has its own budget.
        assert_eq!(l.acquire("GET /v2/backups", 1_020), Ok(()));
        // One second after the first send, one slot is free again.
        assert_eq!(l.acquire("GET /v2/jobs/{id}", 2_000), Ok(()));
        assert_eq!(l.acquire("GET /v2/jobs/{id}", 2_000), Err(1));
    }

    #[test]
    fn never_more_than_twenty_in_any_second_of_a_long_burst() {
        let mut l = RateLimiter::default();
        let mut sent = Vec::new();
        let mut now = 0;
        while sent.len() < 200 {
            match l.acquire("e", now) {
                Ok(()) => sent.push(now),
                Err(wait) => now += wait,
            }
        }
        for (i, &t) in sent.iter().enumerate() {
            let in_window = sent[i..].iter().take_while(|&&u| u < t + 1_000).count();
            assert!(in_window <= 20, "{in_window} sends in the second after {t}");
        }
        assert!(now >= 9_000, "200 sends need at least 9 s, took {now} ms");
    }
}
