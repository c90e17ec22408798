//! The browser's clock against the proxy's. "Time left" is only as true as the clock it is
//! counted with: a laptop whose clock is hours off would show a secret as safe that is about to
//! be purged, or the reverse. Every answer from the proxy carries an HTTP `Date` header, and the
//! proxy's clock is close to AWS's (AWS refuses SigV4 requests signed more than 5 minutes off),
//! so the dashboard counts with the proxy's clock when the browser's is clearly off.

use crate::model::format::duration_text;
use crate::model::time_units::MINUTE_MS;

/// Differences below this are the `Date` header's one-second resolution, latency, or a clock
/// that is off by too little to matter; they are ignored.
pub const IGNORED_SKEW_MS: f64 = MINUTE_MS;

/// What to add to the browser's clock to get the proxy's, from a `Date` header (`server_ms`,
/// whole seconds) received at browser time `local_ms`. Zero when the two agree to within
/// [`IGNORED_SKEW_MS`] or the header could not be read (NaN).
pub fn clock_offset(server_ms: f64, local_ms: f64) -> f64 {
    // The header's second was truncated: its middle is the best guess.
    let offset = server_ms + 500.0 - local_ms;
    if offset.is_finite() && offset.abs() >= IGNORED_SKEW_MS {
        offset
    } else {
        0.0
    }
}

/// A sentence for the page when the dashboard counts with the proxy's clock, else `None`.
pub fn skew_note(offset: f64) -> Option<String> {
    (offset != 0.0).then(|| {
        let direction = if offset > 0.0 { "behind" } else { "ahead of" };
        // To the nearest minute: the offset itself is only good to about a second.
        let off = (offset.abs() / MINUTE_MS).round() * MINUTE_MS;
        format!(
            "This computer's clock is {} {direction} the proxy's: times here use the proxy's clock.",
            duration_text(off)
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::time_units::{DAY_MS, HOUR_MS};

    const NOW: f64 = 1_800_000_000_000.0;

    #[test]
    fn clocks_that_agree_within_a_minute_are_left_alone() {
        assert_eq!(clock_offset(NOW, NOW), 0.0);
        assert_eq!(clock_offset(NOW - 1_000.0, NOW), 0.0);
        assert_eq!(clock_offset(NOW + 59_000.0, NOW), 0.0);
        assert_eq!(clock_offset(f64::NAN, NOW), 0.0);
    }

    #[test]
    fn a_clock_that_is_off_is_corrected_to_the_proxys() {
        // The browser is 3 hours behind: the proxy's time is 3 hours later.
        assert_eq!(
            clock_offset(NOW + 3.0 * HOUR_MS, NOW),
            3.0 * HOUR_MS + 500.0
        );
        // The browser is 2 days ahead.
        assert_eq!(clock_offset(NOW - 2.0 * DAY_MS, NOW), -2.0 * DAY_MS + 500.0);
    }

    #[test]
    fn the_note_says_how_far_and_which_way() {
        assert_eq!(skew_note(0.0), None);
        assert_eq!(
            skew_note(3.0 * HOUR_MS + 500.0).as_deref(),
            Some(
                "This computer's clock is 3 hours behind the proxy's: times here use the proxy's clock."
            )
        );
        assert_eq!(
            skew_note(-(2.0 * DAY_MS) + 500.0).as_deref(),
            Some(
                "This computer's clock is 2 days ahead of the proxy's: times here use the proxy's clock."
            )
        );
    }
}
