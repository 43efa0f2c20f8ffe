//! The layout of `content/` and the one way to load it.
//!
//! This module knows which files make up the content (the five data files,
//! the guide pages in reading order, the diagnosis tree, the changelog) and
//! turns their text into a [`Content`]: the knowledge base, the tree and the
//! changelog. The build script, the prerenderer, the CLI and the tests all
//! load through [`load`] (or [`load_knowledge_base`]), so they cannot drift.
//!
//! Where the text comes from is a [`Source`]: [`Embedded`] is text compiled
//! into a binary, a slice of `(path, text)` pairs, and does no I/O;
//! [`Dir`] reads a folder on disk and is the only type in this crate that
//! touches the file system (the build scripts and the tests use it). The
//! parsing itself is pure. What this module is not: a validator; call
//! [`crate::kb::validate`] and [`crate::diagnose::validate`] on the result.

use std::path::{Path, PathBuf};

use crate::diagnose::Tree;
use crate::kb::{GuidePage, KnowledgeBase, ParseError, RawContent};

/// The data files, relative to `content/`, in the order [`RawContent`] takes them.
pub const DATA_FILES: [&str; 5] = [
    "data/providers.json",
    "data/relays.json",
    "data/ports.json",
    "data/glossary.json",
    "data/faq.json",
];

/// The folder of the guide pages, one `<slug>.md` each.
pub const GUIDE_DIR: &str = "guide";

/// The guide's reading order; pages not listed follow alphabetically.
pub const GUIDE_ORDER: [&str; 5] = [
    "why-port-25-is-blocked",
    "how-to-diagnose",
    "solutions-by-provider",
    "alternatives",
    "when-you-need-port-25",
];

/// The diagnosis tree.
pub const TREE_FILE: &str = "diagnose/tree.json";

/// The data changelog.
pub const CHANGELOG_FILE: &str = "CHANGELOG.md";

/// The path of a guide page, relative to `content/`.
pub fn guide_path(slug: &str) -> String {
    format!("{GUIDE_DIR}/{slug}.md")
}

/// Where content text comes from: paths are relative to `content/`, with `/`.
pub trait Source {
    /// The text of the file at `path`.
    ///
    /// # Errors
    ///
    /// A reason, for [`LoadError::Read`], if the file is missing or unreadable.
    fn read(&self, path: &str) -> Result<String, String>;

    /// The slugs of the guide pages (file names in [`GUIDE_DIR`] without
    /// `.md`), in any order.
    ///
    /// # Errors
    ///
    /// A reason, for [`LoadError::Read`], if the folder cannot be listed.
    fn guide_slugs(&self) -> Result<Vec<String>, String>;
}

/// Content compiled into a binary: `(path, text)` pairs, usually
/// `include_str!`s. Does no I/O.
#[derive(Debug, Clone, Copy)]
pub struct Embedded<'a> {
    files: &'a [(&'a str, &'a str)],
}

impl<'a> Embedded<'a> {
    /// The content made of these `(path, text)` pairs.
    pub const fn new(files: &'a [(&'a str, &'a str)]) -> Self {
        Embedded { files }
    }
}

impl Source for Embedded<'_> {
    fn read(&self, path: &str) -> Result<String, String> {
        self.files
            .iter()
            .find(|(p, _)| *p == path)
            .map(|(_, text)| (*text).to_owned())
            .ok_or_else(|| "not embedded in this binary".to_owned())
    }

    fn guide_slugs(&self) -> Result<Vec<String>, String> {
        Ok(self
            .files
            .iter()
            .filter_map(|(p, _)| {
                p.strip_prefix(GUIDE_DIR)?
                    .strip_prefix('/')?
                    .strip_suffix(".md")
            })
            .map(str::to_owned)
            .collect())
    }
}

/// A `content/` folder on disk. The one type here that does I/O, for build
/// scripts and tests.
#[derive(Debug, Clone)]
pub struct Dir {
    root: PathBuf,
}

