//! Types shared by every kind of knowledge-base row: sources, confidence and
//! calendar dates.
//!
//! This module only describes and checks values; it does not fetch a source or
//! read a clock, so "is this date in the future" is answered against a date the
//! caller passes in (the data version's date), never against today.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How much a row's facts can be trusted.
///
/// Derived from the row's port 25 citation when the data is built: `high`
/// when it quotes an official source checked in this release, `medium` an
/// official source not re-checked since the research, `low` a secondary
/// source or none at all. Each cell's own citation says more; pages word the
/// low-confidence notice from the row's actual sources.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Confidence {
    /// The port 25 policy quotes an official source checked in this release.
    High,
    /// It quotes an official source not re-checked since the research.
    Medium,
    /// It rests on a secondary source, or no source could be cited.
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

/// One page cited by a row, with the claims it supports.
///
/// A source is listed once per row (validation rejects two sources with the
/// same URL); each of its [`Claim`]s ties one cell of the row to a verbatim
/// quote from the page and the date the quote was checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The page read. For a secondary source this is the third party's page
    /// itself, never the provider's (validation rejects a secondary source on
    /// the provider's own domain).
    pub url: String,
    /// The page's title, as published.
    pub title: String,
    /// Official (the provider's own documentation or announcement) or
    /// secondary.
    pub kind: SourceKind,
    /// The page's own date where it shows one: `YYYY-MM-DD`, or `YYYY-MM` or
    /// `YYYY` when the page gives no more.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// The cells this page supports; at least one.
    pub claims: Vec<Claim>,
}

/// One cell of a row backed by a quote from a [`Source`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Claim {
    /// The cell, as a field key (`port25`, `port587`, `unblock_route`,
    /// `variant:<name>`, `host:<host>`, `port:<n>`, ...; see
    /// [`super::cells`]).
    pub field: String,
    /// A verbatim quote from the page that supports the cell, at most
    /// [`MAX_QUOTE_CHARS`] characters.
    pub quote: String,
    /// When the quote was checked against the page.
    pub checked: Checked,
    /// How the value follows from the quote when the page does not state it
    /// ("587 open because the provider tells customers to use it"); `None`
    /// when the quote states the value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inferred: Option<String>,
    /// The value in words, for cells the row has no typed field for
    /// (`price`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// The longest quote a claim may carry, in characters: a quote supports one
/// cell, it does not reproduce the page.
pub const MAX_QUOTE_CHARS: usize = 300;

/// When a claim was last checked against its source's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub enum Checked {
    /// Read against the page on this date (`YYYY-MM-DD`).
    On(String),
    /// Not re-checked since the original research, which was done between
    /// these two dates (`YYYY-MM-DD`, inclusive).
    NotRechecked {
        /// The research's first day.
        from: String,
        /// The research's last day.
        to: String,
    },
}

impl Checked {
    /// The check date, if the claim was re-checked.
    pub fn date(&self) -> Option<&str> {
        match self {
            Checked::On(date) => Some(date),
            Checked::NotRechecked { .. } => None,
        }
    }

    /// The latest day the claim can have been checked: the check date, or
    /// the research's last day.
    pub fn latest(&self) -> &str {
        match self {
            Checked::On(date) => date,
            Checked::NotRechecked { to, .. } => to,
        }
    }

    /// The words a page shows: "checked 2026-11-29" or "not re-checked
    /// (research of 2026-11-01 to 2026-11-23)".
    pub fn describe(&self) -> String {
        match self {
            Checked::On(date) => format!("checked {date}"),
            Checked::NotRechecked { from, to } => {
                format!("not re-checked (research of {from} to {to})")
            }
        }
    }
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

    /// Days since 1970-01-01, so two dates can be subtracted.
    pub fn days(self) -> i64 {
        crate::calendar::days_from_civil(
            i64::from(self.year),
            i64::from(self.month),
            i64::from(self.day),
        )
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
