//! Backoff for throttled calls: exponential with full jitter, as the AWS SDKs do, so that many
//! browser tabs do not retry in lockstep.

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backoff {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    pub base_ms: f64,
    pub cap_ms: f64,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            max_attempts: 5,
            base_ms: 200.0,
            cap_ms: 5_000.0,
        }
    }
}

impl Backoff {
    /// The pause before retry number `retry` (1-based), given a random fraction in [0, 1).
    /// Never shorter than half the base, so a retry is never immediate.
    pub fn delay_ms(&self, retry: u32, random: f64) -> f64 {
        let exp = self.base_ms * 2f64.powi(retry.saturating_sub(1).min(30) as i32);
        let ceiling = exp.min(self.cap_ms);
        (random.clamp(0.0, 1.0) * ceiling).max(self.base_ms / 2.0)
    }

    /// Whether another attempt is allowed after `attempts_made`.
    pub fn allows_another(&self, attempts_made: u32) -> bool {
        attempts_made < self.max_attempts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_and_are_capped() {
        let b = Backoff::default();
        assert_eq!(b.delay_ms(1, 1.0), 200.0);
        assert_eq!(b.delay_ms(2, 1.0), 400.0);
        assert_eq!(b.delay_ms(3, 1.0), 800.0);
        assert_eq!(b.delay_ms(10, 1.0), 5_000.0);
        assert_eq!(b.delay_ms(u32::MAX, 1.0), 5_000.0);
    }

    #[test]
    fn jitter_has_a_floor() {
        let b = Backoff::default();
        assert_eq!(b.delay_ms(3, 0.0), 100.0);
        assert_eq!(b.delay_ms(3, 0.5), 400.0);
        assert_eq!(b.delay_ms(3, 7.0), 800.0);
    }

    #[test]
    fn attempts_are_bounded() {
        let b = Backoff::default();
        assert!(b.allows_another(1));
        assert!(b.allows_another(4));
        assert!(!b.allows_another(5));
    }
}
