//! Parallel scan planning: split the ListSecrets scan into disjoint secret-name-prefix
//! partitions that can be paged at the same time.
//!
//! ListSecrets' `name` filter is a case-sensitive prefix match (AWS API reference, `Filter`; moto
//! 5.2.5 behaves the same), takes at most 10 values per filter, and its values are OR-ed. Secret
//! names may only contain ASCII letters, digits and `/_+=.@-`, so grouping those 69 first
//! characters into filters covers every valid name exactly once: the partitions are disjoint and
//! their union is the whole account. A name that does not start with one of those characters
//! (impossible on AWS, but an emulator may allow it) is "uncovered": if the sample shows one, the
//! caller falls back to the plain sequential scan.
//!
//! The first, unfiltered page (which the scan fetches anyway, for the first rows) is the sample:
//! first characters are weighted by how often they start a sampled name and packed so each
//! partition carries a similar share, heaviest partition first (longest job first under bounded
//! concurrency). Rows then arrive twice for the sampled page; the listing de-duplicates by ARN.

/// Characters a Secrets Manager secret name may contain (and so start with).
pub const NAME_ALPHABET: &str =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_+=.@-";

/// AWS: at most 10 values in one `Filter`.
pub const MAX_FILTER_VALUES: usize = 10;

/// The fewest partitions that can hold the whole alphabet (69 characters, 10 per filter).
pub const MIN_PARTITIONS: usize = NAME_ALPHABET.len().div_ceil(MAX_FILTER_VALUES);

/// Partitions paged at the same time. ListSecrets' quota is 100 requests/s per account and
/// region; 4 in flight stay far below it unless a page answers in under 40 ms.
pub const CONCURRENCY: usize = 4;

/// One disjoint slice of the account: secrets whose name starts with one of `prefixes`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partition {
    /// The `name` filter's values (1..=10 single characters).
    pub prefixes: Vec<String>,
    /// How many sampled names fall in it (the planning weight).
    pub weight: usize,
}

impl Partition {
    pub fn covers(&self, name: &str) -> bool {
        self.prefixes.iter().any(|p| name.starts_with(p.as_str()))
    }
}

/// How to scan the rest of the account after the first page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanPlan {
    /// The first page was the only one: nothing left to fetch.
    Done,
    /// A sampled name is not covered by the alphabet: one sequential scan (the classic one).
    Sequential { uncovered: Vec<String> },
    /// Page these partitions, at most [`CONCURRENCY`] at a time, in this order.
    Partitioned(Vec<Partition>),
}

/// Plans the scan from the first unfiltered page: its names and whether it had a `NextToken`.
pub fn plan_scan<'a>(
    first_page_names: impl IntoIterator<Item = &'a str>,
    more_pages: bool,
) -> ScanPlan {
    if !more_pages {
        return ScanPlan::Done;
    }
    let names: Vec<&str> = first_page_names.into_iter().collect();
    let uncovered: Vec<String> = names
        .iter()
        .filter(|n| !n.chars().next().is_some_and(|c| NAME_ALPHABET.contains(c)))
        .map(|n| n.to_string())
        .collect();
    if !uncovered.is_empty() {
        return ScanPlan::Sequential { uncovered };
    }
    ScanPlan::Partitioned(partitions(&names, MIN_PARTITIONS))
}

