//! The factual cells of provider and relay rows, and the claims that back
//! them.
//!
//! A cell is one fact a page or table shows (a provider's port 587 status, a
//! relay's host), named by a field key such as `port587` or `host:<host>`.
//! [`provider_cells`] and [`relay_cells`] list a row's cells with whether
//! each needs a citation (an "unknown" value does not: there is nothing to
//! cite); [`citation`] finds the [`Claim`] and [`Source`] that back one. This
//! module only looks data up; [`super::validate`] enforces the rules and the
//! site renders.

use super::common::{Claim, Source};
use super::labels::Labelled;
use super::provider::{Port25Policy, PortStatus, Provider, UnblockRoute};
use super::relay::{FreeKind, Offered, Relay, TlsMode, UsernameConvention};

/// One factual cell of a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// The field key claims use (`port25`, `variant:Enterprise Agreement`).
    pub field: String,
    /// What the cell is, for people ("Outbound port 587").
    pub label: String,
    /// The value as shown ("Blocked").
    pub value: String,
    /// Whether the value needs a citation: false only for "unknown" values.
    pub needs_citation: bool,
}

fn cell(field: impl Into<String>, value: impl Into<String>, known: bool) -> Cell {
    let field = field.into();
    Cell {
        label: field_label(&field),
        field,
        value: value.into(),
        needs_citation: known,
    }
}

/// What a field key names, for people: `port25` is "Outbound port 25",
/// `host:smtp.x.net` is "SMTP host smtp.x.net", a variant its name.
pub fn field_label(field: &str) -> String {
    let (head, tail) = field.split_once(':').unwrap_or((field, ""));
    match (head, tail) {
        ("port25" | "port465" | "port587" | "port2525", _) => {
            format!("Outbound port {}", &head[4..])
        }
        ("inbound25", _) => "Inbound port 25".to_owned(),
        ("unblock_route", _) => "How to unblock".to_owned(),
        ("unblock_conditions", _) => "Unblock conditions".to_owned(),
        ("recommended_relay", _) => "Recommended route".to_owned(),
        ("variant", name) => name.to_owned(),
        ("host", host) => format!("SMTP host {host}"),
        ("port", n) => format!("Port {n}"),
        ("tls", n) => format!("TLS on port {n}"),
        ("username", _) => "User name".to_owned(),
        ("free_tier", _) => "Free tier".to_owned(),
        ("price", _) => "Price".to_owned(),
        ("https_api", _) => "HTTPS sending API".to_owned(),
        ("eu_region", _) => "EU region".to_owned(),
        _ => field.to_owned(),
    }
}

/// Every factual cell of a provider row, in page order.
pub fn provider_cells(p: &Provider) -> Vec<Cell> {
    let port = |n: u16, status: PortStatus| {
        cell(
            format!("port{n}"),
            status.label(),
            status != PortStatus::Unknown,
        )
    };
    let mut cells = vec![
        cell(
            "port25",
            p.port25.label(),
            p.port25 != Port25Policy::Unknown,
        ),
        port(465, p.other_ports.smtps),
        port(587, p.other_ports.submission),
        port(2525, p.other_ports.alternate_2525),
        cell(
            "inbound25",
            p.inbound25.label(),
            p.inbound25 != PortStatus::Unknown,
        ),
        cell(
            "unblock_route",
            p.unblock.route.label(),
            p.unblock.route != UnblockRoute::Unknown,
        ),
        cell(
            "unblock_conditions",
            p.unblock.conditions.clone(),
            p.unblock.route != UnblockRoute::Unknown,
        ),
    ];
    for v in &p.variants {
        cells.push(cell(
            format!("variant:{}", v.name),
            format!(
                "Port 25: {}; unblock: {}",
                v.policy.label(),
                v.unblock.label()
            ),
            true,
        ));
    }
    if let Some(relay) = &p.recommended_relay {
        cells.push(cell("recommended_relay", relay.text.clone(), true));
    }
    cells
}

/// Every factual cell of a relay row, in page order. Each port's cell
/// (`port:<n>`) covers the port and its TLS mode; a separate `tls:<n>` claim
/// may add a quote for the TLS mode.
pub fn relay_cells(r: &Relay) -> Vec<Cell> {
    let mut cells: Vec<Cell> = r
        .hosts
        .iter()
        .map(|h| cell(format!("host:{}", h.host), h.host.clone(), true))
        .collect();
    for p in &r.ports {
        cells.push(cell(format!("port:{}", p.port), p.tls.label(), true));
        cells.push(cell(format!("tls:{}", p.port), p.tls.label(), false));
    }
    cells.push(cell(
        "username",
        r.credentials
            .literal
            .clone()
            .unwrap_or_else(|| r.credentials.username_help.clone()),
        r.credentials.username != UsernameConvention::NotRecorded,
    ));
    cells.push(cell(
        "free_tier",
        r.free_tier.description.clone(),
        r.free_tier.as_of.is_some() || r.free_tier.kind != FreeKind::Unknown,
    ));
    cells.push(cell(
        "https_api",
        r.https_api.label(),
        r.https_api != Offered::Unknown,
    ));
    cells.push(cell(
        "eu_region",
        r.eu_region.label(),
        r.eu_region != Offered::Unknown,
    ));
    // The price has no typed field: its claim carries the value in words.
    cells.push(cell("price", String::new(), false));
    cells
}

