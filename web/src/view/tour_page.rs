//! `/tour/<step>`: "What happens when you run `docker pull`", step by step over the embedded demo
//! registry, each step pointing at its node in the live tree and showing the real exchanges behind it.

use std::rc::Rc;

use strata_explain::tour::{TOUR_REFERENCE, TourStep};
use strata_image::reference::Reference;
use wasm_bindgen::JsCast as _;
use yew::prelude::*;

use super::concept_help::{self, inline_code};
use super::context::NodeContext;
use super::node_view;
use super::reference_view::ReferenceView;
use super::tour_evidence::{self, Probe, Pulled};
use crate::inspect_state::{self, InspectState};
use crate::registry_api::{self, Repository};
use crate::route::tour_href;

#[derive(Properties, PartialEq)]
pub struct TourPageProps {
    /// The step's slug (empty: the first).
    pub step: String,
    /// The reader's machine, if chosen.
    pub platform: Option<String>,
}

/// The tour page: the steps, the current one with its evidence, and the live tree.
#[component]
pub fn TourPage(props: &TourPageProps) -> Html {
    let step = TourStep::from_slug(&props.step);
    let platform = props.platform.clone();
    let state = use_reducer(move || InspectState {
        chosen_platform: platform,
        ..Default::default()
    });
    let reference = Reference::parse(TOUR_REFERENCE);
    {
        let dispatcher = state.dispatcher();
        let reference = reference.clone();
        use_effect_with((), move |_| {
            if let Ok(reference) = reference {
                inspect_state::load(&reference, dispatcher);
            }
        });
    }
    let pulled = tour_evidence::pulled(&state);
    let first_layer = pulled
        .manifest
        .as_ref()
        .and_then(|(_, _, manifest)| manifest.layers.first())
        .map(|layer| layer.digest.clone());
    let repository = reference.as_ref().ok().map(Repository::of);
    let probe = use_step_probe(step, first_layer, repository);
    let selector = step.and_then(|step| tour_evidence::highlight_selector(step, &pulled));
    let scrolled = use_mut_ref(|| false);
    {
        let selector = selector.clone();
        use_effect(move || highlight(selector.as_deref(), &mut scrolled.borrow_mut()));
    }
    let (Some(step), Ok(reference)) = (step, reference) else {
        return html! {
            <div class="error" role="alert">
                {format!("The tour has no step \"{}\". ", props.step)}<a href="/tour">{"Start the tour."}</a>
            </div>
        };
    };
    let platform = props.platform.as_deref();
    let context = NodeContext {
        registry: reference.registry().to_owned(),
        repository: reference.repository().to_owned(),
        reference: TOUR_REFERENCE.to_owned(),
        state: state.clone(),
    };
    html! {
        <div class="tour" data-step={step.slug()} data-highlight={selector.unwrap_or_default()}>
            <div class="tour-panel">
                <h2>{"What happens when you run "}<code>{format!("docker pull {TOUR_REFERENCE}")}</code></h2>
                { step_list(step, platform) }
                { step_article(step, &state, &pulled, probe.as_deref(), platform) }
            </div>
            <div class="tour-tree tree">
                <ReferenceView reference={reference.clone()} />
                <h2>{"Image tree"}</h2>
                { node_view::root(&context, None) }
            </div>
        </div>
    }
}

/// What the current step fetched besides the tree: the proxy's `/v2/` for the token step, the first
/// layer's `HEAD` for the layer step.
#[hook]
fn use_step_probe(
    step: Option<TourStep>,
    first_layer: Option<String>,
    repository: Option<Repository>,
) -> Option<Rc<Probe>> {
    let probe = use_state(|| None::<Rc<Probe>>);
    {
        let probe = probe.clone();
        use_effect_with((step, first_layer), move |(step, first_layer)| {
            match (step, first_layer, repository) {
                (Some(TourStep::ChallengeAndToken), _, _) => {
                    yew::platform::spawn_local(async move {
                        probe.set(Some(Rc::new(registry_api::version_check().await)));
                    });
                }
                (Some(TourStep::FetchLayers), Some(digest), Some(repository)) => {
                    let digest = digest.clone();
                    yew::platform::spawn_local(async move {
                        probe.set(Some(Rc::new(repository.blob_head(&digest).await)));
                    });
                }
                _ => {}
            }
        });
    }
    (*probe).clone()
}

/// Every step, the current one marked.
fn step_list(step: TourStep, platform: Option<&str>) -> Html {
    html! {
        <nav class="tour-steps" aria-label="Tour steps">
            <ol>
                { for TourStep::ALL.into_iter().map(|each| {
                    let current = (each == step).then_some("step");
                    html! { <li><a href={tour_href(each.slug(), platform)} aria-current={current}>{each.title()}</a></li> }
                }) }
            </ol>
        </nav>
    }
}

/// The current step: its explanation, its concepts, its evidence, and the way on.
fn step_article(
    step: TourStep,
    state: &InspectState,
    pulled: &Pulled,
    probe: Option<&Probe>,
    platform: Option<&str>,
) -> Html {
    html! {
        <article class="tour-step">
            <h3>{format!("Step {} of {}: {}", step.position() + 1, TourStep::ALL.len(), step.title())}</h3>
            { for step.explanation().iter().map(|paragraph| html! { <p>{ inline_code(paragraph) }</p> }) }
            if !step.concepts().is_empty() {
                <p class="tour-concepts">{"Concepts: "}
                    { for step.concepts().iter().map(|concept| html! {
                        <span class="tour-concept">{ inline_code(concept.title()) }{" "}{ concept_help::help(*concept) }</span>
                    }) }
                </p>
            }
            { tour_evidence::evidence(step, state, pulled, probe) }
            <nav class="tour-pager" aria-label="Previous and next step">
                if let Some(previous) = step.previous() {
                    <a rel="prev" href={tour_href(previous.slug(), platform)}>{format!("← Back: {}", previous.title())}</a>
                }
                if let Some(next) = step.next() {
                    <a rel="next" href={tour_href(next.slug(), platform)}>{format!("Next: {} →", next.title())}</a>
                } else {
                    <a href={crate::route::inspect_href(TOUR_REFERENCE, platform)}>{"Done: inspect the image freely →"}</a>
                }
            </nav>
        </article>
    }
}

/// Marks the step's node with `tour-highlight` (and no other), and scrolls it into view the first time
/// when the tree stands beside the step.
fn highlight(selector: Option<&str>, scrolled: &mut bool) {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else {
        return;
    };
    let target = selector.and_then(|selector| document.query_selector(selector).ok().flatten());
    if let Ok(marked) = document.query_selector_all(".tour-highlight") {
        for position in 0..marked.length() {
            if let Some(element) = marked
                .item(position)
                .and_then(|node| node.dyn_into::<web_sys::Element>().ok())
                && Some(&element) != target.as_ref()
            {
                let _ = element.class_list().remove_1("tour-highlight");
            }
        }
    }
    if let Some(element) = target {
        let _ = element.class_list().add_1("tour-highlight");
        // In one column (narrow screens) the step's text comes first: jumping to the tree would hide it.
        // The width is style.css's, where `.tour` turns to one column at `max-width: 900px`.
        let two_columns = web_sys::window()
            .and_then(|window| window.match_media("(min-width: 901px)").ok().flatten())
            .is_some_and(|query| query.matches());
        if !*scrolled && two_columns {
            let options = web_sys::ScrollIntoViewOptions::new();
            options.set_block(web_sys::ScrollLogicalPosition::Center);
            element.scroll_into_view_with_scroll_into_view_options(&options);
            *scrolled = true;
        }
    }
}
