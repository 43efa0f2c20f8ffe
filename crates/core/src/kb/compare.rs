//! Comparing relays: the relays table's sort keys and filters, and which
//! relays work from a provider (a port the relay offers that the provider
//! leaves open).
//!
//! Like the providers table ([`super::table`]), the relays table is
//! prerendered with each row's filter values and sort keys in `data-`
//! attributes ([`RelayKeys::of`]); the browser reads them back and asks
//! [`arrange`] which rows to show in which order. The provider filter's
//! options carry each provider's open ports ([`open_ports`]), so the browser
//! needs no provider data. What this is not: a renderer.

use super::labels::Labelled;
use super::provider::Provider;
use super::relay::{Relay, TlsMode};
use super::table::{order_by_column, KEY_SEPARATOR};

/// The sortable columns, in table order.
pub const COLUMNS: [&str; 7] = [
    "Service",
    "Ports and TLS",
    "HTTPS API",
    "EU region",
    "Free tier",
    "User name",
    "Checked",
];

/// The ports a provider's data says are open for outbound mail by default:
/// 25 when its policy is open (with or without limits), then the
/// submission ports whose status is open
/// ([`crate::onward::open_submission_ports`]). A port that is blocked, only
/// opened on request, or unknown is not counted.
pub fn open_ports(p: &Provider) -> Vec<u16> {
    let port25 = p.port25.is_open_by_default().then_some(25);
    port25
        .into_iter()
        .chain(crate::onward::open_submission_ports(p))
        .collect()
}

/// The ports of `relay` that reach it from `provider`: the relay's ports
/// that are among the provider's [`open_ports`], in the relay's order.
/// Ports the provider data does not cover (2587, 8025, 443...) are not
/// counted: nothing says whether they are open.
pub fn works_from(relay: &Relay, provider: &Provider) -> Vec<u16> {
    let open = open_ports(provider);
    relay
        .ports
        .iter()
        .map(|p| p.port)
        .filter(|port| open.contains(port))
        .collect()
}

/// Writes ports as the `data-` attributes carry them: `587 2525`.
pub fn format_ports(ports: &[u16]) -> String {
    ports
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Reads what [`format_ports`] wrote; anything that is not a port is skipped.
pub fn parse_ports(text: &str) -> Vec<u16> {
    text.split_whitespace()
        .filter_map(|p| p.parse().ok())
        .collect()
}

/// What a relay row offers to the filters and the sort, as the `data-`
/// attributes of its `<tr>` carry it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RelayKeys {
    /// The name and id, matched by the text filter.
    pub name: String,
    /// Each port with its TLS mode: `587:starttls 465:implicit-tls`.
    pub ports: String,
    /// The HTTPS API key (`yes`, `no`, `unknown`).
    pub https: String,
    /// The EU region key.
    pub eu: String,
    /// The free tier's kind key (`ongoing`, `trial`, `none`, `unknown`).
    pub free: String,
    /// The user name convention key.
    pub username: String,
    /// One sort key per column of [`COLUMNS`], joined with
    /// [`KEY_SEPARATOR`].
    pub sort: String,
}

impl RelayKeys {
    /// The keys of `r`.
    pub fn of(r: &Relay) -> RelayKeys {
        fn rank<T: Labelled + PartialEq>(v: T) -> String {
            format!("{:02}", T::ALL.iter().position(|x| *x == v).unwrap_or(99))
        }
        let clean = |s: &str| s.replace(KEY_SEPARATOR, " ");
        let sort = [
            clean(&r.name.to_lowercase()),
            // More ports first when ascending.
            format!("{:02}", 99usize.saturating_sub(r.ports.len())),
            rank(r.https_api),
            rank(r.eu_region),
            // By kind, then the newest check first.
            format!(
                "{} {}",
                rank(r.free_tier.kind),
                r.free_tier
                    .as_of
                    .as_deref()
                    .map_or("9999-99-99".to_owned(), invert_date)
            ),
            clean(&r.credentials.username.label().to_lowercase()),
            r.last_verified.clone(),
        ]
        .join(&KEY_SEPARATOR.to_string());
        RelayKeys {
            name: format!("{} {}", r.name, r.id),
            ports: r
                .ports
                .iter()
                .map(|p| format!("{}:{}", p.port, p.tls.key()))
                .collect::<Vec<_>>()
                .join(" "),
            https: r.https_api.key().to_owned(),
            eu: r.eu_region.key().to_owned(),
            free: r.free_tier.kind.key().to_owned(),
            username: r.credentials.username.key().to_owned(),
            sort,
        }
    }

