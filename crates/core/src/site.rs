//! The site's pages as data: one [`Page`] per route, with its path, title,
//! meta description and navigation label.
//!
//! The Leptos router, the prerenderer, the navigation bar and the tests all
//! read this one table, so a route cannot exist in one place and be missing in
//! another. Paths here are relative to the site's base path (see
//! [`BasePath`]), which is a build setting for sub-path hosting such as a
//! GitHub Pages project site.

use std::fmt;

/// A route of the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Page {
    /// The landing page.
    Home,
    /// Which hosting providers and ISPs block outbound port 25.
    Providers,
    /// Relay (smarthost) services to send through instead.
    Relays,
    /// The interactive diagnosis decision tree.
    Diagnose,
    /// The relay configuration generator.
    Generator,
    /// The live connectivity tester backed by the probe service.
    Tester,
    /// The egress test: does the visitor's own server reach the internet
    /// on 25, 465, 587 and 2525?
    Egress,
    /// Mail and DNS terms explained.
    Glossary,
    /// Frequently asked questions.
    Faq,
    /// The guide: why port 25 is blocked and what to do about it.
    Guide,
    /// The ports explainer: 25, 465, 587, 2525 and the others relays use.
    Ports,
    /// About the project, its sources and its probe.
    About,
    /// Every correction to the original article: its claims the sources do
    /// not confirm, with the verdict and the evidence.
    Corrections,
    /// Shown for any path that is not a route; prerendered as `404.html`.
    NotFound,
}

impl Page {
    /// Every page, in navigation order, the 404 page last.
    pub const ALL: [Page; 14] = [
        Page::Home,
        Page::Providers,
        Page::Relays,
        Page::Diagnose,
        Page::Generator,
        Page::Tester,
        Page::Egress,
        Page::Guide,
        Page::Glossary,
        Page::Faq,
        Page::Ports,
        Page::About,
        Page::Corrections,
        Page::NotFound,
    ];

    /// The pages linked from the header navigation, in order.
    pub const NAV: [Page; 10] = [
        Page::Providers,
        Page::Relays,
        Page::Diagnose,
        Page::Generator,
        Page::Tester,
        Page::Egress,
        Page::Guide,
        Page::Glossary,
        Page::Faq,
        Page::About,
    ];

