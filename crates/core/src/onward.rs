//! The paths onward from a provider's page, computed from the data: which
//! relays take mail on a port the provider leaves open, the generator preset
//! for each relay and port, the diagnosis preset for the provider, and the
//! status badge every port and route is shown with.
//!
//! A relay "works from" a provider when it accepts submissions on 587, 465
//! or 2525 and the provider's data says that port is open outbound. An
//! unknown port is not open: the page says the sources are silent rather
//! than guessing. What this module is not: a renderer (the site turns these
//! values into HTML) or a checker of the relay's own claims (validation
//! does that).

use crate::kb::{
    KnowledgeBase, Offered, Port25Policy, PortStatus, Provider, Relay, TlsMode, UnblockRoute,
    Verdict,
};
use crate::relay_config::{Options, RelayChoice};

/// The submission ports a relay can be reached on when 25 is blocked, in the
/// order the site prefers them: 587 (RFC 6409, STARTTLS), 465 (RFC 8314,
/// implicit TLS), then the relays' unofficial 2525.
pub const SUBMISSION_PORTS: [u16; 3] = [587, 465, 2525];

/// A status badge's kind (the shared badge convention: class `b-<kind>`,
/// an icon and always a word).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Badge {
    /// Works: open, not needed.
    Pass,
    /// Works with a condition: on request, a paid plan, it varies.
    Warn,
    /// Does not work: blocked, never.
    Fail,
    /// Neutral information.
    Info,
    /// The sources do not say.
    Unknown,
}

impl Badge {
    /// The CSS class beside `badge`: `b-pass`, `b-warn`, `b-fail`, `b-info`,
    /// `b-unknown`.
    pub fn class(self) -> &'static str {
        match self {
            Badge::Pass => "b-pass",
            Badge::Warn => "b-warn",
            Badge::Fail => "b-fail",
            Badge::Info => "b-info",
            Badge::Unknown => "b-unknown",
        }
    }

    /// The icon shown before the word (hidden from screen readers: the word
    /// says it).
    pub fn glyph(self) -> &'static str {
        match self {
            Badge::Pass => "✓",
            Badge::Warn => "!",
            Badge::Fail => "✕",
            Badge::Info => "i",
            Badge::Unknown => "?",
        }
    }
}

impl PortStatus {
    /// The badge a port's status is shown with.
    pub fn badge(self) -> Badge {
        match self {
            PortStatus::Open => Badge::Pass,
            PortStatus::Blocked => Badge::Fail,
            PortStatus::Unknown => Badge::Unknown,
        }
    }
}

impl Offered {
    /// The badge a relay's offer (HTTPS API, EU region) is shown with.
    pub fn badge(self) -> Badge {
        match self {
            Offered::Yes => Badge::Pass,
            Offered::No => Badge::Fail,
            Offered::Unknown => Badge::Unknown,
        }
    }
}

impl Port25Policy {
    /// The badge the port 25 policy is shown with: blocked in any form is a
    /// fail, open in any form a pass, "varies" a warning.
    pub fn badge(self) -> Badge {
        match self {
            Port25Policy::Blocked
            | Port25Policy::BlockedNewAccounts
            | Port25Policy::BlockedFreeTier => Badge::Fail,
            Port25Policy::Open
            | Port25Policy::OpenWithLimits
            | Port25Policy::OpenWithMonitoring => Badge::Pass,
            Port25Policy::Varies => Badge::Warn,
            Port25Policy::Unknown => Badge::Unknown,
        }
    }
}

impl UnblockRoute {
    /// The badge the unblock route is shown with: no unblock needed or a
    /// switch you flip is a pass, a request or a plan a warning, never a
    /// fail.
    pub fn badge(self) -> Badge {
        match self {
            UnblockRoute::NotNeeded | UnblockRoute::SelfService => Badge::Pass,
            UnblockRoute::OnRequest | UnblockRoute::PaidPlan | UnblockRoute::Varies => Badge::Warn,
            UnblockRoute::Never => Badge::Fail,
            UnblockRoute::NotDocumented | UnblockRoute::Unknown => Badge::Unknown,
        }
    }
}

