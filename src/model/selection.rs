//! Which rows are selected for a bulk Cancel deletion. Kept by row id (`SecretRow::id`), so a
//! selection survives search, sort and filters: a selected row the search hides still counts.

use std::collections::HashSet;

/// What the "Select all shown" checkbox shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderCheck {
    /// No row shown is selected (or none is shown).
    None,
    /// Some of the rows shown are selected: the checkbox is mixed.
    Some,
    /// Every row shown is selected.
    All,
}

impl HeaderCheck {
    /// The `aria-checked` value.
    pub fn aria(self) -> &'static str {
        match self {
            HeaderCheck::None => "false",
            HeaderCheck::Some => "mixed",
            HeaderCheck::All => "true",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Selection {
    ids: HashSet<String>,
}

impl Selection {
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.ids.iter().map(String::as_str)
    }

    pub fn contains(&self, id: &str) -> bool {
        self.ids.contains(id)
    }

    pub fn set(&mut self, id: &str, selected: bool) {
        if selected {
            self.ids.insert(id.to_string());
        } else {
            self.ids.remove(id);
        }
    }

    pub fn clear(&mut self) {
        self.ids.clear();
    }

    /// The header checkbox over the rows shown (`shown`: their ids).
    pub fn header<'a>(&self, shown: impl IntoIterator<Item = &'a str>) -> HeaderCheck {
        let (mut any, mut all, mut some_shown) = (false, true, false);
        for id in shown {
            some_shown = true;
            if self.contains(id) {
                any = true;
            } else {
                all = false;
            }
        }
        match (some_shown, any, all) {
            (true, _, true) => HeaderCheck::All,
            (true, true, false) => HeaderCheck::Some,
            _ => HeaderCheck::None,
        }
    }

    /// A click on "Select all shown": selects every row shown, or, when all of them already
    /// are, unselects them. Rows the search hides keep their state either way.
    pub fn toggle_shown<'a>(&mut self, shown: impl IntoIterator<Item = &'a str> + Clone) {
        let select = self.header(shown.clone()) != HeaderCheck::All;
        for id in shown {
            self.set(id, select);
        }
    }

    /// Forgets rows that are no longer listed (restored, purged, or of a target the proxy no
    /// longer serves).
    pub fn keep_only(&mut self, listed: impl Fn(&str) -> bool) {
        self.ids.retain(|id| listed(id));
    }

    /// How many selected rows are not among those shown.
    pub fn hidden<'a>(&self, shown: impl IntoIterator<Item = &'a str>) -> usize {
        let shown_selected = shown.into_iter().filter(|id| self.contains(id)).count();
        self.len() - shown_selected
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_is_mixed_when_some_shown_rows_are_selected() {
        let mut s = Selection::default();
        assert_eq!(s.header(["a", "b"]), HeaderCheck::None);
        assert_eq!(s.header([]), HeaderCheck::None);
        s.set("a", true);
        assert_eq!(s.header(["a", "b"]), HeaderCheck::Some);
        assert_eq!(HeaderCheck::Some.aria(), "mixed");
        s.set("b", true);
        assert_eq!(s.header(["a", "b"]), HeaderCheck::All);
        // A selected row the search hides does not make the shown ones mixed.
        assert_eq!(s.header(["b"]), HeaderCheck::All);
        s.set("a", false);
        assert_eq!(s.len(), 1);
    }

    #[test]
    fn select_all_shown_leaves_hidden_rows_as_they_are() {
        let mut s = Selection::default();
        s.set("hidden", true);
        s.toggle_shown(["a", "b"]);
        assert!(s.contains("a") && s.contains("b") && s.contains("hidden"));
        assert_eq!(s.hidden(["a", "b"]), 1);
        // All shown are selected: the same click unselects them, not the hidden one.
        s.toggle_shown(["a", "b"]);
        assert!(!s.contains("a") && !s.contains("b"));
        assert!(s.contains("hidden"));
        // Mixed: a click selects the rest.
        s.set("a", true);
        s.toggle_shown(["a", "b"]);
        assert_eq!(s.header(["a", "b"]), HeaderCheck::All);
    }

    #[test]
    fn rows_that_leave_the_list_leave_the_selection() {
        let mut s = Selection::default();
        s.set("a", true);
        s.set("b", true);
        s.keep_only(|id| id == "b");
        assert!(!s.contains("a") && s.contains("b"));
        s.clear();
        assert!(s.is_empty());
    }
}
