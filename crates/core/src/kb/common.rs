//! Types shared by every kind of knowledge-base row: sources, confidence and
//! calendar dates.
//!
//! This module only describes and checks values; it does not fetch a source or
//! read a clock, so "is this date in the future" is answered against a date the
//! caller passes in (the data version's date), never against today.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How much a row's facts can be trusted, as recorded by the research.
///
/// `high` means a current official source; `medium` an official but old or
/// partial source, or several consistent secondary ones; `low` a single
/// secondary source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Confidence {
    /// A current official source.
    High,
    /// Official but old or partial, or several consistent secondary sources.
    Medium,
    /// A single secondary source, or none that could be linked.
    Low,
}

/// Whether a source is the provider's own documentation or someone else's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// Published by the provider or the standards body itself.
    Official,
    /// A third party: a blog, an issue thread, a dataset citing the provider.
    Secondary,
}

/// One citation backing a row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The page cited. `None` only for a secondary source the research could
    /// describe but not link (validation rejects an official source without
    /// one, and a row whose only sources are unlinked must be low confidence).
    pub url: Option<String>,
    /// A human-readable title for the link.
    pub title: String,
    /// Official or secondary.
    pub kind: SourceKind,
}

/// A calendar date in ISO 8601 `YYYY-MM-DD` form.
///
/// Ordering is chronological. Build it with [`IsoDate::parse`], which checks
/// the month and the day against the month's length (leap years included);
/// the knowledge base stores dates as strings and validation parses them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IsoDate {
    /// The year, four digits.
    pub year: u16,
    /// The month, 1 to 12.
    pub month: u8,
    /// The day of the month, 1 to 31.
    pub day: u8,
}

impl IsoDate {
    /// Parses exactly `YYYY-MM-DD`; returns `None` for any other shape or an
    /// impossible date such as `2026-02-30`.
    pub fn parse(text: &str) -> Option<IsoDate> {
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        let digits = |range: std::ops::Range<usize>| -> Option<u16> {
            let part = &text[range];
            if part.bytes().all(|b| b.is_ascii_digit()) {
                part.parse().ok()
            } else {
                None
            }
        };
        let year = digits(0..4)?;
        let month = u8::try_from(digits(5..7)?).ok()?;
        let day = u8::try_from(digits(8..10)?).ok()?;
        if year == 0 || !(1..=12).contains(&month) {
            return None;
        }
        if day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(IsoDate { year, month, day })
    }
}

impl fmt::Display for IsoDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn is_leap_year(year: u16) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

/// Returns true if `id` is a kebab-case slug: lowercase ASCII letters and
/// digits in groups joined by single hyphens (`aws-ec2`, `mta-sts`).
pub fn is_slug(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_valid_dates() {
        for (text, expected) in [
            ("2026-11-23", (2026, 11, 23)),
            ("2024-02-29", (2024, 2, 29)),
            ("2000-02-29", (2000, 2, 29)),
            ("1999-12-31", (1999, 12, 31)),
        ] {
            let date = IsoDate::parse(text).unwrap_or_else(|| panic!("{text} should parse"));
            assert_eq!((date.year, date.month, date.day), expected);
            assert_eq!(date.to_string(), text);
        }
    }

    #[test]
    fn rejects_malformed_or_impossible_dates() {
        for text in [
            "",
            "2026-11",
            "2026-11-1",
            "2026/11/23",
            "23-11-2026",
            "2026-13-01",
            "2026-00-10",
            "2026-11-00",
            "2026-02-29",
            "1900-02-29",
            "2026-04-31",
            "2026-1a-01",
            "+026-11-23",
            "2026-11-23T00:00:00Z",
            "0000-01-01",
        ] {
            assert_eq!(IsoDate::parse(text), None, "{text:?} should be rejected");
        }
    }

    #[test]
    fn dates_order_chronologically() {
        let a = IsoDate::parse("2025-12-30").unwrap();
        let b = IsoDate::parse("2026-01-02").unwrap();
        assert!(a < b);
    }

    #[test]
    fn recognises_slugs() {
        for ok in ["aws-ec2", "mta-sts", "x", "port-2525", "tls-rpt"] {
            assert!(is_slug(ok), "{ok}");
        }
        for bad in [
            "", "AWS", "aws_ec2", "-aws", "aws-", "aws--ec2", "aws ec2", "é",
        ] {
            assert!(!is_slug(bad), "{bad}");
        }
    }
}
