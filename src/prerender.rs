//! Renders every route of the site to its own static HTML file.
//!
//! Trunk's post-build hook runs the site binary natively after the wasm build
//! (see `Trunk.toml`): it reads the `index.html` Trunk wrote (with its hashed
//! script and style links), renders each [`Page`] with Leptos's server
//! renderer into that shell, injects the page's `<title>` and meta tags, and
//! writes `providers.html`, `faq.html`, ..., `404.html`. The browser then
//! hydrates whichever file it loaded. This is a build tool: it runs once per
//! build, never on a server.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    process::ExitCode,
    sync::Arc,
};

use anyhow::{bail, Context, Result};
use futures::{executor::block_on, stream, StreamExt};
use hydration_context::{SharedContext, SsrSharedContext};
use leptos::{prelude::*, tachys::view::RenderHtml};
use leptos_meta::ServerMetaContext;
use leptos_router::location::RequestUrl;
use port25_core::{
    search,
    site::{BasePath, Bundle, Page},
};

use crate::{components::search::INDEX_FILE, content, exports, App};

/// Where leptos_meta puts the tags it collects; its hydration looks for the
/// same comment.
const HEAD_MARKER: &str = "<!--HEAD-->";

/// The meta tag that tells the hydrating app its base path (see
/// [`crate::BASE_META`]).
fn base_meta(base: &BasePath) -> String {
    format!(
        "<meta name=\"{}\" content=\"{}\">",
        crate::BASE_META,
        base.join("/")
    )
}

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
                "prerendered {} pages into {} (base path {public_url})",
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

