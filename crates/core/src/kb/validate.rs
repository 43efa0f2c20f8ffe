//! Checks a parsed [`KnowledgeBase`] for the mistakes serde cannot see: a
//! factual cell without a citation, a citation without a quote or with a
//! malformed date, a secondary source on the provider's own domain, the same
//! page cited twice, duplicate ids, references to ids that do not exist,
//! broken internal links in markdown, missing required providers and
//! too-short glossary or FAQ.
//!
//! Validation is a pure function over data already in memory; it reads no
//! files and fetches no URLs (external links are only checked for shape).
//! It reports every problem it finds, not just the first.

use std::collections::HashSet;
use std::fmt;

use super::cells::{self, Cell};
use super::common::{is_slug, Checked, Confidence, IsoDate, Source, SourceKind, MAX_QUOTE_CHARS};
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
    /// A claim of the original article (`providers.json`'s `article`).
    ArticleClaim,
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
            RowKind::ArticleClaim => "article claim",
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
    /// A factual cell with a known value has no claim backing it.
    #[error("{kind} {id:?}: {field} has no citation")]
    MissingCitation {
        /// The collection.
        kind: RowKind,
        /// The row's id.
        id: String,
        /// The cell's field key.
        field: String,
    },
    /// A claim names a field the row does not have (a misspelt key, a
    /// variant or host that is not in the row).
    #[error("{kind} {id:?}: a claim backs {field:?}, which is not a cell of this row")]
    UnknownClaimField {
        /// The collection.
        kind: RowKind,
        /// The row's id.
        id: String,
        /// The field key found.
        field: String,
    },
    /// Two claims back the same cell.
    #[error("{kind} {id:?}: {field} is backed by more than one claim")]
    DuplicateClaim {
        /// The collection.
        kind: RowKind,
        /// The row's id.
        id: String,
        /// The field key.
        field: String,
    },
    /// The same page is listed as two sources of one row.
    #[error("{kind} {id:?}: source {url:?} is listed more than once")]
    DuplicateSource {
        /// The collection.
        kind: RowKind,
        /// The row's id.
        id: String,
        /// The URL (without its fragment).
        url: String,
    },
    /// A secondary source links a page on the provider's own domain: either
    /// it is official, or the third-party page actually read is missing.
    #[error("{kind} {id:?}: secondary source {url:?} is on the provider's own domain {domain:?}")]
    SecondaryOnOwnDomain {
        /// The collection.
        kind: RowKind,
        /// The row's id.
        id: String,
        /// The source's URL.
        url: String,
        /// The provider's domain it is on.
        domain: String,
    },
    /// A claim's quote is empty.
    #[error("{kind} {id:?}: the claim for {field} has an empty quote")]
    EmptyQuote {
        /// The collection.
        kind: RowKind,
        /// The row's id.
        id: String,
        /// The field key.
        field: String,
    },
    /// A host claim's quote does not name the host, and the claim does not
    /// say how the host was inferred.
    #[error("{kind} {id:?}: the quote for {field} does not name the host")]
    HostNotInQuote {
        /// The collection.
        kind: RowKind,
        /// The row's id.
        id: String,
        /// The field key (`host:<host>`).
        field: String,
    },
    /// A claim's quote is longer than [`MAX_QUOTE_CHARS`].
    #[error("{kind} {id:?}: the quote for {field} has {chars} characters, at most {MAX_QUOTE_CHARS} allowed")]
    QuoteTooLong {
        /// The collection.
        kind: RowKind,
        /// The row's id.
        id: String,
        /// The field key.
        field: String,
        /// Its length in characters.
        chars: usize,
    },
    /// A source backs no claim.
    #[error("{kind} {id:?}: source {url:?} backs no claim")]
    SourceWithoutClaims {
        /// The collection.
        kind: RowKind,
        /// The row's id.
        id: String,
        /// The source's URL.
        url: String,
    },
    /// The row's `last_verified` is not the latest check date of its claims
    /// (empty when none was re-checked).
    #[error("{kind} {id:?}: last_verified is {found:?}, its claims say {expected:?}")]
    LastVerifiedMismatch {
        /// The collection.
        kind: RowKind,
        /// The row's id.
        id: String,
        /// The value found.
        found: String,
        /// The latest check date of the claims, or empty.
        expected: String,
    },
    /// A provider's confidence is not the one its port 25 citation implies
    /// (see [`super::Confidence`]).
    #[error(
        "provider {id:?}: confidence is {found:?}, its port 25 citation makes it {expected:?}"
    )]
    ConfidenceMismatch {
        /// The provider's id.
        id: String,
        /// The confidence found.
        found: Confidence,
        /// The confidence the citation implies.
        expected: Confidence,
    },
    /// An article claim's subject is not `provider:<id>` or `relay:<id>` of
    /// an existing row.
    #[error("article claim {claim:?} is about {subject:?}, which is not a provider or relay row")]
    UnknownArticleSubject {
        /// The article claim's id.
        claim: String,
        /// The subject found.
        subject: String,
    },
    /// An article claim's evidence names a field its subject has no citation
    /// for.
    #[error("article claim {claim:?} rests on {field:?}, which its subject does not cite")]
    UncitedArticleEvidence {
        /// The article claim's id.
        claim: String,
        /// The field key.
        field: String,
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
    v.article();
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

/// Hosts of shared platforms where an official page (a documentation
/// repository, an archived copy) does not make the whole domain the
/// provider's own.
const SHARED_DOMAINS: [&str; 4] = [
    "github.com",
    "githubusercontent.com",
    "archive.org",
    "gitlab.com",
];

/// Second-level labels under which a country code's registrations sit
/// (`co.uk`, `com.au`), for [`registrable_domain`].
const SECOND_LEVELS: [&str; 7] = ["co", "com", "net", "org", "ac", "gov", "ne"];

/// The registrable part of a host name: its last two labels, or three under
/// a country code's second level (`docs.hetzner.com` gives `hetzner.com`,
/// `www.bt.co.uk` gives `bt.co.uk`). A small rule, not the Public Suffix
/// List: it only has to tell a provider's domain from a third party's.
pub fn registrable_domain(host: &str) -> &str {
    let host = host.trim_end_matches('.');
    let labels: Vec<&str> = host.split('.').collect();
    let keep = match labels.as_slice() {
        [.., second, tld] if tld.len() == 2 && SECOND_LEVELS.contains(second) => 3,
        _ => 2,
    };
    if labels.len() <= keep {
        return host;
    }
    let start: usize = labels[..labels.len() - keep]
        .iter()
        .map(|l| l.len() + 1)
        .sum();
    &host[start..]
}

/// A row's own registrable domains: those of its official sources (shared
/// platforms such as github.com excepted) and of `extra` host names (the
/// provider's declared domains, a relay's SMTP hosts).
pub fn own_domains<'a>(sources: &'a [Source], extra: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut domains: Vec<String> = sources
        .iter()
        .filter(|s| s.kind == SourceKind::Official)
        .filter_map(|s| host_of(&s.url))
        .chain(extra.filter(|h| !h.contains('<')))
        .map(|h| registrable_domain(h).to_ascii_lowercase())
        .filter(|d| !SHARED_DOMAINS.contains(&d.as_str()))
        .collect();
    domains.sort();
    domains.dedup();
    domains
}

