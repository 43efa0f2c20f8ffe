//! The site's one binary. Built for wasm32 by Trunk it hydrates the page in the
//! browser; built natively (Trunk's post-build hook runs it) it prerenders
//! every route into `dist/`.

#[cfg(target_arch = "wasm32")]
fn main() {
    port25_site::hydrate();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    port25_site::prerender::main()
}
