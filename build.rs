//! Build script for the site: validates everything in `content/` and
//! generates the small tables the browser bundle needs.
//!
//! Broken content fails the build here, before any page is rendered: a row
//! without a source or date, an unknown enum value, a duplicate id, a broken
//! internal link, a missing provider the original article names, a dangling
//! or cyclic decision tree. Markdown is rendered to HTML here too (for the
//! diagnosis verdicts the browser shows), so pulldown-cmark never ships in the
//! wasm bundle. Generated files land in `OUT_DIR` and are included by
//! `src/data.rs` (both targets) and `src/content.rs` (native only).

use std::{fmt::Write as _, fs, path::Path};

use anyhow::{bail, Context, Result};
use port25_core::{
    diagnose::{self, Node},
    kb::{self, GuidePage, KnowledgeBase, RawContent, SourceKind},
    markdown::{self, RenderOptions},
};

/// The data files, in the order `RawContent` takes them.
const DATA_FILES: [&str; 5] = ["providers", "relays", "ports", "glossary", "faq"];

fn main() -> Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let content = root.join("content");
    println!("cargo:rerun-if-changed=content");

    let read = |rel: &str| -> Result<String> {
        let path = content.join(rel);
        fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))
    };
    let data: Vec<String> = DATA_FILES
        .iter()
        .map(|name| read(&format!("data/{name}.json")))
        .collect::<Result<_>>()?;
    let mut guide_slugs: Vec<String> = fs::read_dir(content.join("guide"))
        .context("listing content/guide")?
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".md").map(str::to_owned)
        })
        .collect();
    guide_slugs.sort();
    let guides = guide_slugs
        .iter()
        .map(|slug| {
            Ok(GuidePage {
                slug: slug.clone(),
                markdown: read(&format!("guide/{slug}.md"))?,
            })
        })
        .collect::<Result<Vec<_>>>()?;

    let kb = KnowledgeBase::from_json(
        RawContent {
            providers: &data[0],
            relays: &data[1],
            ports: &data[2],
            glossary: &data[3],
            faq: &data[4],
        },
        guides,
    )
    .context("content/data does not parse")?;
    if let Err(errors) = kb::validate(&kb) {
        for error in &errors {
            println!("cargo:warning=content: {error}");
        }
        bail!("content/ has {} validation errors (listed above)", errors.len());
    }

    let tree_json = read("diagnose/tree.json")?;
    let tree = diagnose::Tree::from_json(&tree_json).context("content/diagnose/tree.json does not parse")?;
    if let Err(errors) = diagnose::validate(&tree) {
        for error in &errors {
            println!("cargo:warning=diagnose tree: {error}");
        }
        bail!("the diagnosis tree has {} errors (listed above)", errors.len());
    }

    let out = std::env::var("OUT_DIR").context("OUT_DIR")?;
    let out = Path::new(&out);
    fs::write(out.join("tables.rs"), tables(&kb)?)?;
    fs::write(out.join("diagnose_html.rs"), diagnose_html(&tree, &kb)?)?;
    fs::write(out.join("content_files.rs"), content_files(&content, &guide_slugs)?)?;
    Ok(())
}

/// `include_str!` of every content file, for the native prerenderer.
fn content_files(content: &Path, guide_slugs: &[String]) -> Result<String> {
    let abs = |rel: &str| content.join(rel).display().to_string();
    let mut s = String::from("/// The data files' text, in `RawContent` order.\npub(crate) static DATA_FILES: [&str; 5] = [\n");
    for name in DATA_FILES {
        writeln!(s, "    include_str!({:?}),", abs(&format!("data/{name}.json")))?;
    }
    s.push_str("];\n/// The guide pages: slug and markdown.\npub(crate) static GUIDE_FILES: &[(&str, &str)] = &[\n");
    for slug in guide_slugs {
        writeln!(s, "    ({slug:?}, include_str!({:?})),", abs(&format!("guide/{slug}.md")))?;
    }
    s.push_str("];\n");
    writeln!(
        s,
        "/// `content/CHANGELOG.md`.\npub(crate) static CHANGELOG: &str = include_str!({:?});",
        abs("CHANGELOG.md")
    )?;
    Ok(s)
}

/// The provider and relay rows the comparison tables render in both builds.
fn tables(kb: &KnowledgeBase) -> Result<String> {
    let mut s = String::new();
    writeln!(s, "/// The data version of content/data.\npub(crate) const DATA_VERSION: &str = {:?};", kb.data_version)?;
    s.push_str("/// One row per provider, in the data file's order.\npub(crate) static PROVIDERS: &[ProviderRow] = &[\n");
    for p in &kb.providers {
        // Cells link to the first official source, else the first with a URL.
        let source = p
            .sources
            .iter()
            .filter(|src| src.url.is_some())
            .min_by_key(|src| src.kind != SourceKind::Official);
        let (url, title) = source
            .map(|src| (src.url.clone().unwrap_or_default(), src.title.clone()))
            .unwrap_or_default();
        writeln!(
            s,
            "    ProviderRow {{ id: {:?}, name: {:?}, category: ProviderCategory::{:?}, policy: Port25Policy::{:?}, \
             p465: PortStatus::{:?}, p587: PortStatus::{:?}, p2525: PortStatus::{:?}, unblock: UnblockRoute::{:?}, \
             confidence: Confidence::{:?}, last_verified: {:?}, source_url: {:?}, source_title: {:?}, relay: {:?} }},",
            p.id,
            p.name,
            p.category,
            p.port25,
            p.other_ports.smtps,
            p.other_ports.submission,
            p.other_ports.alternate_2525,
            p.unblock.route,
            p.confidence,
            p.last_verified,
            url,
            title,
            p.recommended_relay.as_ref().and_then(|r| r.relay_id.clone()),
        )?;
    }
    s.push_str("];\n/// One row per relay service, in the data file's order.\npub(crate) static RELAYS: &[RelayRow] = &[\n");
    for r in &kb.relays {
        let ports: Vec<String> = r
            .ports
            .iter()
            .map(|p| format!("({}, TlsMode::{:?})", p.port, p.tls))
            .collect();
        let url = r.sources.iter().find_map(|src| src.url.clone()).unwrap_or_default();
        writeln!(
            s,
            "    RelayRow {{ id: {:?}, name: {:?}, host: {:?}, regions: {}, ports: &[{}], free_tier: {:?}, \
             free_tier_as_of: {:?}, confidence: Confidence::{:?}, last_verified: {:?}, source_url: {:?} }},",
            r.id,
            r.name,
            r.hosts.first().map(|h| h.host.clone()).unwrap_or_default(),
            r.hosts.len(),
            ports.join(", "),
            r.free_tier.description,
            r.free_tier.as_of,
            r.confidence,
            r.last_verified,
            url,
        )?;
    }
    s.push_str("];\n");
    Ok(s)
}

/// Verdict explanations and question help rendered to HTML, with glossary
/// terms linked. Links stay root-relative; the page adds the base path.
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
    let mut s = String::from("/// Rendered HTML of each verdict's explanation and each question's help, by node id.\npub(crate) static DIAGNOSE_HTML: &[(&str, &str)] = &[\n");
    for node in &tree.nodes {
        let markdown = match node {
            Node::Verdict(v) => Some(v.explanation.as_str()),
            Node::Question(q) => q.help.as_deref(),
        };
        if let Some(md) = markdown {
            let html = markdown::render(md, &options).html;
            writeln!(s, "    ({:?}, {:?}),", node.id(), html)?;
        }
    }
    s.push_str("];\n");
    Ok(s)
}
