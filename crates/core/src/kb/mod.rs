//! The knowledge base: providers, relays, ports, glossary, FAQ and guide pages,
//! typed and validated.
//!
//! The source of truth is the project's `content/` directory: five JSON files
//! under `content/data/` and markdown pages under `content/guide/`. This module
//! parses their text into typed rows ([`KnowledgeBase::from_json`]) and checks
//! them ([`validate`]). It does no I/O: callers (a build script, the site's
//! prerenderer, the tests) read the files and hand over strings. It does not
//! render markdown either.
//!
//! Every factual cell of a provider or relay row is backed by a [`Claim`]: a
//! verbatim quote from one of the row's [`Source`]s, with the date it was
//! checked or the research's dates when it was not re-checked. [`cells`]
//! lists a row's cells and finds each one's citation; [`validate`] fails on a
//! cell without one. `providers.json` also names the article the project
//! started from ([`Article`]) with a verdict on each of its claims.
//!
//! Every enum is spelled in kebab-case and every struct denies unknown fields,
//! so a misspelt value or key fails to parse instead of being silently ignored.

pub mod cells;
mod common;
pub mod compare;
pub mod index;
mod labels;
mod links;
mod provider;
mod relay;
pub mod table;
mod text;
mod validate;

use serde::{Deserialize, Serialize};

pub use cells::Counts;
pub use common::{
    is_slug, Checked, Claim, Confidence, IsoDate, Source, SourceKind, MAX_QUOTE_CHARS,
};
pub use labels::Labelled;
pub use links::{classify, link_targets, LinkTarget};
pub use provider::{
    Article, ArticleClaim, OtherPorts, Port25Policy, PortStatus, Provider, ProviderCategory,
    RecommendedRelay, Unblock, UnblockRoute, Variant, Verdict, REQUIRED_PROVIDER_IDS,
};
pub use relay::{
    Credentials, FreeKind, FreeTier, Offered, Port, Relay, RelayHost, RelayPort, RfcRef, TlsMode,
    UsernameConvention,
};
pub use text::{FaqEntry, GlossaryTerm, GuidePage, Reference};
pub use validate::{
    data_version_date, own_domains, registrable_domain, validate, RowKind, ValidationError,
    MIN_FAQ_ENTRIES, MIN_GLOSSARY_TERMS,
};

/// `content/data/providers.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ProvidersFile {
    /// The data version, `YYYY-MM-DD.N`, shared by all data files.
    pub data_version: String,
    /// The article the project started from and the verdict on each of its
    /// claims.
    pub article: Article,
    /// The rows.
    pub providers: Vec<Provider>,
}

/// `content/data/relays.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RelaysFile {
    /// The data version, `YYYY-MM-DD.N`, shared by all data files.
    pub data_version: String,
    /// The rows.
    pub relays: Vec<Relay>,
}

/// `content/data/ports.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PortsFile {
    /// The data version, `YYYY-MM-DD.N`, shared by all data files.
    pub data_version: String,
    /// The rows.
    pub ports: Vec<Port>,
}

/// `content/data/glossary.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct GlossaryFile {
    /// The data version, `YYYY-MM-DD.N`, shared by all data files.
    pub data_version: String,
    /// The rows.
    pub terms: Vec<GlossaryTerm>,
}

/// `content/data/faq.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FaqFile {
    /// The data version, `YYYY-MM-DD.N`, shared by all data files.
    pub data_version: String,
    /// The rows.
    pub entries: Vec<FaqEntry>,
}

/// The raw text of the content files, as read by the caller.
#[derive(Debug, Clone, Copy)]
pub struct RawContent<'a> {
    /// The text of `providers.json`.
    pub providers: &'a str,
    /// The text of `relays.json`.
    pub relays: &'a str,
    /// The text of `ports.json`.
    pub ports: &'a str,
    /// The text of `glossary.json`.
    pub glossary: &'a str,
    /// The text of `faq.json`.
    pub faq: &'a str,
}

/// Why the content files could not be parsed.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    /// A file is not valid JSON for its type (including an unknown enum value
    /// or an unknown field).
    #[error("{file}: {source}")]
    Json {
        /// The file name, such as `providers.json`.
        file: &'static str,
        /// The serde error, with line and column.
        #[source]
        source: serde_json::Error,
    },
    /// The files carry different data versions.
    #[error("{file} has data version {found:?}, providers.json has {expected:?}")]
    DataVersionMismatch {
        /// The file that differs.
        file: &'static str,
        /// Its data version.
        found: String,
        /// The data version of `providers.json`.
        expected: String,
    },
}

/// The whole knowledge base, parsed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct KnowledgeBase {
    /// The data version shared by all data files, `YYYY-MM-DD.N`.
    pub data_version: String,
    /// The original article and its judged claims.
    pub article: Article,
    /// Hosting providers and ISPs.
    pub providers: Vec<Provider>,
    /// SMTP relay services.
    pub relays: Vec<Relay>,
    /// Mail ports.
    pub ports: Vec<Port>,
    /// Glossary terms.
    pub glossary: Vec<GlossaryTerm>,
    /// FAQ entries.
    pub faq: Vec<FaqEntry>,
    /// Guide pages.
    pub guides: Vec<GuidePage>,
}