impl Verdict {
    /// The badge a verdict on the original article is shown with.
    pub fn badge(self) -> Badge {
        match self {
            Verdict::Confirmed => Badge::Pass,
            Verdict::Outdated => Badge::Warn,
            Verdict::Contradicted => Badge::Fail,
            Verdict::NotVerifiable => Badge::Unknown,
        }
    }
}

/// The provider's outbound status of each of 25, 465, 587 and 2525, in that
/// order, with port 25's policy read as open, blocked or unknown ("varies"
/// counts as unknown: it depends on the product).
pub fn port_statuses(p: &Provider) -> [(u16, PortStatus); 4] {
    let port25 = if p.port25.is_blocked_by_default() {
        PortStatus::Blocked
    } else if p.port25.is_open_by_default() {
        PortStatus::Open
    } else {
        PortStatus::Unknown
    };
    [
        (25, port25),
        (465, p.other_ports.smtps),
        (587, p.other_ports.submission),
        (2525, p.other_ports.alternate_2525),
    ]
}

/// The submission ports the provider's data says are open, in
/// [`SUBMISSION_PORTS`] order.
pub fn open_submission_ports(p: &Provider) -> Vec<u16> {
    SUBMISSION_PORTS
        .into_iter()
        .filter(|&port| p.other_ports.status(port) == Some(PortStatus::Open))
        .collect()
}

/// One relay that works from a provider, with the ports it can be reached
/// on there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelayRoute<'a> {
    /// The relay.
    pub relay: &'a Relay,
    /// The relay's ports that are open at the provider, each with its TLS
    /// mode, in [`SUBMISSION_PORTS`] order; never empty.
    pub ports: Vec<(u16, TlsMode)>,
    /// Whether the provider's own documentation names this relay.
    pub recommended: bool,
}

impl RelayRoute<'_> {
    /// Whether the relay's first host has a `<region>` the visitor must fill
    /// in before the generator can write a configuration.
    pub fn needs_region(&self) -> bool {
        self.relay
            .hosts
            .first()
            .is_some_and(|h| h.host.contains("<region>"))
    }
}

/// The relays whose submission ports are open at `p`: the relay the
/// provider recommends first, then those ready to configure as they are,
/// then those whose host needs the visitor's region (SES, OCI), each group
/// in data order.
pub fn relays_open_at<'a>(p: &Provider, relays: &'a [Relay]) -> Vec<RelayRoute<'a>> {
    let open = open_submission_ports(p);
    let recommended = p
        .recommended_relay
        .as_ref()
        .and_then(|r| r.relay_id.as_deref());
    let mut routes: Vec<RelayRoute<'a>> = relays
        .iter()
        .filter_map(|relay| {
            let ports: Vec<(u16, TlsMode)> = open
                .iter()
                .filter_map(|&port| {
                    relay
                        .ports
                        .iter()
                        .find(|rp| rp.port == port)
                        .map(|rp| (port, rp.tls))
                })
                .collect();
            (!ports.is_empty()).then(|| RelayRoute {
                relay,
                ports,
                recommended: recommended == Some(relay.id.as_str()),
            })
        })
        .collect();
    // A stable sort: data order within each group.
    routes.sort_by_key(|r| (!r.recommended, r.needs_region()));
    routes
}

/// The generator's query string (without `?`) for `relay` on `port`, every
/// other option at its default (Postfix, TLS required, placeholders).
pub fn generator_query(relay: &str, port: u16) -> String {
    Options {
        relay: RelayChoice::known(relay),
        port,
        ..Options::default()
    }
    .to_query()
}

/// The diagnosis page's query string (without `?`) that starts the
/// diagnosis with `provider` chosen.
pub fn diagnose_query(provider: &str) -> String {
    format!("provider={provider}")
}

