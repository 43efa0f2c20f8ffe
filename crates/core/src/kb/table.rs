//! Sorting and filtering the providers comparison table.
//!
//! The table is prerendered as plain HTML with each row's filter values and
//! sort keys in `data-` attributes; in the browser a small handler reads those
//! back, asks [`arrange`] which rows to show in which order, and moves the
//! rows. Keeping the rows out of the wasm bundle keeps it small; keeping this
//! logic here keeps it testable. What it is not: a renderer.

use super::labels::Labelled;
use super::provider::Provider;

/// The sortable columns, in table order.
pub const COLUMNS: [&str; 9] = [
    "Provider",
    "Category",
    "Port 25",
    "465",
    "587",
    "2525",
    "Unblock",
    "Confidence",
    "Checked",
];

/// Separates the sort keys in a row's `data-sort` attribute.
pub const KEY_SEPARATOR: char = '|';

/// The sort keys of a provider, one per column, joined with
/// [`KEY_SEPARATOR`]. Enum columns sort by the enum's declared order (a
/// two-digit rank), text columns alphabetically.
pub fn sort_keys(p: &Provider) -> String {
    fn rank<T: Labelled + PartialEq>(v: T) -> String {
        format!("{:02}", T::ALL.iter().position(|x| *x == v).unwrap_or(99))
    }
    [
        p.name.to_lowercase().replace(KEY_SEPARATOR, " "),
        rank(p.category),
        rank(p.port25),
        rank(p.other_ports.smtps),
        rank(p.other_ports.submission),
        rank(p.other_ports.alternate_2525),
        rank(p.unblock.route),
        rank(p.confidence),
        p.last_verified.clone(),
    ]
    .join(&KEY_SEPARATOR.to_string())
}

/// What a row offers to the filters and the sort.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowKeys {
    /// The provider's name (and id), matched by the text filter.
    pub name: String,
    /// Category key.
    pub category: String,
    /// Port 25 policy key.
    pub policy: String,
    /// Unblock route key.
    pub unblock: String,
    /// The `data-sort` attribute: one key per column.
    pub sort: String,
}

/// The filters; an empty field matches every row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Case-insensitive substring of the name.
    pub text: String,
    /// Category key.
    pub category: String,
    /// Port 25 policy key.
    pub policy: String,
    /// Unblock route key.
    pub unblock: String,
}

impl Filter {
    /// Does `row` pass every filter?
    pub fn is_match(&self, row: &RowKeys) -> bool {
        // The search's folding (ASCII and Latin-1 by hand): `to_lowercase`
        // would bring Unicode's case tables (10 KiB gzip) into the browser.
        let needle = crate::search::normalize(&self.text);
        (needle.is_empty() || crate::search::normalize(&row.name).contains(&needle))
            && (self.category.is_empty() || row.category == self.category)
            && (self.policy.is_empty() || row.policy == self.policy)
            && (self.unblock.is_empty() || row.unblock == self.unblock)
    }
}

/// The indices of the rows to show, in display order: filtered, then sorted
/// by `column` (an index into [`COLUMNS`]), ties broken by name, stable.
pub fn arrange(rows: &[RowKeys], filter: &Filter, column: usize, ascending: bool) -> Vec<usize> {
    let shown = (0..rows.len())
        .filter(|&i| filter.is_match(&rows[i]))
        .collect();
    order_by_column(shown, |i| rows[i].sort.as_str(), column, ascending)
}

/// Sorts row indices by one column of their sort keys (`sort(i)` is row
/// `i`'s keys joined with [`KEY_SEPARATOR`]), ties broken by the first
/// column ascending; stable. Shared by the providers and relays tables.
pub fn order_by_column<'a>(
    mut shown: Vec<usize>,
    sort: impl Fn(usize) -> &'a str,
    column: usize,
    ascending: bool,
) -> Vec<usize> {
    let key = |i: usize, col: usize| sort(i).split(KEY_SEPARATOR).nth(col).unwrap_or("");
    shown.sort_by(|&a, &b| {
        let order = key(a, column).cmp(key(b, column));
        let order = if ascending { order } else { order.reverse() };
        order.then_with(|| key(a, 0).cmp(key(b, 0)))
    });
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, category: &str, policy: &str, sort: &str) -> RowKeys {
        RowKeys {
            name: name.into(),
            category: category.into(),
            policy: policy.into(),
            unblock: "on-request".into(),
            sort: sort.into(),
        }
    }

    fn rows() -> Vec<RowKeys> {
        vec![
            row(
                "Vultr vultr",
                "vps",
                "blocked",
                "vultr|01|00|02|02|02|01|00|2026-11-01",
            ),
            row(
                "AWS EC2 aws-ec2",
                "hyperscaler-cloud",
                "blocked",
                "aws ec2|00|00|00|00|02|01|00|2026-11-02",
            ),
            row(
                "Comcast comcast",
                "residential-isp",
                "open",
                "comcast|08|03|02|00|02|04|02|2026-10-30",
            ),
        ]
    }

    #[test]
    fn sorts_by_any_column_both_ways() {
        let rows = rows();
        let all = Filter::default();
        assert_eq!(arrange(&rows, &all, 0, true), [1, 2, 0]);
        assert_eq!(arrange(&rows, &all, 0, false), [0, 2, 1]);
        assert_eq!(arrange(&rows, &all, 1, true), [1, 0, 2]);
        assert_eq!(arrange(&rows, &all, 8, true), [2, 0, 1]);
        // Ties (policy "00" twice) fall back to the name, ascending.
        assert_eq!(arrange(&rows, &all, 2, true), [1, 0, 2]);
    }

    #[test]
    fn filters_combine() {
        let rows = rows();
        let blocked = Filter {
            policy: "blocked".into(),
            ..Filter::default()
        };
        assert_eq!(arrange(&rows, &blocked, 0, true), [1, 0]);
        let text = Filter {
            text: " EC2 ".into(),
            ..Filter::default()
        };
        assert_eq!(arrange(&rows, &text, 0, true), [1]);
        let none = Filter {
            category: "vps".into(),
            policy: "open".into(),
            ..Filter::default()
        };
        assert!(arrange(&rows, &none, 0, true).is_empty());
    }
}
