//! Site search: the index the prerenderer builds from the knowledge base, its
//! compact text form, and the ranking the browser runs on each keystroke.
//!
//! The index is built natively at build time ([`build_index`]) and written
//! as a small text file ([`serialize`]); the browser fetches it on first use
//! and reads it back with [`parse`], which needs no JSON parser, so the wasm
//! bundle only carries [`parse`], [`normalize`] and [`search`]. What this
//! module is not: a full-text engine. There is no stemming and no typo
//! tolerance; a query matches whole words and word prefixes.
//!
//! # The index file
//!
//! UTF-8 text, one record per line, fields separated by a tab. The first
//! line is the header `port25-search<TAB>1` (the format version). Every other
//! line is one [`Entry`]:
//!
//! ```text
//! kind <TAB> path <TAB> title <TAB> summary <TAB> names <TAB> words
//! ```
//!
//! - `kind`: the [`Kind`]'s label (`Provider`, `Relay`, `Port`, `Glossary`,
//!   `FAQ`, `Page`, `Diagnosis`);
//! - `path`: the route below the base path, with an anchor where the entry is
//!   a part of a page (`/glossary#starttls`, `/ports#465`);
//! - `title`, `summary`: display text, with tabs and line breaks turned into
//!   spaces;
//! - `names`: the [`normalize`]d names the entry is known by, separated by
//!   `|`, the title's first; for a `Diagnosis` entry (an error message or
//!   log line, [`SYMPTOMS`]) its phrase groups instead;
//! - `words`: the normalised words of its text, each once, separated by
//!   spaces.

use std::cmp::Reverse;

use crate::kb::{KnowledgeBase, Labelled};
use crate::markdown::{self, RenderOptions};
use crate::site::Page;

/// The first line of an index file: its format and version.
pub const HEADER: &str = "port25-search\t1";

/// How many results the search box shows.
pub const MAX_RESULTS: usize = 8;

/// What an index entry is; shown as text beside each result.
///
/// Declared in the order ties between equal scores are broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A port on the ports page.
    Port,
    /// A glossary term.
    Glossary,
    /// A provider's page.
    Provider,
    /// A relay service's page.
    Relay,
    /// A question on the FAQ page.
    Faq,
    /// A site page, guide page or guide section.
    Page,
    /// An error message or log line people paste ("Connection timed out",
    /// Postfix's `status=deferred`), leading to the diagnosis that explains
    /// it. Matched by phrase inside the query, not word by word (see
    /// [`SYMPTOMS`]).
    Symptom,
}

impl Kind {
    /// Every kind, in the order ties between equal scores are broken.
    pub const ALL: [Kind; 7] = [
        Kind::Port,
        Kind::Glossary,
        Kind::Provider,
        Kind::Relay,
        Kind::Faq,
        Kind::Page,
        Kind::Symptom,
    ];

    /// The label shown with a result and written in the index file.
    pub const fn label(self) -> &'static str {
        match self {
            Kind::Port => "Port",
            Kind::Glossary => "Glossary",
            Kind::Provider => "Provider",
            Kind::Relay => "Relay",
            Kind::Faq => "FAQ",
            Kind::Page => "Page",
            Kind::Symptom => "Diagnosis",
        }
    }

    fn from_label(label: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.label() == label)
    }
}

/// One thing a search can find.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// What it is.
    pub kind: Kind,
    /// The route below the base path, with an anchor where it is part of a
    /// page: `/providers/hetzner-cloud`, `/glossary#starttls`.
    pub path: String,
    /// The display title.
    pub title: String,
    /// One line of display text under the title.
    pub summary: String,
    /// The normalised names it is known by; the first is the title's.
    pub names: Vec<String>,
    /// The normalised words of its text, each once.
    pub words: Vec<String>,
}

/// An index file that is not in the format above.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("search index line {line}: {reason}")]
pub struct ParseError {
    /// The 1-based line number.
    pub line: usize,
    /// What is wrong with it.
    pub reason: &'static str,
}