fn parse<T: serde::de::DeserializeOwned>(file: &'static str, text: &str) -> Result<T, ParseError> {
    serde_json::from_str(text).map_err(|source| ParseError::Json { file, source })
}

impl KnowledgeBase {
    /// Parses the five data files and attaches the guide pages.
    ///
    /// This only parses; call [`validate`] on the result to check ids, links,
    /// dates and sources.
    ///
    /// # Errors
    ///
    /// [`ParseError::Json`] for the first file that does not parse, or
    /// [`ParseError::DataVersionMismatch`] if the files disagree on the data
    /// version.
    pub fn from_json(raw: RawContent<'_>, guides: Vec<GuidePage>) -> Result<Self, ParseError> {
        let providers: ProvidersFile = parse("providers.json", raw.providers)?;
        let relays: RelaysFile = parse("relays.json", raw.relays)?;
        let ports: PortsFile = parse("ports.json", raw.ports)?;
        let glossary: GlossaryFile = parse("glossary.json", raw.glossary)?;
        let faq: FaqFile = parse("faq.json", raw.faq)?;
        let expected = providers.data_version;
        for (file, found) in [
            ("relays.json", relays.data_version),
            ("ports.json", ports.data_version),
            ("glossary.json", glossary.data_version),
            ("faq.json", faq.data_version),
        ] {
            if found != expected {
                return Err(ParseError::DataVersionMismatch {
                    file,
                    found,
                    expected,
                });
            }
        }
        Ok(KnowledgeBase {
            data_version: expected,
            article: providers.article,
            providers: providers.providers,
            relays: relays.relays,
            ports: ports.ports,
            glossary: glossary.terms,
            faq: faq.entries,
            guides,
        })
    }

    /// The provider with this id.
    pub fn provider(&self, id: &str) -> Option<&Provider> {
        self.providers.iter().find(|p| p.id == id)
    }

    /// The relay with this id.
    pub fn relay(&self, id: &str) -> Option<&Relay> {
        self.relays.iter().find(|r| r.id == id)
    }

    /// The port with this number.
    pub fn port(&self, number: u16) -> Option<&Port> {
        self.ports.iter().find(|p| p.number == number)
    }

    /// The original article's claims about the provider or relay `subject`
    /// (`provider:<id>` or `relay:<id>`), in file order.
    pub fn article_claims<'a>(
        &'a self,
        subject: &'a str,
    ) -> impl Iterator<Item = &'a ArticleClaim> {
        self.article
            .claims
            .iter()
            .filter(move |c| c.subject == subject)
    }

    /// The glossary term with this id.
    pub fn term(&self, id: &str) -> Option<&GlossaryTerm> {
        self.glossary.iter().find(|t| t.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn empty(version: &str, key: &str) -> String {
        let article = if key == "providers" {
            r#""article":{"title":"T","publisher":"P","url":"https://example.com/a","published":"2026-02-18","claims":[]},"#
        } else {
            ""
        };
        format!(r#"{{"data_version":"{version}",{article}"{key}":[]}}"#)
    }

    #[test]
    fn parses_empty_files_and_checks_versions() {
        let (p, r, po, g, f) = (
            empty("2026-11-23.1", "providers"),
            empty("2026-11-23.1", "relays"),
            empty("2026-11-23.1", "ports"),
            empty("2026-11-23.1", "terms"),
            empty("2026-11-23.2", "entries"),
        );
        let raw = RawContent {
            providers: &p,
            relays: &r,
            ports: &po,
            glossary: &g,
            faq: &f,
        };
        match KnowledgeBase::from_json(raw, Vec::new()) {
            Err(ParseError::DataVersionMismatch { file, .. }) => assert_eq!(file, "faq.json"),
            other => panic!("expected a version mismatch, got {other:?}"),
        }
        let f = empty("2026-11-23.1", "entries");
        let raw = RawContent { faq: &f, ..raw };
        let kb = KnowledgeBase::from_json(raw, Vec::new()).unwrap();
        assert_eq!(kb.data_version, "2026-11-23.1");
        // Empty is parseable but not valid: required providers and counts.
        let errors = validate(&kb).unwrap_err();
        assert!(errors.contains(&ValidationError::MissingRequiredProvider { id: "aws-ec2" }));
        assert!(errors.contains(&ValidationError::TooFew {
            kind: RowKind::GlossaryTerm,
            found: 0,
            required: MIN_GLOSSARY_TERMS,
        }));
    }

    #[test]
    fn unknown_top_level_key_fails() {
        let text = r#"{"data_version":"2026-11-23.1","article":{"title":"T","publisher":"P","url":"https://example.com/a","published":"2026-02-18","claims":[]},"providers":[],"extra":1}"#;
        assert!(parse::<ProvidersFile>("providers.json", text).is_err());
    }
}
