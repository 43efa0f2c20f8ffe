//! The diagnosis decision tree as typed data, and its validation.
//!
//! The tree lives in `content/diagnose/tree.json`; this module gives it types
//! ([`Tree`], [`Node`], [`Question`], [`Verdict`], [`Remedy`]) and checks the
//! rules a page can rely on ([`validate`]): unique ids, no dangling answer
//! targets, no cycles, every node reachable from the root, and every leaf a
//! verdict with an explanation and at least one remedy. It is not the page:
//! rendering the markdown and walking the tree for a visitor live elsewhere
//! (see [`super::path`] for the walk).

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::site::Page;

/// The tree shipped with the site, as the JSON text of
/// `content/diagnose/tree.json`, embedded at compile time.
pub const TREE_JSON: &str = include_str!("../../../../content/diagnose/tree.json");

/// A node id: a lowercase slug (`a-z`, `0-9`, `-`), unique in its tree.
pub type NodeId = String;

/// The whole decision tree: a root id and the nodes, in file order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tree {
    /// The format version of the file; bumped when a change breaks old links.
    pub version: u32,
    /// The id of the first question.
    pub root: NodeId,
    /// Every node, questions and verdicts, in the order the file lists them.
    pub nodes: Vec<Node>,
}

/// One node of the tree: a question that branches, or a verdict that ends a walk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Node {
    /// A question with answers, each leading to another node.
    Question(Question),
    /// A conclusion with an explanation and what to do about it.
    Verdict(Verdict),
}

/// A question shown to the visitor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// The node id.
    pub id: NodeId,
    /// The question itself, plain text.
    pub text: String,
    /// Optional guidance on how to find the answer, in markdown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The possible answers, in display order.
    pub answers: Vec<Answer>,
    /// Set when the question asks what the visitor's provider documents for
    /// this outbound port rather than what the visitor observed; its answers
    /// are then exactly [`PROVIDER_ANSWERS`], and [`documented_answer`] gives
    /// the one a provider's data implies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_port: Option<u16>,
}

/// The answers of a [`Question::provider_port`] question, in display order.
pub const PROVIDER_ANSWERS: [&str; 3] = ["open", "blocked", "unknown"];

/// What a verdict tells the visitor about their provider's outbound port:
/// a statement the provider's own data must not contradict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortAssertion {
    /// The outbound port.
    pub port: u16,
    /// `true` when the verdict says the provider blocks it, `false` when it
    /// says the provider leaves it open.
    pub blocked: bool,
}

/// The answer a [`Question::provider_port`] question gets from a provider's
/// data: `open`, `blocked`, or `unknown` when the row does not say (or the
/// policy varies by product). `None` for a question that is not about the
/// provider's data.
pub fn documented_answer(
    question: &Question,
    provider: &crate::kb::Provider,
) -> Option<&'static str> {
    question
        .provider_port
        .map(|port| documented(provider, port))
}

/// What a provider's row says about outbound `port`: `open`, `blocked` or
/// `unknown`. Port 25 counts as blocked when it is blocked by default (new
/// accounts and free tiers included) and open when open by default (with
/// limits or monitoring included).
fn documented(provider: &crate::kb::Provider, port: u16) -> &'static str {
    use crate::kb::PortStatus;
    if port == 25 {
        return if provider.port25.is_blocked_by_default() {
            "blocked"
        } else if provider.port25.is_open_by_default() {
            "open"
        } else {
            "unknown"
        };
    }
    match provider.other_ports.status(port) {
        Some(PortStatus::Open) => "open",
        Some(PortStatus::Blocked) => "blocked",
        _ => "unknown",
    }
}

/// Whether a provider's data contradicts an assertion: the row says the
/// opposite of what the verdict states (an unknown value contradicts
/// nothing).
pub fn contradicts(provider: &crate::kb::Provider, assertion: PortAssertion) -> bool {
    match documented(provider, assertion.port) {
        "open" => assertion.blocked,
        "blocked" => !assertion.blocked,
        _ => false,
    }
}

/// One answer to a question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    /// The answer id, a slug unique within its question; it is what a
    /// [`super::Path`] records, so renaming it breaks shared links.
    pub id: String,
    /// The answer as the visitor reads it.
    pub label: String,
    /// The id of the node this answer leads to.
    pub next: NodeId,
}

