//! The egress page's browser bundle: its islands (the `egress` feature) and the
//! enhancements every page has. The page's loader calls [`start`].

#[cfg(target_arch = "wasm32")]
use wasm_bindgen::prelude::wasm_bindgen;

/// Starts the page for a site served under `base`.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen]
pub fn start(base: &str) {
    port25_site::start(base);
}

fn main() {}
