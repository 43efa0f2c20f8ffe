//! The header search, fetched by every page on the search box's first focus
//! or press (see `port25_enhance::search`). The page's loader calls
//! [`start`].

#[cfg(target_arch = "wasm32")]
use wasm_bindgen::prelude::wasm_bindgen;

/// Starts the search for a site served under `base`.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen]
pub fn start(base: &str) {
    port25_enhance::start_search(base);
}

fn main() {}