    /// The route path below the base path: `/` for home, `/providers`, ...
    ///
    /// The 404 page has no route of its own; its path is the file GitHub Pages
    /// serves for unknown paths.
    pub const fn path(self) -> &'static str {
        match self {
            Page::Home => "/",
            Page::Providers => "/providers",
            Page::Relays => "/relays",
            Page::Diagnose => "/diagnose",
            Page::Generator => "/generator",
            Page::Tester => "/tester",
            Page::Egress => "/egress",
            Page::Glossary => "/glossary",
            Page::Faq => "/faq",
            Page::Guide => "/guide",
            Page::Ports => "/ports",
            Page::About => "/about",
            Page::Corrections => "/corrections",
            Page::NotFound => "/404",
        }
    }

    /// The file the prerenderer writes for this page, relative to `dist/`.
    ///
    /// `providers.html` rather than `providers/index.html`: GitHub Pages and
    /// most static hosts serve `/providers` from `providers.html` without a
    /// redirect to a trailing slash, so the URL the router sees is the route.
    pub fn file_name(self) -> String {
        match self {
            Page::Home => "index.html".to_owned(),
            other => format!("{}.html", other.path().trim_start_matches('/')),
        }
    }

    /// The page's `<title>` text, without the site suffix.
    pub const fn title(self) -> &'static str {
        match self {
            Page::Home => "Port 25 blocked? Find out why and send mail anyway",
            Page::Providers => "Which providers block outbound port 25",
            Page::Relays => "SMTP relay services for blocked port 25",
            Page::Diagnose => "Diagnose outbound SMTP",
            Page::Generator => "Relay configuration generator",
            Page::Tester => "SMTP connectivity tester",
            Page::Egress => "Is outbound port 25 blocked on my server?",
            Page::Glossary => "Mail delivery glossary",
            Page::Faq => "Port 25 FAQ",
            Page::Guide => "Guide to blocked port 25",
            Page::Ports => "SMTP ports: 25, 465, 587 and 2525",
            Page::About => "About Port25",
            Page::Corrections => "Corrections to the original article",
            Page::NotFound => "Page not found",
        }
    }

    /// The page's meta description: one sentence for search results.
    pub const fn description(self) -> &'static str {
        match self {
            Page::Home => "Your server's mail won't go out because outbound port 25 is blocked. Learn who blocks it, how to check, and how to relay mail instead.",
            Page::Providers => "A sourced comparison of hosting providers and ISPs that block outbound SMTP port 25, and how to get each one unblocked.",
            Page::Relays => "SMTP relay services you can send through on ports 587, 465 or 2525 when your host blocks port 25.",
            Page::Diagnose => "Answer a few questions about what your server sees and find out whether port 25 is blocked, and by whom.",
            Page::Generator => "Generate a complete Postfix, Exim, OpenSMTPD or msmtp configuration to relay mail through a submission service.",
            Page::Tester => "Check a mail server's MX records, banner, EHLO, STARTTLS and certificate from outside your network.",
            Page::Egress => "Run one command on your server and watch which of ports 25, 465, 587 and 2525 reach the internet from it.",
            Page::Glossary => "Plain explanations of SMTP, MX, STARTTLS, SPF, DKIM, DMARC and the other terms of mail delivery.",
            Page::Faq => "Answers to common questions about blocked port 25, submission ports 587 and 465, and relaying mail.",
            Page::Guide => "Why providers block port 25, how to diagnose it, and the ways to send mail anyway, step by step.",
            Page::Ports => "What SMTP ports 25, 465, 587 and 2525 are for, which TLS mode each uses, and who blocks them.",
            Page::About => "Who makes Port25, where its facts come from, and how its probe service behaves.",
            Page::Corrections => "Every claim of the article Port25 started from that its sources do not confirm, with the verdict and the evidence.",
            Page::NotFound => "This page does not exist. Find what you were looking for from the Port25 home page.",
        }
    }

    /// The short label used in the navigation bar.
    pub const fn nav_label(self) -> &'static str {
        match self {
            Page::Home => "Home",
            Page::Providers => "Providers",
            Page::Relays => "Relays",
            Page::Diagnose => "Diagnose",
            Page::Generator => "Generator",
            Page::Tester => "Tester",
            Page::Egress => "Egress test",
            Page::Glossary => "Glossary",
            Page::Faq => "FAQ",
            Page::Guide => "Guide",
            Page::Ports => "Ports",
            Page::About => "About",
            Page::Corrections => "Corrections",
            Page::NotFound => "Not found",
        }
    }

    /// The browser bundle this page loads.
    pub const fn bundle(self) -> Bundle {
        match self {
            Page::Diagnose => Bundle::Diagnose,
            Page::Generator => Bundle::Generator,
            Page::Tester => Bundle::Tester,
            Page::Egress => Bundle::Egress,
            _ => Bundle::Site,
        }
    }

    /// Finds the page whose route is `path` (relative to the base path).
    ///
    /// A trailing slash is ignored, so `/faq/` is the FAQ page. Returns
    /// `None` for unknown paths, which the site answers with [`Page::NotFound`].
    pub fn from_path(path: &str) -> Option<Page> {
        let trimmed = match path.trim_end_matches('/') {
            "" => "/",
            p => p,
        };
        Page::ALL
            .into_iter()
            .find(|page| *page != Page::NotFound && page.path() == trimmed)
    }
}

/// The browser bundle (wasm and its JS glue) a page loads.
///
/// Every page is prerendered HTML and every link a page load, so a page loads
/// only what its interactive parts need: the content pages share `site`
/// (search, table sorting, copy buttons; no Leptos), and each tool has its
/// own bundle of Leptos islands, which also starts those enhancements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bundle {
    /// Home, the knowledge base, about and the 404 page.
    Site,
    /// The diagnosis page.
    Diagnose,
    /// The relay configuration generator.
    Generator,
    /// The connectivity tester.
    Tester,
    /// The egress test.
    Egress,
}

impl Bundle {
    /// Every bundle; the site bundle first (Trunk builds it, the build script
    /// the others).
    pub const ALL: [Bundle; 5] = [
        Bundle::Site,
        Bundle::Diagnose,
        Bundle::Generator,
        Bundle::Tester,
        Bundle::Egress,
    ];

