//! Finding links in markdown and classifying their targets, so validation can
//! reject a link to a provider, relay, term or question that does not exist.
//!
//! This is a deliberately small scanner for inline links `[text](target)` and
//! images `![alt](target)`, the only link syntax the content uses; it is not a
//! markdown parser and ignores reference-style links and autolinks.

use crate::site::Page;

/// What a link target refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget<'a> {
    /// An `http://`, `https://` or `mailto:` link, not checked further.
    External,
    /// One of the site's fixed pages ([`Page`]), without a fragment.
    Route(Page),
    /// `/providers/<id>`.
    Provider(&'a str),
    /// `/relays/<id>`.
    Relay(&'a str),
    /// `/glossary#<id>`.
    Glossary(&'a str),
    /// `/faq#<id>`.
    Faq(&'a str),
    /// `/ports#<number>`; the text after `#`, not yet parsed.
    Port(&'a str),
    /// `/guide/<slug>`.
    Guide(&'a str),
    /// Anything else: a relative path, an unknown route, an unknown fragment.
    Invalid,
}

/// Returns the target of every inline link and image in `markdown`, in order.
///
/// A target ends at the first unescaped `)` or at whitespace (which starts an
/// optional link title).
pub fn link_targets(markdown: &str) -> Vec<&str> {
    let mut targets = Vec::new();
    let mut rest = markdown;
    while let Some(pos) = rest.find("](") {
        let after = &rest[pos + 2..];
        let end = after
            .find(|c: char| c == ')' || c.is_whitespace())
            .unwrap_or(after.len());
        targets.push(&after[..end]);
        rest = &after[end..];
    }
    targets
}

/// Classifies one link target.
pub fn classify(target: &str) -> LinkTarget<'_> {
    if target.starts_with("https://")
        || target.starts_with("http://")
        || target.starts_with("mailto:")
    {
        return LinkTarget::External;
    }
    if !target.starts_with('/') {
        return LinkTarget::Invalid;
    }
    let (path, fragment) = match target.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (target, None),
    };
    match (path, fragment) {
        ("/glossary", Some(id)) => LinkTarget::Glossary(id),
        ("/faq", Some(id)) => LinkTarget::Faq(id),
        ("/ports", Some(number)) => LinkTarget::Port(number),
        (_, Some(_)) => LinkTarget::Invalid,
        (path, None) => {
            if let Some(id) = path.strip_prefix("/providers/") {
                LinkTarget::Provider(id)
            } else if let Some(id) = path.strip_prefix("/relays/") {
                LinkTarget::Relay(id)
            } else if let Some(slug) = path.strip_prefix("/guide/") {
                LinkTarget::Guide(slug)
            } else if let Some(page) = Page::from_path(path).filter(|p| p.path() == path) {
                LinkTarget::Route(page)
            } else {
                LinkTarget::Invalid
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_inline_links_and_images() {
        let md = "See [AWS](/providers/aws-ec2) and [RFC 5321](https://www.rfc-editor.org/rfc/rfc5321 \"title\").\n\
                  ![diagram](/img.png) not a link: [x] (y) nor `code`.";
        assert_eq!(
            link_targets(md),
            vec![
                "/providers/aws-ec2",
                "https://www.rfc-editor.org/rfc/rfc5321",
                "/img.png"
            ]
        );
        assert!(link_targets("no links here").is_empty());
        assert_eq!(link_targets("[broken]("), vec![""]);
    }

    #[test]
    fn classifies_targets() {
        let table = [
            ("https://example.com/a#b", LinkTarget::External),
            ("http://ka9q.net/x", LinkTarget::External),
            ("mailto:a@b.c", LinkTarget::External),
            ("/", LinkTarget::Route(Page::Home)),
            ("/generator", LinkTarget::Route(Page::Generator)),
            ("/ports", LinkTarget::Route(Page::Ports)),
            ("/providers", LinkTarget::Route(Page::Providers)),
            ("/providers/aws-ec2", LinkTarget::Provider("aws-ec2")),
            ("/relays/sendgrid", LinkTarget::Relay("sendgrid")),
            ("/glossary#mta-sts", LinkTarget::Glossary("mta-sts")),
            ("/faq#why-block", LinkTarget::Faq("why-block")),
            ("/ports#587", LinkTarget::Port("587")),
            ("/guide/alternatives", LinkTarget::Guide("alternatives")),
            ("/glossary", LinkTarget::Route(Page::Glossary)),
            ("providers/aws-ec2", LinkTarget::Invalid),
            ("#top", LinkTarget::Invalid),
            ("/diagnose#step-2", LinkTarget::Invalid),
            ("/blog", LinkTarget::Invalid),
            ("/providers/", LinkTarget::Provider("")),
            ("", LinkTarget::Invalid),
            ("ftp://x", LinkTarget::Invalid),
        ];
        for (target, expected) in table {
            assert_eq!(classify(target), expected, "{target}");
        }
    }
}
