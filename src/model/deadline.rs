//! How long a deleted secret can still be restored.
//!
//! `DeletedDate` means different things in different places: AWS documents ListSecrets'
//! `DeletedDate` as the moment of deletion, while DescribeSecret and moto report the scheduled
//! purge time. Both readings are handled without guessing which server we talk to: a date that
//! was in the future when the server reported it can only be the purge time (and stays the purge
//! time once that moment passes); a date in the past is when the secret was deleted, and the purge
//! follows after the recovery window of 7 to 30 days, which ListSecrets does not report. A date
//! within minutes of the listing could be either, since the clocks involved may be that far apart
//! (a secret deleted just now, or one whose purge is due): the dashboard says so.

use crate::model::format::{days_text, duration_text};
use crate::model::time_units::{DAY_MS, MINUTE_MS};

/// Shortest and longest recovery windows AWS allows (`RecoveryWindowInDays`).
pub const MIN_WINDOW_MS: f64 = 7.0 * DAY_MS;
pub const MAX_WINDOW_MS: f64 = 30.0 * DAY_MS;

/// What is known about a secret's permanent deletion.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Deadline {
    /// `DeletedDate` was in the future when it was listed: it is the scheduled purge time, known
    /// exactly.
    Scheduled { purge_at: f64 },
    /// `DeletedDate` was in the past when it was listed: it is when the secret was deleted; the
    /// purge comes 7 to 30 days later, so only a range is known.
    Estimated {
        deleted_at: f64,
        earliest: f64,
        latest: f64,
    },
    /// `DeletedDate` was within [`CLOCK_MARGIN_MS`] of the listing: the secret was deleted just
    /// now (7 to 30 days left) or its purge is due within minutes; the clocks cannot tell which.
    Either { at: f64 },
    /// The server sent a date we could not read.
    Unknown,
}

/// How far apart the clocks behind a `DeletedDate` and the listing time may be: AWS accepts the
/// proxy's signatures from a clock up to 5 minutes off, and the dashboard counts with the
/// browser's clock while it is within a minute of the proxy's.
pub const CLOCK_MARGIN_MS: f64 = 6.0 * MINUTE_MS;

/// How a `DeletedDate` reads, decided when it is listed (not as the clock moves: a purge time
/// that has passed is still a purge time, not a deletion time with 7 to 30 days to go).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateReading {
    /// Clearly in the past: when the secret was deleted.
    DeletionTime,
    /// Within the clocks' margin of the listing: either.
    Either,
    /// Clearly in the future: the scheduled purge time.
    PurgeTime,
}

impl DateReading {
    /// Reads a `DeletedDate` (epoch ms) that the server reported at `listed_at`.
    pub fn of(deleted_date: Option<f64>, listed_at: f64) -> Self {
        match deleted_date {
            Some(date) if date > listed_at + CLOCK_MARGIN_MS => DateReading::PurgeTime,
            Some(date) if date >= listed_at - CLOCK_MARGIN_MS => DateReading::Either,
            _ => DateReading::DeletionTime,
        }
    }

    /// The reading of a date listed again (`self`), given the earlier one: a purge time stays one
    /// once it has passed; otherwise the later listing, which reads the date as a page loaded now
    /// would.
    pub fn relisted(self, earlier: DateReading) -> DateReading {
        if earlier == DateReading::PurgeTime {
            earlier
        } else {
            self
        }
    }
}

impl Deadline {
    /// Interprets a `DeletedDate` (epoch milliseconds) as `reading` says.
    pub fn from_deleted_date(deleted_date: Option<f64>, reading: DateReading) -> Self {
        match (deleted_date, reading) {
            (Some(date), DateReading::PurgeTime) => Deadline::Scheduled { purge_at: date },
            (Some(date), DateReading::Either) => Deadline::Either { at: date },
            (Some(date), DateReading::DeletionTime) => Deadline::Estimated {
                deleted_at: date,
                earliest: date + MIN_WINDOW_MS,
                latest: date + MAX_WINDOW_MS,
            },
            (None, _) => Deadline::Unknown,
        }
    }

    /// The soonest moment the secret may be gone for good: what urgency and sorting go by.
    pub fn soonest_purge(self) -> Option<f64> {
        match self {
            Deadline::Scheduled { purge_at } => Some(purge_at),
            Deadline::Estimated { earliest, .. } => Some(earliest),
            Deadline::Either { at } => Some(at),
            Deadline::Unknown => None,
        }
    }

    pub fn urgency(self, now: f64) -> Urgency {
        match self.soonest_purge() {
            None => Urgency::Unknown,
            Some(at) if at - now < DAY_MS => Urgency::Critical,
            Some(at) if at - now < 3.0 * DAY_MS => Urgency::High,
            Some(at) if at - now < 7.0 * DAY_MS => Urgency::Medium,
            Some(_) => Urgency::Low,
        }
    }

