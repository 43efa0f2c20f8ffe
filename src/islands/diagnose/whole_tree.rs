//! The whole decision tree as nested, linked lists: every question with its
//! answers, every verdict with its explanation and remedies.
//!
//! It is the page without JavaScript, and an overview with it. Each node has
//! an anchor (`#node-<id>`) and every answer links to the node it leads to;
//! the tree is a DAG, so a node reached a second time is linked, not
//! repeated. It reads only the tree, never the URL, so it never changes after
//! the build: the prerenderer renders it into HTML that hydration keeps as it
//! is, and it costs the wasm bundle nothing.
//!
//! The tree also holds each node's prose (a question's help; a verdict's
//! explanation and remedies) in a `.tree-body` element. That prose is HTML
//! the build script rendered ([`body_html`]), which the step above shows in
//! the browser too: the markdown renderer stays out of the wasm bundle, and
//! nothing is read back from the page.

#[cfg(not(target_arch = "wasm32"))]
use leptos::prelude::*;

/// The whole-tree section (server-rendered only).
#[cfg(not(target_arch = "wasm32"))]
#[component]
pub(crate) fn WholeTree() -> impl IntoView {
    view! {
        <section class="diagnose-tree" aria-labelledby="diagnose-tree-heading">
            <h2 id="diagnose-tree-heading">"The whole tree"</h2>
            <p>
                "Every question and every conclusion on one page. Follow an answer to the "
                "question or verdict it leads to; open a verdict to read why and what to do."
            </p>
            <div class="tree-root" inner_html=html()></div>
        </section>
    }
}

/// A node's prose as HTML, if it has any: a question's help; a verdict's
/// explanation and remedies (rendered by the build script), links under the
/// base path. The same HTML in the prerendered tree and in the browser's step.
pub(super) fn body_html(id: &str) -> Option<String> {
    crate::data::diagnose_html(id).map(|html| super::prefix_links(html, &crate::base()))
}

/// The tree's HTML, rendered by the prerenderer.
#[cfg(not(target_arch = "wasm32"))]
fn html() -> String {
    use leptos::tachys::view::RenderHtml;
    use std::collections::HashSet;

    let tree = super::tree();
    native::node_view(tree, &tree.root, &mut HashSet::new()).to_html()
}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::collections::HashSet;

    use leptos::prelude::*;
    use port25_core::diagnose::{Node, Tree};

    use super::body_html;

    /// The label a link to `node` shows.
    fn node_name(node: &Node) -> &str {
        match node {
            Node::Question(q) => &q.text,
            Node::Verdict(v) => &v.title,
        }
    }

    /// One node and, the first time each is met, everything below it.
    pub(super) fn node_view(
        tree: &'static Tree,
        id: &str,
        seen: &mut HashSet<&'static str>,
    ) -> AnyView {
        let Some(node) = tree.node(id) else {
            return ().into_any();
        };
        seen.insert(node.id());
        let anchor = format!("node-{}", node.id());
        match node {
            Node::Question(q) => {
                let answers = q
                    .answers
                    .iter()
                    .map(|a| {
                        let link = format!("#node-{}", a.next);
                        let below = if seen.contains(a.next.as_str()) {
                            let name = tree.node(&a.next).map(node_name).unwrap_or_default();
                            view! { <span class="tree-see">" (see " <a href=link.clone()>{name}</a> " above)"</span> }
                                .into_any()
                        } else {
                            node_view(tree, &a.next, seen)
                        };
                        view! {
                            <li>
                                <a class="tree-answer" href=link>{a.label.as_str()}</a>
                                {below}
                            </li>
                        }
                    })
                    .collect_view();
                let help = body_html(&q.id)
                    .map(|html| view! { <div class="tree-body prose" inner_html=html></div> });
                view! {
                    <div class="tree-node tree-question" id=anchor>
                        <p><span class="tree-kind">"Question: "</span>{q.text.as_str()}</p>
                        {help}
                        <ul>{answers}</ul>
                    </div>
                }
                .into_any()
            }
            Node::Verdict(v) => {
                let html = body_html(&v.id).unwrap_or_default();
                view! {
                    <div class="tree-node tree-verdict" id=anchor>
                        <details>
                            <summary><span class="tree-kind">"Verdict: "</span>{v.title.as_str()}</summary>
                            <div class="tree-body" inner_html=html></div>
                        </details>
                    </div>
                }
                .into_any()
            }
        }
    }
}
