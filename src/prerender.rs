//! Renders every route of the site to its own static HTML file.
//!
//! Trunk's post-build hook runs the site binary natively after the wasm
//! builds (see `Trunk.toml`). It reads the stylesheet and icon links Trunk
//! wrote into `index.html`, finds each browser bundle's files in `dist/`,
//! renders each [`Route`] with Leptos's server renderer (islands mode: the
//! tools come out as `<leptos-island>` elements) and writes a complete
//! document per route, `providers.html`, `faq.html`, ..., `404.html`, each
//! with its title, description and the loader of its own bundle. This is a
//! build tool: it runs once per build, never on a server.

use std::{
    path::{Path, PathBuf},
    process::ExitCode,
    sync::Arc,
};

use anyhow::{bail, Context, Result};
use hydration_context::SsrSharedContext;
use leptos::{prelude::*, tachys::view::RenderHtml};
use port25_core::{
    search,
    site::{BasePath, Bundle, Page, Route},
};

use crate::{
    content,
    data::{GUIDES, PROVIDERS, RELAYS},
    exports,
    layout::{Footer, Header},
    pages,
};

/// Runs the prerenderer: `port25-site [DIST_DIR]`.
///
/// The output directory defaults to Trunk's staging directory
/// (`TRUNK_STAGING_DIR`) and then to `dist`; the base path is Trunk's
/// `TRUNK_PUBLIC_URL` (or `PORT25_PUBLIC_URL`), defaulting to `/`.
pub fn main() -> ExitCode {
    let dist = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("TRUNK_STAGING_DIR").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("dist"));
    let public_url = std::env::var("TRUNK_PUBLIC_URL")
        .or_else(|_| std::env::var("PORT25_PUBLIC_URL"))
        .unwrap_or_else(|_| "/".to_owned());
    match run(&dist, &public_url) {
        Ok(written) => {
            eprintln!(
                "prerendered {} files into {} (base path {public_url})",
                written.len(),
                dist.display()
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("prerender failed: {err:#}");
            ExitCode::FAILURE
        }
    }
}

/// Prerenders every route into `dist`, with the assets Trunk put there.
///
/// Returns the paths written.
///
/// # Errors
///
/// Fails when Trunk's `index.html` or a bundle's files are missing, the base
/// path is not a plain path, or a file cannot be written.
pub fn run(dist: &Path, public_url: &str) -> Result<Vec<PathBuf>> {
    let base = BasePath::parse(public_url)?;
    let shell_path = dist.join("index.html");
    let shell = std::fs::read_to_string(&shell_path)
        .with_context(|| format!("reading the Trunk output {}", shell_path.display()))?;
    let assets = Assets::find(dist, &shell, &base)?;
    // Render everything before writing anything: index.html is both Trunk's
    // output and the home page.
    let mut outputs = routes()
        .into_iter()
        .map(|route| Ok((route.file_name(), render(&assets, &base, route)?)))
        .collect::<Result<Vec<_>>>()?;
    // The search index, fetched by the search box on first use.
    outputs.push((
        port25_enhance::search::INDEX_FILE.to_owned(),
        search::serialize(&search::build_index(content::kb())),
    ));
    for file in exports::all(content::kb(), content::changelog())? {
        outputs.push((format!("data/{}", file.path), file.contents));
    }
    outputs
        .into_iter()
        .map(|(file, contents)| {
            let path = dist.join(file);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
            }
            std::fs::write(&path, contents)
                .with_context(|| format!("writing {}", path.display()))?;
            Ok(path)
        })
        .collect()
}

/// Every route to prerender: the fixed pages, then one page per provider,
/// relay and guide chapter.
pub fn routes() -> Vec<Route<'static>> {
    Page::ALL
        .into_iter()
        .map(Route::Page)
        .chain(PROVIDERS.iter().map(|p| Route::Provider(p.id)))
        .chain(RELAYS.iter().map(|r| Route::Relay(r.id)))
        .chain(GUIDES.iter().map(|(slug, _)| Route::Guide(slug)))
        .collect()
}

/// Modules a page fetches on first use rather than at start-up: the wasm
/// binary, the id of the element whose first focus or press loads it, and
/// the page that has it (every page when `None`).
const ON_DEMAND: [(&str, &str, Option<Page>); 2] = [
    ("search", port25_enhance::search::ROOT, None),
    ("reader", crate::reader::SECTION, Some(Page::Diagnose)),
];