/// The host of an `http(s)://` URL, lowercased by the caller's comparison.
fn host_of(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let end = rest.find(['/', '?', '#', ':']).unwrap_or(rest.len());
    Some(&rest[..end]).filter(|h| !h.is_empty())
}

/// Whether `quote` names `host`, ignoring case; a `<placeholder>` in the
/// host (`email-smtp.<region>.amazonaws.com`) matches anything, so each
/// literal part must appear, in order.
fn names_host(quote: &str, host: &str) -> bool {
    let quote = quote.to_ascii_lowercase();
    let host = host.to_ascii_lowercase();
    let mut from = 0;
    for (i, part) in host.split(['<', '>']).enumerate() {
        // Odd pieces are the placeholders' names.
        if i % 2 == 1 || part.is_empty() {
            continue;
        }
        match quote[from..].find(part) {
            Some(at) => from += at + part.len(),
            None => return false,
        }
    }
    true
}

/// The page a URL names: without its fragment or a trailing slash, so the
/// same page cited at two anchors counts once.
fn page_of(url: &str) -> String {
    let page = url.split('#').next().unwrap_or(url);
    page.trim_end_matches('/').to_owned()
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

    /// Checks a row's sources and claims against its cells: every cell with a
    /// known value cited exactly once, every claim naming a cell, every quote
    /// present and short, every date valid, each page listed once, no
    /// secondary source on the row's own domains, and `last_verified` equal to
    /// the latest check.
    #[allow(clippy::too_many_arguments)]
    fn sources(
        &mut self,
        kind: RowKind,
        id: &str,
        sources: &[Source],
        cells: &[Cell],
        is_field: &dyn Fn(&str) -> bool,
        domains: &[String],
        last_verified: &str,
    ) {
        // A row whose every cell is unknown cites nothing, and says so.
        if sources.is_empty() && cells.iter().any(|c| c.needs_citation) {
            self.push(ValidationError::MissingSource {
                kind,
                id: id.to_owned(),
            });
            return;
        }
        let mut pages = HashSet::new();
        let mut fields: HashSet<&str> = HashSet::new();
        let mut latest: Option<IsoDate> = None;
        for source in sources {
            self.non_empty(kind, id, "sources.title", &source.title);
            if !is_http_url(&source.url) {
                self.push(ValidationError::BadSourceUrl {
                    kind,
                    id: id.to_owned(),
                    title: source.title.clone(),
                    url: Some(source.url.clone()),
                });
            }
            let page = page_of(&source.url);
            if !pages.insert(page.clone()) {
                self.push(ValidationError::DuplicateSource {
                    kind,
                    id: id.to_owned(),
                    url: page,
                });
            }
            if source.kind == SourceKind::Secondary {
                let domain = host_of(&source.url).map(registrable_domain);
                if let Some(domain) = domain.filter(|d| domains.iter().any(|own| own == d)) {
                    self.push(ValidationError::SecondaryOnOwnDomain {
                        kind,
                        id: id.to_owned(),
                        url: source.url.clone(),
                        domain: domain.to_owned(),
                    });
                }
            }
            if let Some(published) = &source.published {
                // A page often shows only its month or year.
                let full = match published.len() {
                    4 => format!("{published}-01-01"),
                    7 => format!("{published}-01"),
                    _ => published.clone(),
                };
                if IsoDate::parse(&full).is_none() {
                    self.push(ValidationError::BadDate {
                        kind,
                        id: id.to_owned(),
                        field: "sources.published",
                        value: published.clone(),
                    });
                } else {
                    self.date(kind, id, "sources.published", &full);
                }
            }
            if source.claims.is_empty() {
                self.push(ValidationError::SourceWithoutClaims {
                    kind,
                    id: id.to_owned(),
                    url: source.url.clone(),
                });
            }
            for claim in &source.claims {
                let field = claim.field.as_str();
                if !is_field(field) {
                    self.push(ValidationError::UnknownClaimField {
                        kind,
                        id: id.to_owned(),
                        field: field.to_owned(),
                    });
                }
                if !fields.insert(field) {
                    self.push(ValidationError::DuplicateClaim {
                        kind,
                        id: id.to_owned(),
                        field: field.to_owned(),
                    });
                }
                if claim.quote.trim().is_empty() {
                    self.push(ValidationError::EmptyQuote {
                        kind,
                        id: id.to_owned(),
                        field: field.to_owned(),
                    });
                }
                let chars = claim.quote.chars().count();
                if chars > MAX_QUOTE_CHARS {
                    self.push(ValidationError::QuoteTooLong {
                        kind,
                        id: id.to_owned(),
                        field: field.to_owned(),
                        chars,
                    });
                }
                if let Some(host) = field.strip_prefix("host:") {
                    if claim.inferred.is_none() && !names_host(&claim.quote, host) {
                        self.push(ValidationError::HostNotInQuote {
                            kind,
                            id: id.to_owned(),
                            field: field.to_owned(),
                        });
                    }
                }
                if claim
                    .inferred
                    .as_deref()
                    .is_some_and(|how| how.trim().is_empty())
                {
                    self.non_empty(kind, id, "claims.inferred", "");
                }
                if field == "price" && claim.value.as_deref().is_none_or(|v| v.trim().is_empty()) {
                    self.non_empty(kind, id, "claims.value (price)", "");
                }
                match &claim.checked {
                    Checked::On(date) => {
                        if let Some(d) = self.date(kind, id, "claims.checked", date) {
                            latest = latest.max(Some(d));
                        }
                    }
                    Checked::NotRechecked { from, to } => {
                        let from = self.date(kind, id, "claims.checked.from", from);
                        let to_date = self.date(kind, id, "claims.checked.to", to);
                        if let (Some(a), Some(b)) = (from, to_date) {
                            if a > b {
                                self.push(ValidationError::BadDate {
                                    kind,
                                    id: id.to_owned(),
                                    field: "claims.checked.to",
                                    value: to.clone(),
                                });
                            }
                        }
                    }
                }
            }
        }
        for cell in cells.iter().filter(|c| c.needs_citation) {
            if !fields.contains(cell.field.as_str()) {
                self.push(ValidationError::MissingCitation {
                    kind,
                    id: id.to_owned(),
                    field: cell.field.clone(),
                });
            }
        }
        let expected = latest.map(|d| d.to_string()).unwrap_or_default();
        if last_verified != expected {
            self.push(ValidationError::LastVerifiedMismatch {
                kind,
                id: id.to_owned(),
                found: last_verified.to_owned(),
                expected,
            });
        }
    }

    fn date(
        &mut self,
        kind: RowKind,
        id: &str,
        field: &'static str,
        value: &str,
    ) -> Option<IsoDate> {
        if value.trim().is_empty() {
            self.push(ValidationError::MissingDate {
                kind,
                id: id.to_owned(),
                field,
            });
            return None;
        }
        let Some(date) = IsoDate::parse(value) else {
            self.push(ValidationError::BadDate {
                kind,
                id: id.to_owned(),
                field,
                value: value.to_owned(),
            });
            return None;
        };
        if self.version_date.is_some_and(|version| date > version) {
            self.push(ValidationError::DateAfterDataVersion {
                kind,
                id: id.to_owned(),
                field,
                value: value.to_owned(),
            });
        }
        Some(date)
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
            let domains = own_domains(&p.sources, p.domains.iter().map(String::as_str));
            self.sources(
                kind,
                id,
                &p.sources,
                &cells::provider_cells(p),
                &|field| cells::is_provider_field(p, field),
                &domains,
                &p.last_verified,
            );
            self.markdown(kind, id, "unblock.conditions", &p.unblock.conditions);
            let expected = match cells::citation(&p.sources, "port25") {
                Some((s, c)) if s.kind == SourceKind::Official && c.checked.date().is_some() => {
                    Confidence::High
                }
                Some((s, _)) if s.kind == SourceKind::Official => Confidence::Medium,
                _ => Confidence::Low,
            };
            if p.confidence != expected {
                self.push(ValidationError::ConfidenceMismatch {
                    id: id.to_owned(),
                    found: p.confidence,
                    expected,
                });
            }
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
        }
    }

    fn article(&mut self) {
        let kb = self.kb;
        let article = &kb.article;
        let kind = RowKind::ArticleClaim;
        self.non_empty(kind, "article", "title", &article.title);
        self.non_empty(kind, "article", "publisher", &article.publisher);
        if !is_http_url(&article.url) {
            self.push(ValidationError::BadSourceUrl {
                kind,
                id: "article".to_owned(),
                title: article.title.clone(),
                url: Some(article.url.clone()),
            });
        }
        self.date(kind, "article", "published", &article.published);
        self.ids(kind, article.claims.iter().map(|c| c.id.as_str()));
        for claim in &article.claims {
            let id = claim.id.as_str();
            self.non_empty(kind, id, "claim", &claim.claim);
            self.non_empty(kind, id, "evidence", &claim.evidence);
            self.markdown(kind, id, "evidence", &claim.evidence);
            let sources = match (claim.provider(), claim.relay()) {
                (Some(p), _) => kb.provider(p).map(|p| p.sources.as_slice()),
                (_, Some(r)) => kb.relay(r).map(|r| r.sources.as_slice()),
                _ => None,
            };
            let Some(sources) = sources else {
                self.push(ValidationError::UnknownArticleSubject {
                    claim: id.to_owned(),
                    subject: claim.subject.clone(),
                });
                continue;
            };
            for field in &claim.fields {
                if cells::citation(sources, field).is_none() {
                    self.push(ValidationError::UncitedArticleEvidence {
                        claim: id.to_owned(),
                        field: field.clone(),
                    });
                }
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
            let hosts = r.hosts.iter().map(|h| h.host.as_str());
            let domains = own_domains(&r.sources, hosts);
            self.sources(
                kind,
                id,
                &r.sources,
                &cells::relay_cells(r),
                &|field| cells::is_relay_field(r, field),
                &domains,
                &r.last_verified,
            );
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
        // `az-*` ids are the A-Z index's sections on the same page: a term
        // there would share its anchor.
        for id in super::index::validate_ids(&kb.glossary) {
            self.push(ValidationError::DuplicateId {
                kind,
                id: id.to_owned(),
            });
        }
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
    fn registrable_domains() {
        for (host, domain) in [
            ("docs.hetzner.com", "hetzner.com"),
            ("hetzner.com", "hetzner.com"),
            ("www.bt.co.uk", "bt.co.uk"),
            ("help.ovhcloud.com", "ovhcloud.com"),
            ("learn.microsoft.com", "microsoft.com"),
            ("localhost", "localhost"),
            ("a.b.example.com.au", "example.com.au"),
        ] {
            assert_eq!(registrable_domain(host), domain, "{host}");
        }
        assert_eq!(host_of("https://docs.x.com:443/a#b"), Some("docs.x.com"));
        assert_eq!(page_of("https://x.com/a/#b"), "https://x.com/a");
    }

    #[test]
    fn quotes_name_hosts_with_placeholders() {
        assert!(names_host("Host: `smtp.resend.com`", "smtp.resend.com"));
        assert!(names_host(
            "\"endpoint\": \"email-smtp.${region}.amazonaws.com\"",
            "email-smtp.<region>.amazonaws.com"
        ));
        assert!(names_host("SERVER: MAIL.SMTP2GO.COM", "mail.smtp2go.com"));
        assert!(!names_host(
            "Outgoing Server Name: smtppro.zoho.com",
            "smtp.zoho.com"
        ));
        assert!(!names_host(
            "amazonaws.com then email-smtp.",
            "email-smtp.<region>.amazonaws.com"
        ));
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