/// Folds a character to what search compares: lowercase, Latin-1 accents
/// dropped (`é` is `e`), or `None` for a separator. Case folds in ASCII and
/// Latin-1 only.
///
/// ASCII letters and digits are word characters; so is any other character
/// from U+00C0 on, except the multiplication and division signs and the
/// punctuation and symbol blocks U+2000 to U+2BFF and U+3000 to U+303F. That
/// keeps `’`, `—` and `…` from gluing words together without carrying
/// Unicode's category tables into the wasm bundle.
fn fold(c: char) -> Option<char> {
    if c.is_ascii_alphanumeric() {
        return Some(c.to_ascii_lowercase());
    }
    let is_word = c >= '\u{c0}'
        && !matches!(c, '\u{d7}' | '\u{f7}' | '\u{2000}'..='\u{2bff}' | '\u{3000}'..='\u{303f}');
    if !is_word {
        return None;
    }
    // Latin-1 capitals sit 0x20 below their small letters. Other scripts are
    // compared as written: `char::to_lowercase` would bring Unicode's case
    // tables (about 14 KB) into every bundle.
    let lower = match c {
        '\u{c0}'..='\u{de}' => char::from_u32(u32::from(c) + 0x20).unwrap_or(c),
        _ => c,
    };
    Some(match lower {
        'à'..='å' => 'a',
        'ç' => 'c',
        'è'..='ë' => 'e',
        'ì'..='ï' => 'i',
        'ñ' => 'n',
        'ò'..='ö' | 'ø' => 'o',
        'ù'..='ü' => 'u',
        'ý' | 'ÿ' => 'y',
        other => other,
    })
}

/// The form search compares: words of [`fold`]ed characters joined by single
/// spaces. `"MTA-STS"` is `mta sts`, `"Résumé (v2)"` is `resume v2`.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut gap = false;
    for c in text.chars() {
        match fold(c) {
            Some(c) => {
                if gap && !out.is_empty() {
                    out.push(' ');
                }
                gap = false;
                out.push(c);
            }
            None => gap = true,
        }
    }
    out
}

/// Whether every word of `query` starts a word of `name` (both
/// [`normalize`]d): the home page's provider picker, where `hetz` finds
/// "Hetzner Cloud" and `digital ocean` "DigitalOcean (Droplets)" does not. An
/// empty query matches every name.
pub fn is_name_match(query: &str, name: &str) -> bool {
    let name = normalize(name);
    normalize(query)
        .split(' ')
        .filter(|t| !t.is_empty())
        .all(|t| name.split(' ').any(|w| w.starts_with(t)))
}

/// How well one query word matches one entry; 0 is not at all.
fn word_score(entry: &Entry, term: &str) -> u32 {
    let best = |words: &mut dyn Iterator<Item = &str>, exact: u32, prefix: u32| {
        words.fold(0, |best, w| {
            best.max(if w == term {
                exact
            } else if w.starts_with(term) {
                prefix
            } else {
                0
            })
        })
    };
    let mut names = entry.names.iter();
    let title = names.next().map_or(0, |t| best(&mut t.split(' '), 30, 20));
    let other = best(&mut names.flat_map(|n| n.split(' ')), 15, 10);
    let body = best(&mut entry.words.iter().map(String::as_str), 3, 1);
    title.max(other).max(body)
}

/// Scores `entry` for a normalised query and its words, or `None` when a
/// query word matches nothing in it.
///
/// The whole query equal to the title or another name ranks first, then the
/// title or a name starting with it; below that each word adds what its best
/// match is worth: a title word over another name's word over the text's, a
/// whole word over a prefix.
fn score(entry: &Entry, query: &str, terms: &[&str]) -> Option<u32> {
    if entry.kind == Kind::Symptom {
        return symptom_score(entry, terms);
    }
    let mut total = if entry.names.iter().any(|n| n == query) {
        1000
    } else if entry.names.first().is_some_and(|t| t.starts_with(query)) {
        500
    } else if entry.names.iter().any(|n| n.starts_with(query)) {
        400
    } else {
        0
    };
    for term in terms {
        match word_score(entry, term) {
            0 => return None,
            s => total += s,
        }
    }
    Some(total)
}