/// What every page's `<head>` links: Trunk's stylesheet and icon, and each
/// bundle's loader.
pub struct Assets {
    /// The `<link>` elements for the stylesheet and icon, as Trunk wrote them.
    links: String,
    /// Each bundle's loader: preloads and the module script.
    loaders: Vec<(Bundle, String)>,
    /// The on-demand modules' loaders, by page (every page when `None`).
    on_demand: Vec<(Option<Page>, String)>,
}

impl Assets {
    /// Reads the links from Trunk's `shell` and finds each bundle's files in
    /// `dist`.
    ///
    /// Trunk hashes the main app's file names (`site-<hash>.js`); the tools
    /// are built as Trunk "workers", whose names are not hashed, so their
    /// URLs get a `?v=` of their contents instead, and a new build is never
    /// served a stale cached module.
    ///
    /// # Errors
    ///
    /// Fails when the shell has no stylesheet, or a bundle's JS or wasm is
    /// missing or appears twice.
    pub fn find(dist: &Path, shell: &str, base: &BasePath) -> Result<Assets> {
        let links = head_links(shell)?;
        let files: Vec<String> = std::fs::read_dir(dist)
            .with_context(|| format!("listing {}", dist.display()))?
            .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
            .collect();
        let urls = |name: &str| -> Result<(String, String)> {
            let stem = bundle_stem(&files, name)
                .with_context(|| format!("the {name} bundle in {}", dist.display()))?;
            let (js, wasm) = (format!("{stem}.js"), format!("{stem}_bg.wasm"));
            let version = if stem == name {
                let mut bytes = std::fs::read(dist.join(&js))?;
                bytes.extend(std::fs::read(dist.join(&wasm))?);
                format!("?v={:016x}", fnv1a(&bytes))
            } else {
                String::new()
            };
            let url = |file: &str| format!("{}{version}", base.join(&format!("/{file}")));
            Ok((url(&js), url(&wasm)))
        };
        let loaders = Bundle::ALL
            .into_iter()
            .map(|bundle| {
                let (js, wasm) = urls(bundle.name())?;
                Ok((bundle, loader(&js, &wasm, base)))
            })
            .collect::<Result<_>>()?;
        let on_demand = ON_DEMAND
            .into_iter()
            .map(|(name, trigger, page)| {
                let (js, wasm) = urls(name)?;
                Ok((page, on_demand_loader(name, trigger, &js, &wasm, base)))
            })
            .collect::<Result<_>>()?;
        Ok(Assets {
            links,
            loaders,
            on_demand,
        })
    }

    /// The scripts of `route`: its bundle's loader and its on-demand
    /// modules' loaders.
    fn scripts(&self, route: Route<'_>) -> String {
        let bundle = route.bundle();
        let start = self.loaders.iter().filter(|(b, _)| *b == bundle);
        let later = self
            .on_demand
            .iter()
            .filter(|(p, _)| p.is_none_or(|p| Route::Page(p) == route));
        start
            .map(|(_, l)| l.as_str())
            .chain(later.map(|(_, l)| l.as_str()))
            .collect()
    }
}

/// The `name` or `name-<hex>` stem of the one `.js` file in `files` that has
/// a `_bg.wasm` beside it.
fn bundle_stem(files: &[String], name: &str) -> Result<String> {
    let stems: Vec<&str> = files
        .iter()
        .filter_map(|f| f.strip_suffix(".js"))
        .filter(|stem| {
            *stem == name
                || stem
                    .strip_prefix(name)
                    .and_then(|rest| rest.strip_prefix('-'))
                    .is_some_and(|hash| {
                        !hash.is_empty() && hash.bytes().all(|b| b.is_ascii_hexdigit())
                    })
        })
        .filter(|stem| files.iter().any(|f| *f == format!("{stem}_bg.wasm")))
        .collect();
    match stems.as_slice() {
        [one] => Ok((*one).to_owned()),
        [] => bail!("no {name}.js with its {name}_bg.wasm (Trunk builds them from index.html)"),
        _ => bail!("more than one {name}.js"),
    }
}

/// FNV-1a, 64 bits: a content version for URLs, not a security measure.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The stylesheet and icon `<link>` elements of Trunk's `shell`.
fn head_links(shell: &str) -> Result<String> {
    let links: String = tags(shell, "<link ")
        .filter(|tag| tag.contains("rel=\"stylesheet\"") || tag.contains("rel=\"icon\""))
        .collect();
    if !links.contains("stylesheet") {
        bail!("Trunk's index.html links no stylesheet");
    }
    Ok(links)
}

/// Every tag in `html` that starts with `open` (up to its `>`).
fn tags<'a>(html: &'a str, open: &'a str) -> impl Iterator<Item = &'a str> {
    html.match_indices(open).filter_map(move |(start, _)| {
        let end = html[start..].find('>')?;
        Some(&html[start..=start + end])
    })
}