/// A conclusion: what is most likely wrong and what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Verdict {
    /// The node id.
    pub id: NodeId,
    /// A short title stating the conclusion.
    pub title: String,
    /// Why, in markdown.
    pub explanation: String,
    /// What to do next, at least one.
    pub remedies: Vec<Remedy>,
    /// What the verdict states about the visitor's provider's ports; a test
    /// walks every path with every provider and checks none is contradicted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub asserts: Vec<PortAssertion>,
}

/// One thing to do about a verdict: follow a site link or run a command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Remedy {
    /// What the remedy does, as the visitor reads it.
    pub label: String,
    /// A site route such as `/providers`, `/generator?relay=x` or `/faq#id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// A shell command to run on the visitor's server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
}

impl Node {
    /// The node's id.
    pub fn id(&self) -> &str {
        match self {
            Node::Question(q) => &q.id,
            Node::Verdict(v) => &v.id,
        }
    }

    /// Whether this node ends a walk.
    pub fn is_verdict(&self) -> bool {
        matches!(self, Node::Verdict(_))
    }
}

/// A node without its prose (help, explanation, remedies): what a page needs
/// to walk the tree. The site's build script writes the shipped tree as a
/// static outline, so the browser bundle holds neither the JSON nor a JSON
/// parser; the page takes the prose from its prerendered HTML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutlineNode {
    /// The node id.
    pub id: &'static str,
    /// Whether the node is a verdict (otherwise a question).
    pub verdict: bool,
    /// The question's text or the verdict's title.
    pub text: &'static str,
    /// The question's answers as (id, label, next node id); empty for verdicts.
    pub answers: &'static [(&'static str, &'static str, &'static str)],
}

impl Tree {
    /// Builds a tree from its outline: prose fields are left empty. Not
    /// validated (a verdict without remedies would fail [`validate`]); the
    /// outline comes from a tree that was.
    pub fn from_outline(version: u32, root: &str, nodes: &[OutlineNode]) -> Tree {
        let nodes = nodes
            .iter()
            .map(|n| {
                if n.verdict {
                    Node::Verdict(Verdict {
                        id: n.id.to_owned(),
                        title: n.text.to_owned(),
                        explanation: String::new(),
                        remedies: Vec::new(),
                        asserts: Vec::new(),
                    })
                } else {
                    Node::Question(Question {
                        id: n.id.to_owned(),
                        text: n.text.to_owned(),
                        help: None,
                        answers: n
                            .answers
                            .iter()
                            .map(|&(id, label, next)| Answer {
                                id: id.to_owned(),
                                label: label.to_owned(),
                                next: next.to_owned(),
                            })
                            .collect(),
                        provider_port: None,
                    })
                }
            })
            .collect();
        Tree {
            version,
            root: root.to_owned(),
            nodes,
        }
    }

    /// This tree without its prose, as [`Tree::from_outline`] builds it: no
    /// help, explanations or remedies, and none of the provider-data
    /// annotations (`provider_port`, `asserts`), which only the core's
    /// consistency checks read.
    pub fn without_prose(&self) -> Tree {
        let mut tree = self.clone();
        for node in &mut tree.nodes {
            match node {
                Node::Question(q) => {
                    q.help = None;
                    q.provider_port = None;
                }
                Node::Verdict(v) => {
                    v.explanation.clear();
                    v.remedies.clear();
                    v.asserts.clear();
                }
            }
        }
        tree
    }

    /// Parses a tree from its JSON text; does not validate it (see [`validate`]).
    pub fn from_json(text: &str) -> Result<Tree, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// The tree shipped with the site ([`TREE_JSON`]), parsed and validated.
    ///
    /// # Panics
    ///
    /// Panics if the shipped file does not parse or validate; the crate's
    /// tests guarantee it does.
    pub fn builtin() -> Tree {
        let tree = Tree::from_json(TREE_JSON).expect("content/diagnose/tree.json parses");
        if let Err(errors) = validate(&tree) {
            panic!("content/diagnose/tree.json is invalid: {errors:?}");
        }
        tree
    }

    /// The node with this id, if any (the first one, should ids repeat).
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id() == id)
    }

    /// The root node, if the root id names one.
    pub fn root_node(&self) -> Option<&Node> {
        self.node(&self.root)
    }
}

