//! Loads the real knowledge base from `content/` and checks that it parses,
//! validates and keeps the promises the site makes (every researched provider,
//! the article's providers, the minimum glossary and FAQ sizes).

use std::fs;
use std::path::PathBuf;

use port25_core::content::{self, Dir, Source};
use port25_core::kb::{
    cells, validate, Confidence, KnowledgeBase, Port25Policy, SourceKind, TlsMode,
    UsernameConvention, REQUIRED_PROVIDER_IDS,
};

fn content_dir() -> Dir {
    Dir::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../content"))
}

fn read(relative: &str) -> String {
    content_dir()
        .read(relative)
        .unwrap_or_else(|e| panic!("{e}"))
}

fn load() -> KnowledgeBase {
    content::load_knowledge_base(&content_dir())
        .unwrap_or_else(|e| panic!("content does not parse: {e}"))
}

#[test]
fn content_parses_and_validates() {
    let kb = load();
    if let Err(errors) = validate(&kb) {
        let list: Vec<String> = errors.iter().map(ToString::to_string).collect();
        panic!("{} validation errors:\n{}", list.len(), list.join("\n"));
    }
}

#[test]
fn content_has_every_researched_row() {
    let kb = load();
    assert!(kb.providers.len() >= 70, "{} providers", kb.providers.len());
    assert!(kb.relays.len() >= 20, "{} relays", kb.relays.len());
    // Every row of the first research stays, even when all it says is unknown.
    for id in [
        "aws-ec2",
        "aws-lightsail",
        "azure-vm",
        "gcp-compute-engine",
        "oracle-oci",
        "hetzner-cloud",
        "contabo",
        "netcup",
        "fly-io",
        "heroku",
        "cox-residential",
    ] {
        assert!(kb.provider(id).is_some(), "{id}");
    }
    assert!(kb.glossary.len() >= 30);
    assert!(kb.faq.len() >= 15);
    for id in REQUIRED_PROVIDER_IDS {
        assert!(kb.provider(id).is_some(), "{id}");
    }
    let mut slugs: Vec<&str> = kb.guides.iter().map(|g| g.slug.as_str()).collect();
    slugs.sort_unstable();
    assert_eq!(
        slugs,
        [
            "alternatives",
            "how-to-diagnose",
            "solutions-by-provider",
            "when-you-need-port-25",
            "why-port-25-is-blocked"
        ]
    );
}

#[test]
fn content_matches_key_research_findings() {
    let kb = load();
    let do_ = kb.provider("digitalocean-droplets").unwrap();
    assert_eq!(
        do_.other_ports.status(465),
        Some(port25_core::kb::PortStatus::Blocked)
    );
    assert_eq!(
        do_.other_ports.status(587),
        Some(port25_core::kb::PortStatus::Blocked)
    );
    let ovh = kb.provider("ovhcloud-vps-dedicated").unwrap();
    assert_eq!(ovh.port25, Port25Policy::OpenWithMonitoring);
    let azure = kb.provider("azure-vm").unwrap();
    assert!(azure.variants.len() >= 3);
    // A row whose port 25 policy rests on a secondary source, or on none,
    // is low confidence.
    for p in &kb.providers {
        let secondary = cells::citation(&p.sources, "port25")
            .is_none_or(|(s, _)| s.kind == SourceKind::Secondary);
        if secondary {
            assert_eq!(p.confidence, Confidence::Low, "{}", p.id);
        }
    }
    for id in ["fly-io", "heroku", "att-uverse"] {
        assert_eq!(kb.provider(id).unwrap().confidence, Confidence::Low, "{id}");
    }
    let sendgrid = kb.relay("sendgrid").unwrap();
    assert_eq!(sendgrid.credentials.username, UsernameConvention::Literal);
    assert_eq!(sendgrid.credentials.literal.as_deref(), Some("apikey"));
    let ses = kb.relay("amazon-ses").unwrap();
    assert!(ses.credentials.per_region);
    assert!(ses
        .ports
        .iter()
        .any(|p| p.port == 2465 && p.tls == TlsMode::ImplicitTls));
    assert!(kb
        .relay("postmark")
        .unwrap()
        .ports
        .iter()
        .all(|p| p.port != 465));
    assert_eq!(kb.port(465).unwrap().tls, TlsMode::ImplicitTls);
    assert!(kb
        .port(2525)
        .unwrap()
        .blocked_by
        .contains(&"cloudzy".to_owned()));
}

#[test]
fn research_quotes_appear_only_as_claim_quotes() {
    // Quotes belong in a claim's `quote`, marked as a quote with its source;
    // the prose (conditions, notes, FAQ, glossary, guides) paraphrases.
    let research = PathBuf::from("/work/shared/data/provider-research.json");
    let Ok(text) = fs::read_to_string(&research) else {
        return; // The research file is not part of the repository.
    };
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut quotes = Vec::new();
    for list in ["providers", "relays"] {
        for row in json[list].as_array().unwrap() {
            for source in row["sources"].as_array().unwrap() {
                if let Some(q) = source["quoted_fact"].as_str() {
                    if q.chars().count() >= 40 {
                        quotes.push(q.to_owned());
                    }
                }
            }
        }
    }
    let mut kb = load();
    // A source's title is the page's own (an issue title may be a sentence).
    let blank = |s: &mut port25_core::kb::Source| {
        s.title.clear();
        s.claims.iter_mut().for_each(|c| c.quote.clear());
    };
    kb.providers
        .iter_mut()
        .for_each(|p| p.sources.iter_mut().for_each(blank));
    kb.relays
        .iter_mut()
        .for_each(|r| r.sources.iter_mut().for_each(blank));
    let mut content = serde_json::to_string(&kb).unwrap();
    content.push_str(&read("data/glossary.json"));
    content.push_str(&read("data/faq.json"));
    for quote in quotes {
        let escaped = serde_json::to_string(&quote).unwrap();
        assert!(
            !content.contains(escaped.trim_matches('"')),
            "prose copies a quote: {quote}"
        );
    }
}

#[test]
fn every_claim_carries_a_quote_and_a_date() {
    let kb = load();
    let rows = kb
        .providers
        .iter()
        .map(|p| (&p.id, &p.sources))
        .chain(kb.relays.iter().map(|r| (&r.id, &r.sources)));
    for (id, sources) in rows {
        for (source, claim) in cells::claims(sources) {
            assert!(!claim.quote.trim().is_empty(), "{id} {}", claim.field);
            assert!(source.url.starts_with("http"), "{id} {}", source.url);
            assert!(!claim.checked.latest().is_empty(), "{id} {}", claim.field);
        }
    }
}

#[test]
fn content_files_are_pretty_printed_with_one_data_version() {
    let kb = load();
    for file in ["providers", "relays", "ports", "glossary", "faq"] {
        let text = read(&format!("data/{file}.json"));
        assert!(text.starts_with("{\n  \"data_version\": "), "{file}.json");
        assert!(text.contains(&format!("\"data_version\": \"{}\"", kb.data_version)));
    }
}
