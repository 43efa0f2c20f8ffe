//! The shipped decision tree validates, and each rule of [`validate`] catches
//! what it should; the path model round-trips and degrades gracefully.

use port25_core::diagnose::{path_to, validate, walk, Node, Path, PathError, Tree, TreeError};

/// A small valid tree: start -> (a: verdict-a, b: middle -> (c: verdict-a, d: verdict-b)).
fn small() -> Tree {
    Tree::from_json(
        r#"{
          "version": 1,
          "root": "start",
          "nodes": [
            {"kind": "question", "id": "start", "text": "First?", "answers": [
              {"id": "a", "label": "A", "next": "verdict-a"},
              {"id": "b", "label": "B", "next": "middle"}
            ]},
            {"kind": "question", "id": "middle", "text": "Second?", "help": "Look.", "answers": [
              {"id": "c", "label": "C", "next": "verdict-a"},
              {"id": "d", "label": "D", "next": "verdict-b"}
            ]},
            {"kind": "verdict", "id": "verdict-a", "title": "A", "explanation": "Because.",
             "remedies": [{"label": "Providers", "link": "/providers"}]},
            {"kind": "verdict", "id": "verdict-b", "title": "B", "explanation": "Because.",
             "remedies": [{"label": "Run", "command": "nc -v x 25"},
                          {"label": "Relay", "link": "/generator?relay=example"}]}
          ]
        }"#,
    )
    .expect("parses")
}

fn errors(tree: &Tree) -> Vec<TreeError> {
    validate(tree).expect_err("should not validate")
}

fn question_mut<'t>(tree: &'t mut Tree, id: &str) -> &'t mut port25_core::diagnose::Question {
    tree.nodes
        .iter_mut()
        .find_map(|n| match n {
            Node::Question(q) if q.id == id => Some(q),
            _ => None,
        })
        .expect("question exists")
}

fn verdict_mut<'t>(tree: &'t mut Tree, id: &str) -> &'t mut port25_core::diagnose::Verdict {
    tree.nodes
        .iter_mut()
        .find_map(|n| match n {
            Node::Verdict(v) if v.id == id => Some(v),
            _ => None,
        })
        .expect("verdict exists")
}

#[test]
fn the_shipped_tree_validates() {
    let tree = Tree::builtin();
    assert_eq!(validate(&tree), Ok(()));
    assert_eq!(tree.version, 2);
}

#[test]
fn the_small_tree_validates() {
    assert_eq!(validate(&small()), Ok(()));
}

#[test]
fn a_dangling_answer_fails() {
    let mut tree = small();
    question_mut(&mut tree, "middle").answers[1].next = "nowhere".into();
    let errs = errors(&tree);
    assert!(errs.contains(&TreeError::DanglingAnswer {
        node: "middle".into(),
        answer: "d".into(),
        target: "nowhere".into(),
    }));
    // verdict-b is now an orphan too.
    assert!(errs.contains(&TreeError::Unreachable {
        node: "verdict-b".into()
    }));
    assert!(errs[0].to_string().contains("middle"));
}

#[test]
fn a_cycle_fails() {
    let mut tree = small();
    question_mut(&mut tree, "middle").answers[0].next = "start".into();
    assert_eq!(
        errors(&tree),
        vec![TreeError::Cycle {
            node: "middle".into(),
            answer: "c".into(),
            target: "start".into(),
        }]
    );
}

#[test]
fn a_self_loop_is_a_cycle() {
    let mut tree = small();
    question_mut(&mut tree, "middle").answers[0].next = "middle".into();
    assert!(matches!(&errors(&tree)[..], [TreeError::Cycle { node, .. }] if node == "middle"));
}

#[test]
fn a_leaf_without_remedy_fails() {
    let mut tree = small();
    verdict_mut(&mut tree, "verdict-a").remedies.clear();
    assert_eq!(
        errors(&tree),
        vec![TreeError::NoRemedy {
            node: "verdict-a".into()
        }]
    );
}

#[test]
fn a_verdict_without_explanation_fails() {
    let mut tree = small();
    verdict_mut(&mut tree, "verdict-b").explanation = "  ".into();
    assert_eq!(
        errors(&tree),
        vec![TreeError::EmptyText {
            node: "verdict-b".into(),
            field: "explanation"
        }]
    );
}

#[test]
fn a_question_leaf_fails() {
    let mut tree = small();
    question_mut(&mut tree, "middle").answers.clear();
    let errs = errors(&tree);
    assert!(errs.contains(&TreeError::NoAnswers {
        node: "middle".into()
    }));
}

