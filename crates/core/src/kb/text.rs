//! The prose parts of the knowledge base: glossary terms, FAQ entries and guide
//! pages, all written in markdown.
//!
//! These types hold markdown source; they do not render it. Links inside the
//! markdown are checked by [`super::validate`].

use serde::{Deserialize, Serialize};

/// An authoritative link for a glossary term: an RFC or a standards page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Reference {
    /// The link text ("RFC 5321").
    pub title: String,
    /// The URL.
    pub url: String,
}

/// One glossary term; the site anchors it at `/glossary#<id>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct GlossaryTerm {
    /// Kebab-case slug, unique among terms.
    pub id: String,
    /// The term as displayed ("MTA-STS").
    pub term: String,
    /// The definition, in the project's own words (markdown).
    pub definition: String,
    /// An RFC or authoritative page, if one defines the term.
    pub reference: Option<Reference>,
    /// Ids of related terms; validation checks each exists.
    #[serde(default)]
    pub see_also: Vec<String>,
}

/// One question and answer; the site anchors it at `/faq#<id>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FaqEntry {
    /// Kebab-case slug, unique among entries.
    pub id: String,
    /// The question, as a reader would ask it.
    pub question: String,
    /// The answer, in the project's own words, citing sources by link
    /// (markdown).
    pub answer: String,
}

/// One guide page, `content/guide/<slug>.md`, served at `/guide/<slug>`.
///
/// The caller reads the file; this crate only holds and checks its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct GuidePage {
    /// The file name without `.md`; a kebab-case slug.
    pub slug: String,
    /// The page's markdown, starting with a `# ` title line.
    pub markdown: String,
}

impl GuidePage {
    /// The text of the first `# ` heading, if there is one.
    pub fn title(&self) -> Option<&str> {
        self.markdown
            .lines()
            .find_map(|line| line.strip_prefix("# "))
            .map(str::trim)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guide_title_is_first_h1() {
        let page = GuidePage {
            slug: "x".into(),
            markdown: "Intro\n\n# Why port 25 is blocked \n\n## Sub\n".into(),
        };
        assert_eq!(page.title(), Some("Why port 25 is blocked"));
        let untitled = GuidePage {
            slug: "y".into(),
            markdown: "## Only h2".into(),
        };
        assert_eq!(untitled.title(), None);
    }
}