/// A bundle's loader: preloads for its module and wasm, then a module script
/// that instantiates it, starts it with the base path, hydrates each island
/// through its export and marks the page (tests wait for `data-hydrated`).
fn loader(js: &str, wasm: &str, base: &BasePath) -> String {
    format!(
        "<link rel=\"modulepreload\" href=\"{js}\">\
         <link rel=\"preload\" href=\"{wasm}\" as=\"fetch\" type=\"application/wasm\" crossorigin>\
         <script type=\"module\">import init,*as b from\"{js}\";\
         await init({{module_or_path:\"{wasm}\"}});b.start(\"{base}\");\
         for(const e of document.querySelectorAll(\"leptos-island\"))b[e.dataset.component]?.(e);\
         document.documentElement.dataset.hydrated=\"\"</script>",
        base = base.as_str(),
    )
}

/// The loader of a module fetched on first use: on the first focus or press
/// inside the element `trigger`, it imports the module, instantiates it and
/// starts it with the base path. `data-on-demand` tells the budget check
/// that this is not loaded at start-up.
fn on_demand_loader(name: &str, trigger: &str, js: &str, wasm: &str, base: &BasePath) -> String {
    format!(
        "<script type=\"module\" data-on-demand=\"{name}\">let p;\
         const t=document.getElementById(\"{trigger}\"),\
         go=()=>p??=import(\"{js}\").then(async m=>{{await m.default({{module_or_path:\"{wasm}\"}});m.start(\"{base}\")}});\
         t&&[\"focusin\",\"pointerdown\"].forEach(k=>t.addEventListener(k,go,{{once:true}}))</script>",
        base = base.as_str(),
    )
}

/// Renders `route` into a complete HTML document.
///
/// # Errors
///
/// Fails when the route names a provider, relay or guide chapter that does
/// not exist.
pub fn render(assets: &Assets, base: &BasePath, route: Route<'static>) -> Result<String> {
    crate::set_base(base.clone());
    // The server renderer spawns nothing we wait on; a thread-pool executor
    // is enough. Initialising twice is harmless.
    let _ = any_spawner::Executor::init_futures_executor();
    // Islands render their children through the owner's shared context, so
    // the page's view is built inside it.
    let owner = Owner::new_root(Some(Arc::new(SsrSharedContext::new_islands())));
    let (title, description, body) = owner.with(|| {
        let (title, description, body) = page(route)?;
        let html = view! {
            <Header route />
            <main id="main" tabindex="-1">{body}</main>
            <Footer route title=title.clone() />
        }
        .to_html();
        anyhow::Ok((title, description, html))
    })?;
    drop(owner);
    Ok(format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"color-scheme\" content=\"light dark\">\
         <title>{title} · Port25</title><meta name=\"description\" content=\"{description}\">\
         {links}{loader}</head><body>{body}</body></html>",
        title = escape(&title),
        description = escape(&description),
        links = assets.links,
        loader = assets.scripts(route),
    ))
}

/// A page as the browser gets it under `/port25/`, with a test build's
/// assets; for the unit tests of the pages.
#[cfg(test)]
pub(crate) fn test_page(route: Route<'static>) -> String {
    let base = BasePath::parse("/port25/").expect("a plain path");
    render_route(tests::SHELL, &base, route).expect("the route renders")
}

/// Renders `route` into a document with the bundles of a test build
/// (`name.js` and `name_bg.wasm` for every bundle).
#[cfg(test)]
fn render_route(shell: &str, base: &BasePath, route: Route<'static>) -> Result<String> {
    let assets = Assets {
        links: head_links(shell)?,
        loaders: Bundle::ALL
            .into_iter()
            .map(|b| {
                let url = |ext: &str| base.join(&format!("/{}{ext}", b.name()));
                (b, loader(&url(".js"), &url("_bg.wasm"), base))
            })
            .collect(),
        on_demand: ON_DEMAND
            .into_iter()
            .map(|(name, trigger, page)| {
                let url = |ext: &str| base.join(&format!("/{name}{ext}"));
                (
                    page,
                    on_demand_loader(name, trigger, &url(".js"), &url("_bg.wasm"), base),
                )
            })
            .collect(),
    };
    render(&assets, base, route)
}