/// A `tls:<n>` key for a port whose TLS mode is "not stated": a quote
/// cannot back a mode the row does not claim.
fn is_tls_unspecified(r: &Relay, field: &str) -> bool {
    field
        .strip_prefix("tls:")
        .and_then(|n| n.parse::<u16>().ok())
        .is_some_and(|n| {
            r.ports
                .iter()
                .any(|p| p.port == n && p.tls == TlsMode::Unspecified)
        })
}

/// Whether `field` names a cell of the relay that a claim may back.
pub fn is_relay_field(r: &Relay, field: &str) -> bool {
    !is_tls_unspecified(r, field) && relay_cells(r).iter().any(|c| c.field == field)
}

/// Whether `field` names a cell of the provider that a claim may back.
pub fn is_provider_field(p: &Provider, field: &str) -> bool {
    provider_cells(p).iter().any(|c| c.field == field)
}

/// The claim backing `field` and the source it quotes, if any.
pub fn citation<'a>(sources: &'a [Source], field: &str) -> Option<(&'a Source, &'a Claim)> {
    sources
        .iter()
        .find_map(|s| s.claims.iter().find(|c| c.field == field).map(|c| (s, c)))
}

/// Every claim of a row with its source, in source order.
pub fn claims(sources: &[Source]) -> impl Iterator<Item = (&Source, &Claim)> {
    sources
        .iter()
        .flat_map(|s| s.claims.iter().map(move |c| (s, c)))
}

/// The page anchor of a cell's citation: `claim-` and the field key with
/// every run of other characters than ASCII letters and digits turned into
/// one hyphen, lowercased (`port25` gives `claim-port25`, `host:smtp.x.net`
/// gives `claim-host-smtp-x-net`).
pub fn anchor(field: &str) -> String {
    let mut out = String::from("claim-");
    let mut hyphen = false;
    for c in field.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
            hyphen = false;
        } else if !hyphen {
            out.push('-');
            hyphen = true;
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// A claim not checked within the asked number of days, for the
/// maintainer's re-check list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaleClaim<'a> {
    /// `provider` or `relay`.
    pub row_kind: &'static str,
    /// The row's id.
    pub row_id: &'a str,
    /// The cell's field key.
    pub field: &'a str,
    /// The claim's source.
    pub source: &'a Source,
    /// When it was checked, or the research range.
    pub checked: &'a super::Checked,
    /// Days from the latest possible check to `today`.
    pub age_days: i64,
}

/// The claims of `providers` and `relays` whose latest possible check (the
/// check date, or the research's last day for a claim not re-checked) lies
/// more than `days` days before `today`, oldest first, then by row and field.
/// A date that does not parse counts as stale (validation rejects it anyway).
pub fn stale<'a>(
    providers: &'a [Provider],
    relays: &'a [Relay],
    today: super::IsoDate,
    days: i64,
) -> Vec<StaleClaim<'a>> {
    let rows = providers
        .iter()
        .map(|p| ("provider", p.id.as_str(), p.sources.as_slice()))
        .chain(
            relays
                .iter()
                .map(|r| ("relay", r.id.as_str(), r.sources.as_slice())),
        );
    let mut out: Vec<StaleClaim<'a>> = rows
        .flat_map(|(row_kind, row_id, sources)| {
            claims(sources).filter_map(move |(source, claim)| {
                let age_days = super::IsoDate::parse(claim.checked.latest())
                    .map_or(i64::MAX, |d| today.days() - d.days());
                (age_days > days).then_some(StaleClaim {
                    row_kind,
                    row_id,
                    field: &claim.field,
                    source,
                    checked: &claim.checked,
                    age_days,
                })
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.age_days
            .cmp(&a.age_days)
            .then_with(|| (a.row_kind, a.row_id, a.field).cmp(&(b.row_kind, b.row_id, b.field)))
    });
    out
}

/// How many claims the rows of `providers` and `relays` carry.
pub fn claims_count(providers: &[Provider], relays: &[Relay]) -> usize {
    let count = |sources: &[Source]| sources.iter().map(|s| s.claims.len()).sum::<usize>();
    providers.iter().map(|p| count(&p.sources)).sum::<usize>()
        + relays.iter().map(|r| count(&r.sources)).sum::<usize>()
}

/// The numbers a data release is described by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// Provider rows.
    pub providers: usize,
    /// Relay rows.
    pub relays: usize,
    /// Claims (cited cells) over all rows.
    pub claims: usize,
    /// Claims quoting an official source.
    pub official: usize,
    /// Claims quoting a secondary source.
    pub secondary: usize,
    /// Claims checked against their source's text in this release.
    pub rechecked: usize,
    /// Claims carried over from the research without a new check.
    pub not_rechecked: usize,
    /// Claims whose value is inferred rather than stated.
    pub inferred: usize,
    /// Cells whose value is unknown (nothing to cite).
    pub unknown: usize,
}