/// Every provider for which at least one relay works, with its routes, for
/// the relays' "works from" views and for tests.
pub fn routes_by_provider(kb: &KnowledgeBase) -> Vec<(&Provider, Vec<RelayRoute<'_>>)> {
    kb.providers
        .iter()
        .map(|p| (p, relays_open_at(p, &kb.relays)))
        .filter(|(_, routes)| !routes.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kb::Labelled;
    use crate::relay_config::{generate, Catalog, Error, Stamp};

    fn kb() -> KnowledgeBase {
        crate::content::load_knowledge_base(&crate::content::repo()).unwrap()
    }

    #[test]
    fn badges_follow_the_shared_convention() {
        assert_eq!(PortStatus::Open.badge().class(), "b-pass");
        assert_eq!(PortStatus::Blocked.badge().class(), "b-fail");
        assert_eq!(PortStatus::Unknown.badge().class(), "b-unknown");
        assert_eq!(UnblockRoute::OnRequest.badge().class(), "b-warn");
        assert_eq!(Port25Policy::BlockedNewAccounts.badge(), Badge::Fail);
        assert_eq!(Port25Policy::OpenWithLimits.badge(), Badge::Pass);
        assert_eq!(Verdict::Contradicted.badge(), Badge::Fail);
        assert_eq!(Verdict::NotVerifiable.badge(), Badge::Unknown);
        let glyphs: Vec<&str> = [
            Badge::Pass,
            Badge::Warn,
            Badge::Fail,
            Badge::Info,
            Badge::Unknown,
        ]
        .map(Badge::glyph)
        .to_vec();
        assert_eq!(glyphs, ["✓", "!", "✕", "i", "?"]);
        // Every value has a badge and a word: never colour alone.
        for v in UnblockRoute::ALL {
            assert!(!v.label().is_empty() && !v.badge().class().is_empty());
        }
    }

    #[test]
    fn hetzner_cloud_reaches_relays_on_587_only() {
        let kb = kb();
        let hetzner = kb.provider("hetzner-cloud").unwrap();
        assert_eq!(open_submission_ports(hetzner), [587]);
        let statuses = port_statuses(hetzner);
        assert_eq!(statuses[0], (25, PortStatus::Blocked));
        let routes = relays_open_at(hetzner, &kb.relays);
        assert!(routes.iter().any(|r| r.relay.id == "sendgrid"));
        for r in &routes {
            assert_eq!(r.ports.iter().map(|p| p.0).collect::<Vec<_>>(), [587]);
        }
        // The first is ready to configure: no region to fill in.
        assert!(!routes[0].needs_region(), "{}", routes[0].relay.id);
        let ses = routes
            .iter()
            .position(|r| r.relay.id == "amazon-ses")
            .unwrap();
        assert!(routes[ses..].iter().all(|r| r.needs_region()));
        // Tencent Cloud SES takes 465 only, which Hetzner blocks.
        assert!(!routes.iter().any(|r| r.relay.id == "tencent-cloud-ses"));
    }

    #[test]
    fn the_recommended_relay_comes_first_and_unknown_ports_are_not_open() {
        let kb = kb();
        let droplets = kb.provider("digitalocean-droplets").unwrap();
        let routes = relays_open_at(droplets, &kb.relays);
        assert_eq!(routes[0].relay.id, "sendgrid");
        assert!(routes[0].recommended);
        assert!(routes
            .iter()
            .all(|r| r.ports.iter().all(|&(port, _)| port == 2525)));
        let unknown = kb.provider("hetzner-dedicated").unwrap();
        assert!(relays_open_at(unknown, &kb.relays).is_empty());
    }

    #[test]
    fn every_route_opens_a_working_generator_preset() {
        let kb = kb();
        let catalog = Catalog::from(&kb);
        let mut count = 0;
        for (p, routes) in routes_by_provider(&kb) {
            for route in routes {
                for &(port, _) in &route.ports {
                    let query = generator_query(&route.relay.id, port);
                    let options = Options::from_query(&query).unwrap();
                    assert_eq!(options.port, port);
                    let stamp = Stamp::new("2026-01-01", "", &options);
                    // A per-region host (SES, OCI) waits for the visitor's
                    // region: the preset must not guess one.
                    match generate(&catalog, &options, &stamp) {
                        Ok(_) => {}
                        Err(Error::MissingRegion { .. }) if route.needs_region() => {}
                        Err(e) => panic!("{} via {} on {port}: {e}", p.id, route.relay.id),
                    }
                    count += 1;
                }
            }
        }
        assert!(count > 50, "{count} presets");
    }

    #[test]
    fn presets_are_plain_queries() {
        assert_eq!(
            generator_query("sendgrid", 2525),
            "v=1&mta=postfix&relay=sendgrid&port=2525&tls=encrypt"
        );
        assert_eq!(diagnose_query("hetzner-cloud"), "provider=hetzner-cloud");
    }
}
