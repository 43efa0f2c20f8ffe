//! The current step of the diagnosis: the breadcrumb of answers, the question
//! (or verdict) with its heading, Back and Restart, and the optional provider
//! choice.

use leptos::prelude::*;
use port25_core::{
    diagnose::{walk, Node, Path, Question, Verdict, Walk},
    kb::Labelled,
    site::Route,
};

use super::{tree, whole_tree::body_html, Nav, PROVIDER_KEY};
use crate::data::PROVIDERS;

/// The optional provider select; the choice goes into the URL as
/// `provider=<id>` and the verdict links that provider's page.
#[component]
pub(super) fn ProviderChoice(nav: Nav) -> impl IntoView {
    let change = move |ev: leptos::ev::Event| {
        let id = event_target_value(&ev);
        let path = nav.state.with_untracked(|s| s.path.clone());
        let provider = PROVIDERS.iter().find(|p| p.id == id).map(|p| p.id);
        nav.go(&super::diagnose_href(&crate::base(), &path, provider), true);
    };
    let options = PROVIDERS
        .iter()
        .map(|p| view! { <option value=p.id>{p.name}</option> })
        .collect_view();
    view! {
        <p class="diagnose-provider">
            <label for="diagnose-provider">"Your hosting provider or ISP (optional)"</label>
            <select
                id="diagnose-provider"
                name=PROVIDER_KEY
                disabled=move || !nav.mounted.get()
                prop:value=move || nav.state.with(|s| s.provider.map_or("", |p| p.id))
                on:change=change
            >
                <option value="">"Not chosen"</option>
                {options}
            </select>
        </p>
    }
}

/// The breadcrumb, the current question or verdict, and Back and Restart.
#[component]
pub(super) fn Step(nav: Nav) -> impl IntoView {
    let heading = NodeRef::<leptos::html::H2>::new();
    let walked: Memo<Option<Walk<'static>>> =
        Memo::new(move |_| nav.state.with(|s| walk(tree(), &s.path)));

    // Focus follows the page's own links (answers, Back, Restart, the
    // breadcrumb, the reader's jump), once the new step is on screen.
    Effect::new(move |_| {
        let here = nav.state.with(|s| s.path.clone());
        if nav.focus_target.with(|t| t.as_ref() == Some(&here)) {
            nav.focus_target.set(None);
            request_animation_frame(move || {
                if let Some(h) = heading.get_untracked() {
                    let _ = h.focus();
                }
            });
        }
    });

    let heading_text = move || {
        walked.with(|w| match w.as_ref().map(|w| w.node) {
            Some(Node::Question(q)) => q.text.clone(),
            Some(Node::Verdict(v)) => format!("Verdict: {}", v.title),
            None => String::new(),
        })
    };
    let body = move || {
        let Some(w) = walked.get() else {
            return ().into_any();
        };
        match w.node {
            Node::Question(q) => view! { <QuestionBody q path=w.path nav /> }.into_any(),
            Node::Verdict(v) => view! { <VerdictBody v nav /> }.into_any(),
        }
    };
    let rejected = move || {
        walked.with(|w| w.as_ref().is_some_and(|w| w.rejected.is_some())).then(|| {
            view! {
                <p class="notice">
                    "Part of this link no longer matches the questions (they have changed since). "
                    "This is as far as it leads."
                </p>
            }
        })
    };

    view! {
        <section class="diagnose-step" aria-labelledby="diagnose-step-heading">
            <Breadcrumb walked nav />
            {rejected}
            <h2 id="diagnose-step-heading" tabindex="-1" node_ref=heading>{heading_text}</h2>
            {body}
            <Controls walked nav />
        </section>
    }
}

/// The answers taken so far, each linking back to its question.
#[component]
fn Breadcrumb(walked: Memo<Option<Walk<'static>>>, nav: Nav) -> impl IntoView {
    move || {
        let steps = walked.with(|w| w.as_ref().map(|w| w.breadcrumb.clone()).unwrap_or_default());
        if steps.is_empty() {
            return None;
        }
        let mut path = Path::new();
        let items = steps
            .into_iter()
            .map(|step| {
                let here = path.clone();
                path = path.with(&step.answer.id);
                view! {
                    <li>
                        <a href=nav.href_to(here.clone())>{step.question.text.as_str()}</a>
                        " "
                        <span class="diagnose-answer">{step.answer.label.as_str()}</span>
                    </li>
                }
            })
            .collect_view();
        Some(view! {
            <nav class="diagnose-breadcrumb" aria-label="Your answers so far">
                <ol>{items}</ol>
            </nav>
        })
    }
}

/// Back (one answer up) and Restart, once there is something to undo.
#[component]
fn Controls(walked: Memo<Option<Walk<'static>>>, nav: Nav) -> impl IntoView {
    move || {
        let path = walked.with(|w| w.as_ref().map(|w| w.path.clone()).unwrap_or_default());
        if path.is_empty() {
            return None;
        }
        let back = path.parent();
        Some(view! {
            <p class="diagnose-controls">
                <a href=nav.href_to(back.clone())>"Back"</a>
                <a href=nav.href_to(Path::new())>"Restart"</a>
            </p>
        })
    }
}

/// A question's help and its answers, each a link to the path one step on.
#[component]
fn QuestionBody(q: &'static Question, path: Path, nav: Nav) -> impl IntoView {
    let help = body_html(&q.id)
        .map(|html| view! { <div class="diagnose-help prose" inner_html=html></div> });
    let answers = q
        .answers
        .iter()
        .map(|a| {
            // Without JavaScript (and so in the prerender) an answer leads to
            // its node in the whole tree below; once hydrated, to its step.
            let anchor = format!("#node-{}", a.next);
            let to = path.with(&a.id);
            let href = move || {
                if nav.mounted.get() {
                    nav.href(&to)
                } else {
                    anchor.clone()
                }
            };
            view! {
                <li>
                    <a href=href>{a.label.as_str()}</a>
                </li>
            }
        })
        .collect_view();
    view! {
        {help}
        <ul class="diagnose-answers" aria-label="Answers">{answers}</ul>
    }
}

/// A verdict's explanation and remedies, and the chosen provider's page.
#[component]
fn VerdictBody(v: &'static Verdict, nav: Nav) -> impl IntoView {
    let html = body_html(&v.id).unwrap_or_default();
    let provider = move || {
        nav.state.with(|s| s.provider).map(|p| {
            let href = crate::href(Route::Provider(p.id));
            view! {
                <p class="diagnose-provider-note">
                    "You chose " <strong>{p.name}</strong> ". Its documented default for outbound port 25: "
                    {p.policy.label()} ". "
                    <a href=href>{format!("What {} documents about port 25", p.name)}</a>
                </p>
            }
        })
    };
    view! {
        <div class="diagnose-verdict" inner_html=html></div>
        {provider}
    }
}
