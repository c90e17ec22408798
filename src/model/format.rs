//! Plain-text formatting of durations and counts (no browser needed, so it is unit-tested).

use crate::model::time_units::{DAY_MS, HOUR_MS, MINUTE_MS};

fn plural(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{} {many}", grouped(n as usize))
    }
}

/// A duration in words, to two units: "3 days 4 hours", "5 hours 12 minutes", "8 minutes".
pub fn duration_text(ms: f64) -> String {
    if ms < MINUTE_MS {
        return "less than a minute".to_string();
    }
    // Whole minutes first, then integer arithmetic.
    let total_minutes = (ms / MINUTE_MS).floor() as u64;
    let per_hour = (HOUR_MS / MINUTE_MS) as u64;
    let per_day = (DAY_MS / MINUTE_MS) as u64;
    let days = total_minutes / per_day;
    let hours = total_minutes % per_day / per_hour;
    let minutes = total_minutes % per_hour;
    match (days, hours, minutes) {
        (0, 0, m) => plural(m, "minute", "minutes"),
        (0, h, 0) => plural(h, "hour", "hours"),
        (0, h, m) => format!(
            "{} {}",
            plural(h, "hour", "hours"),
            plural(m, "minute", "minutes")
        ),
        (d, 0, _) => plural(d, "day", "days"),
        (d, h, _) => format!(
            "{} {}",
            plural(d, "day", "days"),
            plural(h, "hour", "hours")
        ),
    }
}

/// Whole days, rounded down, for estimates where hours would be false precision.
pub fn days_text(ms: f64) -> String {
    plural((ms.max(0.0) / DAY_MS).floor() as u64, "day", "days")
}

/// `text` as it is shown in a sentence or an accessible name: with its invisible and reordering
/// characters written out ([`reveal_invisible`]), else unchanged.
pub fn revealed(text: &str) -> String {
    reveal_invisible(text).unwrap_or_else(|| text.to_string())
}

/// `text` with every character that shows as nothing, or that reorders the text around it,
/// written out as `[U+200B]`; `None` when it has none. Two names that look the same in the table
/// (`prod/db` and `prod/db` + a zero-width space, which moto accepts) can then be told apart.
pub fn reveal_invisible(text: &str) -> Option<String> {
    // A space at either end is invisible too.
    let last = text.chars().count().saturating_sub(1);
    let hidden = |i: usize, c: char| is_invisible(c) || (c == ' ' && (i == 0 || i == last));
    text.chars()
        .enumerate()
        .any(|(i, c)| hidden(i, c))
        .then(|| {
            let mut out = String::new();
            for (i, c) in text.chars().enumerate() {
                if hidden(i, c) {
                    out.push_str(&format!("[U+{:04X}]", c as u32));
                } else {
                    out.push(c);
                }
            }
            out
        })
}

/// Characters that show as nothing, as a blank other than a plain space, or that reorder the text
/// around them: controls, Unicode's default-ignorable code points (zero-width characters, bidi
/// controls, variation selectors, fillers, tag characters), line and paragraph separators, and
/// the other spaces.
fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{A0}' | '\u{AD}' | '\u{34F}' | '\u{61C}' | '\u{115F}'..='\u{1160}' | '\u{1680}'
            | '\u{17B4}'..='\u{17B5}' | '\u{180B}'..='\u{180F}' | '\u{2000}'..='\u{200F}'
            | '\u{2028}'..='\u{202F}' | '\u{205F}'..='\u{206F}' | '\u{2800}' | '\u{3000}'
            | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFFB}' | '\u{1BCA0}'..='\u{1BCA3}' | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}')
}

/// "1 secret" / "1,200 secrets".
pub fn count_text(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{} {many}", grouped(n))
    }
}

/// Groups digits in threes ("1,200"); the UI uses this for counts so figures read the same in
/// every locale as the rest of the (English) text.
pub fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_and_reordering_characters_are_written_out() {
        assert_eq!(reveal_invisible("prod/db"), None);
        assert_eq!(reveal_invisible("café/naïve"), None);
        assert_eq!(
            reveal_invisible("prod/db\u{200B}").as_deref(),
            Some("prod/db[U+200B]")
        );
        assert_eq!(
            reveal_invisible("\u{202E}gnp.exe").as_deref(),
            Some("[U+202E]gnp.exe")
        );
        assert_eq!(reveal_invisible("a\tb").as_deref(), Some("a[U+0009]b"));
        // What a second QA pass found missing.
        for (c, shown) in [
            ('\u{61C}', "[U+061C]"),
            ('\u{2028}', "[U+2028]"),
            ('\u{E0041}', "[U+E0041]"),
            ('\u{3164}', "[U+3164]"),
            ('\u{FE0F}', "[U+FE0F]"),
            ('\u{34F}', "[U+034F]"),
            ('\u{17B4}', "[U+17B4]"),
            ('\u{2800}', "[U+2800]"),
            ('\u{FFF9}', "[U+FFF9]"),
            ('\u{A0}', "[U+00A0]"),
        ] {
            assert_eq!(
                reveal_invisible(&format!("prod/db{c}")),
                Some(format!("prod/db{shown}"))
            );
        }
        assert_eq!(
            reveal_invisible("prod/db ").as_deref(),
            Some("prod/db[U+0020]")
        );
        assert_eq!(
            reveal_invisible(" prod/db").as_deref(),
            Some("[U+0020]prod/db")
        );
        assert_eq!(reveal_invisible("a b"), None);
    }

    #[test]
    fn durations() {
        assert_eq!(duration_text(59_999.0), "less than a minute");
        assert_eq!(duration_text(MINUTE_MS), "1 minute");
        assert_eq!(duration_text(2.0 * HOUR_MS), "2 hours");
        assert_eq!(duration_text(HOUR_MS + MINUTE_MS), "1 hour 1 minute");
        assert_eq!(duration_text(DAY_MS + 5.0 * MINUTE_MS), "1 day");
        assert_eq!(
            duration_text(29.0 * DAY_MS + 23.0 * HOUR_MS),
            "29 days 23 hours"
        );
        assert_eq!(
            duration_text(3.0 * DAY_MS + 4.0 * HOUR_MS + 59.0 * MINUTE_MS + 59_999.0),
            "3 days 4 hours"
        );
        assert_eq!(
            duration_text(23.0 * HOUR_MS + 59.0 * MINUTE_MS + 59_999.0),
            "23 hours 59 minutes"
        );
    }

    #[test]
    fn days_and_counts() {
        assert_eq!(days_text(-5.0), "0 days");
        assert_eq!(days_text(DAY_MS * 2_912_107.0), "2,912,107 days");
        assert_eq!(days_text(DAY_MS * 1.9), "1 day");
        assert_eq!(count_text(1, "secret", "secrets"), "1 secret");
        assert_eq!(count_text(0, "secret", "secrets"), "0 secrets");
        assert_eq!(count_text(1_200, "secret", "secrets"), "1,200 secrets");
    }

    #[test]
    fn digit_grouping() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1_200), "1,200");
        assert_eq!(grouped(1_234_567), "1,234,567");
    }
}
