//! `/compare?left=..&right=..`: two images side by side, each loaded and verified as the inspect page does,
//! then compared by core once both verified.

use strata_compare::{self as compare, Side};
use strata_explain::page_link;
use strata_image::reference::Reference;
use yew::prelude::*;

use std::rc::Rc;

use super::compare_files::CompareFiles;
use super::compare_side::{self, ReadyImage, SideStatus};
use super::compare_tables;
use super::format;
use crate::compare_files_state::DiffSide;
use crate::inspect_state::{self, InspectState};
use crate::local_archive;
use crate::registry_api::Repository;
use crate::route::{compare_files_href, compare_href, inspect_href};

#[derive(Properties, PartialEq)]
pub struct ComparePageProps {
    pub left: String,
    pub left_platform: Option<String>,
    pub right: String,
    pub right_platform: Option<String>,
    /// `view=files`: the merged filesystems compared path by path.
    pub files: bool,
}

/// The compare page.
#[component]
pub fn ComparePage(props: &ComparePageProps) -> Html {
    let left_state = use_side(&props.left, props.left_platform.clone());
    let right_state = use_side(&props.right, props.right_platform.clone());
    let status = |reference: &str, state: &InspectState| match Reference::parse(reference) {
        _ if reference.trim().is_empty() => {
            SideStatus::Failed("no reference was given for this side.".to_owned())
        }
        Ok(_) => compare_side::status(state),
        Err(error) => SideStatus::Failed(format!(
            "{reference:?} is not a valid image reference: {error}"
        )),
    };
    let left = status(&props.left, &left_state);
    let right = status(&props.right, &right_state);
    let swap = compare_href(
        &props.right,
        props.right_platform.as_deref(),
        &props.left,
        props.left_platform.as_deref(),
    );
    let (tables_href, files_href) = (
        compare_href(
            &props.left,
            props.left_platform.as_deref(),
            &props.right,
            props.right_platform.as_deref(),
        ),
        compare_files_href(
            &props.left,
            props.left_platform.as_deref(),
            &props.right,
            props.right_platform.as_deref(),
        ),
    );
    let views = html! {
        <nav class="compare-views" aria-label="What to compare">
            <a href={tables_href} aria-current={(!props.files).then_some("page")}>{"Layers, config and history"}</a>
            {" · "}
            <a id="compare-files-link" href={files_href.clone()} aria-current={props.files.then_some("page")}>{"Files, path by path"}</a>
        </nav>
    };
    let body = match (&left, &right) {
        (SideStatus::Ready(left_image), SideStatus::Ready(right_image)) if props.files => {
            let side = |reference: &str, image: &ReadyImage| {
                Reference::parse(reference).ok().map(|parsed| DiffSide {
                    pinned: page_link::by_digest(&parsed.name(), &image.manifest_digest)
                        .ok()
                        .map(|pinned| pinned.full()),
                    image: Rc::new(image.clone()),
                    repository: Rc::new(Repository::of(&parsed)),
                })
            };
            match (
                side(&props.left, left_image),
                side(&props.right, right_image),
            ) {
                (Some(left), Some(right)) => html! { <CompareFiles {left} {right} /> },
                _ => html! {},
            }
        }
        (SideStatus::Ready(left), SideStatus::Ready(right)) => {
            let comparison = compare::compare(
                Side {
                    manifest: &left.manifest,
                    config: &left.config,
                },
                Side {
                    manifest: &right.manifest,
                    config: &right.config,
                },
            );
            let same_image = left.manifest_digest == right.manifest_digest;
            html! {
                <div class="comparison" data-probe="done">
                    if same_image {
                        <p class="notice" role="status">{"Both sides are the same image: their manifests have the same digest."}</p>
                    }
                    { compare_tables::totals(&comparison) }
                    { compare_tables::layers(&comparison) }
                    <p class="files-link"><a class="compare-files" href={files_href}>{"What changed in the files, path by path →"}</a></p>
                    { compare_tables::config(&comparison) }
                    { compare_tables::history(&comparison) }
                </div>
            }
        }
        (SideStatus::Failed(_) | SideStatus::Unverified(..), _)
        | (_, SideStatus::Failed(_) | SideStatus::Unverified(..)) => html! {
            <p class="muted comparison-blocked" data-probe="failed">
                {"Nothing is compared: both sides must load and verify first."}
            </p>
        },
        _ => html! {
            <p class="muted" data-probe="pending">{"Waiting for both sides to verify…"}</p>
        },
    };
    html! {
        <section class="compare">
            <h2>{"Compare"} <a class="swap" href={swap}>{"⇄ swap sides"}</a></h2>
            <div class="compare-sides">
                { compare_side::header("left", &props.left, props.left_platform.as_deref(), &left) }
                { compare_side::header("right", &props.right, props.right_platform.as_deref(), &right) }
            </div>
            { local_note(&props.left, &left_state, &props.right, &right_state) }
            {views}
            {body}
        </section>
    }
}

/// When a side is a local archive: that the comparison has no link to share, and the registry copy's
/// pinned reference, which does.
fn local_note(
    left: &str,
    left_state: &InspectState,
    right: &str,
    right_state: &InspectState,
) -> Html {
    let local = |reference: &str| {
        Reference::parse(reference)
            .ok()
            .filter(|parsed| local_archive::is_local(parsed.registry()))
    };
    let (local_side, registry_side) = match (local(left), local(right)) {
        (Some(_), Some(_)) => {
            return html! {
                <p class="notice local-compare">
                    {"Both images are local, read from files in this tab and never uploaded: this comparison \
                  has no link to share."}
                </p>
            };
        }
        (Some(parsed), None) => (parsed, (right, right_state)),
        (None, Some(parsed)) => (parsed, (left, left_state)),
        (None, None) => return Html::default(),
    };
    let file = local_archive::file_name(local_side.repository()).unwrap_or_default();
    let pinned = Reference::parse(registry_side.0).ok().and_then(|parsed| {
        let digest = registry_side.1.root_digest()?;
        page_link::by_digest(&parsed.name(), &digest.to_string()).ok()
    });
    html! {
        <p class="notice local-compare">
            {"One side is local, read from "}<code>{format::visible(&file)}</code>
            {" in this tab and never uploaded: this comparison has no link to share. "}
            if let Some(pinned) = pinned {
                {"The registry copy, pinned by digest, has one: "}
                <a class="registry-pinned" href={inspect_href(&pinned.full(), None)}><code>{pinned.full()}</code></a>
            }
        </p>
    }
}

/// A side's loader: the inspect page's reducer, started once for the reference with the platform chosen.
#[hook]
fn use_side(reference: &str, platform: Option<String>) -> UseReducerHandle<InspectState> {
    let state = use_reducer(move || InspectState {
        chosen_platform: platform,
        ..Default::default()
    });
    {
        let dispatcher = state.dispatcher();
        use_effect_with(reference.to_owned(), move |reference| {
            if let Ok(reference) = Reference::parse(reference) {
                inspect_state::load(&reference, dispatcher);
            }
        });
    }
    state
}
