//! Build script for the site: validates everything in `content/` and
//! generates the small tables the browser bundle needs.
//!
//! Broken content fails the build here, before any page is rendered: a fact
//! without a citation, a citation without a quote, a secondary source on the
//! provider's own domain, the same page cited twice, a malformed date, an
//! unknown enum value, a duplicate id, a broken
//! internal link, a missing provider the original article names, a dangling
//! or cyclic decision tree. Markdown is rendered to HTML here too (for the
//! diagnosis verdicts the browser shows), so pulldown-cmark never ships in the
//! wasm bundle. Generated files land in `OUT_DIR` and are included by
//! `src/data.rs` (both targets) and `src/content.rs` (native only).

use std::{fmt::Write as _, fs, path::Path};

use anyhow::{bail, Context, Result};
use port25_core::{
    content::{self, Dir},
    diagnose::{self, Node},
    kb::{self, KnowledgeBase},
    markdown::{self, RenderOptions},
};

fn main() -> Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = Dir::new(root.join("content"));
    println!("cargo:rerun-if-changed=content");
    // The tester page's probe URL (src/pages/tester.rs) is read with option_env!.
    println!("cargo:rerun-if-env-changed=PORT25_PROBE_URL");

    let content::Content { kb, tree, .. } = content::load(&dir)?;
    if let Err(errors) = kb::validate(&kb) {
        for error in &errors {
            println!("cargo:warning=content: {error}");
        }
        bail!(
            "content/ has {} validation errors (listed above)",
            errors.len()
        );
    }

    // The counts the data release is described by, on every build.
    let counts = kb::Counts::of(&kb);
    println!("cargo:warning=content: {counts}");

    if let Err(errors) = diagnose::validate(&tree) {
        for error in &errors {
            println!("cargo:warning=diagnose tree: {error}");
        }
        bail!(
            "the diagnosis tree has {} errors (listed above)",
            errors.len()
        );
    }

    let out = std::env::var("OUT_DIR").context("OUT_DIR")?;
    let out = Path::new(&out);
    fs::write(out.join("tables.rs"), tables(&kb)?)?;
    fs::write(out.join("diagnose_html.rs"), diagnose_html(&tree, &kb)?)?;
    fs::write(out.join("diagnose_outline.rs"), diagnose_outline(&tree)?)?;
    fs::write(out.join("generator_relays.rs"), generator_relays(&kb)?)?;
    fs::write(out.join("content_files.rs"), content_files(&dir)?)?;
    Ok(())
}

/// `include_str!` of every file `content::load` reads, as the table of a
/// `content::Embedded` source, for the native prerenderer.
fn content_files(dir: &Dir) -> Result<String> {
    let mut s = String::from(
        "/// Every file of `content/` the loader reads: path and text.\n\
         pub(crate) static CONTENT_FILES: &[(&str, &str)] = &[\n",
    );
    for path in content::files(dir)? {
        let abs = dir.path(&path).display().to_string();
        writeln!(s, "    ({path:?}, include_str!({abs:?})),")?;
    }
    s.push_str("];\n");
    Ok(s)
}

/// The names the provider, relay and guide pages need for their titles in
/// both builds. The tables themselves are prerendered HTML, not wasm data.
fn tables(kb: &KnowledgeBase) -> Result<String> {
    let mut s = String::new();
    writeln!(
        s,
        "/// The data version of content/data.\npub(crate) const DATA_VERSION: &str = {:?};",
        kb.data_version
    )?;
    s.push_str("/// Provider ids and names, in the data file's order.\npub(crate) static PROVIDERS: &[ProviderRow] = &[\n");
    for p in &kb.providers {
        writeln!(
            s,
            "    ProviderRow {{ id: {:?}, name: {:?}, policy: port25_core::kb::Port25Policy::{:?} }},",
            p.id, p.name, p.port25
        )?;
    }
    s.push_str("];\n/// Relay ids and names, in the data file's order.\npub(crate) static RELAYS: &[RelayRow] = &[\n");
    for r in &kb.relays {
        writeln!(s, "    RelayRow {{ id: {:?}, name: {:?} }},", r.id, r.name)?;
    }
    s.push_str("];\n/// Guide pages: slug and title, in reading order.\npub(crate) static GUIDES: &[(&str, &str)] = &[\n");
    for g in &kb.guides {
        writeln!(s, "    ({:?}, {:?}),", g.slug, g.title().unwrap_or(&g.slug))?;
    }
    s.push_str("];\n");
    Ok(s)
}