/// Prerenders every page into `dist`, using `dist/index.html` as the shell.
///
/// Returns the paths written.
///
/// # Errors
///
/// Fails when the shell cannot be read or lacks `<head>`/`<body>`, the base
/// path is not a plain path, or a file cannot be written.
pub fn run(dist: &Path, public_url: &str) -> Result<Vec<PathBuf>> {
    let base = BasePath::parse(public_url)?;
    let shell_path = dist.join("index.html");
    let shell = std::fs::read_to_string(&shell_path)
        .with_context(|| format!("reading the Trunk output {}", shell_path.display()))?;
    let shells = bundle_shells(dist, &shell)?;
    // Render everything before writing anything: index.html is both the shell
    // and an output.
    let mut outputs = routes()
        .into_iter()
        .map(|(path, file)| {
            let shell = &shells[&Bundle::for_path(&path)];
            Ok((file, render_path(shell, &base, &path)?))
        })
        .collect::<Result<Vec<_>>>()?;
    for key in content::fragment_keys() {
        let html = content::fragment(&key, &base).with_context(|| format!("fragment {key}"))?;
        outputs.push((format!("fragments/{key}.html"), html));
    }
    // The search index, fetched by the search box on first use.
    outputs.push((
        INDEX_FILE.to_owned(),
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

/// The shell of each bundle ([`Bundle`]). Trunk's shell loads the site
/// bundle, `port25-site-<hash>.js` and `..._bg.wasm`; `scripts/bundles.sh`
/// puts each tool's `<name>-<hash>.js` and `..._bg.wasm` beside them, and a
/// tool's shell is Trunk's with the file stem swapped.
///
/// # Errors
///
/// Fails when a bundle's files are missing from `dist` or appear twice.
pub fn bundle_shells(dist: &Path, shell: &str) -> Result<HashMap<Bundle, String>> {
    let files: Vec<String> = std::fs::read_dir(dist)
        .with_context(|| format!("listing {}", dist.display()))?
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .collect();
    let stem = |prefix: &str| -> Result<String> {
        let stems: Vec<&str> = files
            .iter()
            .filter_map(|f| f.strip_suffix(".js"))
            .filter(|stem| {
                stem.strip_prefix(prefix).is_some_and(|hash| {
                    !hash.is_empty() && hash.bytes().all(|b| b.is_ascii_hexdigit())
                })
            })
            .collect();
        match stems.as_slice() {
            [one] => Ok((*one).to_owned()),
            [] => bail!(
                "no {prefix}<hash>.js in {} (scripts/bundles.sh builds the tool bundles)",
                dist.display()
            ),
            _ => bail!("more than one {prefix}<hash>.js in {}", dist.display()),
        }
    };
    let site = stem("port25-site-")?;
    if !shell.contains(&format!("{site}_bg.wasm")) {
        bail!("the shell does not load {site}_bg.wasm");
    }
    Bundle::ALL
        .into_iter()
        .map(|bundle| {
            let shell = match bundle {
                Bundle::Site => shell.to_owned(),
                other => shell.replace(&site, &stem(&format!("{}-", other.name()))?),
            };
            Ok((bundle, shell))
        })
        .collect()
}

/// Every route to prerender, relative to the base path, with its output
/// file: the static pages, then one page per provider, relay and guide page.
pub fn routes() -> Vec<(String, String)> {
    let kb = content::kb();
    let mut routes: Vec<(String, String)> = Page::ALL
        .into_iter()
        .map(|page| (page.path().to_owned(), page.file_name()))
        .collect();
    let dynamic = kb
        .providers
        .iter()
        .map(|p| format!("providers/{}", p.id))
        .chain(kb.relays.iter().map(|r| format!("relays/{}", r.id)))
        .chain(kb.guides.iter().map(|g| format!("guide/{}", g.slug)));
    routes.extend(dynamic.map(|rel| (format!("/{rel}"), format!("{rel}.html"))));
    routes
}

/// Renders one page into a copy of the Trunk shell.
///
/// # Errors
///
/// Fails when the shell has no `</head>` or no `<body>...</body>`.
pub fn render_page(shell: &str, base: &BasePath, page: Page) -> Result<String> {
    render_path(shell, base, page.path())
}

/// Renders the route at `path` (relative to the base path) into a copy of
/// the Trunk shell.
///
/// # Errors
///
/// Fails when the shell has no `</head>` or no `<body>...</body>`.
pub fn render_path(shell: &str, base: &BasePath, path: &str) -> Result<String> {
    // The server renderer spawns nothing we wait on except leptos_meta's one
    // tick; a thread-pool executor is enough. Initialising twice is harmless.
    let _ = any_spawner::Executor::init_futures_executor();

    let shared = Arc::new(SsrSharedContext::new());
    let owner = Owner::new_root(Some(shared.clone()));
    let url = base.join(path);
    let (body, meta) = owner.with(|| {
        provide_context(RequestUrl::new(&url));
        let (meta_context, meta_output) = ServerMetaContext::new();
        provide_context(meta_context);
        let app_base = base.clone();
        let body = view! { <App base=app_base /> }.to_html();
        (body, meta_output)
    });
    // Resources and errors serialised during rendering, for hydration to
    // pick up (empty for pages that load nothing, but always present).
    let hydration_data = shared
        .pending_data()
        .map(|data| block_on(data.collect::<Vec<_>>()).concat())
        .unwrap_or_default();

    let document = fill_shell(&without_base_element(shell), base, &body, &hydration_data)?;
    let document = block_on(async move {
        meta.inject_meta_context(stream::iter([document]))
            .await
            .collect::<String>()
            .await
    });
    drop(owner);
    Ok(document)
}

/// Removes the `<base href>` Trunk writes for its public URL.
///
/// A `<base>` element makes `href="#main"` mean `/port25/#main` on every
/// page, which breaks the skip link and every in-page anchor; the base path
/// reaches the app through [`base_meta`] instead. Asset URLs Trunk wrote are
/// absolute and do not need it.
fn without_base_element(shell: &str) -> String {
    let Some(start) = shell.find("<base ") else {
        return shell.to_owned();
    };
    match shell[start..].find('>') {
        Some(len) => {
            let end = start + len + 1;
            let end = end + usize::from(shell[end..].starts_with('\n'));
            format!("{}{}", &shell[..start], &shell[end..])
        }
        None => shell.to_owned(),
    }
}

/// Puts the rendered body, the base path and the hydration data into the
/// shell, and the marker where leptos_meta injects its tags.
fn fill_shell(shell: &str, base: &BasePath, body: &str, hydration_data: &str) -> Result<String> {
    let Some(head_end) = shell.find("</head>") else {
        bail!("the shell has no </head>");
    };
    let Some(body_open) = shell.find("<body") else {
        bail!("the shell has no <body>");
    };
    let Some(body_start) = shell[body_open..].find('>').map(|i| body_open + i + 1) else {
        bail!("the shell's <body> tag is not closed");
    };
    let Some(body_end) = shell.rfind("</body>") else {
        bail!("the shell has no </body>");
    };
    if !(head_end < body_open && body_start <= body_end) {
        bail!("the shell's <head> and <body> are out of order");
    }
    let mut out = String::with_capacity(shell.len() + body.len() + hydration_data.len() + 64);
    out.push_str(&shell[..head_end]);
    out.push_str(&base_meta(base));
    if !hydration_data.is_empty() {
        out.push_str("<script>");
        out.push_str(hydration_data);
        out.push_str("</script>");
    }
    out.push_str(HEAD_MARKER);
    out.push_str(&shell[head_end..body_start]);
    // Hydration walks the body's children: nothing may sit between <body>
    // and the app, not even whitespace.
    out.push_str(body);
    out.push_str(&shell[body_end..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHELL: &str = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
        <script type=\"module\">import init from '/port25/x.js';</script></head>\n<body>\n</body></html>";

    /// Renders `page` and drops the `<!--<Component />-->` markers that
    /// debug builds with `erase_components` add (release builds, which make
    /// dist/, have none), so assertions see the markup the browser gets.
    fn render(page: Page) -> String {
        let base = BasePath::parse("/port25/").unwrap();
        let html = render_page(SHELL, &base, page).unwrap();
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
    fn every_page_has_its_title_description_and_heading() {
        for page in Page::ALL {
            let html = render(page);
            let title = format!("<title>{} · Port25</title>", page.title());
            assert!(html.contains(&title), "{page:?}: no {title} in {html}");
            let description = format!("content=\"{}\"", page.description());
            assert!(html.contains(&description), "{page:?}: no description");
            assert_eq!(html.matches("<h1").count(), 1, "{page:?}: one h1");
            let is_404_body = html.contains("<h1>Page not found");
            assert_eq!(
                is_404_body,
                page == Page::NotFound,
                "{page:?}: routed to the wrong body"
            );
        }
    }

    #[test]
    fn links_carry_the_base_path() {
        let html = render(Page::Home);
        for page in Page::NAV {
            let href = format!("href=\"/port25{}\"", page.path());
            assert!(html.contains(&href), "missing {href}");
        }
        assert!(
            !html.contains("href=\"/providers\""),
            "a link lost the base path"
        );
    }

    #[test]
    fn the_current_page_is_marked_in_the_navigation() {
        let html = render(Page::Faq);
        assert!(html.contains("aria-current=\"page\""), "{html}");
    }

    #[test]
    fn body_starts_with_the_app_and_head_keeps_trunk_scripts() {
        let html = render(Page::About);
        assert!(
            html.contains("<body><a href=\"#main\" class=\"skip-link\""),
            "whitespace before the app"
        );
        let head = &html[..html.find("</head>").unwrap()];
        assert!(head.contains("import init from '/port25/x.js'"));
        assert!(head.contains(HEAD_MARKER));
        assert!(head.contains("__RESOLVED_RESOURCES"));
        assert!(head.contains("<meta name=\"port25-base\" content=\"/port25/\">"));
    }

    #[test]
    fn the_base_element_is_replaced_so_in_page_anchors_stay_on_the_page() {
        let shell = SHELL.replace("<head>", "<head><base href=\"/port25/\">\n");
        let base = BasePath::parse("/port25/").unwrap();
        let html = render_page(&shell, &base, Page::Faq).unwrap();
        assert!(!html.contains("<base"), "{html}");
        assert!(html.contains("content=\"/port25/\""));
    }

    #[test]
    fn the_search_index_is_written_and_finds_the_content() {
        let dist = std::env::temp_dir().join(format!("port25-prerender-{}", std::process::id()));
        std::fs::create_dir_all(&dist).unwrap();
        // Trunk's shell loads the site bundle; scripts/bundles.sh puts the
        // tools' bundles beside it.
        let shell = SHELL.replace(
            "</head>",
            "<script type=\"module\">import init from '/port25/port25-site-0a1b.js'; \
             await init({ module_or_path: '/port25/port25-site-0a1b_bg.wasm' });</script></head>",
        );
        std::fs::write(dist.join("index.html"), shell).unwrap();
        for stem in [
            "port25-site-0a1b",
            "diagnose-2c3d",
            "generator-4e5f",
            "tester-6a7b",
        ] {
            std::fs::write(dist.join(format!("{stem}.js")), "").unwrap();
            std::fs::write(dist.join(format!("{stem}_bg.wasm")), "").unwrap();
        }
        run(&dist, "/port25/").unwrap();
        let text = std::fs::read_to_string(dist.join(INDEX_FILE)).unwrap();
        let page = |file: &str| std::fs::read_to_string(dist.join(file)).unwrap();
        // Each page loads its own bundle and no other.
        for (file, stem) in [
            ("providers.html", "port25-site-0a1b"),
            ("diagnose.html", "diagnose-2c3d"),
            ("generator.html", "generator-4e5f"),
            ("tester.html", "tester-6a7b"),
            ("404.html", "port25-site-0a1b"),
        ] {
            let html = page(file);
            assert!(html.contains(&format!("/port25/{stem}_bg.wasm")), "{file}");
            assert_eq!(html.matches("_bg.wasm").count(), 1, "{file}");
        }
        std::fs::remove_dir_all(&dist).unwrap();
        let entries = search::parse(&text).unwrap();
        let first = |q: &str| entries[search::search(&entries, q, 1)[0]].path.clone();
        assert_eq!(first("hetzner"), "/providers/hetzner-cloud");
        assert_eq!(first("starttls"), "/glossary#starttls");
        assert_eq!(first("465"), "/ports#465");
        // Every entry's page is one the prerenderer wrote.
        let routes: Vec<String> = routes().into_iter().map(|(path, _)| path).collect();
        for e in &entries {
            let page = e.path.split('#').next().unwrap();
            assert!(routes.iter().any(|r| r == page), "{} has no page", e.path);
        }
    }

    #[test]
    fn a_broken_shell_is_an_error_not_a_page() {
        let base = BasePath::default();
        for shell in ["<html><body></body></html>", "<html><head></head></html>"] {
            assert!(render_page(shell, &base, Page::Home).is_err(), "{shell}");
        }
    }
}
