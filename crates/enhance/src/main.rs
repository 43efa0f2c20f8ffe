//! The content pages' browser bundle (`port25_core::site::Bundle::Site`):
//! the enhancements of [`port25_enhance`] and nothing else.
//!
//! The page's loader (written by the prerenderer) calls [`start`] with the
//! base path once the module is instantiated. Natively there is nothing to
//! run: the binary exists for Trunk's wasm32 build.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen::prelude::wasm_bindgen;

/// Starts the enhancements for a site served under `base`.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen]
pub fn start(base: &str) {
    port25_enhance::start(base);
}

fn main() {}
