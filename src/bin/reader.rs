//! The diagnosis page's output reader, fetched on first use (see
//! `port25_site::reader`): no Leptos, no islands. The page's loader calls
//! [`start`].

#[cfg(target_arch = "wasm32")]
use wasm_bindgen::prelude::wasm_bindgen;

/// Starts the reader for a site served under `base`.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen]
pub fn start(base: &str) {
    port25_site::reader::start(base);
}

fn main() {}