impl Counts {
    /// Counts the rows and claims of a knowledge base.
    pub fn of(kb: &super::KnowledgeBase) -> Counts {
        let mut counts = Counts {
            providers: kb.providers.len(),
            relays: kb.relays.len(),
            ..Counts::default()
        };
        let rows = kb
            .providers
            .iter()
            .map(|p| (provider_cells(p), p.sources.as_slice()))
            .chain(
                kb.relays
                    .iter()
                    .map(|r| (relay_cells(r), r.sources.as_slice())),
            );
        for (cells, sources) in rows {
            counts.unknown += cells
                .iter()
                .filter(|c| !c.needs_citation && citation(sources, &c.field).is_none())
                .filter(|c| !c.field.starts_with("tls:") && c.field != "price")
                .count();
            for (source, claim) in claims(sources) {
                counts.claims += 1;
                match source.kind {
                    super::SourceKind::Official => counts.official += 1,
                    super::SourceKind::Secondary => counts.secondary += 1,
                }
                match claim.checked.date() {
                    Some(_) => counts.rechecked += 1,
                    None => counts.not_rechecked += 1,
                }
                counts.inferred += usize::from(claim.inferred.is_some());
            }
        }
        counts
    }
}

impl std::fmt::Display for Counts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} providers, {} relays, {} claims ({} official, {} secondary; {} re-checked, {} not re-checked; {} inferred), {} unknown cells",
            self.providers,
            self.relays,
            self.claims,
            self.official,
            self.secondary,
            self.rechecked,
            self.not_rechecked,
            self.inferred,
            self.unknown
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::Checked;
    use super::*;

    fn source(claims: &[(&str, Checked)]) -> Source {
        Source {
            url: "https://example.com/a".into(),
            title: "A".into(),
            kind: super::super::SourceKind::Official,
            published: None,
            claims: claims
                .iter()
                .map(|(field, checked)| Claim {
                    field: (*field).into(),
                    quote: "q".into(),
                    checked: checked.clone(),
                    inferred: None,
                    value: None,
                })
                .collect(),
        }
    }

    #[test]
    fn stale_lists_claims_older_than_the_window_oldest_first() {
        let kb = crate::content::load_knowledge_base(&crate::content::repo()).unwrap();
        let mut relays = crate::kb::RelaysFile {
            data_version: kb.data_version,
            relays: kb.relays,
        };
        relays.relays.truncate(1);
        relays.relays[0].sources = vec![source(&[
            ("port:587", Checked::On("2026-11-29".into())),
            ("port:465", Checked::On("2026-10-01".into())),
            (
                "username",
                Checked::NotRechecked {
                    from: "2026-11-01".into(),
                    to: "2026-11-23".into(),
                },
            ),
        ])];
        let today = crate::kb::IsoDate::parse("2026-11-29").unwrap();
        let fields = |days| -> Vec<(String, i64)> {
            stale(&[], &relays.relays, today, days)
                .iter()
                .map(|s| (s.field.to_owned(), s.age_days))
                .collect()
        };
        assert_eq!(
            fields(5),
            [("port:465".to_owned(), 59), ("username".to_owned(), 6)]
        );
        assert_eq!(fields(6), [("port:465".to_owned(), 59)]);
        assert!(fields(60).is_empty());
        assert_eq!(fields(-1).len(), 3, "a negative window lists everything");
    }

    #[test]
    fn field_labels_read_as_words() {
        assert_eq!(field_label("port25"), "Outbound port 25");
        assert_eq!(field_label("port2525"), "Outbound port 2525");
        assert_eq!(field_label("unblock_route"), "How to unblock");
        assert_eq!(
            field_label("variant:Enterprise Dev/Test"),
            "Enterprise Dev/Test"
        );
        assert_eq!(field_label("host:smtp.x.net"), "SMTP host smtp.x.net");
        assert_eq!(field_label("port:587"), "Port 587");
        assert_eq!(field_label("something-else"), "something-else");
    }

    #[test]
    fn anchors_are_stable_slugs() {
        assert_eq!(anchor("port25"), "claim-port25");
        assert_eq!(anchor("port587"), "claim-port587");
        assert_eq!(anchor("unblock_route"), "claim-unblock-route");
        assert_eq!(
            anchor("variant:Enterprise Agreement (EA)"),
            "claim-variant-enterprise-agreement-ea"
        );
        assert_eq!(
            anchor("host:smtp.sendgrid.net"),
            "claim-host-smtp-sendgrid-net"
        );
        assert_eq!(anchor("port:2525"), "claim-port-2525");
    }
}
