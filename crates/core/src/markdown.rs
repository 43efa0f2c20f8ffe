//! Renders the site's markdown (guide pages, FAQ answers, glossary
//! definitions, verdict explanations) to HTML at build time.
//!
//! On top of CommonMark (pulldown-cmark) it gives every heading a stable
//! anchor id, puts the site's base path in front of internal links
//! (`/providers/aws-ec2` becomes `/port25/providers/aws-ec2`), and links the
//! first mention of each glossary term to its entry. It runs natively, in the
//! prerenderer and the build script, so the renderer never ships in the wasm
//! bundle. What it is not: a sanitiser. The content is the project's own,
//! reviewed in the repository, and raw HTML in it is passed through.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::site::BasePath;

/// A glossary term the renderer may link: the text to look for and the
/// term's anchor id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermLink {
    /// The text to find, e.g. `STARTTLS` or `Greylisting`. Text with an
    /// uppercase letter after its first character matches case-sensitively
    /// (acronyms such as `MX`); other text matches in any case.
    pub text: String,
    /// The term's id, the anchor on the glossary page.
    pub id: String,
}

impl TermLink {
    /// The texts a glossary entry is known by: `"PTR record (reverse DNS,
    /// rDNS)"` gives `PTR record`, `reverse DNS` and `rDNS`, all linking to `id`.
    pub fn aliases(term: &str, id: &str) -> Vec<TermLink> {
        let (main, rest) = match term.split_once(" (") {
            Some((main, rest)) => (main, rest.trim_end_matches(')')),
            None => (term, ""),
        };
        std::iter::once(main)
            .chain(rest.split(", "))
            .map(str::trim)
            .filter(|text| text.len() >= 2)
            .map(|text| TermLink {
                text: text.to_owned(),
                id: id.to_owned(),
            })
            .collect()
    }
}

/// What to do besides plain CommonMark.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions<'a> {
    /// Prefix for internal links (those starting with `/`).
    pub base: BasePath,
    /// Terms to link on first mention; empty to link none.
    pub terms: &'a [TermLink],
    /// Added to every heading level (1 turns `#` into `<h2>`), capped at 6.
    pub heading_offset: u8,
    /// Prefix for heading anchor ids, so several fragments on one page do
    /// not collide (`faq-` gives `faq-why-is-port-25-blocked`).
    pub id_prefix: &'a str,
}

/// A heading found while rendering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// 1 for `<h1>` ... 6 for `<h6>`, after the offset.
    pub level: u8,
    /// The anchor id given to it.
    pub id: String,
    /// Its plain text.
    pub text: String,
}

/// Rendered HTML and the headings in it, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The HTML.
    pub html: String,
    /// The headings, for a table of contents.
    pub headings: Vec<Heading>,
}

/// Turns heading text into an anchor id: lowercase ASCII letters and digits,
/// words joined by `-`. `"Why is port 25 blocked?"` is
/// `why-is-port-25-blocked`.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    if slug.is_empty() {
        slug.push_str("section");
    }
    slug
}

/// Renders `markdown` to HTML with anchors, base-path links and term links.
pub fn render(markdown: &str, options: &RenderOptions<'_>) -> Rendered {
    let parser = Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    );
    let events: Vec<Event<'_>> = parser.collect();
    let (events, headings) = anchor_headings(events, options);
    let events = rebase_links(events, &options.base);
    let events = link_terms(events, options);
    let events = copyable_code(events);
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    Rendered { html, headings }
}

/// Wraps each code block with a copy button: `<div class="cmd">`, the
/// block, `<button class="copy">`. The site's enhancement copies the code
/// beside a pressed button, and the style sheet hides the button until the
/// page's script has run.
fn copyable_code(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut out = Vec::with_capacity(events.len());
    for event in events {
        match &event {
            Event::Start(Tag::CodeBlock(_)) => {
                out.push(Event::Html(CowStr::from("<div class=\"cmd\">")));
                out.push(event);
            }
            Event::End(TagEnd::CodeBlock) => {
                out.push(event);
                out.push(Event::Html(CowStr::from(
                    "<button type=\"button\" class=\"copy\" aria-label=\"Copy this code\">Copy</button></div>\n",
                )));
            }
            _ => out.push(event),
        }
    }
    out
}