/// The title, meta description and body of a route.
fn page(route: Route<'static>) -> Result<(String, String, AnyView)> {
    use pages::{about::*, home::*, knowledge::*, not_found::*, providers::*, relays::*, tools::*};

    let fixed = |page: Page, body: AnyView| {
        Ok((page.title().to_owned(), page.description().to_owned(), body))
    };
    match route {
        Route::Page(page) => fixed(
            page,
            match page {
                Page::Home => view! { <Home /> }.into_any(),
                Page::Providers => view! { <Providers /> }.into_any(),
                Page::Relays => view! { <Relays /> }.into_any(),
                Page::Diagnose => view! { <DiagnosePage /> }.into_any(),
                Page::Generator => view! { <GeneratorPage /> }.into_any(),
                Page::Tester => view! { <TesterPage /> }.into_any(),
                Page::Egress => view! { <EgressPage /> }.into_any(),
                Page::Glossary => view! { <Glossary /> }.into_any(),
                Page::Faq => view! { <Faq /> }.into_any(),
                Page::Guide => view! { <Guide /> }.into_any(),
                Page::Ports => view! { <Ports /> }.into_any(),
                Page::About => view! { <About /> }.into_any(),
                Page::Corrections => view! { <Corrections /> }.into_any(),
                Page::NotFound => view! { <NotFound /> }.into_any(),
            },
        ),
        Route::Provider(id) => {
            let Some(row) = PROVIDERS.iter().find(|p| p.id == id) else {
                bail!("no provider {id}");
            };
            Ok((
                format!("{}: outbound port 25", row.name),
                format!(
                    "Does {} block outbound port 25, and how do you get it unblocked? Sourced and dated.",
                    row.name
                ),
                view! { <ProviderPage row /> }.into_any(),
            ))
        }
        Route::Relay(id) => {
            let Some(row) = RELAYS.iter().find(|r| r.id == id) else {
                bail!("no relay {id}");
            };
            Ok((
                format!("{}: SMTP relay settings", row.name),
                format!(
                    "{} SMTP relay: hosts, ports and TLS modes, credentials and free tier, with sources.",
                    row.name
                ),
                view! { <RelayPage row /> }.into_any(),
            ))
        }
        Route::Guide(slug) => {
            let Some((slug, title)) = GUIDES.iter().find(|(s, _)| *s == slug) else {
                bail!("no guide chapter {slug}");
            };
            Ok((
                (*title).to_owned(),
                format!("{title}: part of the Port25 guide to blocked outbound SMTP port 25."),
                view! { <GuidePage slug /> }.into_any(),
            ))
        }
    }
}