#[test]
fn an_unreachable_node_fails() {
    let mut tree = small();
    let mut orphan = tree.node("verdict-b").unwrap().clone();
    if let Node::Verdict(v) = &mut orphan {
        v.id = "orphan".into();
    }
    tree.nodes.push(orphan);
    assert_eq!(
        errors(&tree),
        vec![TreeError::Unreachable {
            node: "orphan".into()
        }]
    );
}

#[test]
fn duplicate_and_malformed_ids_fail() {
    let mut tree = small();
    let copy = tree.node("verdict-b").unwrap().clone();
    tree.nodes.push(copy);
    question_mut(&mut tree, "start").answers[1].id = "a".into();
    question_mut(&mut tree, "middle").answers[0].id = "Not A Slug".into();
    let errs = errors(&tree);
    assert!(errs.contains(&TreeError::DuplicateId {
        node: "verdict-b".into()
    }));
    assert!(errs.contains(&TreeError::DuplicateAnswer {
        node: "start".into(),
        answer: "a".into()
    }));
    assert!(errs.contains(&TreeError::BadId {
        node: "middle".into(),
        id: "Not A Slug".into()
    }));
}

#[test]
fn a_missing_root_fails() {
    let mut tree = small();
    tree.root = "gone".into();
    assert!(errors(&tree).contains(&TreeError::MissingRoot {
        root: "gone".into()
    }));
}

#[test]
fn remedies_need_one_site_link_or_one_command() {
    let mut tree = small();
    let v = verdict_mut(&mut tree, "verdict-b");
    v.remedies[0].link = Some("/tester".into()); // now both link and command
    v.remedies[1].link = Some("https://example.com/".into());
    let errs = errors(&tree);
    assert!(errs.contains(&TreeError::RemedyAction {
        node: "verdict-b".into(),
        label: "Run".into()
    }));
    assert!(errs.contains(&TreeError::BadLink {
        node: "verdict-b".into(),
        link: "https://example.com/".into()
    }));
}

