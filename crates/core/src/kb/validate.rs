//! Checks a parsed [`KnowledgeBase`] for the mistakes serde cannot see: rows
//! without sources or dates, malformed dates, duplicate ids, references to ids
//! that do not exist, broken internal links in markdown, missing required
//! providers and too-short glossary or FAQ.
//!
//! Validation is a pure function over data already in memory; it reads no
//! files and fetches no URLs (external links are only checked for shape).
//! It reports every problem it finds, not just the first.

use std::collections::HashSet;
use std::fmt;

use super::common::{is_slug, Confidence, IsoDate, Source};
use super::links::{classify, link_targets, LinkTarget};
use super::provider::{PortStatus, UnblockRoute, REQUIRED_PROVIDER_IDS};
use super::KnowledgeBase;

/// The fewest glossary terms the site ships with.
pub const MIN_GLOSSARY_TERMS: usize = 30;
/// The fewest FAQ entries the site ships with.
pub const MIN_FAQ_ENTRIES: usize = 15;

/// Which collection a row belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RowKind {
    /// A row of `providers.json`.
    Provider,
    /// A row of `relays.json`.
    Relay,
    /// A row of `ports.json`.
    Port,
    /// A row of `glossary.json`.
    GlossaryTerm,
    /// A row of `faq.json`.
    FaqEntry,
    /// A page of `content/guide/`.
    Guide,
    /// The knowledge base as a whole (data version, counts).
    KnowledgeBase,
}

impl fmt::Display for RowKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RowKind::Provider => "provider",
            RowKind::Relay => "relay",
            RowKind::Port => "port",
            RowKind::GlossaryTerm => "glossary term",
            RowKind::FaqEntry => "FAQ entry",
            RowKind::Guide => "guide",
            RowKind::KnowledgeBase => "knowledge base",
        })
    }
}