/// Escapes text for HTML content and double-quoted attributes.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) const SHELL: &str = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
        <link rel=\"stylesheet\" href=\"/port25/style-0a1b.css\"/>\
        <link rel=\"icon\" href=\"/port25/favicon-2c3d.svg\"/>\
        <link data-trunk rel=\"rust\" href=\"crates/enhance/Cargo.toml\"/></head>\n<body>\n</body></html>";

    fn base() -> BasePath {
        BasePath::parse("/port25/").unwrap()
    }

    /// Renders `route` and drops the `<!--<Component />-->` markers that
    /// debug builds with `erase_components` add (release builds, which make
    /// dist/, have none), so assertions see the markup the browser gets.
    fn render_test(route: Route<'static>) -> String {
        let html = render_route(SHELL, &base(), route).unwrap();
        let mut out = String::with_capacity(html.len());
        let mut rest = html.as_str();
        while let Some(start) = rest.find("<!--<") {
            out.push_str(&rest[..start]);
            let end = rest[start..]
                .find("-->")
                .map_or(rest.len(), |e| start + e + 3);
            rest = &rest[end..];
        }
        out.push_str(rest);
        out
    }

    #[test]
    fn every_route_has_its_title_description_heading_and_one_bundle() {
        for route in routes() {
            let html = render_test(route);
            let title = html
                .split("<title>")
                .nth(1)
                .and_then(|t| t.split("</title>").next())
                .unwrap_or_default();
            assert!(title.ends_with(" · Port25"), "{route:?}: {title}");
            assert!(html.contains("<meta name=\"description\" content=\""));
            assert_eq!(html.matches("<h1").count(), 1, "{route:?}: one h1");
            let is_404_body = html.contains("<h1>Page not found");
            assert_eq!(
                is_404_body,
                route == Route::Page(Page::NotFound),
                "{route:?}"
            );
            // Its bundle (preload and init), the search on first use, and on
            // the diagnosis page the reader on first use.
            let on_demand = 1 + usize::from(route == Route::Page(Page::Diagnose));
            assert_eq!(
                html.matches("_bg.wasm").count(),
                2 + on_demand,
                "{route:?}: preload and init, and the reader's on-demand loader"
            );
            let wasm = format!("/port25/{}_bg.wasm", route.bundle().name());
            assert!(html.contains(&wasm), "{route:?} loads {wasm}");
            assert!(html.contains("/port25/style-0a1b.css"));
            assert!(
                !html.contains("data-trunk"),
                "{route:?}: Trunk's own tags stay out"
            );
        }
    }

    #[test]
    fn only_tool_pages_have_islands() {
        for route in routes() {
            let islands = render_test(route).matches("<leptos-island").count();
            let is_tool = route.bundle() != Bundle::Site;
            assert_eq!(islands, usize::from(is_tool), "{route:?}");
        }
    }

    #[test]
    fn links_carry_the_base_path() {
        let html = render_test(Route::Page(Page::Home));
        for page in Page::NAV {
            let href = format!("href=\"/port25{}\"", page.path());
            assert!(html.contains(&href), "missing {href}");
        }
        assert!(
            !html.contains("href=\"/providers\""),
            "a link lost the base path"
        );
        assert!(html.contains("b.start(\"/port25\")"));
    }

    #[test]
    fn the_current_section_is_marked_in_the_navigation() {
        let html = render_test(Route::Page(Page::Faq));
        assert_eq!(html.matches("aria-current=\"page\"").count(), 1);
        assert!(
            html.contains("href=\"/port25/faq\" aria-current=\"page\""),
            "{html}"
        );
        let html = render_test(Route::Provider(PROVIDERS[0].id));
        assert!(html.contains("href=\"/port25/providers\" aria-current=\"page\""));
    }

    #[test]
    fn the_body_starts_with_the_skip_link() {
        let html = render_test(Route::Page(Page::About));
        assert!(
            html.contains("<body><a href=\"#main\" class=\"skip-link\""),
            "{html}"
        );
    }

    #[test]
    fn dist_is_written_with_the_bundles_it_finds_and_the_search_index() {
        let dist = std::env::temp_dir().join(format!("port25-prerender-{}", std::process::id()));
        std::fs::create_dir_all(&dist).unwrap();
        std::fs::write(dist.join("index.html"), SHELL).unwrap();
        // Trunk's main app is hashed; the tools (Trunk workers) are not.
        for stem in [
            "site-0a1b",
            "diagnose",
            "generator",
            "tester",
            "egress",
            "reader",
            "search",
        ] {
            std::fs::write(dist.join(format!("{stem}.js")), stem).unwrap();
            std::fs::write(dist.join(format!("{stem}_bg.wasm")), "").unwrap();
        }
        run(&dist, "/port25/").unwrap();
        let page = |file: &str| std::fs::read_to_string(dist.join(file)).unwrap();
        assert!(page("providers.html").contains("\"/port25/site-0a1b_bg.wasm\""));
        let diagnose = page("diagnose.html");
        assert!(
            diagnose.contains("/port25/diagnose_bg.wasm?v="),
            "{diagnose}"
        );
        assert!(!diagnose.contains("site-0a1b"));
        assert!(diagnose.contains("data-on-demand=\"reader\""));
        assert!(diagnose.contains("import(\"/port25/reader.js?v="));
        assert!(!page("generator.html").contains("reader.js"));
        assert!(page("faq.html").contains("data-on-demand=\"search\""));
        assert!(page("index.html").contains("<h1>Port 25 blocked?"));
        let text = page(port25_enhance::search::INDEX_FILE);
        // A bundle missing from dist is an error, not a page without script.
        std::fs::remove_file(dist.join("tester.js")).unwrap();
        let err = run(&dist, "/port25/").unwrap_err();
        assert!(format!("{err:#}").contains("tester"), "{err:#}");
        std::fs::remove_dir_all(&dist).unwrap();

        let entries = search::parse(&text).unwrap();
        let first = |q: &str| entries[search::search(&entries, q, 1)[0]].path.clone();
        assert_eq!(first("hetzner"), "/providers/hetzner-cloud");
        assert_eq!(first("starttls"), "/glossary#starttls");
        assert_eq!(first("465"), "/ports#465");
        // Every entry's page (without its anchor or query) is one the
        // prerenderer writes.
        let paths: Vec<String> = routes().iter().map(Route::path).collect();
        for e in &entries {
            let page = e.path.split(['#', '?']).next().unwrap();
            assert!(paths.iter().any(|p| p == page), "{} has no page", e.path);
        }
    }

    #[test]
    fn a_shell_without_a_stylesheet_is_an_error() {
        let dist = std::env::temp_dir();
        let err = Assets::find(&dist, "<html><head></head></html>", &base());
        assert!(err.is_err());
    }
}