fn shifted(level: HeadingLevel, offset: u8) -> HeadingLevel {
    let n = (level as u8).saturating_add(offset).min(6);
    match n {
        1 => HeadingLevel::H1,
        2 => HeadingLevel::H2,
        3 => HeadingLevel::H3,
        4 => HeadingLevel::H4,
        5 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

/// Gives each heading an id from its text (de-duplicated with `-2`, `-3`)
/// and applies the heading offset.
fn anchor_headings<'a>(
    mut events: Vec<Event<'a>>,
    options: &RenderOptions<'_>,
) -> (Vec<Event<'a>>, Vec<Heading>) {
    let mut headings = Vec::new();
    let mut used: Vec<String> = Vec::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { level, id, .. }) = &events[i] {
            let level = shifted(*level, options.heading_offset);
            let explicit = id.as_ref().map(|id| id.to_string());
            let mut text = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j] {
                    text.push_str(t);
                }
                j += 1;
            }
            let base_id =
                explicit.unwrap_or_else(|| format!("{}{}", options.id_prefix, slugify(&text)));
            let mut anchor = base_id.clone();
            let mut n = 2;
            while used.contains(&anchor) {
                anchor = format!("{base_id}-{n}");
                n += 1;
            }
            used.push(anchor.clone());
            if let Event::Start(Tag::Heading { level: l, id, .. }) = &mut events[i] {
                *l = level;
                *id = Some(CowStr::from(anchor.clone()));
            }
            if let Some(Event::End(TagEnd::Heading(l))) = events.get_mut(j) {
                *l = level;
            }
            headings.push(Heading {
                level: level as u8,
                id: anchor,
                text,
            });
            i = j;
        }
        i += 1;
    }
    (events, headings)
}

/// Prefixes internal link targets (`/...`) with the base path.
fn rebase_links<'a>(events: Vec<Event<'a>>, base: &BasePath) -> Vec<Event<'a>> {
    if base.as_str().is_empty() {
        return events;
    }
    events
        .into_iter()
        .map(|event| match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) if dest_url.starts_with('/') && !dest_url.starts_with("//") => {
                Event::Start(Tag::Link {
                    link_type,
                    dest_url: CowStr::from(base.join(&dest_url)),
                    title,
                    id,
                })
            }
            other => other,
        })
        .collect()
}

/// Finds `needle` in `hay` as a whole word; returns its byte offset.
fn find_word(hay: &str, needle: &str) -> Option<usize> {
    let case_sensitive = needle.chars().skip(1).any(char::is_uppercase);
    let lowered;
    let (h, n): (&str, String) = if case_sensitive {
        (hay, needle.to_owned())
    } else {
        lowered = hay.to_ascii_lowercase();
        (&lowered, needle.to_ascii_lowercase())
    };
    let is_word = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
    let mut from = 0;
    while let Some(pos) = h[from..].find(&n) {
        let start = from + pos;
        let end = start + n.len();
        let before_ok = h[..start].chars().next_back().is_none_or(|c| !is_word(c));
        let after_ok = h[end..].chars().next().is_none_or(|c| !is_word(c));
        if before_ok && after_ok {
            return Some(start);
        }
        from = start + n.len().max(1);
        while !h.is_char_boundary(from) {
            from += 1;
        }
    }
    None
}

