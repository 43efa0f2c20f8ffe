//! The prerenderer: renders every route into its own HTML file under
//! `dist/` (Trunk's post-build hook runs it; see `src/prerender.rs`).

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    port25_site::prerender::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}
