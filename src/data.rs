//! The rows the comparison tables and the diagnosis page render, generated
//! at build time by `build.rs` from `content/` (already validated there).
//!
//! Both builds include the same generated code, so the prerendered HTML and
//! the hydrating wasm render identical tables. Long prose (provider notes,
//! guide pages, FAQ answers) is not here: it is rendered natively into HTML
//! fragments and never enters the wasm bundle.

use port25_core::kb::{Confidence, Port25Policy, PortStatus, ProviderCategory, TlsMode, UnblockRoute};

/// One provider, as the comparison table shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ProviderRow {
    /// Slug; the page is `/providers/<id>`.
    pub id: &'static str,
    /// Display name.
    pub name: &'static str,
    /// What kind of provider it is.
    pub category: ProviderCategory,
    /// The default policy for outbound port 25.
    pub policy: Port25Policy,
    /// Outbound 465, where known.
    pub p465: PortStatus,
    /// Outbound 587, where known.
    pub p587: PortStatus,
    /// Outbound 2525, where known.
    pub p2525: PortStatus,
    /// How the block can be lifted.
    pub unblock: UnblockRoute,
    /// How well the row is sourced.
    pub confidence: Confidence,
    /// `YYYY-MM-DD`.
    pub last_verified: &'static str,
    /// The source the cells cite (the first official one when there is one).
    pub source_url: &'static str,
    /// That source's title.
    pub source_title: &'static str,
    /// The recommended relay's id, when the data names one.
    pub relay: Option<&'static str>,
}

/// One relay service, as the relays table shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RelayRow {
    /// Slug; the page is `/relays/<id>`.
    pub id: &'static str,
    /// Display name.
    pub name: &'static str,
    /// The first SMTP host listed.
    pub host: &'static str,
    /// How many hosts (regions) the data lists.
    pub regions: usize,
    /// Ports and their TLS modes.
    pub ports: &'static [(u16, TlsMode)],
    /// The free tier, in words.
    pub free_tier: &'static str,
    /// When the free tier was seen, if the source dates it.
    pub free_tier_as_of: Option<&'static str>,
    /// How well the row is sourced.
    pub confidence: Confidence,
    /// `YYYY-MM-DD`.
    pub last_verified: &'static str,
    /// The first source with a URL.
    pub source_url: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/tables.rs"));
include!(concat!(env!("OUT_DIR"), "/diagnose_html.rs"));

/// The rendered explanation (verdicts) or help (questions) of a diagnosis
/// node. Links in it are root-relative; prefix them with the base path.
pub(crate) fn diagnose_html(node_id: &str) -> Option<&'static str> {
    DIAGNOSE_HTML
        .iter()
        .find(|(id, _)| *id == node_id)
        .map(|(_, html)| *html)
}