    /// The bundle's name: the wasm binary Trunk builds (`site` from
    /// `crates/enhance`, each tool from the site crate with the cargo feature
    /// of the same name), hence its files' stem.
    pub const fn name(self) -> &'static str {
        match self {
            Bundle::Site => "site",
            Bundle::Diagnose => "diagnose",
            Bundle::Generator => "generator",
            Bundle::Tester => "tester",
            Bundle::Egress => "egress",
        }
    }
}

/// Any route of the site: a [`Page`] or the page of one provider, relay or
/// guide chapter. Every internal link and every prerendered file name comes
/// from here, so a path is never spelt out twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Route<'a> {
    /// One of the fixed pages.
    Page(Page),
    /// `/providers/<id>`.
    Provider(&'a str),
    /// `/relays/<id>`.
    Relay(&'a str),
    /// `/guide/<slug>`.
    Guide(&'a str),
}

impl Route<'_> {
    /// The path relative to the base path: `/providers/aws-ec2`.
    pub fn path(&self) -> String {
        match self {
            Route::Page(page) => page.path().to_owned(),
            Route::Provider(id) => format!("/providers/{id}"),
            Route::Relay(id) => format!("/relays/{id}"),
            Route::Guide(slug) => format!("/guide/{slug}"),
        }
    }

    /// The file the prerenderer writes, relative to `dist/`:
    /// `providers/aws-ec2.html`, which static hosts serve at the path.
    pub fn file_name(&self) -> String {
        match self {
            Route::Page(page) => page.file_name(),
            other => format!("{}.html", other.path().trim_start_matches('/')),
        }
    }

    /// The browser bundle the route loads.
    pub fn bundle(&self) -> Bundle {
        match self {
            Route::Page(page) => page.bundle(),
            _ => Bundle::Site,
        }
    }

    /// The page of the navigation the route belongs under: its own page, or
    /// the list a provider, relay or guide chapter is part of.
    pub fn section(&self) -> Page {
        match self {
            Route::Page(page) => *page,
            Route::Provider(_) => Page::Providers,
            Route::Relay(_) => Page::Relays,
            Route::Guide(_) => Page::Guide,
        }
    }
}

/// The URL prefix the site is served under: empty at a domain's root,
/// `/port25` for a GitHub Pages project site.
///
/// Always stored without a trailing slash, so `base.join(page.path())` never
/// doubles a slash.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BasePath(String);

impl BasePath {
    /// Normalises a public URL such as `/`, `/port25/` or `port25` into a
    /// base path.
    ///
    /// # Errors
    ///
    /// Returns [`BasePathError`] when the value holds a scheme, host, query,
    /// fragment, `..` segment or whitespace: the base path is a path and
    /// nothing else.
    pub fn parse(raw: &str) -> Result<Self, BasePathError> {
        let is_bad_char = |c: char| c.is_whitespace() || matches!(c, '?' | '#' | ':' | '\\');
        if raw.contains(is_bad_char) || raw.split('/').any(|segment| segment == "..") {
            return Err(BasePathError {
                value: raw.to_owned(),
            });
        }
        let inner = raw.trim_matches('/');
        if inner.is_empty() {
            Ok(BasePath(String::new()))
        } else {
            Ok(BasePath(format!("/{inner}")))
        }
    }

    /// The prefix itself: `""` or `/port25`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Prefixes a route path: `join("/faq")` is `/port25/faq`, `join("/")`
    /// is `/port25/`.
    pub fn join(&self, path: &str) -> String {
        format!("{}{}", self.0, path)
    }

    /// Strips the prefix from a browser path, returning the route path, or
    /// `None` when the path lies outside the site.
    pub fn strip<'a>(&self, path: &'a str) -> Option<&'a str> {
        let rest = path.strip_prefix(self.0.as_str())?;
        match rest {
            "" => Some("/"),
            r if r.starts_with('/') => Some(r),
            _ => None,
        }
    }
}

impl fmt::Display for BasePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_empty() { "/" } else { &self.0 })
    }
}

/// A base path that is not a plain URL path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid base path {value:?}: expected a plain URL path such as /port25/")]
pub struct BasePathError {
    /// The rejected input.
    pub value: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn paths_and_files_are_unique() {
        let paths: HashSet<_> = Page::ALL.iter().map(|p| p.path()).collect();
        let files: HashSet<_> = Page::ALL.iter().map(|p| p.file_name()).collect();
        assert_eq!(paths.len(), Page::ALL.len());
        assert_eq!(files.len(), Page::ALL.len());
    }