    /// The row's ports with their TLS mode keys.
    fn port_modes(&self) -> impl Iterator<Item = (u16, &str)> {
        self.ports.split_whitespace().filter_map(|p| {
            let (port, tls) = p.split_once(':')?;
            Some((port.parse().ok()?, tls))
        })
    }
}

/// A date that sorts newest first: each digit replaced by its complement.
fn invert_date(date: &str) -> String {
    date.chars()
        .map(|c| match c.to_digit(10) {
            Some(d) => char::from_digit(9 - d, 10).unwrap_or(c),
            None => c,
        })
        .collect()
}

/// The filters; an empty or `None` field matches every row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RelayFilter {
    /// Case-insensitive substring of the name.
    pub text: String,
    /// A port the relay must offer.
    pub port: Option<u16>,
    /// A TLS mode key (`starttls`, `implicit-tls`): on [`Self::port`] when
    /// one is set, else on any port.
    pub tls: String,
    /// Only relays whose sources say they have an HTTPS sending API.
    pub https_api: bool,
    /// Only relays whose sources say they have an EU region.
    pub eu_region: bool,
    /// A free tier kind key.
    pub free: String,
    /// A user name convention key.
    pub username: String,
    /// The ports open at the chosen provider ([`open_ports`]); the relay
    /// must offer one of them. `None` is "any provider".
    pub open_ports: Option<Vec<u16>>,
}

impl RelayFilter {
    /// Does `row` pass every filter?
    pub fn is_match(&self, row: &RelayKeys) -> bool {
        let needle = crate::search::normalize(&self.text);
        let text = needle.is_empty() || crate::search::normalize(&row.name).contains(&needle);
        let port_tls = row.port_modes().any(|(port, tls)| {
            self.port.is_none_or(|p| p == port) && (self.tls.is_empty() || self.tls == tls)
        });
        let from = self
            .open_ports
            .as_ref()
            .is_none_or(|open| row.port_modes().any(|(port, _)| open.contains(&port)));
        text && port_tls
            && from
            && (!self.https_api || row.https == "yes")
            && (!self.eu_region || row.eu == "yes")
            && (self.free.is_empty() || row.free == self.free)
            && (self.username.is_empty() || row.username == self.username)
    }
}

/// The indices of the rows to show, in display order: filtered, then sorted
/// by `column` (an index into [`COLUMNS`]), ties broken by name, stable.
pub fn arrange(
    rows: &[RelayKeys],
    filter: &RelayFilter,
    column: usize,
    ascending: bool,
) -> Vec<usize> {
    let shown = (0..rows.len())
        .filter(|&i| filter.is_match(&rows[i]))
        .collect();
    order_by_column(shown, |i| rows[i].sort.as_str(), column, ascending)
}

