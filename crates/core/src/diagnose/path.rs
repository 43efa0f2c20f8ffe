//! A visitor's way through the decision tree, as a list of answer ids that
//! round-trips through a URL query string (`?p=timeout.all.both`).
//!
//! Answer ids rather than answer positions go in the URL, so reordering the
//! answers of a question does not change where an old link leads. [`walk`]
//! follows a [`Path`] from the root and, when the path no longer fits the tree
//! (an answer was renamed or removed), stops at the longest valid prefix
//! instead of failing. This module is not the page: it holds no state and
//! touches no browser history.

use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt;

use super::tree::{Answer, Node, Question, Tree};

/// The query-string key holding a path.
pub const QUERY_KEY: &str = "p";

/// The answers chosen so far, from the root down.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Path {
    answers: Vec<String>,
}

impl Path {
    /// The empty path, which stands at the root.
    pub fn new() -> Path {
        Path::default()
    }

    /// The answer ids, from the root down.
    pub fn answers(&self) -> &[String] {
        &self.answers
    }

    /// Whether no answer has been chosen.
    pub fn is_empty(&self) -> bool {
        self.answers.is_empty()
    }

    /// This path with one more answer appended.
    pub fn with(&self, answer: &str) -> Path {
        let mut answers = self.answers.clone();
        answers.push(answer.to_owned());
        Path { answers }
    }

    /// This path without its last answer (one step back); empty stays empty.
    pub fn parent(&self) -> Path {
        let mut answers = self.answers.clone();
        answers.pop();
        Path { answers }
    }

    /// The query string for this path, without the leading `?`: `p=a.b.c`,
    /// or the empty string for the empty path.
    pub fn to_query(&self) -> String {
        if self.answers.is_empty() {
            String::new()
        } else {
            format!("{QUERY_KEY}={}", self.answers.join("."))
        }
    }

    /// Reads a path from a query string, with or without the leading `?`.
    ///
    /// Other parameters are ignored. Reading stops at the first segment that
    /// is not a lowercase slug, keeping what came before it; a missing or
    /// empty `p` gives the empty path. It never fails: a mangled link still
    /// lands somewhere sensible.
    pub fn from_query(query: &str) -> Path {
        let query = query.strip_prefix('?').unwrap_or(query);
        let value = query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(k, _)| *k == QUERY_KEY)
            .map(|(_, v)| v)
            .unwrap_or_default();
        let answers = value
            .split('.')
            .take_while(|s| is_answer_id(s))
            .map(str::to_owned)
            .collect();
        Path { answers }
    }
}

impl fmt::Display for Path {
    /// Writes the answer ids joined by `.`, the form used inside the query.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.answers.join("."))
    }
}

impl FromIterator<String> for Path {
    fn from_iter<I: IntoIterator<Item = String>>(iter: I) -> Path {
        Path {
            answers: iter.into_iter().collect(),
        }
    }
}

/// Whether `s` can be an answer id in a URL.
fn is_answer_id(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// One step of a walk: the question asked and the answer taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step<'t> {
    /// The question.
    pub question: &'t Question,
    /// The answer chosen.
    pub answer: &'t Answer,
}

/// Why a walk stopped before the end of its path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    /// The question has no answer with this id.
    #[error("question {node:?} has no answer {answer:?}")]
    UnknownAnswer {
        /// The question reached.
        node: String,
        /// The answer id that did not match.
        answer: String,
    },
    /// The walk had already reached a verdict, which has no answers.
    #[error("verdict {node:?} ends the walk; {answer:?} and after were ignored")]
    PastVerdict {
        /// The verdict reached.
        node: String,
        /// The first ignored answer id.
        answer: String,
    },
    /// An answer leads to an id that names no node (only in an invalid tree).
    #[error("answer {answer:?} leads to missing node {target:?}")]
    MissingNode {
        /// The answer id.
        answer: String,
        /// The missing node id.
        target: String,
    },
}

/// Where a walk ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Walk<'t> {
    /// The current node: the next question, or the verdict.
    pub node: &'t Node,
    /// The questions asked and answers taken, from the root.
    pub breadcrumb: Vec<Step<'t>>,
    /// The part of the requested path that was followed (the longest valid
    /// prefix); equal to the request when `rejected` is `None`.
    pub path: Path,
    /// Why the rest of the requested path was dropped, if it was.
    pub rejected: Option<PathError>,
}

/// Follows `path` from the root of `tree`, stopping at the longest valid prefix.
///
/// Returns `None` only when the tree's root names no node, which [`super::validate`]
/// rules out.
pub fn walk<'t>(tree: &'t Tree, path: &Path) -> Option<Walk<'t>> {
    let mut node = tree.root_node()?;
    let mut breadcrumb = Vec::new();
    let mut followed = Vec::new();
    let mut rejected = None;
    for answer_id in path.answers() {
        let question = match node {
            Node::Question(q) => q,
            Node::Verdict(v) => {
                rejected = Some(PathError::PastVerdict {
                    node: v.id.clone(),
                    answer: answer_id.clone(),
                });
                break;
            }
        };
        let Some(answer) = question.answers.iter().find(|a| &a.id == answer_id) else {
            rejected = Some(PathError::UnknownAnswer {
                node: question.id.clone(),
                answer: answer_id.clone(),
            });
            break;
        };
        let Some(next) = tree.node(&answer.next) else {
            rejected = Some(PathError::MissingNode {
                answer: answer.id.clone(),
                target: answer.next.clone(),
            });
            break;
        };
        breadcrumb.push(Step { question, answer });
        followed.push(answer_id.clone());
        node = next;
    }
    Some(Walk {
        node,
        breadcrumb,
        path: Path { answers: followed },
        rejected,
    })
}

/// The shortest path from the root to the node `target`, if it is reachable.
///
/// Lets a page jump to a node (for example the one an output
/// [`super::Reading`] points at) and still show a breadcrumb and a link.
pub fn path_to(tree: &Tree, target: &str) -> Option<Path> {
    let index: HashMap<&str, &Node> = tree.nodes.iter().map(|n| (n.id(), n)).collect();
    let mut came_from: HashMap<&str, (&str, &str)> = HashMap::new();
    let mut queue = VecDeque::from([tree.root.as_str()]);
    let mut seen = HashSet::from([tree.root.as_str()]);
    while let Some(id) = queue.pop_front() {
        if id == target {
            let mut answers = Vec::new();
            let mut at = id;
            while let Some((parent, answer)) = came_from.get(at) {
                answers.push((*answer).to_owned());
                at = parent;
            }
            answers.reverse();
            return Some(Path { answers });
        }
        if let Some(Node::Question(q)) = index.get(id) {
            for a in &q.answers {
                if seen.insert(a.next.as_str()) {
                    came_from.insert(a.next.as_str(), (id, a.id.as_str()));
                    queue.push_back(a.next.as_str());
                }
            }
        }
    }
    None
}
