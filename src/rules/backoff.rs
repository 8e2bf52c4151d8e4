//! Retry delays: exponential backoff with full jitter (AWS Architecture Blog, "Exponential
//! Backoff And Jitter"), never shorter than what the server asked for with `Retry-After`.

/// Delay before retry number `attempt` (0 = first retry), in milliseconds.
///
/// `random` is a uniform value in [0, 1) supplied by the caller (`Math.random()` in the browser),
/// so that the rule is deterministic under test and browsers do not retry in lock-step.
pub fn delay_ms(attempt: u32, base_ms: u64, cap_ms: u64, retry_after_secs: Option<u64>, random: f64) -> u64 {
    let ceiling = base_ms.saturating_mul(1u64 << attempt.min(20)).min(cap_ms);
    let jittered = (ceiling as f64 * random.clamp(0.0, 1.0)) as u64;
    let floor = retry_after_secs.map_or(0, |s| s.saturating_mul(1000));
    jittered.max(floor).min(cap_ms.max(floor))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_exponentially_up_to_the_cap() {
        assert_eq!(delay_ms(0, 500, 30_000, None, 0.999_999), 499);
        assert_eq!(delay_ms(3, 500, 30_000, None, 0.999_999), 3_999);
        assert_eq!(delay_ms(10, 500, 30_000, None, 0.999_999), 29_999);
        assert_eq!(delay_ms(60, 500, 30_000, None, 1.0), 30_000);
    }

    #[test]
    fn full_jitter_spans_zero_to_ceiling() {
        assert_eq!(delay_ms(2, 500, 30_000, None, 0.0), 0);
        assert_eq!(delay_ms(2, 500, 30_000, None, 0.5), 1_000);
    }

    #[test]
    fn retry_after_is_a_floor_even_above_the_cap() {
        assert_eq!(delay_ms(0, 500, 30_000, Some(3), 0.1), 3_000);
        assert_eq!(delay_ms(0, 500, 2_000, Some(5), 0.9), 5_000);
    }
}
