//! The sections under the tester's verdict card, in the order they appear.
//!
//! Each section is a component in a file of its own that takes the report
//! (`report: ProbeReport`) and renders a `<section class="tester-section">`
//! with an `h2`. To add one, write its file beside this one, declare it in
//! `mod` below and add its line to [`Sections`]; nothing else changes.

use leptos::prelude::*;
use port25_core::probe_types::ProbeReport;

use super::report::Addresses;

/// Every section of a finished report, below the verdict card.
#[component]
pub(super) fn Sections(report: ProbeReport) -> impl IntoView {
    view! {
        <Addresses report=report.clone() />
        <super::checks::MailChecksView checks=report.checks.clone() />
    }
}
