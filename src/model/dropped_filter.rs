//! What to say when an account or region filter (from a link, or chosen before the proxy was
//! restarted with other targets) names nothing the dashboard lists, and so shows everything.

use crate::model::format::revealed;

/// "The account “X” is not among those this dashboard lists: all accounts are shown." `None`
/// when neither filter was dropped.
pub fn dropped_filter_text(account: Option<&str>, region: Option<&str>) -> Option<String> {
    let sentence = |what: &str, value: &str, all: &str| {
        format!(
            "The {what} “{}” is not among those this dashboard lists: all {all} are shown.",
            revealed(value)
        )
    };
    let parts: Vec<String> = [
        account.map(|a| sentence("account", a, "accounts")),
        region.map(|r| sentence("region", r, "regions")),
    ]
    .into_iter()
    .flatten()
    .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_dropped_says_nothing() {
        assert_eq!(dropped_filter_text(None, None), None);
    }

    #[test]
    fn names_what_was_dropped_and_what_is_shown() {
        assert_eq!(
            dropped_filter_text(Some("staging"), None).unwrap(),
            "The account “staging” is not among those this dashboard lists: all accounts are shown."
        );
        assert_eq!(
            dropped_filter_text(Some("999999999999"), Some("mars-1")).unwrap(),
            "The account “999999999999” is not among those this dashboard lists: all accounts are \
             shown. The region “mars-1” is not among those this dashboard lists: all regions are \
             shown."
        );
    }

    #[test]
    fn hostile_values_are_plain_and_invisible_characters_written_out() {
        let text = dropped_filter_text(None, Some("<b>x</b>\u{200B}")).unwrap();
        assert!(text.contains("“<b>x</b>[U+200B]”"), "{text}");
    }
}
