//! The tools: the parts of the site that run in the browser, each a Leptos
//! island (`#[island]`) inside its prerendered page.
//!
//! Natively every island is compiled, so the prerenderer renders each one
//! into its page (as `<leptos-island data-component="Name_<hash>">`). A
//! browser build holds only the islands of its tool (the cargo feature of the
//! same name), each exported to the page's loader, which hydrates it.

#[cfg(all(target_arch = "wasm32", any(feature = "tester", feature = "egress")))]
pub(crate) mod browser_json;
#[cfg(any(not(target_arch = "wasm32"), feature = "diagnose"))]
pub(crate) mod diagnose;
#[cfg(any(not(target_arch = "wasm32"), feature = "egress"))]
pub(crate) mod egress;
#[cfg(any(not(target_arch = "wasm32"), feature = "generator"))]
pub(crate) mod generator;
#[cfg(any(not(target_arch = "wasm32"), feature = "tester"))]
pub(crate) mod tester;