/// The relay rows the configuration generator reads, as static data
/// (`GeneratorRelay`): the generator page's bundle builds them without the
/// JSON text or a JSON parser. Only what `relay_config` reads is kept (hosts,
/// ports, credential conventions); help texts, dates, sources and notes stay in
/// the prerendered pages.
fn generator_relays(kb: &KnowledgeBase) -> Result<String> {
    let mut s = String::from(
        "/// The relays for `relay_config::Catalog`, in the data file's order.\n\
         pub(crate) static GENERATOR_RELAYS: &[GeneratorRelay] = &[\n",
    );
    for r in &kb.relays {
        let hosts: Vec<String> = r
            .hosts
            .iter()
            .map(|h| format!("({:?}, {:?})", h.host, h.region))
            .collect();
        let ports: Vec<String> = r
            .ports
            .iter()
            .map(|p| format!("({}, port25_core::kb::TlsMode::{:?})", p.port, p.tls))
            .collect();
        let c = &r.credentials;
        writeln!(
            s,
            "    GeneratorRelay {{ id: {:?}, name: {:?}, hosts: &[{}], ports: &[{}], \
             username: port25_core::kb::UsernameConvention::{:?}, literal: {:?}, per_region: {} }},",
            r.id,
            r.name,
            hosts.join(", "),
            ports.join(", "),
            c.username,
            c.literal.as_deref(),
            c.per_region
        )?;
    }
    s.push_str("];\n");
    Ok(s)
}

/// The tree without its prose, as static data (`diagnose::OutlineNode`): the
/// browser walks it without the JSON text or a JSON parser in the bundle.
fn diagnose_outline(tree: &diagnose::Tree) -> Result<String> {
    let mut s = String::from(
        "/// The diagnosis tree without its prose; see `port25_core::diagnose::OutlineNode`.\n",
    );
    // Natively only the tests read it: the prerenderer parses the JSON.
    let allow = "#[cfg_attr(not(target_arch = \"wasm32\"), allow(dead_code))]";
    writeln!(
        s,
        "{allow}\npub(crate) const DIAGNOSE_VERSION: u32 = {};",
        tree.version
    )?;
    writeln!(
        s,
        "{allow}\npub(crate) const DIAGNOSE_ROOT: &str = {:?};",
        tree.root
    )?;
    writeln!(s, "{allow}")?;
    s.push_str("pub(crate) static DIAGNOSE_OUTLINE: &[port25_core::diagnose::OutlineNode] = &[\n");
    for node in &tree.nodes {
        let (verdict, text, answers) = match node {
            Node::Question(q) => (false, q.text.as_str(), q.answers.as_slice()),
            Node::Verdict(v) => (true, v.title.as_str(), &[][..]),
        };
        let answers: Vec<String> = answers
            .iter()
            .map(|a| format!("({:?}, {:?}, {:?})", a.id, a.label, a.next))
            .collect();
        writeln!(
            s,
            "    port25_core::diagnose::OutlineNode {{ id: {:?}, verdict: {verdict}, text: {:?}, answers: &[{}] }},",
            node.id(),
            text,
            answers.join(", ")
        )?;
    }
    s.push_str("];\n");
    Ok(s)
}

/// Each node's prose as HTML, with glossary terms linked: a question's help;
/// a verdict's explanation, then "What to do" with its remedies (links, and
/// commands with a copy button in the markup every page's copy script
/// knows). The same HTML serves the whole tree in the prerendered page and
/// the current step in the browser, so no prose has to be read back from the
/// page. Links stay root-relative; the page adds the base path.
fn diagnose_html(tree: &diagnose::Tree, kb: &KnowledgeBase) -> Result<String> {
    let terms: Vec<markdown::TermLink> = kb
        .glossary
        .iter()
        .flat_map(|t| markdown::TermLink::aliases(&t.term, &t.id))
        .collect();
    let options = RenderOptions {
        terms: &terms,
        heading_offset: 2,
        ..RenderOptions::default()
    };
    let escape = |text: &str| {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let mut s = String::from("/// Each node's prose as HTML (see build.rs `diagnose_html`), by node id.\npub(crate) static DIAGNOSE_HTML: &[(&str, &str)] = &[\n");
    for node in &tree.nodes {
        let html = match node {
            Node::Question(q) => match q.help.as_deref() {
                Some(md) => markdown::render(md, &options).html,
                None => continue,
            },
            Node::Verdict(v) => {
                let mut html = format!(
                    "<div class=\"diagnose-explanation prose\">{}</div><h3>What to do</h3><ul class=\"diagnose-remedies\">",
                    markdown::render(&v.explanation, &options).html
                );
                for r in &v.remedies {
                    match (&r.link, &r.command) {
                        (Some(link), _) => write!(
                            html,
                            "<li><a href=\"{}\">{}</a></li>",
                            escape(link),
                            escape(&r.label)
                        )?,
                        (None, Some(command)) => write!(
                            html,
                            "<li>{label}:<div class=\"cmd\"><pre><code>{}</code></pre>\
                             <button type=\"button\" class=\"copy\" aria-label=\"Copy the command: {label}\">Copy</button></div></li>",
                            escape(command),
                            label = escape(&r.label),
                        )?,
                        // validate() rules this out.
                        (None, None) => {}
                    }
                }
                html.push_str("</ul>");
                html
            }
        };
        writeln!(s, "    ({:?}, {:?}),", node.id(), html)?;
    }
    s.push_str("];\n");
    Ok(s)
}