/// Scores a [`Kind::Symptom`] entry: each of its names is a group of
/// alternative phrases separated by `,`, and every group must occur in the
/// query as consecutive words, so a whole pasted log line still matches.
/// In a phrase `*` stands for one to twelve words (a host name and its
/// address); the query's last word may be the start of the phrase's last
/// word once it has three letters (typing in progress). The score grows with
/// the letters matched, so the most specific symptom ranks first and the
/// bare `connect to ... 25` gives way to the reason that follows it.
fn symptom_score(entry: &Entry, terms: &[&str]) -> Option<u32> {
    let mut matched = 0;
    for group in &entry.names {
        let best = group
            .split(',')
            .filter_map(|phrase| {
                let words: Vec<&str> = phrase.split(' ').filter(|w| !w.is_empty()).collect();
                (0..terms.len())
                    .find_map(|start| phrase_at(terms, start, &words, false))
                    .map(|_| {
                        words
                            .iter()
                            .filter(|w| **w != "*")
                            .map(|w| w.len())
                            .sum::<usize>()
                    })
            })
            .max()?;
        matched += best;
    }
    (matched > 0).then(|| 600 + 10 * matched as u32)
}

/// Whether `phrase` matches `terms` from `start`; the index after the match.
/// `matched` says whether a word of the phrase matched already: only then,
/// or for the phrase's last word, may the query's last word be the start of
/// the phrase's word (typing in progress: `connection tim`).
fn phrase_at(terms: &[&str], start: usize, phrase: &[&str], matched: bool) -> Option<usize> {
    let Some((first, rest)) = phrase.split_first() else {
        return Some(start);
    };
    if *first == "*" {
        return (start + 1..=(start + 12).min(terms.len()))
            .find_map(|next| phrase_at(terms, next, rest, matched));
    }
    let term = terms.get(start)?;
    if term == first {
        return phrase_at(terms, start + 1, rest, true);
    }
    let typing = start + 1 == terms.len() && term.len() >= 3 && first.starts_with(term);
    (typing && (matched || rest.is_empty())).then_some(start + 1)
}

/// The indices of the best entries for `query`, best first, at most `limit`.
///
/// Every word of the query must match (a whole word or a word's start).
/// Equal scores go to the kind listed first in [`Kind::ALL`], then to the
/// shorter title, then to the entry earlier in the index. An empty query
/// finds nothing.
pub fn search(entries: &[Entry], query: &str, limit: usize) -> Vec<usize> {
    let query = normalize(query);
    let terms: Vec<&str> = query.split(' ').filter(|t| !t.is_empty()).collect();
    if terms.is_empty() {
        return Vec::new();
    }
    // A running top-`limit` list rather than a sort: equally fast for a few
    // hundred entries, and it keeps a sort routine out of the wasm bundle.
    let order = |(score, i): (u32, usize)| {
        let e = &entries[i];
        (Reverse(score), e.kind as u8, e.title.len(), i)
    };
    let mut best: Vec<(u32, usize)> = Vec::with_capacity(limit + 1);
    for (i, e) in entries.iter().enumerate() {
        let Some(score) = score(e, &query, &terms) else {
            continue;
        };
        // One pasted line matches several symptoms (`deferred`, `timed out`,
        // both): keep only the most specific.
        if e.kind == Kind::Symptom {
            let rival = best
                .iter()
                .position(|&(_, j)| entries[j].kind == Kind::Symptom);
            match rival {
                Some(r) if order(best[r]) < order((score, i)) => continue,
                Some(r) => {
                    best.remove(r);
                }
                None => {}
            }
        }
        let pos = best
            .iter()
            .position(|&b| order((score, i)) < order(b))
            .unwrap_or(best.len());
        if pos < limit {
            best.insert(pos, (score, i));
            best.truncate(limit);
        }
    }
    best.into_iter().map(|(_, i)| i).collect()
}

