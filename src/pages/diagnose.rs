//! The diagnosis page: the decision tree, the commands to run and the
//! output reader.

use leptos::prelude::*;
use port25_core::site::Page;

use crate::pages::coming_soon::Pending;

/// The diagnosis page.
#[component]
pub(crate) fn Diagnose() -> impl IntoView {
    view! { <Pending page=Page::Diagnose purpose="A step-by-step diagnosis from what your server sees to the cause and the fix." /> }
}