/// One problem found by [`validate`], naming the offending row and field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValidationError {
    /// The data version is not of the form `YYYY-MM-DD.N`.
    #[error("data version {value:?} is not of the form YYYY-MM-DD.N")]
    BadDataVersion {
        /// The data version found.
        value: String,
    },
    /// An id is not a kebab-case slug.
    #[error("{kind} id {id:?} is not a kebab-case slug")]
    BadId {
        /// The collection.
        kind: RowKind,
        /// The id found.
        id: String,
    },
    /// Two rows of one collection share an id (or a port number).
    #[error("duplicate {kind} id {id:?}")]
    DuplicateId {
        /// The collection.
        kind: RowKind,
        /// The repeated id.
        id: String,
    },
    /// A required text field is empty.
    #[error("{kind} {id:?}: {field} is empty")]
    EmptyField {
        /// The collection.
        kind: RowKind,
        /// The row's id.
        id: String,
        /// The field.
        field: &'static str,
    },
    /// A row that must cite sources has none.
    #[error("{kind} {id:?} has no source")]
    MissingSource {
        /// The collection.
        kind: RowKind,
        /// The row's id.
        id: String,
    },
    /// A source URL is not an `http(s)://` URL, or an official source has none.
    #[error("{kind} {id:?}: source {title:?} has a missing or malformed URL {url:?}")]
    BadSourceUrl {
        /// The collection.
        kind: RowKind,
        /// The row's id.
        id: String,
        /// The source's title.
        title: String,
        /// The URL found, if any.
        url: Option<String>,
    },
    /// Every source of the row is unlinked, yet the row claims more than low
    /// confidence.
    #[error("{kind} {id:?} cites no linked source but claims {confidence:?} confidence")]
    UnlinkedSourcesNotLowConfidence {
        /// The collection.
        kind: RowKind,
        /// The row's id.
        id: String,
        /// The confidence claimed.
        confidence: Confidence,
    },
    /// A required date is empty.
    #[error("{kind} {id:?}: {field} is missing")]
    MissingDate {
        /// The collection.
        kind: RowKind,
        /// The row's id.
        id: String,
        /// The field.
        field: &'static str,
    },
    /// A date is not a valid `YYYY-MM-DD` calendar date.
    #[error("{kind} {id:?}: {field} {value:?} is not a valid YYYY-MM-DD date")]
    BadDate {
        /// The collection.
        kind: RowKind,
        /// The row's id.
        id: String,
        /// The field.
        field: &'static str,
        /// The text found.
        value: String,
    },
    /// A date lies after the data version's date.
    #[error("{kind} {id:?}: {field} {value} is later than the data version")]
    DateAfterDataVersion {
        /// The collection.
        kind: RowKind,
        /// The row's id.
        id: String,
        /// The field.
        field: &'static str,
        /// The date found.
        value: String,
    },
    /// A list that must have at least one element is empty.
    #[error("{kind} {id:?}: {field} is empty")]
    EmptyList {
        /// The collection.
        kind: RowKind,
        /// The row's id.
        id: String,
        /// The field.
        field: &'static str,
    },
    /// A provider's policy or unblock route is `varies` but it lists no
    /// variants, or its unblock route contradicts its policy.
    #[error("provider {id:?}: {problem}")]
    InconsistentProvider {
        /// The provider's id.
        id: String,
        /// What does not add up.
        problem: &'static str,
    },
    /// A provider recommends a relay id that has no row.
    #[error("provider {provider:?} recommends unknown relay {relay:?}")]
    UnknownRelay {
        /// The provider's id.
        provider: String,
        /// The relay id referenced.
        relay: String,
    },
    /// A port lists a provider id that has no row.
    #[error("port {port} lists unknown provider {provider:?}")]
    UnknownProvider {
        /// The port number.
        port: u16,
        /// The provider id referenced.
        provider: String,
    },
    /// A relay uses a port that has no row in `ports.json`.
    #[error("relay {relay:?} uses port {port}, which has no row in ports.json")]
    UnknownPort {
        /// The relay's id.
        relay: String,
        /// The port number.
        port: u16,
    },
    /// A port's `blocked_by` list disagrees with a provider's own row.
    #[error("port {port}: provider {provider:?} {problem}")]
    PortListMismatch {
        /// The port number.
        port: u16,
        /// The provider's id.
        provider: String,
        /// Which way the lists disagree.
        problem: &'static str,
    },
    /// A relay's user name convention is `literal` but gives no literal.
    #[error("relay {relay:?}: username is literal but no literal is given")]
    MissingLiteralUsername {
        /// The relay's id.
        relay: String,
    },
    /// A glossary term's `see_also` names a term that does not exist, or the
    /// term itself.
    #[error("glossary term {term:?} refers to unknown term {reference:?}")]
    UnknownGlossaryTerm {
        /// The referring term's id.
        term: String,
        /// The id referenced.
        reference: String,
    },
    /// A markdown link points at a route, id or anchor that does not exist.
    #[error("{kind} {id:?}: {field} links to {target:?}, which does not exist")]
    BrokenLink {
        /// The collection.
        kind: RowKind,
        /// The row's id.
        id: String,
        /// The field holding the markdown.
        field: &'static str,
        /// The link target.
        target: String,
    },
    /// A provider named by the original article has no row.
    #[error("required provider {id:?} (named by the original article) is missing")]
    MissingRequiredProvider {
        /// The missing id.
        id: &'static str,
    },
    /// A collection has fewer rows than the site promises.
    #[error("{kind}: {found} rows, at least {required} required")]
    TooFew {
        /// The collection.
        kind: RowKind,
        /// How many rows there are.
        found: usize,
        /// How many are required.
        required: usize,
    },
}

/// Checks the whole knowledge base and returns every problem found.
///
/// # Errors
///
/// Returns the list of [`ValidationError`]s, in data order, if there is any.
pub fn validate(kb: &KnowledgeBase) -> Result<(), Vec<ValidationError>> {
    let mut v = Validator {
        kb,
        ctx: Ids::new(kb),
        errors: Vec::new(),
        version_date: None,
    };
    v.data_version();
    v.providers();
    v.relays();
    v.ports();
    v.glossary();
    v.faq();
    v.guides();
    v.completeness();
    if v.errors.is_empty() {
        Ok(())
    } else {
        Err(v.errors)
    }
}