/// A rule of the tree that a node breaks, naming the node.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TreeError {
    /// The root id names no node.
    #[error("root {root:?} names no node")]
    MissingRoot {
        /// The root id given.
        root: NodeId,
    },
    /// Two nodes share an id.
    #[error("node id {node:?} is used more than once")]
    DuplicateId {
        /// The repeated id.
        node: NodeId,
    },
    /// An id is not a lowercase slug.
    #[error("node {node:?}: id {id:?} is not a lowercase slug (a-z, 0-9, -)")]
    BadId {
        /// The node holding the id.
        node: NodeId,
        /// The offending id (the node's or one of its answers').
        id: String,
    },
    /// An answer leads to an id that names no node.
    #[error("node {node:?}: answer {answer:?} leads to {target:?}, which does not exist")]
    DanglingAnswer {
        /// The question.
        node: NodeId,
        /// The answer id.
        answer: String,
        /// The missing target.
        target: NodeId,
    },
    /// Two answers of one question share an id.
    #[error("node {node:?}: answer id {answer:?} is used more than once")]
    DuplicateAnswer {
        /// The question.
        node: NodeId,
        /// The repeated answer id.
        answer: String,
    },
    /// No walk from the root reaches this node.
    #[error("node {node:?} is not reachable from the root")]
    Unreachable {
        /// The orphan node.
        node: NodeId,
    },
    /// Following answers from this node can come back to it.
    #[error("node {node:?}: answer {answer:?} leads back to {target:?}, closing a cycle")]
    Cycle {
        /// The question whose answer closes the cycle.
        node: NodeId,
        /// The answer id.
        answer: String,
        /// The node the answer returns to.
        target: NodeId,
    },
    /// A question with no answers: a leaf that is not a verdict.
    #[error("node {node:?} is a question with no answers; leaves must be verdicts")]
    NoAnswers {
        /// The question.
        node: NodeId,
    },
    /// A verdict with no remedy.
    #[error("verdict {node:?} has no remedy")]
    NoRemedy {
        /// The verdict.
        node: NodeId,
    },
    /// A required text is empty.
    #[error("node {node:?}: {field} is empty")]
    EmptyText {
        /// The node.
        node: NodeId,
        /// Which text: `text`, `title`, `explanation`, `answer label`, `remedy label`.
        field: &'static str,
    },
    /// A remedy has neither or both of a link and a command.
    #[error("verdict {node:?}: remedy {label:?} needs exactly one of link or command")]
    RemedyAction {
        /// The verdict.
        node: NodeId,
        /// The remedy's label.
        label: String,
    },
    /// A provider-data question whose answers are not exactly
    /// [`PROVIDER_ANSWERS`].
    #[error("node {node:?} asks about the provider's data but its answers are not open, blocked and unknown")]
    ProviderAnswers {
        /// The question.
        node: NodeId,
    },
    /// A remedy link is not one of the site's routes.
    #[error("verdict {node:?}: link {link:?} is not a site route")]
    BadLink {
        /// The verdict.
        node: NodeId,
        /// The offending link.
        link: String,
    },
}

/// Whether `s` is a non-empty lowercase slug.
fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Whether `link` is a route of the site: a [`Page`] path, or
/// `/providers/<slug>`, optionally followed by `?query` or `#fragment`.
pub fn is_site_link(link: &str) -> bool {
    let path = link.split(['?', '#']).next().unwrap_or_default();
    if let Some(id) = path.strip_prefix("/providers/") {
        return is_slug(id);
    }
    Page::ALL
        .iter()
        .any(|p| *p != Page::NotFound && p.path() == path)
}