/// Groups the alphabet into `count` (at least [`MIN_PARTITIONS`]) disjoint partitions of at most
/// [`MAX_FILTER_VALUES`] first characters, balanced by the sample, heaviest first. Every
/// character of [`NAME_ALPHABET`] is in exactly one partition.
pub fn partitions(sample: &[&str], count: usize) -> Vec<Partition> {
    let count = count.max(MIN_PARTITIONS);
    let alphabet: Vec<char> = NAME_ALPHABET.chars().collect();
    let weight_of = |c: char| sample.iter().filter(|n| n.starts_with(c)).count();
    let mut chars: Vec<(usize, usize, char)> = alphabet
        .iter()
        .enumerate()
        .map(|(i, &c)| (weight_of(c), i, c))
        .collect();
    // Heaviest first; ties in alphabet order (deterministic plans).
    chars.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut groups: Vec<Partition> = (0..count)
        .map(|_| Partition { prefixes: Vec::new(), weight: 0 })
        .collect();
    for (weight, _, c) in chars {
        let target = groups
            .iter_mut()
            .filter(|g| g.prefixes.len() < MAX_FILTER_VALUES)
            .min_by_key(|g| (g.weight, g.prefixes.len()))
            .expect("count * MAX_FILTER_VALUES >= alphabet size");
        target.prefixes.push(c.to_string());
        target.weight += weight;
    }
    groups.retain(|g| !g.prefixes.is_empty());
    // Stable: equal weights keep their creation order.
    groups.sort_by(|a, b| b.weight.cmp(&a.weight));
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_char_once(parts: &[Partition]) {
        let mut seen: Vec<char> = parts
            .iter()
            .flat_map(|p| p.prefixes.iter().map(|s| s.chars().next().unwrap()))
            .collect();
        seen.sort_unstable();
        let mut want: Vec<char> = NAME_ALPHABET.chars().collect();
        want.sort_unstable();
        assert_eq!(seen, want, "partitions must cover the alphabet exactly once");
    }

    #[test]
    fn covers_the_alphabet_disjointly_within_aws_limits() {
        for count in [0, 1, MIN_PARTITIONS, 8, 12, 69, 100] {
            let parts = partitions(&["prod/db", "staging/x", "Zed", "9lives", "/abs"], count);
            every_char_once(&parts);
            assert!(parts.iter().all(|p| (1..=MAX_FILTER_VALUES).contains(&p.prefixes.len())));
            assert!(parts.len() >= MIN_PARTITIONS);
        }
    }

    #[test]
    fn every_valid_name_is_in_exactly_one_partition() {
        let parts = partitions(&[], MIN_PARTITIONS);
        for name in ["prod/db", "Prod/db", "p", "9", "/x", "_", "+a", "=b", ".c", "@d", "-e", "zz"] {
            assert_eq!(parts.iter().filter(|p| p.covers(name)).count(), 1, "{name}");
        }
    }

    #[test]
    fn spreads_heavy_first_characters_over_different_partitions() {
        // The demo generator's shape: four environments, one first character each.
        let sample: Vec<String> = (0..100)
            .map(|i| format!("{}/svc{i}", ["prod", "staging", "dev", "qa"][i % 4]))
            .collect();
        let sample: Vec<&str> = sample.iter().map(String::as_str).collect();
        let parts = partitions(&sample, MIN_PARTITIONS);
        let heavy: Vec<usize> = parts.iter().map(|p| p.weight).filter(|&w| w > 0).collect();
        assert_eq!(heavy, vec![25, 25, 25, 25]);
        // Heaviest first.
        assert!(parts.windows(2).all(|w| w[0].weight >= w[1].weight));
    }

    #[test]
    fn is_case_sensitive_like_the_name_filter() {
        let parts = partitions(&["prod/a", "prod/b"], MIN_PARTITIONS);
        let lower = parts.iter().position(|p| p.covers("prod")).unwrap();
        let upper = parts.iter().position(|p| p.covers("Prod")).unwrap();
        assert_ne!(lower, upper);
    }

    #[test]
    fn plans_nothing_after_a_single_page() {
        assert_eq!(plan_scan(["prod/db"], false), ScanPlan::Done);
        assert_eq!(plan_scan([], false), ScanPlan::Done);
    }

    #[test]
    fn falls_back_to_one_sequential_scan_for_uncovered_names() {
        assert_eq!(
            plan_scan(["prod/db", "ünicode", " space"], true),
            ScanPlan::Sequential { uncovered: vec!["ünicode".into(), " space".into()] }
        );
    }

    #[test]
    fn partitions_when_more_pages_follow() {
        match plan_scan(["prod/db", "dev/x"], true) {
            ScanPlan::Partitioned(parts) => {
                every_char_once(&parts);
                assert_eq!(parts[0].weight, 1);
            }
            other => panic!("{other:?}"),
        }
    }
}