impl Dir {
    /// The content folder at `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Dir { root: root.into() }
    }

    /// The folder's path.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The absolute (or root-relative) path of `path` in this folder.
    pub fn path(&self, path: &str) -> PathBuf {
        self.root.join(path)
    }
}

impl Source for Dir {
    fn read(&self, path: &str) -> Result<String, String> {
        let full = self.path(path);
        std::fs::read_to_string(&full).map_err(|e| format!("reading {}: {e}", full.display()))
    }

    fn guide_slugs(&self) -> Result<Vec<String>, String> {
        let dir = self.path(GUIDE_DIR);
        let entries =
            std::fs::read_dir(&dir).map_err(|e| format!("listing {}: {e}", dir.display()))?;
        Ok(entries
            .filter_map(|entry| {
                let name = entry.ok()?.file_name().into_string().ok()?;
                name.strip_suffix(".md").map(str::to_owned)
            })
            .collect())
    }
}

/// Everything in `content/`, parsed (not validated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Content {
    /// The data files and the guide pages.
    pub kb: KnowledgeBase,
    /// The diagnosis tree.
    pub tree: Tree,
    /// The data changelog's markdown.
    pub changelog: String,
}

/// Why content did not load; each variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A file could not be read, or the guide folder listed.
    #[error("{path}: {reason}")]
    Read {
        /// The path, relative to `content/`.
        path: String,
        /// What went wrong.
        reason: String,
    },
    /// A data file does not parse, or the files disagree on the data version.
    #[error("content/data does not parse: {0}")]
    Data(#[from] ParseError),
    /// The diagnosis tree does not parse.
    #[error("{path} does not parse: {source}")]
    Tree {
        /// The tree's path, relative to `content/`.
        path: &'static str,
        /// The JSON error.
        source: serde_json::Error,
    },
}

/// Sorts guide slugs into reading order ([`GUIDE_ORDER`]), the rest alphabetically.
pub fn reading_order(mut slugs: Vec<String>) -> Vec<String> {
    slugs.sort_by_key(|slug| {
        let rank = GUIDE_ORDER
            .iter()
            .position(|s| s == slug)
            .unwrap_or(GUIDE_ORDER.len());
        (rank, slug.clone())
    });
    slugs
}

/// The guide slugs of `source`, in reading order.
///
/// # Errors
///
/// [`LoadError::Read`] if the guide folder cannot be listed.
pub fn guide_slugs(source: &impl Source) -> Result<Vec<String>, LoadError> {
    let slugs = source.guide_slugs().map_err(|reason| LoadError::Read {
        path: GUIDE_DIR.to_owned(),
        reason,
    })?;
    Ok(reading_order(slugs))
}

/// Every file [`load`] reads from `source`: data files, guides in reading
/// order, the tree, the changelog. Build scripts embed exactly these.
///
/// # Errors
///
/// [`LoadError::Read`] if the guide folder cannot be listed.
pub fn files(source: &impl Source) -> Result<Vec<String>, LoadError> {
    let mut files: Vec<String> = DATA_FILES.iter().map(|p| (*p).to_owned()).collect();
    files.extend(guide_slugs(source)?.iter().map(|s| guide_path(s)));
    files.push(TREE_FILE.to_owned());
    files.push(CHANGELOG_FILE.to_owned());
    Ok(files)
}

fn read(source: &impl Source, path: &str) -> Result<String, LoadError> {
    source.read(path).map_err(|reason| LoadError::Read {
        path: path.to_owned(),
        reason,
    })
}