/// Reads an index file written by [`serialize`].
///
/// # Errors
///
/// [`ParseError`] for a missing or different header, a line without six
/// fields, or an unknown kind.
pub fn parse(text: &str) -> Result<Vec<Entry>, ParseError> {
    let mut lines = text.lines();
    if lines.next() != Some(HEADER) {
        return Err(ParseError {
            line: 1,
            reason: "not a version 1 search index",
        });
    }
    let split = |s: &str, sep: char| -> Vec<String> {
        s.split(sep)
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let mut entries = Vec::new();
    for (i, line) in lines.enumerate().filter(|(_, line)| !line.is_empty()) {
        let error = |reason| ParseError {
            line: i + 2,
            reason,
        };
        let mut fields = line.split('\t');
        let mut next = || {
            fields
                .next()
                .ok_or(error("expected six tab-separated fields"))
        };
        let (kind, path, title, summary, names, words) =
            (next()?, next()?, next()?, next()?, next()?, next()?);
        if fields.next().is_some() {
            return Err(error("expected six tab-separated fields"));
        }
        entries.push(Entry {
            kind: Kind::from_label(kind).ok_or(error("unknown kind"))?,
            path: path.to_owned(),
            title: title.to_owned(),
            summary: summary.to_owned(),
            names: split(names, '|'),
            words: split(words, ' '),
        });
    }
    Ok(entries)
}

/// Display text on one line: whitespace runs (tabs and line breaks
/// included) become one space.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Writes the index file described in the module documentation.
pub fn serialize(entries: &[Entry]) -> String {
    let mut out = String::from(HEADER);
    out.push('\n');
    for e in entries {
        let fields = [
            e.kind.label().to_owned(),
            one_line(&e.path),
            one_line(&e.title),
            one_line(&e.summary),
            e.names.join("|"),
            e.words.join(" "),
        ];
        out.push_str(&fields.join("\t"));
        out.push('\n');
    }
    out
}

/// Words too common to be worth a place in the index.
const STOP_WORDS: [&str; 24] = [
    "an", "and", "are", "as", "at", "be", "by", "can", "for", "from", "has", "if", "in", "is",
    "it", "its", "not", "of", "on", "or", "that", "the", "this", "to",
];

/// Builds entries from display text and the text to search.
struct EntryBuilder {
    entry: Entry,
}

impl EntryBuilder {
    fn new(kind: Kind, path: String, title: &str, summary: &str) -> Self {
        EntryBuilder {
            entry: Entry {
                kind,
                path,
                title: one_line(title),
                summary: one_line(summary),
                names: vec![normalize(title)],
                words: Vec::new(),
            },
        }
    }

    /// Adds a name the entry is known by (an alias, an id).
    fn name(mut self, name: &str) -> Self {
        let name = normalize(name);
        if !name.is_empty() && !self.entry.names.contains(&name) {
            self.entry.names.push(name);
        }
        self
    }

    /// Adds the words of `text` (plain text).
    fn text(mut self, text: &str) -> Self {
        for word in normalize(text).split(' ') {
            let keep = word.len() > 1 && !STOP_WORDS.contains(&word);
            if keep && !self.entry.words.iter().any(|w| w == word) {
                self.entry.words.push(word.to_owned());
            }
        }
        self
    }

    /// Adds the words of markdown `source`, without its markup and URLs.
    fn markdown(self, source: &str) -> Self {
        let text = plain_text(source);
        self.text(&text)
    }

    fn build(self) -> Entry {
        self.entry
    }
}

/// The text of markdown without markup, link targets or HTML.
fn plain_text(source: &str) -> String {
    use pulldown_cmark::{Event, Parser, TagEnd};
    let mut text = String::with_capacity(source.len());
    for event in Parser::new(source) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            // Blocks end words; inline ends (links, emphasis) do not.
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::CodeBlock
                | TagEnd::BlockQuote(_),
            ) => text.push(' '),
            _ => {}
        }
    }
    text
}

/// The first sentence of markdown `source` as plain text, cut to about 140
/// characters on a word boundary.
fn first_sentence(source: &str) -> String {
    let text = one_line(&plain_text(source));
    let end = text
        .match_indices(". ")
        .map(|(i, _)| i + 1)
        .next()
        .unwrap_or(text.len());
    let sentence = &text[..end];
    if sentence.chars().count() <= 140 {
        return sentence.to_owned();
    }
    let cut: String = sentence.chars().take(140).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', ';', ':']))
}

/// The short name of a row titled like `Amazon Lightsail (EC2)`: the part
/// before the parenthesis, or `None` if there is none.
fn short_name(name: &str) -> Option<&str> {
    name.split_once(" (").map(|(head, _)| head)
}