/// Parses a data version `YYYY-MM-DD.N` into its date; `None` if malformed.
pub fn data_version_date(version: &str) -> Option<IsoDate> {
    let (date, serial) = version.split_once('.')?;
    if serial.is_empty() || !serial.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    IsoDate::parse(date)
}

struct Ids<'a> {
    providers: HashSet<&'a str>,
    relays: HashSet<&'a str>,
    glossary: HashSet<&'a str>,
    faq: HashSet<&'a str>,
    guides: HashSet<&'a str>,
    ports: HashSet<u16>,
}

impl<'a> Ids<'a> {
    fn new(kb: &'a KnowledgeBase) -> Self {
        Ids {
            providers: kb.providers.iter().map(|p| p.id.as_str()).collect(),
            relays: kb.relays.iter().map(|r| r.id.as_str()).collect(),
            glossary: kb.glossary.iter().map(|g| g.id.as_str()).collect(),
            faq: kb.faq.iter().map(|f| f.id.as_str()).collect(),
            guides: kb.guides.iter().map(|g| g.slug.as_str()).collect(),
            ports: kb.ports.iter().map(|p| p.number).collect(),
        }
    }

    fn link_exists(&self, target: &str) -> bool {
        match classify(target) {
            LinkTarget::External | LinkTarget::Route(_) => true,
            LinkTarget::Provider(id) => self.providers.contains(id),
            LinkTarget::Relay(id) => self.relays.contains(id),
            LinkTarget::Glossary(id) => self.glossary.contains(id),
            LinkTarget::Faq(id) => self.faq.contains(id),
            LinkTarget::Guide(slug) => self.guides.contains(slug),
            LinkTarget::Port(number) => {
                number.parse::<u16>().is_ok_and(|n| self.ports.contains(&n))
            }
            LinkTarget::Invalid => false,
        }
    }
}

struct Validator<'a> {
    kb: &'a KnowledgeBase,
    ctx: Ids<'a>,
    errors: Vec<ValidationError>,
    version_date: Option<IsoDate>,
}

fn is_http_url(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    rest.is_some_and(|rest| !rest.is_empty() && !rest.contains(char::is_whitespace))
}