/// Checks every rule of the tree and returns all broken ones, in file order.
///
/// The rules: ids are unique lowercase slugs; the root exists; every answer
/// leads to an existing node; following answers never loops; every node is
/// reachable from the root; every question has answers (so every leaf is a
/// verdict); every verdict has a title, an explanation and at least one
/// remedy, each remedy either a site link or a command.
pub fn validate(tree: &Tree) -> Result<(), Vec<TreeError>> {
    let mut errors = Vec::new();
    let mut index: HashMap<&str, &Node> = HashMap::new();
    for node in &tree.nodes {
        let id = node.id();
        if !is_slug(id) {
            errors.push(TreeError::BadId {
                node: id.to_owned(),
                id: id.to_owned(),
            });
        }
        if index.insert(id, node).is_some() {
            errors.push(TreeError::DuplicateId {
                node: id.to_owned(),
            });
        }
    }
    for node in &tree.nodes {
        check_node(node, &index, &mut errors);
    }
    let Some(root) = index.get(tree.root.as_str()) else {
        errors.push(TreeError::MissingRoot {
            root: tree.root.clone(),
        });
        return Err(errors);
    };
    // Depth-first from the root: grey nodes are on the current path, so an
    // answer into a grey node closes a cycle.
    let mut state: HashMap<&str, Colour> = HashMap::new();
    let mut cycles = Vec::new();
    visit(root, &index, &mut state, &mut cycles);
    errors.extend(cycles);
    for node in &tree.nodes {
        if !state.contains_key(node.id()) {
            errors.push(TreeError::Unreachable {
                node: node.id().to_owned(),
            });
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Depth-first search state of a node.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Colour {
    /// On the current path.
    Grey,
    /// Finished.
    Black,
}

/// Visits `node` and everything below it, recording answers that close cycles.
fn visit<'t>(
    node: &'t Node,
    index: &HashMap<&str, &'t Node>,
    state: &mut HashMap<&'t str, Colour>,
    cycles: &mut Vec<TreeError>,
) {
    state.insert(node.id(), Colour::Grey);
    if let Node::Question(q) = node {
        for answer in &q.answers {
            let Some(next) = index.get(answer.next.as_str()) else {
                continue; // reported as dangling by check_node
            };
            match state.get(next.id()) {
                Some(Colour::Grey) => cycles.push(TreeError::Cycle {
                    node: q.id.clone(),
                    answer: answer.id.clone(),
                    target: answer.next.clone(),
                }),
                Some(Colour::Black) => {}
                None => visit(next, index, state, cycles),
            }
        }
    }
    state.insert(node.id(), Colour::Black);
}

/// Checks the rules local to one node.
fn check_node(node: &Node, index: &HashMap<&str, &Node>, errors: &mut Vec<TreeError>) {
    let id = || node.id().to_owned();
    let empty = |field| TreeError::EmptyText { node: id(), field };
    match node {
        Node::Question(q) => {
            if q.text.trim().is_empty() {
                errors.push(empty("text"));
            }
            if q.answers.is_empty() {
                errors.push(TreeError::NoAnswers { node: id() });
            }
            if q.provider_port.is_some() {
                let ids: Vec<&str> = q.answers.iter().map(|a| a.id.as_str()).collect();
                if ids != PROVIDER_ANSWERS {
                    errors.push(TreeError::ProviderAnswers { node: id() });
                }
            }
            let mut seen = HashSet::new();
            for a in &q.answers {
                if !is_slug(&a.id) {
                    errors.push(TreeError::BadId {
                        node: id(),
                        id: a.id.clone(),
                    });
                }
                if !seen.insert(a.id.as_str()) {
                    errors.push(TreeError::DuplicateAnswer {
                        node: id(),
                        answer: a.id.clone(),
                    });
                }
                if a.label.trim().is_empty() {
                    errors.push(empty("answer label"));
                }
                if !index.contains_key(a.next.as_str()) {
                    errors.push(TreeError::DanglingAnswer {
                        node: id(),
                        answer: a.id.clone(),
                        target: a.next.clone(),
                    });
                }
            }
        }
        Node::Verdict(v) => {
            if v.title.trim().is_empty() {
                errors.push(empty("title"));
            }
            if v.explanation.trim().is_empty() {
                errors.push(empty("explanation"));
            }
            if v.remedies.is_empty() {
                errors.push(TreeError::NoRemedy { node: id() });
            }
            for r in &v.remedies {
                if r.label.trim().is_empty() {
                    errors.push(empty("remedy label"));
                }
                match (&r.link, &r.command) {
                    (Some(link), None) => {
                        if !is_site_link(link) {
                            errors.push(TreeError::BadLink {
                                node: id(),
                                link: link.clone(),
                            });
                        }
                    }
                    (None, Some(cmd)) if !cmd.trim().is_empty() => {}
                    _ => errors.push(TreeError::RemedyAction {
                        node: id(),
                        label: r.label.clone(),
                    }),
                }
            }
        }
    }
}
