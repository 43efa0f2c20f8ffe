//! One module per page. Pages the later work fills still render their heading
//! and an honest one-line status, never a pretend tool.

pub(crate) mod about;
pub(crate) mod coming_soon;
pub(crate) mod diagnose;
pub(crate) mod generator;
pub(crate) mod home;
pub(crate) mod knowledge;
pub(crate) mod not_found;
pub(crate) mod providers;
pub(crate) mod relays;