    #[test]
    fn file_names_match_how_static_hosts_serve_them() {
        assert_eq!(Page::Home.file_name(), "index.html");
        assert_eq!(Page::Providers.file_name(), "providers.html");
        assert_eq!(Page::NotFound.file_name(), "404.html");
    }

    #[test]
    fn titles_and_descriptions_fit_search_results() {
        for page in Page::ALL {
            assert!(
                !page.title().is_empty() && page.title().len() <= 60,
                "{page:?} title"
            );
            let d = page.description();
            assert!(
                (50..=160).contains(&d.len()),
                "{page:?} description is {} chars",
                d.len()
            );
        }
    }

    #[test]
    fn nav_lists_every_page_but_home_ports_corrections_and_404() {
        for page in Page::ALL {
            let in_nav = Page::NAV.contains(&page);
            assert_eq!(
                in_nav,
                !matches!(
                    page,
                    Page::Home | Page::NotFound | Page::Ports | Page::Corrections
                ),
                "{page:?}"
            );
        }
    }

    #[test]
    fn from_path_round_trips_and_rejects_unknown() {
        for page in Page::ALL.into_iter().filter(|p| *p != Page::NotFound) {
            assert_eq!(Page::from_path(page.path()), Some(page));
        }
        assert_eq!(Page::from_path("/faq/"), Some(Page::Faq));
        assert_eq!(Page::from_path(""), Some(Page::Home));
        assert_eq!(Page::from_path("/404"), None);
        assert_eq!(Page::from_path("/nope"), None);
    }

    #[test]
    fn base_path_normalises() {
        for (raw, want) in [
            ("/", ""),
            ("", ""),
            ("/port25/", "/port25"),
            ("port25", "/port25"),
            ("/a/b/", "/a/b"),
        ] {
            assert_eq!(BasePath::parse(raw).unwrap().as_str(), want, "{raw:?}");
        }
    }

    #[test]
    fn base_path_rejects_non_paths() {
        for raw in ["https://x.org/", "/a b/", "/../etc", "/x?y", "/x#y", "\\x"] {
            assert!(BasePath::parse(raw).is_err(), "{raw:?}");
        }
    }

    #[test]
    fn base_path_joins_and_strips() {
        let base = BasePath::parse("/port25/").unwrap();
        assert_eq!(base.join("/"), "/port25/");
        assert_eq!(base.join("/faq"), "/port25/faq");
        assert_eq!(base.strip("/port25"), Some("/"));
        assert_eq!(base.strip("/port25/faq"), Some("/faq"));
        assert_eq!(base.strip("/port250/faq"), None);
        assert_eq!(base.strip("/other"), None);
        let root = BasePath::default();
        assert_eq!(root.join("/faq"), "/faq");
        assert_eq!(root.strip("/faq"), Some("/faq"));
        assert_eq!(root.to_string(), "/");
    }

    #[test]
    fn routes_have_one_path_and_file_each() {
        assert_eq!(Route::Provider("aws-ec2").path(), "/providers/aws-ec2");
        assert_eq!(Route::Relay("sendgrid").file_name(), "relays/sendgrid.html");
        assert_eq!(Route::Guide("alternatives").path(), "/guide/alternatives");
        assert_eq!(Route::Page(Page::Home).file_name(), "index.html");
        assert_eq!(Route::Provider("x").section(), Page::Providers);
        assert_eq!(Route::Page(Page::Faq).section(), Page::Faq);
    }

    #[test]
    fn each_tool_has_its_own_bundle_and_the_rest_share_one() {
        assert_eq!(Route::Page(Page::Diagnose).bundle(), Bundle::Diagnose);
        assert_eq!(Route::Page(Page::Generator).bundle(), Bundle::Generator);
        assert_eq!(Route::Page(Page::Tester).bundle(), Bundle::Tester);
        assert_eq!(Route::Provider("hetzner").bundle(), Bundle::Site);
        assert_eq!(Route::Page(Page::NotFound).bundle(), Bundle::Site);
        for bundle in Bundle::ALL {
            let pages = Page::ALL
                .into_iter()
                .filter(|p| p.bundle() == bundle)
                .count();
            assert!(pages > 0, "{bundle:?} serves no page");
        }
    }
}