    /// The "time left" sentence, saying whether it is known or estimated.
    pub fn time_left_text(self, now: f64) -> String {
        match self {
            Deadline::Scheduled { purge_at } if purge_at <= now => {
                "Purge time passed: it may already be deleted for good".to_string()
            }
            Deadline::Scheduled { purge_at } => {
                format!("{} left", duration_text(purge_at - now))
            }
            Deadline::Estimated {
                earliest, latest, ..
            } => {
                if now < earliest {
                    // Under a day to the earliest purge: hours, not "0 days".
                    let soonest = earliest - now;
                    let soonest = if soonest < DAY_MS {
                        duration_text(soonest)
                    } else {
                        days_text(soonest)
                    };
                    format!("{soonest} to {} left (estimate)", days_text(latest - now))
                } else if now < latest {
                    format!(
                        "May be purged at any time; at most {} left (estimate)",
                        duration_text(latest - now)
                    )
                } else {
                    "Past the longest recovery window: may already be purged".to_string()
                }
            }
            Deadline::Either { .. } => {
                "Minutes, or 7 to 30 days: restore now to be safe".to_string()
            }
            Deadline::Unknown => "Unknown: the deletion date could not be read".to_string(),
        }
    }

    /// The label shown beside the date in the "Deletion date" column.
    pub fn date_label(self) -> &'static str {
        match self {
            Deadline::Scheduled { .. } => "Permanent deletion on",
            Deadline::Estimated { .. } => "Deleted on",
            Deadline::Either { .. } => "Deleted, or to be purged, on",
            Deadline::Unknown => "Unknown",
        }
    }

    /// The date shown in the "Deletion date" column.
    pub fn shown_date(self) -> Option<f64> {
        match self {
            Deadline::Scheduled { purge_at } => Some(purge_at),
            Deadline::Estimated { deleted_at, .. } => Some(deleted_at),
            Deadline::Either { at } => Some(at),
            Deadline::Unknown => None,
        }
    }

    /// A second line for the date column that says which part is an estimate.
    pub fn date_note(self) -> &'static str {
        match self {
            Deadline::Scheduled { .. } => "Scheduled purge time (exact)",
            Deadline::Estimated { .. } => "Purged 7 to 30 days after deletion; exact day unknown",
            Deadline::Either { .. } => {
                "Within minutes of when it was listed: deleted then, or the scheduled purge time"
            }
            Deadline::Unknown => "The server sent a date that could not be read",
        }
    }
}

/// How urgently a secret needs attention, always shown as text as well as colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Urgency {
    Critical,
    High,
    Medium,
    Low,
    Unknown,
}

