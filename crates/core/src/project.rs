//! Who runs Port25 and under which terms: the repository, the code and data
//! licences, and the link that opens an issue about a page.
//!
//! The repository is the workspace's `repository` in `Cargo.toml` and the
//! code licence its `license`, so they are set in one place. The footer of
//! every page and the data exports read them from here. What this is not:
//! an HTTP client; it only builds links.

/// The source repository (the workspace's `repository` in `Cargo.toml`).
pub const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// A licence: its SPDX identifier, its name as people read it and where its
/// terms are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Licence {
    /// The SPDX identifier (`MIT`, `CC-BY-4.0`).
    pub spdx: &'static str,
    /// The name for people.
    pub name: &'static str,
    /// The licence text.
    pub url: &'static str,
}

/// The code's licence (the workspace's `license` in `Cargo.toml`; the text
/// is `LICENSE` in the repository).
pub const CODE_LICENCE: Licence = Licence {
    spdx: env!("CARGO_PKG_LICENSE"),
    name: "MIT License",
    url: "https://opensource.org/license/mit",
};

/// The data's licence: everything under `content/` and the downloads under
/// `data/` (the note is `LICENSE-DATA` in the repository). Attribution
/// names Port25 and links the repository.
pub const DATA_LICENCE: Licence = Licence {
    spdx: "CC-BY-4.0",
    name: "Creative Commons Attribution 4.0 International (CC BY 4.0)",
    url: "https://creativecommons.org/licenses/by/4.0/",
};

/// The licence statement the exports carry: the licence, where its terms
/// are, and how to attribute.
pub fn data_licence_notice() -> String {
    format!(
        "{} ({}); attribute as \"Port25, {}\"",
        DATA_LICENCE.spdx, DATA_LICENCE.url, REPOSITORY
    )
}

/// The link that opens a new issue in the repository about a page, its
/// title and body filled in with the page's title and URL. GitHub reads
/// `title` and `body` from the query of `/issues/new`.
pub fn report_issue_url(page_title: &str, page_url: &str) -> String {
    let title = format!("Wrong fact on \"{page_title}\"");
    let body = format!(
        "Page: {page_title}\nURL: {page_url}\n\n\
         What is wrong:\n\n\
         What the source says (link and quote):\n"
    );
    format!(
        "{REPOSITORY}/issues/new?title={}&body={}",
        percent_encode(&title),
        percent_encode(&body)
    )
}

/// Percent-encodes `text` for a URL query value: everything but RFC 3986's
/// unreserved characters, as UTF-8 bytes.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes what [`percent_encode`] wrote.
    fn decode(text: &str) -> String {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).unwrap());
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_repository_and_code_licence_come_from_cargo_toml() {
        assert!(
            REPOSITORY.starts_with("https://github.com/"),
            "{REPOSITORY}"
        );
        assert!(!REPOSITORY.ends_with('/'));
        assert_eq!(CODE_LICENCE.spdx, "MIT");
        assert!(data_licence_notice().contains("CC-BY-4.0"));
        assert!(data_licence_notice().contains(REPOSITORY));
    }

    #[test]
    fn the_issue_link_carries_the_page_title_and_url() {
        let link = report_issue_url(
            "Hetzner Cloud & Co – ports",
            "/port25/providers/hetzner-cloud",
        );
        let query = link
            .strip_prefix(&format!("{REPOSITORY}/issues/new?"))
            .expect("the repository's new-issue page");
        let params: Vec<(&str, String)> = query
            .split('&')
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap();
                (k, decode(v))
            })
            .collect();
        assert_eq!(params[0].0, "title");
        assert_eq!(params[0].1, "Wrong fact on \"Hetzner Cloud & Co – ports\"");
        assert_eq!(params[1].0, "body");
        assert!(params[1]
            .1
            .contains("URL: /port25/providers/hetzner-cloud\n"));
        // Nothing that would end the value or the link is left raw.
        assert!(!query.contains(' ') && !query.contains('#') && query.matches('&').count() == 1);
    }
}