/// The error messages and log lines the search recognises, with where each
/// leads: `(phrase groups, path, title, summary)`. Each group lists
/// alternative phrases separated by `,` (in [`normalize`]d form; `*` is one
/// to twelve words) and every group must occur in the query. The paths are
/// the diagnosis at the matching answer (`content/diagnose/tree.json`; a
/// test walks each).
pub const SYMPTOMS: [(&[&str], &str, &str, &str); 8] = [
    (
        &["deferred", TIMED_OUT],
        "/diagnose?p=deferred.timeout",
        "Deferred: connection timed out",
        "Mail waits in the queue because connections time out: the usual sign of a port 25 block.",
    ),
    (
        &["deferred", "connection refused"],
        "/diagnose?p=deferred.refused",
        "Deferred: connection refused",
        "Mail waits in the queue because connections are refused.",
    ),
    (
        &["deferred", UNREACHABLE],
        "/diagnose?p=error.unreachable",
        "Deferred: network is unreachable",
        "Mail waits in the queue because the server has no route out.",
    ),
    (
        &["deferred"],
        "/diagnose?p=deferred",
        "Mail deferred in the queue",
        "Why your server keeps mail and retries, and how to find the reason.",
    ),
    (
        &[TIMED_OUT],
        "/diagnose?p=timeout",
        "Connection timed out",
        "A connection that hangs, then times out: what blocks it and how to tell.",
    ),
    (
        &[UNREACHABLE],
        "/diagnose?p=error.unreachable",
        "Network is unreachable",
        "The connection never left: no route for that address or a filter that says so.",
    ),
    (
        &["connection refused"],
        "/diagnose?p=refused",
        "Connection refused",
        "Something answered with a reset: who refuses and what it means.",
    ),
    (
        &["connect to * 25"],
        "/diagnose?p=timeout",
        "Could not connect to port 25",
        "Your mail program's connection to a server on port 25 failed: diagnose why.",
    ),
];

/// The ways programs say a connection timed out.
const TIMED_OUT: &str =
    "connection timed out,timed out,operation timed out,connect timeout,connection timeout";

/// The ways programs say there is no route.
const UNREACHABLE: &str = "network is unreachable,network unreachable,no route to host";