impl Validator<'_> {
    fn push(&mut self, error: ValidationError) {
        self.errors.push(error);
    }

    fn data_version(&mut self) {
        self.version_date = data_version_date(&self.kb.data_version);
        if self.version_date.is_none() {
            self.push(ValidationError::BadDataVersion {
                value: self.kb.data_version.clone(),
            });
        }
    }

    fn ids<'i>(&mut self, kind: RowKind, ids: impl Iterator<Item = &'i str>) {
        let mut seen = HashSet::new();
        for id in ids {
            if !is_slug(id) {
                self.push(ValidationError::BadId {
                    kind,
                    id: id.to_owned(),
                });
            }
            if !seen.insert(id) {
                self.push(ValidationError::DuplicateId {
                    kind,
                    id: id.to_owned(),
                });
            }
        }
    }

    fn non_empty(&mut self, kind: RowKind, id: &str, field: &'static str, text: &str) {
        if text.trim().is_empty() {
            self.push(ValidationError::EmptyField {
                kind,
                id: id.to_owned(),
                field,
            });
        }
    }

    fn sources(&mut self, kind: RowKind, id: &str, sources: &[Source], confidence: Confidence) {
        if sources.is_empty() {
            self.push(ValidationError::MissingSource {
                kind,
                id: id.to_owned(),
            });
            return;
        }
        for source in sources {
            self.non_empty(kind, id, "sources.title", &source.title);
            let ok = match (&source.url, source.kind) {
                (Some(url), _) => is_http_url(url),
                // An official source can always be linked; only a secondary
                // one the research could describe but not locate may lack a URL.
                (None, super::SourceKind::Official) => false,
                (None, super::SourceKind::Secondary) => true,
            };
            if !ok {
                self.push(ValidationError::BadSourceUrl {
                    kind,
                    id: id.to_owned(),
                    title: source.title.clone(),
                    url: source.url.clone(),
                });
            }
        }
        if sources.iter().all(|s| s.url.is_none()) && confidence != Confidence::Low {
            self.push(ValidationError::UnlinkedSourcesNotLowConfidence {
                kind,
                id: id.to_owned(),
                confidence,
            });
        }
    }

    fn date(&mut self, kind: RowKind, id: &str, field: &'static str, value: &str) {
        if value.trim().is_empty() {
            self.push(ValidationError::MissingDate {
                kind,
                id: id.to_owned(),
                field,
            });
            return;
        }
        match IsoDate::parse(value) {
            None => self.push(ValidationError::BadDate {
                kind,
                id: id.to_owned(),
                field,
                value: value.to_owned(),
            }),
            Some(date) => {
                if self.version_date.is_some_and(|version| date > version) {
                    self.push(ValidationError::DateAfterDataVersion {
                        kind,
                        id: id.to_owned(),
                        field,
                        value: value.to_owned(),
                    });
                }
            }
        }
    }

    fn markdown(&mut self, kind: RowKind, id: &str, field: &'static str, text: &str) {
        for target in link_targets(text) {
            if !self.ctx.link_exists(target) {
                self.push(ValidationError::BrokenLink {
                    kind,
                    id: id.to_owned(),
                    field,
                    target: target.to_owned(),
                });
            }
        }
    }

    fn providers(&mut self) {
        let kb = self.kb;
        let kind = RowKind::Provider;
        self.ids(kind, kb.providers.iter().map(|p| p.id.as_str()));
        for p in &kb.providers {
            let id = p.id.as_str();
            self.non_empty(kind, id, "name", &p.name);
            self.non_empty(kind, id, "unblock.conditions", &p.unblock.conditions);
            self.non_empty(kind, id, "sources_as_of", &p.sources_as_of);
            self.sources(kind, id, &p.sources, p.confidence);
            self.date(kind, id, "last_verified", &p.last_verified);
            self.markdown(kind, id, "unblock.conditions", &p.unblock.conditions);
            let varies =
                p.port25 == super::Port25Policy::Varies || p.unblock.route == UnblockRoute::Varies;
            if varies && p.variants.is_empty() {
                self.push(ValidationError::InconsistentProvider {
                    id: id.to_owned(),
                    problem: "policy or unblock route is 'varies' but no variants are listed",
                });
            }
            if p.port25.is_blocked_by_default() && p.unblock.route == UnblockRoute::NotNeeded {
                self.push(ValidationError::InconsistentProvider {
                    id: id.to_owned(),
                    problem: "port 25 is blocked by default but the unblock route is 'not-needed'",
                });
            }
            for variant in &p.variants {
                self.non_empty(kind, id, "variants.name", &variant.name);
                if let Some(notes) = &variant.notes {
                    self.markdown(kind, id, "variants.notes", notes);
                }
            }
            if let Some(relay) = &p.recommended_relay {
                self.non_empty(kind, id, "recommended_relay.text", &relay.text);
                self.markdown(kind, id, "recommended_relay.text", &relay.text);
                if let Some(relay_id) = &relay.relay_id {
                    if !self.ctx.relays.contains(relay_id.as_str()) {
                        self.push(ValidationError::UnknownRelay {
                            provider: id.to_owned(),
                            relay: relay_id.clone(),
                        });
                    }
                }
            }
            if let Some(notes) = &p.notes {
                self.markdown(kind, id, "notes", notes);
            }
            if let Some(article) = &p.original_article {
                self.non_empty(kind, id, "original_article.claim", &article.claim);
                self.non_empty(
                    kind,
                    id,
                    "original_article.explanation",
                    &article.explanation,
                );
                self.markdown(
                    kind,
                    id,
                    "original_article.explanation",
                    &article.explanation,
                );
            }
        }
    }

    fn relays(&mut self) {
        let kb = self.kb;
        let kind = RowKind::Relay;
        self.ids(kind, kb.relays.iter().map(|r| r.id.as_str()));
        for r in &kb.relays {
            let id = r.id.as_str();
            self.non_empty(kind, id, "name", &r.name);
            if r.hosts.is_empty() {
                self.push(ValidationError::EmptyList {
                    kind,
                    id: id.to_owned(),
                    field: "hosts",
                });
            }
            for host in &r.hosts {
                self.non_empty(kind, id, "hosts.host", &host.host);
            }
            if r.ports.is_empty() {
                self.push(ValidationError::EmptyList {
                    kind,
                    id: id.to_owned(),
                    field: "ports",
                });
            }
            for port in &r.ports {
                if !self.ctx.ports.contains(&port.port) {
                    self.push(ValidationError::UnknownPort {
                        relay: id.to_owned(),
                        port: port.port,
                    });
                }
            }
            let mut seen = HashSet::new();
            for port in &r.ports {
                if !seen.insert(port.port) {
                    self.push(ValidationError::DuplicateId {
                        kind,
                        id: format!("{id} port {}", port.port),
                    });
                }
            }
            let credentials = &r.credentials;
            if credentials.username == super::UsernameConvention::Literal
                && credentials
                    .literal
                    .as_deref()
                    .is_none_or(|l| l.trim().is_empty())
            {
                self.push(ValidationError::MissingLiteralUsername {
                    relay: id.to_owned(),
                });
            }
            self.non_empty(
                kind,
                id,
                "credentials.username_help",
                &credentials.username_help,
            );
            self.non_empty(
                kind,
                id,
                "credentials.password_help",
                &credentials.password_help,
            );
            self.non_empty(kind, id, "free_tier.description", &r.free_tier.description);
            self.markdown(
                kind,
                id,
                "credentials.username_help",
                &credentials.username_help,
            );
            self.markdown(
                kind,
                id,
                "credentials.password_help",
                &credentials.password_help,
            );
            self.markdown(kind, id, "free_tier.description", &r.free_tier.description);
            for note in r.hosts.iter().filter_map(|h| h.note.as_deref()) {
                self.markdown(kind, id, "hosts.note", note);
            }
            for note in r.ports.iter().filter_map(|p| p.note.as_deref()) {
                self.markdown(kind, id, "ports.note", note);
            }
            if let Some(as_of) = &r.free_tier.as_of {
                self.date(kind, id, "free_tier.as_of", as_of);
            }
            self.sources(kind, id, &r.sources, r.confidence);
            self.date(kind, id, "last_verified", &r.last_verified);
            if let Some(notes) = &r.notes {
                self.markdown(kind, id, "notes", notes);
            }
        }
    }

    fn ports(&mut self) {
        let kb = self.kb;
        let kind = RowKind::Port;
        let mut seen = HashSet::new();
        for port in &kb.ports {
            let id = port.number.to_string();
            if !seen.insert(port.number) {
                self.push(ValidationError::DuplicateId {
                    kind,
                    id: id.clone(),
                });
            }
            self.non_empty(kind, &id, "name", &port.name);
            self.non_empty(kind, &id, "purpose", &port.purpose);
            self.markdown(kind, &id, "purpose", &port.purpose);
            for rfc in &port.rfcs {
                if !is_http_url(&rfc.url) {
                    self.push(ValidationError::BadSourceUrl {
                        kind,
                        id: id.clone(),
                        title: rfc.title.clone(),
                        url: Some(rfc.url.clone()),
                    });
                }
            }
            for provider in &port.blocked_by {
                if !self.ctx.providers.contains(provider.as_str()) {
                    self.push(ValidationError::UnknownProvider {
                        port: port.number,
                        provider: provider.clone(),
                    });
                }
            }
            // The per-provider row is the source of truth; the port's list is
            // a denormalised index, so every disagreement is reported.
            let listed: HashSet<&str> = port.blocked_by.iter().map(String::as_str).collect();
            for p in &kb.providers {
                let blocks = if port.number == 25 {
                    Some(p.port25.is_blocked_by_default())
                } else {
                    p.other_ports
                        .status(port.number)
                        .map(|s| s == PortStatus::Blocked)
                };
                let Some(blocks) = blocks else { continue };
                let is_listed = listed.contains(p.id.as_str());
                if blocks && !is_listed {
                    self.push(ValidationError::PortListMismatch {
                        port: port.number,
                        provider: p.id.clone(),
                        problem: "blocks this port but is missing from blocked_by",
                    });
                } else if !blocks && is_listed {
                    self.push(ValidationError::PortListMismatch {
                        port: port.number,
                        provider: p.id.clone(),
                        problem: "is in blocked_by but its own row does not block this port",
                    });
                }
            }
        }
    }

    fn glossary(&mut self) {
        let kb = self.kb;
        let kind = RowKind::GlossaryTerm;
        self.ids(kind, kb.glossary.iter().map(|g| g.id.as_str()));
        for term in &kb.glossary {
            let id = term.id.as_str();
            self.non_empty(kind, id, "term", &term.term);
            self.non_empty(kind, id, "definition", &term.definition);
            self.markdown(kind, id, "definition", &term.definition);
            if let Some(reference) = &term.reference {
                if !is_http_url(&reference.url) {
                    self.push(ValidationError::BadSourceUrl {
                        kind,
                        id: id.to_owned(),
                        title: reference.title.clone(),
                        url: Some(reference.url.clone()),
                    });
                }
            }
            for other in &term.see_also {
                if other == id || !self.ctx.glossary.contains(other.as_str()) {
                    self.push(ValidationError::UnknownGlossaryTerm {
                        term: id.to_owned(),
                        reference: other.clone(),
                    });
                }
            }
        }
    }

    fn faq(&mut self) {
        let kb = self.kb;
        let kind = RowKind::FaqEntry;
        self.ids(kind, kb.faq.iter().map(|f| f.id.as_str()));
        for entry in &kb.faq {
            self.non_empty(kind, &entry.id, "question", &entry.question);
            self.non_empty(kind, &entry.id, "answer", &entry.answer);
            self.markdown(kind, &entry.id, "answer", &entry.answer);
        }
    }

    fn guides(&mut self) {
        let kb = self.kb;
        let kind = RowKind::Guide;
        self.ids(kind, kb.guides.iter().map(|g| g.slug.as_str()));
        for guide in &kb.guides {
            if guide.title().is_none_or(str::is_empty) {
                self.push(ValidationError::EmptyField {
                    kind,
                    id: guide.slug.clone(),
                    field: "title (first '# ' heading)",
                });
            }
            self.markdown(kind, &guide.slug, "markdown", &guide.markdown);
        }
    }

    fn completeness(&mut self) {
        for id in REQUIRED_PROVIDER_IDS {
            if !self.ctx.providers.contains(id) {
                self.push(ValidationError::MissingRequiredProvider { id });
            }
        }
        let counts = [
            (
                RowKind::GlossaryTerm,
                self.kb.glossary.len(),
                MIN_GLOSSARY_TERMS,
            ),
            (RowKind::FaqEntry, self.kb.faq.len(), MIN_FAQ_ENTRIES),
        ];
        for (kind, found, required) in counts {
            if found < required {
                self.push(ValidationError::TooFew {
                    kind,
                    found,
                    required,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_versions() {
        assert_eq!(
            data_version_date("2026-11-23.1"),
            IsoDate::parse("2026-11-23")
        );
        assert_eq!(
            data_version_date("2026-11-23.12"),
            IsoDate::parse("2026-11-23")
        );
        for bad in [
            "2026-11-23",
            "2026-11-23.",
            "2026-11-23.a",
            "2026-13-01.1",
            "v1",
            "",
        ] {
            assert_eq!(data_version_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn http_urls() {
        assert!(is_http_url("https://docs.hetzner.com/cloud/servers/faq/#x"));
        assert!(is_http_url("http://www.ka9q.net/Uverse/port25.html"));
        for bad in ["", "https://", "ftp://x", "docs.hetzner.com", "https://a b"] {
            assert!(!is_http_url(bad), "{bad}");
        }
    }
}