#[test]
fn unknown_fields_and_kinds_do_not_parse() {
    assert!(Tree::from_json(r#"{"version":1,"root":"a","nodes":[],"extra":1}"#).is_err());
    assert!(Tree::from_json(
        r#"{"version":1,"root":"a","nodes":[{"kind":"maybe","id":"a","text":"x","answers":[]}]}"#
    )
    .is_err());
    assert!(Tree::from_json(
        r#"{"version":1,"root":"a","nodes":[{"kind":"question","id":"a","text":"x","answers":[],"typo":1}]}"#
    )
    .is_err());
}

/// The situations the issue asks the tree to tell apart, each a verdict.
const REQUIRED_VERDICTS: &[&str] = &[
    "outbound-blocked",       // timeout to every MX
    "one-mx-refuses",         // one MX refuses
    "one-mx-unreachable",     // one MX times out
    "intermittent-timeouts",  // local firewall
    "ip-reputation",          // rejected: PTR missing or blocklisted
    "authentication-failure", // rejected: SPF/DKIM/DMARC
    "ipv4-only-fails",        // v4 blocked, v6 works
    "ipv6-only-fails",        // v6 blocked, v4 works
    "greet-delay",            // no banner for seconds
    "silent-connection",      // tarpit or silent middlebox
    "blocked-upstream",       // panel says open
    "isp-intercept",          // someone else's banner
    "submission-blocked",     // 465 and 587 too
    "inbound-not-outbound",   // confusion
    "deferred-not-bounced",   // deferral explained
    "no-starttls",
    "tls-handshake-failed",
    "certificate-problem",
    "no-route",
    "dns-lookup-failed",
];

#[test]
fn the_shipped_tree_covers_every_required_situation() {
    let tree = Tree::builtin();
    for id in REQUIRED_VERDICTS {
        let node = tree.node(id).unwrap_or_else(|| panic!("missing node {id}"));
        assert!(node.is_verdict(), "{id} should be a verdict");
        assert!(path_to(&tree, id).is_some(), "{id} unreachable");
    }
}

#[test]
fn the_shipped_tree_links_only_site_routes_and_states_no_provider_fact() {
    let tree = Tree::builtin();
    for node in &tree.nodes {
        if let Node::Verdict(v) = node {
            for r in &v.remedies {
                if let Some(link) = &r.link {
                    assert!(link.starts_with('/'), "{}: {link}", v.id);
                }
            }
        }
    }
    // Provider facts belong on /providers: the tree names no hosting company.
    let text = port25_core::diagnose::tree::TREE_JSON.to_ascii_lowercase();
    for name in [
        "aws",
        "amazon",
        "hetzner",
        "digitalocean",
        "ovh",
        "azure",
        "linode",
        "vultr",
    ] {
        assert!(!text.contains(name), "tree.json mentions {name}");
    }
}

#[test]
fn path_round_trips_through_the_query_string() {
    let path = Path::new().with("timeout").with("all").with("both");
    assert_eq!(path.to_query(), "p=timeout.all.both");
    assert_eq!(Path::from_query("?p=timeout.all.both"), path);
    assert_eq!(Path::from_query("x=1&p=timeout.all.both&y=2"), path);
    assert_eq!(Path::from_query(""), Path::new());
    assert_eq!(Path::new().to_query(), "");
    assert_eq!(path.parent(), Path::new().with("timeout").with("all"));
    assert_eq!(path.to_string(), "timeout.all.both");
    // Malformed segments end the path; what came before survives.
    assert_eq!(
        Path::from_query("p=timeout.ALL.both"),
        Path::new().with("timeout")
    );
    assert_eq!(Path::from_query("p=..x"), Path::new());
}

#[test]
fn walk_follows_a_path_and_builds_the_breadcrumb() {
    let tree = small();
    let w = walk(&tree, &Path::from_query("p=b.d")).unwrap();
    assert_eq!(w.node.id(), "verdict-b");
    assert_eq!(w.rejected, None);
    assert_eq!(w.path.to_query(), "p=b.d");
    let crumbs: Vec<(&str, &str)> = w
        .breadcrumb
        .iter()
        .map(|s| (s.question.id.as_str(), s.answer.id.as_str()))
        .collect();
    assert_eq!(crumbs, vec![("start", "b"), ("middle", "d")]);

    let root = walk(&tree, &Path::new()).unwrap();
    assert_eq!(root.node.id(), "start");
    assert!(root.breadcrumb.is_empty());
}

#[test]
fn walk_keeps_the_longest_valid_prefix() {
    let tree = small();
    let w = walk(&tree, &Path::from_query("p=b.zzz.d")).unwrap();
    assert_eq!(w.node.id(), "middle");
    assert_eq!(w.path, Path::new().with("b"));
    assert_eq!(
        w.rejected,
        Some(PathError::UnknownAnswer {
            node: "middle".into(),
            answer: "zzz".into()
        })
    );

    let w = walk(&tree, &Path::from_query("p=a.c")).unwrap();
    assert_eq!(w.node.id(), "verdict-a");
    assert_eq!(w.path, Path::new().with("a"));
    assert!(matches!(w.rejected, Some(PathError::PastVerdict { .. })));
}

#[test]
fn every_shipped_node_has_a_path_that_walks_back_to_it() {
    let tree = Tree::builtin();
    for node in &tree.nodes {
        let path = path_to(&tree, node.id()).expect("reachable");
        let again = Path::from_query(&path.to_query());
        let w = walk(&tree, &again).unwrap();
        assert_eq!(w.node.id(), node.id());
        assert_eq!(w.rejected, None);
    }
}

#[test]
fn shipped_tree_counts() {
    let tree = Tree::builtin();
    let verdicts = tree.nodes.iter().filter(|n| n.is_verdict()).count();
    let questions = tree.nodes.len() - verdicts;
    assert!(verdicts >= 20, "{verdicts} verdicts");
    assert!(questions >= 10, "{questions} questions");
}

/// The ids of a content file's entries (`terms` or `entries`), read loosely so
/// this test does not depend on the knowledge-base types.
fn content_ids(file: &str, key: &str) -> Vec<String> {
    use port25_core::content::{Dir, Source};
    let dir = Dir::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../content"));
    let text = dir
        .read(&format!("data/{file}"))
        .unwrap_or_else(|e| panic!("{e}"));
    let value: serde_json::Value = serde_json::from_str(&text).expect("json");
    value[key]
        .as_array()
        .unwrap_or_else(|| panic!("{file} has no {key} array"))
        .iter()
        .filter_map(|e| e["id"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn glossary_and_faq_anchors_exist() {
    let glossary = content_ids("glossary.json", "terms");
    let faq = content_ids("faq.json", "entries");
    for node in &Tree::builtin().nodes {
        let Node::Verdict(v) = node else { continue };
        for link in v.remedies.iter().filter_map(|r| r.link.as_deref()) {
            if let Some(id) = link.strip_prefix("/glossary#") {
                assert!(glossary.iter().any(|g| g == id), "{}: {link}", v.id);
            }
            if let Some(id) = link.strip_prefix("/faq#") {
                assert!(faq.iter().any(|f| f == id), "{}: {link}", v.id);
            }
        }
    }
}

#[test]
fn a_provider_question_must_answer_open_blocked_unknown() {
    let mut tree = small();
    question_mut(&mut tree, "middle").provider_port = Some(587);
    assert_eq!(
        errors(&tree),
        [TreeError::ProviderAnswers {
            node: "middle".into()
        }]
    );
}
