//! The diagnosis tree follows the provider data: walking every path with
//! every provider of the knowledge base (and with none), no verdict states a
//! port status the provider's own row contradicts. Questions about the
//! provider's documentation take the answer its row gives; questions about
//! what the visitor observed take every answer.

use port25_core::content::{self, Dir};
use port25_core::diagnose::{contradicts, documented_answer, walk, Node, Path, Tree};
use port25_core::kb::{KnowledgeBase, Provider};

fn load() -> KnowledgeBase {
    let dir = Dir::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../content"));
    content::load_knowledge_base(&dir).unwrap()
}

/// Every (path, verdict id) reachable from the root for `provider`; `None`
/// answers every provider-data question "unknown".
fn verdicts(tree: &Tree, provider: Option<&Provider>) -> Vec<(String, String)> {
    fn go(
        tree: &Tree,
        id: &str,
        provider: Option<&Provider>,
        path: &mut Vec<String>,
        out: &mut Vec<(String, String)>,
    ) {
        match tree.node(id).expect("validated tree") {
            Node::Verdict(v) => out.push((path.join("."), v.id.clone())),
            Node::Question(q) => {
                let forced = match (q.provider_port, provider) {
                    (None, _) => None,
                    (Some(_), Some(p)) => documented_answer(q, p),
                    (Some(_), None) => Some("unknown"),
                };
                for a in &q.answers {
                    if forced.is_some_and(|f| f != a.id) {
                        continue;
                    }
                    path.push(a.id.clone());
                    go(tree, &a.next, provider, path, out);
                    path.pop();
                }
            }
        }
    }
    let mut out = Vec::new();
    go(tree, &tree.root, provider, &mut Vec::new(), &mut out);
    out
}

#[test]
fn no_verdict_contradicts_any_providers_data() {
    let tree = Tree::builtin();
    let kb = load();
    assert!(kb.providers.len() >= 70);
    let mut checked = 0;
    for provider in kb.providers.iter().map(Some).chain([None]) {
        for (path, id) in verdicts(&tree, provider) {
            let Some(Node::Verdict(v)) = tree.node(&id) else {
                unreachable!()
            };
            // The path as a visitor's URL reaches the same verdict.
            let w = walk(&tree, &Path::from_query(&format!("p={path}"))).unwrap();
            assert_eq!(w.node.id(), id, "{path}");
            if let Some(p) = provider {
                for a in &v.asserts {
                    assert!(
                        !contradicts(p, *a),
                        "{}: path {path} ends at {id}, which says port {} is {}, but the row says otherwise",
                        p.id,
                        a.port,
                        if a.blocked { "blocked" } else { "open" }
                    );
                }
            }
            checked += 1;
        }
    }
    assert!(checked > 1000, "{checked} walks");
}

#[test]
fn the_tree_asks_about_587_and_465_separately_and_consults_the_provider_for_each() {
    let tree = Tree::builtin();
    let ports: Vec<u16> = tree
        .nodes
        .iter()
        .filter_map(|n| match n {
            Node::Question(q) => q.provider_port,
            Node::Verdict(_) => None,
        })
        .collect();
    assert_eq!(ports, [25, 587, 465]);
    let Some(Node::Question(q)) = tree.node("other-ports") else {
        panic!("other-ports is a question")
    };
    assert!(
        q.text.contains("587") && !q.text.contains("465"),
        "{}",
        q.text
    );
    let Some(Node::Question(q)) = tree.node("port-465") else {
        panic!("port-465 is a question")
    };
    assert!(
        q.text.contains("465") && !q.text.contains("587"),
        "{}",
        q.text
    );
}

#[test]
fn a_hetzner_cloud_user_whose_465_times_out_is_sent_to_587_not_2525() {
    let tree = Tree::builtin();
    let kb = load();
    let hetzner = kb.provider("hetzner-cloud").unwrap();
    let paths = verdicts(&tree, Some(hetzner));
    // 587 connects: the verdict is the port-25 block, with 587 as the way out.
    let (path, id) = paths
        .iter()
        .find(|(p, _)| p == "timeout.all.both.allows.blocked.connect")
        .expect("the timeout path with 587 connecting");
    assert_eq!(id, "outbound-blocked", "{path}");
    let Some(Node::Verdict(v)) = tree.node(id) else {
        unreachable!()
    };
    assert!(v.explanation.contains("587") && !v.title.contains("2525"));
    // 587 timing out too: Hetzner documents 587 as open, so the tree looks
    // closer to the visitor instead of sending them to 2525.
    let via_587: Vec<&str> = paths
        .iter()
        .filter(|(p, _)| p.starts_with("timeout.all.both.allows.blocked.blocked"))
        .map(|(_, id)| id.as_str())
        .collect();
    assert_eq!(via_587, ["documented-open-587"]);
    assert!(paths.iter().all(|(_, id)| id != "submission-blocked"));
}

#[test]
fn unreachable_and_no_route_are_tested_as_a_possible_filter() {
    let tree = Tree::builtin();
    let Some(Node::Question(q)) = tree.node("local-error") else {
        panic!("local-error is a question")
    };
    let unreachable = q.answers.iter().find(|a| a.id == "unreachable").unwrap();
    assert_eq!(unreachable.next, "unreachable-scope");
    let Some(Node::Question(scope)) = tree.node("unreachable-scope") else {
        panic!("unreachable-scope is a question")
    };
    let next: Vec<(&str, &str)> = scope
        .answers
        .iter()
        .map(|a| (a.id.as_str(), a.next.as_str()))
        .collect();
    // Only port 25 unreachable: treated like a block, through the provider's data.
    assert!(next.contains(&("only-25", "provider-25")));
    assert!(next.contains(&("every-port", "no-route")));
    assert!(next.contains(&("one-destination", "one-mx-unreachable")));
    let Some(Node::Verdict(v)) = tree.node("no-route") else {
        panic!("no-route is a verdict")
    };
    assert!(v.explanation.contains("another destination"));
}
