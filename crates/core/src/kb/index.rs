//! The indexes of the prose pages: the glossary's A-Z and the FAQ's table of
//! contents, and the anchor every entry is shared by.
//!
//! The prerenderer renders what these functions return; it does not sort or
//! group anything itself. What this is not: a search (see `crate::search`).

use super::text::{FaqEntry, GlossaryTerm};

/// One letter of the A-Z index: the letter, its section's anchor and the
/// terms filed under it (alphabetically). A letter without terms has an
/// empty list and no section on the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter<'a> {
    /// The letter as shown, `A` to `Z`, or `#` for terms that start with a
    /// digit or a symbol.
    pub letter: char,
    /// Its terms, sorted by [`sort_key`].
    pub terms: Vec<&'a GlossaryTerm>,
}

impl Letter<'_> {
    /// The anchor of the letter's section: `az-a`, or `az-0` for `#`. The
    /// `az-` prefix keeps it apart from term ids ([`validate_ids`]).
    pub fn anchor(&self) -> String {
        match self.letter {
            '#' => "az-0".to_owned(),
            c => format!("az-{}", c.to_ascii_lowercase()),
        }
    }
}

/// How a term sorts: the search's folding (`É` is `e`, punctuation a space).
pub fn sort_key(term: &str) -> String {
    crate::search::normalize(term)
}

/// The letter a term is filed under.
fn letter_of(term: &str) -> char {
    match sort_key(term).chars().next() {
        Some(c) if c.is_ascii_alphabetic() => c.to_ascii_uppercase(),
        _ => '#',
    }
}

/// The glossary's A-Z index: `#` (only when a term needs it), then every
/// letter from A to Z, each with its terms in order.
pub fn glossary_az(terms: &[GlossaryTerm]) -> Vec<Letter<'_>> {
    let mut sorted: Vec<&GlossaryTerm> = terms.iter().collect();
    sorted.sort_by_cached_key(|t| sort_key(&t.term));
    let letters = std::iter::once('#').chain('A'..='Z');
    letters
        .map(|letter| Letter {
            letter,
            terms: sorted
                .iter()
                .copied()
                .filter(|t| letter_of(&t.term) == letter)
                .collect(),
        })
        .filter(|l| l.letter != '#' || !l.terms.is_empty())
        .collect()
}

/// The FAQ's table of contents: each entry's anchor and question, in page
/// order.
pub fn faq_toc(entries: &[FaqEntry]) -> Vec<(&str, &str)> {
    entries
        .iter()
        .map(|e| (e.id.as_str(), e.question.as_str()))
        .collect()
}

/// The ids on the glossary page that would collide with a letter's anchor:
/// a term id that starts with `az-`. Empty when the page is sound.
pub fn validate_ids(terms: &[GlossaryTerm]) -> Vec<&str> {
    terms
        .iter()
        .map(|t| t.id.as_str())
        .filter(|id| id.starts_with("az-"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(id: &str, term: &str) -> GlossaryTerm {
        GlossaryTerm {
            id: id.into(),
            term: term.into(),
            definition: String::new(),
            reference: None,
            see_also: Vec::new(),
        }
    }

    #[test]
    fn terms_are_filed_under_their_folded_first_letter_in_order() {
        let terms = [
            term("spf", "SPF"),
            term("ehlo", "ÉHLO"),
            term("smtp", "smtp"),
            term("dkim", "DKIM"),
            term("2525", "2525 (port)"),
            term("dmarc", "(DMARC)"),
        ];
        let az = glossary_az(&terms);
        assert_eq!(az.len(), 27, "# and A to Z");
        assert_eq!(az[0].letter, '#');
        assert_eq!(az[0].anchor(), "az-0");
        let ids = |c: char| -> Vec<&str> {
            az.iter()
                .find(|l| l.letter == c)
                .unwrap()
                .terms
                .iter()
                .map(|t| t.id.as_str())
                .collect()
        };
        assert_eq!(ids('#'), ["2525"]);
        assert_eq!(ids('D'), ["dkim", "dmarc"]);
        assert_eq!(ids('E'), ["ehlo"]);
        assert_eq!(ids('S'), ["smtp", "spf"]);
        assert!(ids('Q').is_empty());
        assert_eq!(az[5].anchor(), "az-e");
    }

    #[test]
    fn no_hash_section_without_such_terms() {
        let terms = [term("mx", "MX")];
        let az = glossary_az(&terms);
        assert_eq!(az.len(), 26);
        assert_eq!(az[0].letter, 'A');
    }

    #[test]
    fn a_term_id_cannot_take_a_letters_anchor() {
        assert_eq!(
            validate_ids(&[term("az-b", "B"), term("mx", "MX")]),
            ["az-b"]
        );
    }

    #[test]
    fn the_toc_lists_every_question_in_page_order() {
        let entries = [
            FaqEntry {
                id: "b".into(),
                question: "Second?".into(),
                answer: String::new(),
            },
            FaqEntry {
                id: "a".into(),
                question: "First?".into(),
                answer: String::new(),
            },
        ];
        assert_eq!(faq_toc(&entries), [("b", "Second?"), ("a", "First?")]);
    }
}
