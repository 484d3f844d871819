//! The concept panels: a "?" next to a thing opens a short, exact explanation of it; `/concepts` lists them all.

use strata_explain::concept::Concept;
use yew::prelude::*;

use crate::url_state;

/// A "?" that unfolds the concept's explanation in place.
pub fn help(concept: Concept) -> Html {
    html! { <ConceptHelp {concept} /> }
}

#[derive(Properties, PartialEq)]
struct ConceptHelpProps {
    concept: Concept,
}

/// One "?". A concept can have several on a page: each takes its open state from the link once, when it
/// first renders, so that opening one later does not open the others.
#[component]
fn ConceptHelp(props: &ConceptHelpProps) -> Html {
    let concept = props.concept;
    let title = concept.title();
    let panel = format!("concept-{}", concept.slug());
    let open_at_start = *use_memo((), |_| url_state::is_open(&panel));
    html! {
        <details class="concept-help" data-concept={concept.slug()} open={open_at_start}
            ontoggle={url_state::panel_toggle(&panel)}>
            <summary title={title_text(title)} aria-label={format!("What is this? {}", title_text(title))}>{"?"}</summary>
            <div class="concept-text" role="note">
                <strong>{ inline_code(title) }</strong>
                { for concept.paragraphs().iter().map(|paragraph| html! { <p>{ inline_code(paragraph) }</p> }) }
                <a class="concept-link" href={format!("/concepts#{}", concept.slug())}>{"All concepts"}</a>
            </div>
        </details>
    }
}

/// `/concepts`: every explanation, each linkable as `#<slug>`.
pub fn page() -> Html {
    html! {
        <section class="concepts" id="concepts">
            <h2>{"Concepts"}</h2>
            <p class="muted">{"Short explanations of the ideas behind what Strata shows. "}
                <a href="/tour">{"Take the guided tour of a docker pull."}</a></p>
            { for Concept::ALL.into_iter().map(|concept| html! {
                <article class="concept" id={concept.slug()} data-concept={concept.slug()}>
                    <h3><a href={format!("#{}", concept.slug())}>{ inline_code(concept.title()) }</a></h3>
                    { for concept.paragraphs().iter().map(|paragraph| html! { <p>{ inline_code(paragraph) }</p> }) }
                </article>
            }) }
        </section>
    }
}

/// Text where `backticked` parts read as code.
pub fn inline_code(text: &str) -> Html {
    html! {
        <>
            { for text.split('`').enumerate().map(|(position, part)| {
                if position % 2 == 1 { html! { <code>{part.to_owned()}</code> } } else { html! { {part.to_owned()} } }
            }) }
        </>
    }
}

fn title_text(title: &str) -> String {
    title.replace('`', "")
}