/// The TLS modes a filter can ask for, with their labels.
pub fn tls_options() -> impl Iterator<Item = (&'static str, &'static str)> {
    [TlsMode::Starttls, TlsMode::ImplicitTls]
        .into_iter()
        .map(|t| (t.key(), t.label()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::{FreeKind, Offered, UsernameConvention};

    fn relay(id: &str, ports: &[(u16, TlsMode)], https: Offered, eu: Offered) -> Relay {
        let mut r = Relay::for_generator(
            id,
            &id.to_uppercase(),
            &[("smtp.example.net", "global")],
            ports,
            UsernameConvention::Literal,
            Some("apikey"),
            false,
        );
        r.https_api = https;
        r.eu_region = eu;
        r
    }

    fn rows() -> Vec<RelayKeys> {
        use TlsMode::*;
        let mut a = relay(
            "alpha",
            &[(587, Starttls), (465, ImplicitTls)],
            Offered::Yes,
            Offered::Yes,
        );
        a.free_tier.kind = FreeKind::Ongoing;
        a.free_tier.as_of = Some("2026-11-01".into());
        let mut b = relay("bravo", &[(2525, Starttls)], Offered::Unknown, Offered::No);
        b.free_tier.kind = FreeKind::Ongoing;
        b.free_tier.as_of = Some("2026-11-29".into());
        b.credentials.username = UsernameConvention::ServerToken;
        let c = relay(
            "charlie",
            &[(25, Starttls), (8025, Starttls)],
            Offered::No,
            Offered::Unknown,
        );
        [a, b, c].iter().map(RelayKeys::of).collect()
    }

    #[test]
    fn keys_carry_ports_with_tls_and_the_offers() {
        let rows = rows();
        assert_eq!(rows[0].ports, "587:starttls 465:implicit-tls");
        assert_eq!(
            (rows[0].https.as_str(), rows[0].eu.as_str()),
            ("yes", "yes")
        );
        assert_eq!(rows[1].username, "server-token");
        assert_eq!(rows[1].free, "ongoing");
        assert_eq!(rows[0].sort.split(KEY_SEPARATOR).count(), COLUMNS.len());
    }

    #[test]
    fn filters_by_port_tls_offers_and_username() {
        let rows = rows();
        let f = |filter: RelayFilter| arrange(&rows, &filter, 0, true);
        assert_eq!(f(RelayFilter::default()), [0, 1, 2]);
        let port = |p| RelayFilter {
            port: Some(p),
            ..RelayFilter::default()
        };
        assert_eq!(f(port(465)), [0]);
        assert_eq!(f(port(2525)), [1]);
        assert!(f(port(2587)).is_empty());
        let implicit = RelayFilter {
            tls: "implicit-tls".into(),
            ..RelayFilter::default()
        };
        assert_eq!(f(implicit.clone()), [0]);
        // TLS on the chosen port, not on any port.
        assert!(f(RelayFilter {
            port: Some(587),
            ..implicit
        })
        .is_empty());
        assert_eq!(
            f(RelayFilter {
                https_api: true,
                ..RelayFilter::default()
            }),
            [0]
        );
        assert_eq!(
            f(RelayFilter {
                eu_region: true,
                ..RelayFilter::default()
            }),
            [0]
        );
        assert_eq!(
            f(RelayFilter {
                free: "ongoing".into(),
                ..RelayFilter::default()
            }),
            [0, 1]
        );
        assert_eq!(
            f(RelayFilter {
                username: "server-token".into(),
                ..RelayFilter::default()
            }),
            [1]
        );
        assert_eq!(
            f(RelayFilter {
                text: "BRAV".into(),
                ..RelayFilter::default()
            }),
            [1]
        );
    }

    #[test]
    fn works_from_keeps_relays_with_a_port_the_provider_leaves_open() {
        let rows = rows();
        let from = |ports: &[u16]| {
            arrange(
                &rows,
                &RelayFilter {
                    open_ports: Some(ports.to_vec()),
                    ..RelayFilter::default()
                },
                0,
                true,
            )
        };
        // Only 587 open (Hetzner-like): alpha.
        assert_eq!(from(&[587]), [0]);
        assert_eq!(from(&[587, 2525]), [0, 1]);
        assert_eq!(from(&[25]), [2]);
        // Nothing known open: nothing is shown as working.
        assert!(from(&[]).is_empty());
        assert_eq!(parse_ports(&format_ports(&[25, 587])), [25, 587]);
        assert_eq!(parse_ports(" 465 x 2525 "), [465, 2525]);
    }

    #[test]
    fn sorts_offers_and_free_tiers() {
        let rows = rows();
        let all = RelayFilter::default();
        // HTTPS API: yes, no, unknown.
        assert_eq!(arrange(&rows, &all, 2, true), [0, 2, 1]);
        // Free tier: ongoing newest check first, then unknown.
        assert_eq!(arrange(&rows, &all, 4, true), [1, 0, 2]);
        // More ports first.
        assert_eq!(arrange(&rows, &all, 1, true), [0, 2, 1]);
        assert_eq!(arrange(&rows, &all, 0, false), [2, 1, 0]);
    }

    #[test]
    fn open_ports_count_only_what_the_data_says_is_open() {
        use crate::kb::PortStatus::*;
        let kb = crate::content::load(&crate::content::Dir::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../content"
        )))
        .expect("content/ loads")
        .kb;
        for p in &kb.providers {
            let open = open_ports(p);
            assert_eq!(
                open.contains(&25),
                p.port25.is_open_by_default(),
                "{}",
                p.id
            );
            assert_eq!(
                open.contains(&587),
                p.other_ports.submission == Open,
                "{}",
                p.id
            );
        }
        let hetzner = kb.provider("hetzner-cloud").expect("hetzner-cloud");
        assert!(!open_ports(hetzner).contains(&25));
        assert!(open_ports(hetzner).contains(&587));
        let sendgrid = kb.relay("sendgrid").expect("sendgrid");
        assert!(works_from(sendgrid, hetzner).contains(&587));
    }
}
