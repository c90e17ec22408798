//! The view in the page's query string, so that a link reproduces it: `?q=` (search), `?sort=`,
//! `?account=`, `?region=`, and `?secret=NAME-or-ARN` (open that secret's restore). Plain query
//! strings work with static hosting and `trunk serve` alike. They carry nothing but names, ARNs
//! and view settings; what they hold is only ever shown as text.

use crate::model::table_view::{Direction, Sort, SortColumn};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ViewUrl {
    pub query: String,
    pub sort: Sort,
    /// An account's ID or label.
    pub account: Option<String>,
    pub region: Option<String>,
    /// A secret's name or ARN whose restore the page opens once it is listed.
    pub secret: Option<String>,
    /// Parameters this page does not use, kept as they came.
    other: Vec<(String, String)>,
}

const KEYS: [&str; 5] = ["q", "sort", "account", "region", "secret"];

/// The longest search a link may set: longer than any secret's name, description or tag (AWS
/// caps them at 2,048 characters), and short enough that matching stays instant.
pub const QUERY_MAX_CHARS: usize = 2048;

impl ViewUrl {
    /// Reads `location.search` (with or without its `?`). Unknown sort values are the default
    /// order, empty values are absent; a key given twice counts once (the first).
    pub fn parse(search: &str) -> Self {
        let mut view = ViewUrl::default();
        let mut seen = Vec::new();
        let search = search.strip_prefix('?').unwrap_or(search);
        for (key, value) in form_urlencoded::parse(search.as_bytes()) {
            let key = key.into_owned();
            if !KEYS.contains(&key.as_str()) {
                view.other.push((key, value.into_owned()));
                continue;
            }
            if seen.contains(&key) {
                continue;
            }
            seen.push(key.clone());
            let present = (!value.trim().is_empty()).then(|| value.trim().to_string());
            match key.as_str() {
                "q" => view.query = value.chars().take(QUERY_MAX_CHARS).collect(),
                "sort" => view.sort = present.as_deref().and_then(parse_sort).unwrap_or_default(),
                "account" => view.account = present,
                "region" => view.region = present,
                _ => view.secret = present,
            }
        }
        view
    }

    /// The query string for this view (`""` for the default view), parameters in a fixed order,
    /// those of others after them.
    pub fn to_search(&self) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        if !self.query.is_empty() {
            out.append_pair("q", &self.query);
        }
        if self.sort != Sort::default() {
            out.append_pair("sort", &sort_text(self.sort));
        }
        for (key, value) in [
            ("account", &self.account),
            ("region", &self.region),
            ("secret", &self.secret),
        ] {
            if let Some(value) = value {
                out.append_pair(key, value);
            }
        }
        for (key, value) in &self.other {
            out.append_pair(key, value);
        }
        let query = out.finish();
        if query.is_empty() {
            query
        } else {
            format!("?{query}")
        }
    }

    /// The same view with another `secret` (and everything else as it is).
    pub fn with_secret(&self, secret: Option<String>) -> Self {
        ViewUrl {
            secret,
            ..self.clone()
        }
    }
}

/// A link that opens only the restore of the secret `arn`: the ARN alone names one secret in
/// one account and region.
pub fn secret_link(arn: &str) -> String {
    ViewUrl::default()
        .with_secret(Some(arn.to_string()))
        .to_search()
}

fn column_slug(column: SortColumn) -> &'static str {
    match column {
        SortColumn::Name => "name",
        SortColumn::DeletionDate => "deletion-date",
        SortColumn::TimeLeft => "time-left",
        SortColumn::LastChanged => "last-changed",
    }
}

/// "time-left", "name-desc", ...
fn sort_text(sort: Sort) -> String {
    let slug = column_slug(sort.column);
    match sort.direction {
        Direction::Ascending => slug.to_string(),
        Direction::Descending => format!("{slug}-desc"),
    }
}

fn parse_sort(text: &str) -> Option<Sort> {
    let (slug, direction) = match text.strip_suffix("-desc") {
        Some(slug) => (slug, Direction::Descending),
        None => (
            text.strip_suffix("-asc").unwrap_or(text),
            Direction::Ascending,
        ),
    };
    let column = [
        SortColumn::Name,
        SortColumn::DeletionDate,
        SortColumn::TimeLeft,
        SortColumn::LastChanged,
    ]
    .into_iter()
    .find(|c| column_slug(*c) == slug)?;
    Some(Sort { column, direction })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_view_is_an_empty_query_string() {
        assert_eq!(ViewUrl::parse(""), ViewUrl::default());
        assert_eq!(ViewUrl::parse("?"), ViewUrl::default());
        assert_eq!(ViewUrl::default().to_search(), "");
    }

    #[test]
    fn a_view_round_trips() {
        let view = ViewUrl {
            query: "prod db".into(),
            sort: Sort {
                column: SortColumn::Name,
                direction: Direction::Descending,
            },
            account: Some("111111111111".into()),
            region: Some("eu-west-1".into()),
            secret: Some(
                "arn:aws:secretsmanager:eu-west-1:111111111111:secret:prod/db-AbCdEf".into(),
            ),
            other: Vec::new(),
        };
        let search = view.to_search();
        assert_eq!(
            search,
            "?q=prod+db&sort=name-desc&account=111111111111&region=eu-west-1&secret=arn%3Aaws%3Asecretsmanager%3Aeu-west-1%3A111111111111%3Asecret%3Aprod%2Fdb-AbCdEf"
        );
        assert_eq!(ViewUrl::parse(&search), view);
    }

    #[test]
    fn hostile_or_odd_values_are_plain_text() {
        let view = ViewUrl::parse(
            "?q=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&sort=%3Cscript%3E&region=&secret=%E2%80%AEgnp.exe&q=second",
        );
        // Kept exactly as text (the page only ever shows it as text), the first `q` wins.
        assert_eq!(view.query, "<img src=x onerror=alert(1)>");
        // Not a sort this page knows: the default order.
        assert_eq!(view.sort, Sort::default());
        assert_eq!(view.region, None);
        assert_eq!(view.secret.as_deref(), Some("\u{202E}gnp.exe"));
        // Written back, it is encoded, never raw markup.
        let search = view.to_search();
        assert!(!search.contains('<') && !search.contains('>'), "{search}");
        assert_eq!(ViewUrl::parse(&search).query, view.query);
        // A search no secret could match is cut to a length that stays quick to match.
        let huge = ViewUrl::parse(&format!("q={}", "y".repeat(20_000)));
        assert_eq!(huge.query.chars().count(), QUERY_MAX_CHARS);
    }

    #[test]
    fn sorts_read_either_direction_and_others_parameters_stay() {
        let view = ViewUrl::parse("utm_source=runbook&sort=last-changed-desc");
        assert_eq!(
            view.sort,
            Sort {
                column: SortColumn::LastChanged,
                direction: Direction::Descending,
            }
        );
        assert_eq!(ViewUrl::parse("sort=time-left-asc").sort, Sort::default());
        assert_eq!(
            view.to_search(),
            "?sort=last-changed-desc&utm_source=runbook"
        );
        assert_eq!(secret_link("prod/db"), "?secret=prod%2Fdb");
        assert_eq!(
            view.with_secret(Some("a b".into())).to_search(),
            "?sort=last-changed-desc&secret=a+b&utm_source=runbook"
        );
    }
}
