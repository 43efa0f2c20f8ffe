//! Components shared by several pages.

pub(crate) mod elsewhere;
pub(crate) mod layout;
pub(crate) mod links;
pub(crate) mod page_meta;
pub(crate) mod prose;
pub(crate) mod search;
