//! The little data the pages and tools need, generated at build time by
//! `build.rs` from `content/` (already validated there): the provider, relay
//! and guide rows for routes and titles, the diagnosis outline and each
//! node's prose as HTML, and the generator's relays.
//!
//! Tables and long prose are not here: they are rendered natively into HTML
//! (see `crate::content`) and never enter a browser bundle.

/// A provider's id and name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ProviderRow {
    /// Slug; the page is `/providers/<id>`.
    pub id: &'static str,
    /// Display name.
    pub name: &'static str,
    /// The default policy for outbound port 25.
    pub policy: port25_core::kb::Port25Policy,
}

/// A relay service's id and name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RelayRow {
    /// Slug; the page is `/relays/<id>`.
    pub id: &'static str,
    /// Display name.
    pub name: &'static str,
}

/// A relay as the configuration generator needs it (see
/// `islands::generator::relays`, which turns these into `kb::Relay`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct GeneratorRelay {
    pub id: &'static str,
    pub name: &'static str,
    /// Host names with their regions.
    pub hosts: &'static [(&'static str, &'static str)],
    /// Ports with their TLS modes.
    pub ports: &'static [(u16, port25_core::kb::TlsMode)],
    pub username: port25_core::kb::UsernameConvention,
    pub literal: Option<&'static str>,
    pub per_region: bool,
}

include!(concat!(env!("OUT_DIR"), "/tables.rs"));
include!(concat!(env!("OUT_DIR"), "/diagnose_html.rs"));
include!(concat!(env!("OUT_DIR"), "/diagnose_outline.rs"));

/// The rendered explanation (verdicts) or help (questions) of a diagnosis
/// node. Links in it are root-relative; prefix them with the base path.
pub(crate) fn diagnose_html(node_id: &str) -> Option<&'static str> {
    DIAGNOSE_HTML
        .iter()
        .find(|(id, _)| *id == node_id)
        .map(|(_, html)| *html)
}
include!(concat!(env!("OUT_DIR"), "/generator_relays.rs"));

/// The decision tree shipped with the site, with its prose, from the content
/// loader (`content::content`), for the prerenderer.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn diagnose_tree() -> &'static port25_core::diagnose::Tree {
    &crate::content::content().tree
}

/// The decision tree shipped with the site, built once from the static
/// outline the build script wrote (no prose, no JSON parser in the bundle).
#[cfg(target_arch = "wasm32")]
pub(crate) fn diagnose_tree() -> &'static port25_core::diagnose::Tree {
    use port25_core::diagnose::Tree;
    static TREE: std::sync::OnceLock<Tree> = std::sync::OnceLock::new();
    TREE.get_or_init(|| Tree::from_outline(DIAGNOSE_VERSION, DIAGNOSE_ROOT, DIAGNOSE_OUTLINE))
}