/// Builds the index from the knowledge base and the site's page table.
///
/// Entries: every page of [`Page::ALL`] but the 404 page, each guide page and
/// its second-level sections, every provider, relay and port, every glossary
/// term and every FAQ question, and the error messages and log lines of
/// [`SYMPTOMS`].
pub fn build_index(kb: &KnowledgeBase) -> Vec<Entry> {
    let mut entries = Vec::new();
    for page in Page::ALL.into_iter().filter(|p| *p != Page::NotFound) {
        entries.push(
            EntryBuilder::new(
                Kind::Page,
                page.path().to_owned(),
                page.title(),
                page.description(),
            )
            .name(page.nav_label())
            .text(page.description())
            .build(),
        );
    }
    for guide in &kb.guides {
        let path = format!("/guide/{}", guide.slug);
        let title = guide.title().unwrap_or(&guide.slug);
        let rendered = markdown::render(&guide.markdown, &RenderOptions::default());
        let body = guide
            .markdown
            .split_once("\n\n")
            .map_or("", |(_, rest)| rest);
        entries.push(
            EntryBuilder::new(Kind::Page, path.clone(), title, &first_sentence(body))
                .markdown(&guide.markdown)
                .build(),
        );
        for heading in rendered.headings.iter().filter(|h| h.level == 2) {
            entries.push(
                EntryBuilder::new(
                    Kind::Page,
                    format!("{path}#{}", heading.id),
                    &heading.text,
                    &format!("Section of “{title}”"),
                )
                .build(),
            );
        }
    }
    for p in &kb.providers {
        let summary = format!(
            "Port 25: {}. Unblock: {}.",
            p.port25.label(),
            p.unblock.route.label()
        );
        let mut entry = EntryBuilder::new(
            Kind::Provider,
            format!("/providers/{}", p.id),
            &p.name,
            &summary,
        )
        .name(&p.id)
        .text(p.category.label())
        .text(&summary)
        .markdown(&p.unblock.conditions);
        if let Some(short) = short_name(&p.name) {
            entry = entry.name(short);
        }
        for v in &p.variants {
            entry = entry.text(&v.name).text(v.notes.as_deref().unwrap_or(""));
        }
        if let Some(relay) = &p.recommended_relay {
            entry = entry.markdown(&relay.text);
        }
        if let Some(notes) = &p.notes {
            entry = entry.markdown(notes);
        }
        entries.push(entry.build());
    }
    for r in &kb.relays {
        let ports: Vec<String> = r.ports.iter().map(|p| p.port.to_string()).collect();
        let host = r.hosts.first().map_or("", |h| h.host.as_str());
        let summary = format!("{host}, ports {}", ports.join(", "));
        let mut entry =
            EntryBuilder::new(Kind::Relay, format!("/relays/{}", r.id), &r.name, &summary)
                .name(&r.id)
                .text(&ports.join(" "))
                .text(&r.free_tier.description)
                .text(&r.credentials.username_help);
        if let Some(short) = short_name(&r.name) {
            entry = entry.name(short);
        }
        for h in &r.hosts {
            entry = entry.text(&h.host).text(&h.region);
        }
        if let Some(notes) = &r.notes {
            entry = entry.markdown(notes);
        }
        entries.push(entry.build());
    }
    for p in &kb.ports {
        let number = p.number.to_string();
        entries.push(
            EntryBuilder::new(
                Kind::Port,
                format!("/ports#{number}"),
                &format!("Port {number}"),
                &format!("{} ({})", p.name, p.tls.label()),
            )
            .name(&number)
            .text(&p.name)
            .text(p.tls.label())
            .markdown(&p.purpose)
            .build(),
        );
    }
    for t in &kb.glossary {
        let mut entry = EntryBuilder::new(
            Kind::Glossary,
            format!("/glossary#{}", t.id),
            &t.term,
            &first_sentence(&t.definition),
        )
        .name(&t.id)
        .markdown(&t.definition);
        for alias in markdown::TermLink::aliases(&t.term, &t.id) {
            entry = entry.name(&alias.text);
        }
        entries.push(entry.build());
    }
    for (groups, path, title, summary) in SYMPTOMS {
        entries.push(Entry {
            kind: Kind::Symptom,
            path: path.to_owned(),
            title: title.to_owned(),
            summary: summary.to_owned(),
            names: groups.iter().map(|g| (*g).to_owned()).collect(),
            words: Vec::new(),
        });
    }
    for f in &kb.faq {
        entries.push(
            EntryBuilder::new(
                Kind::Faq,
                format!("/faq#{}", f.id),
                &f.question,
                &first_sentence(&f.answer),
            )
            .markdown(&f.answer)
            .build(),
        );
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(kind: Kind, path: &str, title: &str, names: &[&str], words: &str) -> Entry {
        let mut e = EntryBuilder::new(kind, path.to_owned(), title, "summary");
        for n in names {
            e = e.name(n);
        }
        e.text(words).build()
    }

    #[test]
    fn normalize_folds_case_accents_and_punctuation() {
        for (raw, want) in [
            ("MTA-STS", "mta sts"),
            ("  Résumé (v2)… ", "resume v2"),
            ("Ärger’s ÜBER—naïve", "arger s uber naive"),
            ("smtp.sendgrid.net:587", "smtp sendgrid net 587"),
            ("", ""),
            ("--", ""),
        ] {
            assert_eq!(normalize(raw), want, "{raw:?}");
        }
    }

    #[test]
    fn exact_title_beats_prefix_beats_word_beats_body() {
        let entries = vec![
            entry(Kind::Page, "/a", "About the relay list", &[], ""),
            entry(Kind::Faq, "/b", "Why use a relay?", &[], ""),
            entry(Kind::Glossary, "/c", "Relay", &["smarthost"], ""),
            entry(Kind::Page, "/d", "Other", &[], "a relay in the body"),
            entry(Kind::Page, "/e", "Relays compared", &[], ""),
            entry(Kind::Page, "/f", "Unrelated", &[], "nothing here"),
        ];
        let titles = |q: &str| -> Vec<&str> {
            search(&entries, q, 10)
                .into_iter()
                .map(|i| entries[i].title.as_str())
                .collect()
        };
        assert_eq!(
            titles("relay"),
            [
                "Relay",
                "Relays compared",
                "Why use a relay?",
                "About the relay list",
                "Other"
            ]
        );
        assert_eq!(titles("SMARTHOST"), ["Relay"]);
        assert_eq!(titles("smart"), ["Relay"]);
        assert_eq!(titles("relay why"), ["Why use a relay?"]);
        assert!(titles("").is_empty());
        assert!(titles("  ?! ").is_empty());
        assert!(titles("zzz").is_empty());
        assert_eq!(search(&entries, "relay", 2).len(), 2);
    }

    #[test]
    fn name_match_takes_word_starts_in_any_order() {
        let name = "Hetzner Cloud hetzner-cloud";
        for q in ["", "hetz", "HETZNER", "cloud hetzner", "  clo  "] {
            assert!(is_name_match(q, name), "{q:?}");
        }
        for q in ["etzner", "hetzner aws", "cloudy"] {
            assert!(!is_name_match(q, name), "{q:?}");
        }
        assert!(is_name_match("comcast", "Comcast Xfinity (residential)"));
        assert!(is_name_match("ovh", "OVHcloud VPS and dedicated"));
    }

    #[test]
    fn equal_scores_go_to_the_kind_listed_first() {
        let entries = vec![
            entry(Kind::Page, "/p", "Mail", &[], ""),
            entry(Kind::Faq, "/f", "Mail", &[], ""),
            entry(Kind::Port, "/o", "Mail", &[], ""),
        ];
        assert_eq!(search(&entries, "mail", 3), [2, 1, 0]);
    }

    #[test]
    fn serialize_and_parse_round_trip() {
        let mut tricky = entry(Kind::Relay, "/relays/x", "Tab\there", &["x y"], "w1 w2");
        tricky.summary = "line\nbreak".to_owned();
        let entries = vec![
            tricky,
            entry(Kind::Port, "/ports#465", "Port 465", &["465"], ""),
        ];
        let text = serialize(&entries);
        assert!(text.starts_with("port25-search\t1\n"));
        let back = parse(&text).unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(back[0].title, "Tab here");
        assert_eq!(back[0].summary, "line break");
        assert_eq!(back[0].names, ["tab here", "x y"]);
        assert_eq!(back[0].words, ["w1", "w2"]);
        assert_eq!(back[1], entries[1]);
    }

    #[test]
    fn parse_rejects_what_it_cannot_read() {
        assert_eq!(parse("").unwrap_err().line, 1);
        assert_eq!(parse("port25-search\t2\n").unwrap_err().line, 1);
        let short = format!("{HEADER}\nPage\t/\tHome\n");
        assert_eq!(
            parse(&short).unwrap_err(),
            ParseError {
                line: 2,
                reason: "expected six tab-separated fields"
            }
        );
        let kind = format!("{HEADER}\nPage\t/\tt\ts\tn\tw\nWidget\t/\tt\ts\tn\tw\n");
        assert_eq!(parse(&kind).unwrap_err().line, 3);
        assert!(parse(&format!("{HEADER}\n")).unwrap().is_empty());
    }

    #[test]
    fn first_sentence_is_plain_and_short() {
        assert_eq!(
            first_sentence("**SMTP** is [the protocol](/glossary#smtp). More here."),
            "SMTP is the protocol."
        );
        let long = format!("{}. Next.", "word ".repeat(60));
        let cut = first_sentence(&long);
        assert!(cut.ends_with('…') && cut.chars().count() <= 141, "{cut}");
    }

    /// The real knowledge base from `content/`.
    fn real_index() -> Vec<Entry> {
        build_index(&crate::content::load_knowledge_base(&crate::content::repo()).unwrap())
    }

    fn top(entries: &[Entry], query: &str) -> Vec<String> {
        search(entries, query, MAX_RESULTS)
            .into_iter()
            .map(|i| format!("{} {}", entries[i].kind.label(), entries[i].path))
            .collect()
    }

    #[test]
    fn real_content_queries_land_on_the_right_entries() {
        let entries = parse(&serialize(&real_index())).unwrap();
        for (query, want) in [
            ("hetzner", "Provider /providers/hetzner-cloud"),
            ("Hetzner", "Provider /providers/hetzner-cloud"),
            ("hetz", "Provider /providers/hetzner-cloud"),
            ("starttls", "Glossary /glossary#starttls"),
            ("STARTTLS", "Glossary /glossary#starttls"),
            ("465", "Port /ports#465"),
            ("port 465", "Port /ports#465"),
            ("rdns", "Glossary /glossary#ptr"),
            ("sendgrid", "Relay /relays/sendgrid"),
            ("faq", "Page /faq"),
        ] {
            let found = top(&entries, query);
            assert_eq!(
                found.first().map(String::as_str),
                Some(want),
                "{query:?}: {found:#?}"
            );
        }
        // The FAQ answer about Hetzner and the FAQ about 465 follow the main entry.
        assert!(top(&entries, "hetzner").contains(&"FAQ /faq#hetzner".to_owned()));
        assert!(top(&entries, "465").contains(&"FAQ /faq#465-vs-587".to_owned()));
    }

    #[test]
    fn pasted_errors_and_log_lines_lead_to_the_diagnosis() {
        let entries = parse(&serialize(&real_index())).unwrap();
        let postfix = "Nov 29 10:12:01 mail postfix/smtp[2211]: 4F1A2B3C4D: to=<ann@example.org>, \
                       relay=none, delay=30, delays=0.01/0/30/0, dsn=4.4.1, status=deferred \
                       (connect to mx1.example.org[203.0.113.25]:25: Connection timed out)";
        for (query, want) in [
            ("connection timed out", "/diagnose?p=timeout"),
            ("Connection tim", "/diagnose?p=timeout"),
            (
                "connect to mx.example.org[192.0.2.1]:25: Connection timed out",
                "/diagnose?p=timeout",
            ),
            ("Network is unreachable", "/diagnose?p=error.unreachable"),
            ("connect: No route to host", "/diagnose?p=error.unreachable"),
            ("deferred", "/diagnose?p=deferred"),
            ("status=deferred", "/diagnose?p=deferred"),
            (postfix, "/diagnose?p=deferred.timeout"),
            (
                "status=deferred (connect to a.example[2001:db8::1]:25: Network is unreachable)",
                "/diagnose?p=error.unreachable",
            ),
            (
                "connect to smtp.example.com[198.51.100.7]:25",
                "/diagnose?p=timeout",
            ),
            (
                "nc: connect to 192.0.2.1 port 25 (tcp) failed: Connection refused",
                "/diagnose?p=refused",
            ),
        ] {
            let found = top(&entries, query);
            assert_eq!(
                found.first().map(String::as_str),
                Some(format!("Diagnosis {want}").as_str()),
                "{query:?}: {found:#?}"
            );
            // One diagnosis per paste, the most specific.
            assert_eq!(
                found.iter().filter(|f| f.starts_with("Diagnosis")).count(),
                1,
                "{query:?}"
            );
        }
        // Short words do not trigger it, nor does a word inside another.
        assert!(top(&entries, "de")
            .iter()
            .all(|f| !f.starts_with("Diagnosis")));
        assert!(top(&entries, "undeferred").is_empty());
        // Ordinary searches are unchanged.
        assert_eq!(
            top(&entries, "hetzner")[0],
            "Provider /providers/hetzner-cloud"
        );
    }

    #[test]
    fn every_symptom_leads_to_a_node_of_the_real_tree() {
        let content = crate::content::load(&crate::content::repo()).unwrap();
        for (_, path, title, _) in SYMPTOMS {
            let (page, query) = path.split_once('?').unwrap();
            assert_eq!(page, "/diagnose");
            let walk =
                crate::diagnose::walk(&content.tree, &crate::diagnose::Path::from_query(query))
                    .unwrap();
            assert!(walk.rejected.is_none(), "{title}: {:?}", walk.rejected);
            assert!(!walk.path.is_empty(), "{title}");
        }
    }

    #[test]
    fn real_index_covers_everything_once_and_stays_small() {
        let entries = real_index();
        let count = |kind: Kind| entries.iter().filter(|e| e.kind == kind).count();
        assert!(count(Kind::Provider) >= 39 && count(Kind::Relay) >= 11);
        assert!(count(Kind::Port) >= 4 && count(Kind::Glossary) >= 30 && count(Kind::Faq) >= 15);
        // Symptoms point into the diagnosis, several at one node.
        let mut paths: Vec<&str> = entries
            .iter()
            .filter(|e| e.kind != Kind::Symptom)
            .map(|e| e.path.as_str())
            .collect();
        paths.sort_unstable();
        let before = paths.len();
        paths.dedup();
        assert_eq!(paths.len(), before, "duplicate paths");
        for e in &entries {
            assert!(e.path.starts_with('/'), "{}", e.path);
            assert!(!e.title.is_empty() && !e.names[0].is_empty(), "{}", e.path);
        }
        let size = serialize(&entries).len();
        // About 56 KB today (15 KB gzip); fetched once, on first use.
        assert!(size < 100_000, "index is {size} bytes");
    }
}