impl Urgency {
    pub fn label(self) -> &'static str {
        match self {
            Urgency::Critical => "Urgent",
            Urgency::High => "Soon",
            Urgency::Medium => "This week",
            Urgency::Low => "Later",
            Urgency::Unknown => "Unknown",
        }
    }

    /// CSS class suffix; the stylesheet maps it to a colour that is never the only signal.
    pub fn css(self) -> &'static str {
        match self {
            Urgency::Critical => "urgency-critical",
            Urgency::High => "urgency-high",
            Urgency::Medium => "urgency-medium",
            Urgency::Low => "urgency-low",
            Urgency::Unknown => "urgency-unknown",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::time_units::{HOUR_MS, MINUTE_MS};

    const NOW: f64 = 1_790_000_000_000.0;

    #[test]
    fn future_date_is_the_exact_purge_time() {
        let d = Deadline::from_deleted_date(
            Some(NOW + 3.0 * DAY_MS + 4.0 * HOUR_MS),
            DateReading::PurgeTime,
        );
        assert_eq!(
            d,
            Deadline::Scheduled {
                purge_at: NOW + 3.0 * DAY_MS + 4.0 * HOUR_MS
            }
        );
        assert_eq!(d.time_left_text(NOW), "3 days 4 hours left");
        assert_eq!(d.date_label(), "Permanent deletion on");
        assert_eq!(d.urgency(NOW), Urgency::Medium);
    }

    #[test]
    fn past_date_is_the_deletion_time_with_a_7_to_30_day_window() {
        let deleted = NOW - 2.0 * DAY_MS;
        let d = Deadline::from_deleted_date(Some(deleted), DateReading::DeletionTime);
        assert_eq!(d.shown_date(), Some(deleted));
        assert_eq!(d.soonest_purge(), Some(deleted + 7.0 * DAY_MS));
        assert_eq!(d.time_left_text(NOW), "5 days to 28 days left (estimate)");
        assert_eq!(d.date_label(), "Deleted on");
        assert_eq!(d.urgency(NOW), Urgency::Medium);
    }

    #[test]
    fn inside_the_window_the_purge_may_come_any_time() {
        let d = Deadline::from_deleted_date(Some(NOW - 10.0 * DAY_MS), DateReading::DeletionTime);
        assert_eq!(
            d.time_left_text(NOW),
            "May be purged at any time; at most 20 days left (estimate)"
        );
        assert_eq!(d.urgency(NOW), Urgency::Critical);
    }

    #[test]
    fn beyond_thirty_days_it_may_already_be_gone() {
        let d = Deadline::from_deleted_date(Some(NOW - 31.0 * DAY_MS), DateReading::DeletionTime);
        assert_eq!(
            d.time_left_text(NOW),
            "Past the longest recovery window: may already be purged"
        );
        assert_eq!(d.urgency(NOW), Urgency::Critical);
    }

    #[test]
    fn a_date_is_read_as_it_was_when_listed_and_a_passed_purge_time_stays_one() {
        let date = NOW + HOUR_MS;
        assert_eq!(DateReading::of(Some(date), NOW), DateReading::PurgeTime);
        let later_reading = DateReading::of(Some(date), NOW + 2.0 * HOUR_MS);
        assert_eq!(later_reading, DateReading::DeletionTime);
        assert_eq!(
            later_reading.relisted(DateReading::PurgeTime),
            DateReading::PurgeTime
        );
        assert_eq!(DateReading::of(None, NOW), DateReading::DeletionTime);
        // Listed an hour before the purge; two hours later it is past, and still the purge time.
        let d = Deadline::from_deleted_date(Some(date), DateReading::of(Some(date), NOW));
        let later = NOW + 2.0 * HOUR_MS;
        assert_eq!(d.date_label(), "Permanent deletion on");
        assert_eq!(d.shown_date(), Some(date));
        assert_eq!(
            d.time_left_text(later),
            "Purge time passed: it may already be deleted for good"
        );
        assert_eq!(d.urgency(later), Urgency::Critical);
    }

    /// On AWS, ListSecrets' `DeletedDate` of a secret deleted seconds ago may be ahead of the
    /// browser's clock; a purge due in a minute looks the same. Neither is said as fact.
    #[test]
    fn a_date_within_minutes_of_the_listing_could_be_either() {
        for date in [NOW + 30_000.0, NOW - 2.0 * MINUTE_MS, NOW + 5.0 * MINUTE_MS] {
            let reading = DateReading::of(Some(date), NOW);
            assert_eq!(reading, DateReading::Either, "{date}");
            let d = Deadline::from_deleted_date(Some(date), reading);
            assert_eq!(d, Deadline::Either { at: date });
            assert_eq!(
                d.time_left_text(NOW + 10.0 * MINUTE_MS),
                "Minutes, or 7 to 30 days: restore now to be safe"
            );
            assert_eq!(d.urgency(NOW), Urgency::Critical);
            assert_eq!(d.shown_date(), Some(date));
        }
        assert_eq!(
            DateReading::of(Some(NOW + 7.0 * MINUTE_MS), NOW),
            DateReading::PurgeTime
        );
        assert_eq!(
            DateReading::of(Some(NOW - 7.0 * MINUTE_MS), NOW),
            DateReading::DeletionTime
        );
        // Listed again later, clearly past: a deletion time, as a page loaded then reads it.
        assert_eq!(
            DateReading::DeletionTime.relisted(DateReading::Either),
            DateReading::DeletionTime
        );
    }

    #[test]
    fn under_a_day_to_the_earliest_purge_is_said_in_hours() {
        let d = Deadline::from_deleted_date(
            Some(NOW - 7.0 * DAY_MS + 5.0 * HOUR_MS),
            DateReading::DeletionTime,
        );
        assert_eq!(d.time_left_text(NOW), "5 hours to 23 days left (estimate)");
    }

    #[test]
    fn urgency_thresholds() {
        let at = |ms| Deadline::Scheduled { purge_at: NOW + ms }.urgency(NOW);
        assert_eq!(at(23.0 * HOUR_MS), Urgency::Critical);
        assert_eq!(at(DAY_MS), Urgency::High);
        assert_eq!(at(3.0 * DAY_MS), Urgency::Medium);
        assert_eq!(at(7.0 * DAY_MS), Urgency::Low);
        assert_eq!(Deadline::Unknown.urgency(NOW), Urgency::Unknown);
        assert!(Urgency::Critical < Urgency::Low);
    }

    #[test]
    fn unknown_date_says_so() {
        let d = Deadline::from_deleted_date(None, DateReading::DeletionTime);
        assert_eq!(d, Deadline::Unknown);
        assert_eq!(d.soonest_purge(), None);
        assert!(d.time_left_text(NOW).starts_with("Unknown"));
    }

    #[test]
    fn short_times_are_precise() {
        let d = Deadline::Scheduled {
            purge_at: NOW + 5.0 * HOUR_MS + 12.0 * MINUTE_MS,
        };
        assert_eq!(d.time_left_text(NOW), "5 hours 12 minutes left");
        let d = Deadline::Scheduled {
            purge_at: NOW + 30_000.0,
        };
        // (Listed at NOW such a date reads as either; listed earlier it is the purge time.)
        assert_eq!(d.time_left_text(NOW), "less than a minute left");
        assert_eq!(d.urgency(NOW), Urgency::Critical);
    }
}
