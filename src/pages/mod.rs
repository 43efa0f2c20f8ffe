//! One module per page; each renders through the components in
//! `crate::components` and keeps its logic in `port25_core`.

pub(crate) mod about;
pub(crate) mod diagnose;
pub(crate) mod generator;
pub(crate) mod home;
pub(crate) mod knowledge;
pub(crate) mod not_found;
pub(crate) mod providers;
pub(crate) mod relays;
pub(crate) mod tester;