/// Loads the knowledge base alone: the data files and the guide pages, in
/// reading order. A source without guides gives a knowledge base without them.
///
/// # Errors
///
/// [`LoadError::Read`] for a missing file, [`LoadError::Data`] if the data
/// does not parse.
pub fn load_knowledge_base(source: &impl Source) -> Result<KnowledgeBase, LoadError> {
    let [providers, relays, ports, glossary, faq] = DATA_FILES;
    let (providers, relays, ports, glossary, faq) = (
        read(source, providers)?,
        read(source, relays)?,
        read(source, ports)?,
        read(source, glossary)?,
        read(source, faq)?,
    );
    let guides = guide_slugs(source)?
        .into_iter()
        .map(|slug| {
            let markdown = read(source, &guide_path(&slug))?;
            Ok(GuidePage { slug, markdown })
        })
        .collect::<Result<Vec<_>, LoadError>>()?;
    let raw = RawContent {
        providers: &providers,
        relays: &relays,
        ports: &ports,
        glossary: &glossary,
        faq: &faq,
    };
    Ok(KnowledgeBase::from_json(raw, guides)?)
}

/// Loads everything: the knowledge base, the diagnosis tree and the changelog.
///
/// Parses only; validate the result before trusting it.
///
/// # Errors
///
/// The first [`LoadError`], naming its file.
pub fn load(source: &impl Source) -> Result<Content, LoadError> {
    let kb = load_knowledge_base(source)?;
    let tree = Tree::from_json(&read(source, TREE_FILE)?).map_err(|source| LoadError::Tree {
        path: TREE_FILE,
        source,
    })?;
    let changelog = read(source, CHANGELOG_FILE)?;
    Ok(Content {
        kb,
        tree,
        changelog,
    })
}

/// The repository's `content/` folder, for this crate's unit tests.
#[cfg(test)]
pub(crate) fn repo() -> Dir {
    Dir::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../content"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_order_puts_listed_pages_first_then_the_rest_alphabetically() {
        let slugs = ["zeta", "alternatives", "alpha", "why-port-25-is-blocked"]
            .map(str::to_owned)
            .to_vec();
        assert_eq!(
            reading_order(slugs),
            ["why-port-25-is-blocked", "alternatives", "alpha", "zeta"]
        );
    }

    #[test]
    fn the_repository_loads_in_reading_order() {
        let content = load(&repo()).unwrap();
        let slugs: Vec<&str> = content.kb.guides.iter().map(|g| g.slug.as_str()).collect();
        assert_eq!(slugs, GUIDE_ORDER);
        assert!(content.changelog.starts_with('#'));
        assert!(!content.tree.nodes.is_empty());
    }

    #[test]
    fn embedded_and_on_disk_content_load_the_same() {
        let dir = repo();
        let paths = files(&dir).unwrap();
        let texts: Vec<(String, String)> = paths
            .iter()
            .map(|p| (p.clone(), dir.read(p).unwrap()))
            .collect();
        let pairs: Vec<(&str, &str)> = texts
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        let embedded = Embedded::new(&pairs);
        assert_eq!(load(&embedded).unwrap(), load(&dir).unwrap());
    }

    #[test]
    fn errors_name_the_file() {
        let empty = Embedded::new(&[]);
        match load(&empty) {
            Err(LoadError::Read { path, .. }) => assert_eq!(path, "data/providers.json"),
            other => panic!("{other:?}"),
        }
        let data: Vec<(&str, &str)> = DATA_FILES.iter().map(|p| (*p, "{}")).collect();
        match load(&Embedded::new(&data)) {
            Err(e @ LoadError::Data(ParseError::Json { file, .. })) => {
                assert_eq!(file, "providers.json");
                assert!(e.to_string().contains("providers.json"), "{e}");
            }
            other => panic!("{other:?}"),
        }
        let dir = repo();
        let mut texts: Vec<(String, String)> = DATA_FILES
            .iter()
            .map(|p| ((*p).to_owned(), dir.read(p).unwrap()))
            .collect();
        texts.push((TREE_FILE.to_owned(), "[".to_owned()));
        let pairs: Vec<(&str, &str)> = texts
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect();
        match load(&Embedded::new(&pairs)) {
            Err(e @ LoadError::Tree { .. }) => {
                assert!(e.to_string().starts_with(TREE_FILE), "{e}");
            }
            other => panic!("{other:?}"),
        }
    }
}
