//! `/inspect/<reference>`: the reference as `docker pull` reads it, then the verified tree.

use strata_explain::page_link;
use strata_image::artifact;
use strata_image::reference::Reference;
use yew::prelude::*;

use std::rc::Rc;

use super::commands_view;
use super::context::NodeContext;
#[cfg(feature = "all-pages")]
use super::files_view::FilesView;
use super::format::visible;
use super::node_view;
use super::reference_view::ReferenceView;
use super::share_links::{ShareLinks, TagCheck};
use super::tags_view::TagsView;
use crate::inspect_state::{self, InspectState, NodeKey, NodeState};
use crate::local_archive;
use crate::route::{FilesRequest, digest_href};

#[derive(Properties, PartialEq)]
pub struct InspectPageProps {
    pub reference: String,
    pub platform: Option<String>,
    pub files: Option<FilesRequest>,
    pub pinned_at: Option<String>,
}

/// The inspect page.
#[component]
pub fn InspectPage(props: &InspectPageProps) -> Html {
    let parsed = Reference::parse(&props.reference);
    let platform = props.platform.clone();
    let state = use_reducer(move || InspectState {
        chosen_platform: platform,
        ..Default::default()
    });
    {
        let dispatcher = state.dispatcher();
        let parsed = parsed.clone();
        use_effect_with(props.reference.clone(), move |_| {
            if let Ok(reference) = parsed {
                inspect_state::load(&reference, dispatcher);
            }
        });
    }
    crate::referrer_probe::use_referrer_probe(parsed.as_ref().ok(), &state);
    #[cfg(not(feature = "all-pages"))]
    let supply_chain =
        super::supply_chain_slot::use_supply_chain_slot(parsed.as_ref().ok(), &state);
    let reference = match parsed {
        Ok(reference) => reference,
        Err(error) => return invalid_reference(&props.reference, &error.to_string()),
    };
    #[cfg(feature = "all-pages")]
    let supply_chain = supply_chain_section(&reference, &state);
    let context = NodeContext {
        registry: reference.registry().to_owned(),
        repository: reference.repository().to_owned(),
        reference: props.reference.clone(),
        state: state.clone(),
    };
    let root_digest = reference.digest().map(|digest| digest.to_string());
    let cosign_subject = cosign_notice(&reference);
    let files = props
        .files
        .clone()
        .map(|request| files_section(&context, &state, request));
    // No tag and no digest: the page of a repository. Its tags lead; the tree is `latest`'s, as docker pulls.
    let repository_page = reference.tag().is_none() && reference.digest().is_none();
    let latest_missing =
        repository_page && matches!(state.node(&NodeKey::Root), Some(NodeState::Failed(_)));
    if local_archive::is_local(reference.registry()) {
        return html! {
            <>
                { local_notice(&reference) }
                { super::compare_entry::entry(&props.reference, &state) }
                {supply_chain}
                { files.unwrap_or_default() }
                { tree(&context, root_digest, None) }
            </>
        };
    }
    html! {
        <>
            <ReferenceView reference={reference.clone()} />
            <ShareLinks reference={reference.clone()} resolved={state.root_digest()} />
            <TagCheck reference={reference.clone()} pinned_at={props.pinned_at.clone()}
                shown_verified={state.root_digest().is_some_and(|digest| Some(&digest) == reference.digest())} />
            if repository_page {
                <p class="notice repository-page">
                    {"No tag given: here are the repository's tags. Below is "}<code>{"latest"}</code>
                    {", the tag docker pull takes when none is named."}
                </p>
                { repository_tags(&reference) }
            }
            { commands_view::commands(&reference, state.root_digest().as_ref(), state.chosen_platform.as_deref()) }
            if !repository_page { <TagsView name={reference.name()} /> }
            { super::compare_entry::entry(&props.reference, &state) }
            if !repository_page {
                <super::signature_view::SignatureView state={state.clone()} repository={crate::registry_api::Repository::of(&reference)} />
                {supply_chain}
            }
            if latest_missing {
                <p class="notice latest-missing">
                    {"This repository has no usable "}<code>{"latest"}</code>
                    {" tag, so a plain docker pull of it fails too. Pick a tag from the list above."}
                </p>
            }
            { files.unwrap_or_default() }
            { tree(&context, root_digest, cosign_subject) }
        </>
    }
}

/// A repository's tag table; the first-load module hands a repository's page to the full one (`view::App`).
#[cfg(feature = "all-pages")]
fn repository_tags(reference: &Reference) -> Html {
    html! {
        <super::tag_table::TagTable registry={reference.registry().to_owned()} repository={reference.repository().to_owned()} />
    }
}

#[cfg(not(feature = "all-pages"))]
fn repository_tags(_: &Reference) -> Html {
    Html::default()
}

/// What the image's attestations say (SBOMs, provenance), when it has any.
#[cfg(feature = "all-pages")]
fn supply_chain_section(reference: &Reference, state: &InspectState) -> Html {
    match state.supply_chain_sources() {
        Some(sources) => html! {
            <super::supply_chain_view::SupplyChainSection repository={crate::registry_api::Repository::of(reference)} {sources} />
        },
        None => Html::default(),
    }
}