/// Links the first mention of each term, outside headings, links and code.
fn link_terms<'a>(events: Vec<Event<'a>>, options: &RenderOptions<'_>) -> Vec<Event<'a>> {
    if options.terms.is_empty() {
        return events;
    }
    // Longer texts first, so "MTA-STS" wins over "MTA".
    let mut terms: Vec<&TermLink> = options.terms.iter().collect();
    terms.sort_by_key(|t| std::cmp::Reverse(t.text.len()));
    // One link per term, whichever alias comes first.
    let mut linked: Vec<&str> = Vec::new();
    let mut out = Vec::with_capacity(events.len());
    let mut skip_depth = 0usize;
    for event in events {
        match &event {
            Event::Start(
                Tag::Heading { .. } | Tag::Link { .. } | Tag::CodeBlock(_) | Tag::Image { .. },
            ) => {
                skip_depth += 1;
            }
            Event::End(TagEnd::Heading(_) | TagEnd::Link | TagEnd::CodeBlock | TagEnd::Image) => {
                skip_depth = skip_depth.saturating_sub(1);
            }
            _ => {}
        }
        let Event::Text(text) = &event else {
            out.push(event);
            continue;
        };
        if skip_depth > 0 {
            out.push(event);
            continue;
        }
        let mut rest: String = text.to_string();
        loop {
            let hit = terms
                .iter()
                .filter(|t| !linked.contains(&t.id.as_str()))
                .filter_map(|t| find_word(&rest, &t.text).map(|pos| (pos, *t)))
                .min_by_key(|(pos, t)| (*pos, std::cmp::Reverse(t.text.len())));
            let Some((pos, term)) = hit else {
                out.push(Event::Text(CowStr::from(rest)));
                break;
            };
            linked.push(term.id.as_str());
            let end = pos + term.text.len();
            if pos > 0 {
                out.push(Event::Text(CowStr::from(rest[..pos].to_owned())));
            }
            let href = options.base.join(&format!("/glossary#{}", term.id));
            out.push(Event::InlineHtml(CowStr::from(format!(
                "<a class=\"term\" href=\"{href}\">"
            ))));
            out.push(Event::Text(CowStr::from(rest[pos..end].to_owned())));
            out.push(Event::InlineHtml(CowStr::from("</a>")));
            rest = rest[end..].to_owned();
            if rest.is_empty() {
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_blocks_get_a_copy_button_and_inline_code_does_not() {
        let html = render(
            "Run `postqueue -p`:\n\n```\npostqueue -p\n```\n",
            &RenderOptions::default(),
        )
        .html;
        assert_eq!(
            html.matches("<button type=\"button\" class=\"copy\"")
                .count(),
            1,
            "{html}"
        );
        let joined = html.replace('\n', "");
        assert!(
            joined.contains("<div class=\"cmd\"><pre><code>postqueue -p</code></pre><button"),
            "{html}"
        );
        assert!(
            html.contains("<p>Run <code>postqueue -p</code>:</p>"),
            "{html}"
        );
    }

    fn terms() -> Vec<TermLink> {
        [
            ("SMTP", "smtp"),
            ("MTA-STS", "mta-sts"),
            ("MTA", "mta"),
            ("greylisting", "greylisting"),
        ]
        .into_iter()
        .map(|(text, id)| TermLink {
            text: text.into(),
            id: id.into(),
        })
        .collect()
    }

    #[test]
    fn aliases_come_from_the_parenthesis() {
        let texts: Vec<String> = TermLink::aliases("PTR record (reverse DNS, rDNS)", "ptr")
            .into_iter()
            .map(|t| t.text)
            .collect();
        assert_eq!(texts, ["PTR record", "reverse DNS", "rDNS"]);
        assert_eq!(TermLink::aliases("Tarpit", "tarpit")[0].text, "Tarpit");
    }

    #[test]
    fn capitalised_words_match_in_any_case_acronyms_do_not() {
        assert_eq!(find_word("a greylisting server", "Greylisting"), Some(2));
        assert_eq!(find_word("the mx host", "MX"), None);
        assert_eq!(find_word("the MX host", "MX"), Some(4));
    }

    #[test]
    fn slugify_makes_stable_ids() {
        assert_eq!(slugify("Why is port 25 blocked?"), "why-is-port-25-blocked");
        assert_eq!(slugify("  465 vs. 587  "), "465-vs-587");
        assert_eq!(slugify("???"), "section");
    }

    #[test]
    fn headings_get_unique_anchors_and_offset() {
        let options = RenderOptions {
            heading_offset: 1,
            ..RenderOptions::default()
        };
        let r = render("# Title\n\n## Part\n\n## Part\n", &options);
        assert!(r.html.contains("<h2 id=\"title\">Title</h2>"), "{}", r.html);
        assert!(r.html.contains("<h3 id=\"part\">Part</h3>"));
        assert!(r.html.contains("<h3 id=\"part-2\">Part</h3>"));
        let ids: Vec<_> = r
            .headings
            .iter()
            .map(|h| (h.level, h.id.as_str()))
            .collect();
        assert_eq!(ids, [(2, "title"), (3, "part"), (3, "part-2")]);
    }

    #[test]
    fn internal_links_get_the_base_path_external_ones_do_not() {
        let options = RenderOptions {
            base: BasePath::parse("/port25/").unwrap(),
            ..RenderOptions::default()
        };
        let r = render(
            "[a](/providers/aws-ec2) [b](https://example.org/x) [c](//cdn.example)",
            &options,
        );
        assert!(
            r.html.contains("href=\"/port25/providers/aws-ec2\""),
            "{}",
            r.html
        );
        assert!(r.html.contains("href=\"https://example.org/x\""));
        assert!(r.html.contains("href=\"//cdn.example\""));
    }

    #[test]
    fn first_mention_of_each_term_is_linked_once() {
        let t = terms();
        let options = RenderOptions {
            terms: &t,
            ..RenderOptions::default()
        };
        let r = render(
            "SMTP and SMTP again. MTA-STS, then an MTA. Greylisting!",
            &options,
        );
        assert_eq!(
            r.html.matches("href=\"/glossary#smtp\"").count(),
            1,
            "{}",
            r.html
        );
        assert!(r
            .html
            .contains("<a class=\"term\" href=\"/glossary#mta-sts\">MTA-STS</a>"));
        assert!(r
            .html
            .contains("<a class=\"term\" href=\"/glossary#mta\">MTA</a>"));
        assert!(r
            .html
            .contains("<a class=\"term\" href=\"/glossary#greylisting\">Greylisting</a>"));
    }

    #[test]
    fn terms_are_not_linked_inside_headings_links_code_or_words() {
        let t = terms();
        let options = RenderOptions {
            terms: &t,
            ..RenderOptions::default()
        };
        let r = render(
            "# SMTP\n\n[SMTP](/faq) `SMTP` ESMTPS SMTPS\n\n```\nSMTP\n```\n",
            &options,
        );
        assert!(!r.html.contains("class=\"term\""), "{}", r.html);
    }

    #[test]
    fn text_is_escaped_around_term_links() {
        let t = terms();
        let options = RenderOptions {
            terms: &t,
            ..RenderOptions::default()
        };
        let r = render("a <b> & SMTP", &options);
        assert!(
            r.html.contains("a <b> &amp; <a class=\"term\""),
            "{}",
            r.html
        );
    }
}
