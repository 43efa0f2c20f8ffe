//! Port25's pure logic, shared by the site (compiled to wasm32) and the probe
//! (native).
//!
//! Everything here is plain Rust with no I/O, so it builds for both targets and
//! its tests run natively in seconds; the one exception is
//! [`content::Dir`], which reads a `content/` folder for build scripts and
//! tests, beside the pure loader it feeds. The knowledge-base data model and its
//! validation, the diagnosis tree, the relay configuration generators, the
//! command-output reader and the probe's wire types live here as modules; the
//! Leptos components in the site and the probe's network code stay thin around
//! them. What this crate is not: a renderer, an HTTP client or an SMTP client.

pub mod calendar;
pub mod checks_view;
pub mod content;
pub mod diagnose;
pub mod egress;
pub mod kb;
pub mod mailsec;
pub mod markdown;
pub mod onward;
pub mod probe_types;
pub mod project;
pub mod relay_config;
pub mod search;
pub mod sender;
pub mod site;
pub mod tester;
