//! The diagnosis decision tree and the command-output reader.
//!
//! Four parts, all pure data and logic for the `/diagnose` page: the tree of
//! questions and verdicts with its validation ([`tree`]), the visitor's path
//! through it as a URL query ([`path`]), the commands to run on one's own
//! server ([`commands`]), and the reader that classifies what those commands
//! printed ([`reader`]). What this module is not: a prober. Nothing here opens
//! a connection; the commands run on the visitor's machine and the reader only
//! reads text.

pub mod commands;
pub mod path;
pub mod reader;
pub mod tree;

pub use commands::{Command, Destination, Family, Os, Tool, DESTINATIONS};
pub use path::{path_to, walk, Path, PathError, Step, Walk};
pub use reader::{
    read_output, read_paste, Detail, Greeting, Outcome, Paste, Program, Reading, StartTls,
};
pub use tree::{
    contradicts, documented_answer, validate, Answer, Node, OutlineNode, PortAssertion, Question,
    Remedy, Tree, TreeError, Verdict, PROVIDER_ANSWERS,
};
