//! One module per page. The content pages are server components; the tools
//! (`crate::islands`) add an island each inside their page here.

pub(crate) mod about;
pub(crate) mod home;
pub(crate) mod knowledge;
pub(crate) mod not_found;
pub(crate) mod providers;
pub(crate) mod relays;
pub(crate) mod tools;

use leptos::prelude::*;

/// A block of prose rendered at build time (`crate::content`).
#[component]
pub(crate) fn Prose(
    /// The fragment's key, e.g. `provider/aws-ec2` or `faq`.
    key: String,
) -> impl IntoView {
    let html = crate::content::fragment(&key, &crate::base()).unwrap_or_default();
    view! { <div class="prose" inner_html=html></div> }
}