/// The image tree, with what to say above it.
fn tree(context: &NodeContext, root_digest: Option<String>, above: Option<Html>) -> Html {
    html! {
        <section class="tree" aria-labelledby="image-tree-heading">
            <h2 id="image-tree-heading">{"Image tree"}</h2>
            { mismatch_summary(context.state.mismatches()) }
            { above.unwrap_or_default() }
            { node_view::root(context, root_digest) }
        </section>
    }
}

/// Above a local image: where it was read from, that nothing was uploaded, and why it has no link to share.
fn local_notice(reference: &Reference) -> Html {
    let repository = reference.repository();
    let file = local_archive::file_name(repository);
    let written = reference
        .digest()
        .is_some_and(|digest| local_archive::is_written(repository, &digest.to_string()));
    html! {
        <section class="local-image" data-local-file={file.clone().unwrap_or_default()}>
            <p class="notice local-image-notice">
                <strong>{"A local image"}</strong>
                { match &file {
                    Some(file) => html! { <>{", read from "}<code>{visible(file)}</code></> },
                    None => Html::default(),
                } }
                {". It was not uploaded: the browser reads the file in this tab and hashes every document and \
                  layer against the digests the archive names."}
            </p>
            if written {
                <p class="notice written-manifest">
                    {"docker save's legacy form holds no manifest: the one at the top of the tree is what docker \
                      load would see, written by Strata from the archive's manifest.json. What it names is checked: \
                      the config against the digest in its file name, each layer against the config's diff_id for it."}
                </p>
            }
            <p class="muted no-share-link">
                {"There is no link to share: the bytes are on your disk only, so a link would open nothing \
                  anywhere else. To share it, push it to a registry and compare it with this one below: the \
                  comparison gives the registry copy's pinned reference."}
            </p>
            if file.is_some() {
                <p><a href="/open">{"Open another archive"}</a></p>
            } else {
                <p class="local-reopen">
                    {"This link shows a file from someone's disk, and it is not open in this tab. "}
                    <a id="reopen-local" href={page_link::open_again_path(&crate::url_state::current_address())}>{"Choose the file again"}</a>
                    {" to see this page."}
                </p>
            }
        </section>
    }
}

/// What the page says when the address holds no valid reference.
fn invalid_reference(typed: &str, error: &str) -> Html {
    html! {
        <section class="invalid-reference">
            <div class="error" role="alert">
                <strong>{"This is not a valid image reference: "}</strong>{visible(error)}
            </div>
            <p class="muted">
                {"You typed "}<code>{visible(typed)}</code>
                {". A reference looks like "}<code>{"alpine"}</code>{", "}<code>{"ghcr.io/org/app:1.2"}</code>
                {" or "}<code>{"localhost:5000/team/app@sha256:<64 hex digits>"}</code>{"."}
            </p>
        </section>
    }
}

/// For a cosign tag (`sha256-<hex>.sig` and kin), which image it belongs to.
fn cosign_notice(reference: &Reference) -> Option<Html> {
    let (subject, suffix) = reference.tag().and_then(artifact::cosign_subject)?;
    let href = digest_href(&reference.name(), &subject.to_string()).ok()?;
    Some(html! {
        <p class="notice cosign-subject">
            {format!("This tag is where cosign keeps the {} of ", suffix.describe())}
            <a {href}><code>{subject.to_string()}</code></a>{"."}
        </p>
    })
}

/// The files panel, once the selected platform's manifest and config verified.
fn files_section(context: &NodeContext, state: &InspectState, request: FilesRequest) -> Html {
    match state.selected_image() {
        #[cfg(feature = "all-pages")]
        Some((manifest, config)) => html! {
            <FilesView context={context.clone()} manifest={Rc::new(manifest)} config={Rc::new(config)} {request} />
        },
        #[cfg(not(feature = "all-pages"))]
        Some(_) => {
            let _ = (context, request);
            html! { <section class="files" id="files"><h2>{"Files"}</h2><crate::hand_over::HandOver /></section> }
        }
        None => html! {
            <section class="files" id="files"><h2>{"Files"}</h2>
                <p class="muted" data-probe="pending">{"Waiting for the platform's manifest and config to verify…"}</p>
            </section>
        },
    }
}

/// Above the tree, when something in it did not match its digest.
fn mismatch_summary(mismatches: usize) -> Html {
    if mismatches == 0 {
        return Html::default();
    }
    let one = mismatches == 1;
    html! {
        <p class="error verification-summary" role="status">
            {format!("{} in this tree {} not match the digest {} asked for by. Look for the red mismatch badges: \
                      Strata does not follow anything below them, and nothing there is trusted.",
                plural(mismatches, "document or layer", "documents or layers"),
                if one { "does" } else { "do" },
                if one { "it was" } else { "they were" })}
        </p>
    }
}

fn plural(count: usize, one: &str, many: &str) -> String {
    if count == 1 {
        format!("1 {one}")
    } else {
        format!("{count} {many}")
    }
}
