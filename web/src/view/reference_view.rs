//! The reference broken down the way `docker pull` reads it.

use strata_explain::concept::Concept;
use strata_image::reference::Reference;
use yew::prelude::*;

use super::concept_help::help;

#[derive(Properties, PartialEq)]
pub struct ReferenceViewProps {
    pub reference: Reference,
}

/// `#reference`: registry, repository, tag and digest, the familiar and full forms, and notes on surprises.
#[component]
pub fn ReferenceView(props: &ReferenceViewProps) -> Html {
    let reference = &props.reference;
    let tag = reference
        .tag()
        .map(str::to_owned)
        .or_else(|| reference.effective_tag().map(str::to_owned));
    let digest = reference
        .digest()
        .map(|digest| digest.to_string())
        .unwrap_or_default();
    let tag_text = tag.clone().unwrap_or_default();
    let row = |label: &str, value: &str, hint: &str, concept: Option<Concept>| {
        html! {
            <tr>
                <th>{label.to_owned()}{ concept.map(help).unwrap_or_default() }</th>
                <td>
                    if value.is_empty() { <span class="muted">{"—"}</span> } else { <code>{value.to_owned()}</code> }
                    if !hint.is_empty() { <span class="muted hint">{format!(" {hint}")}</span> }
                </td>
            </tr>
        }
    };
    let tag_hint = match (reference.tag(), reference.digest()) {
        (None, None) => "(none given: Docker uses latest)",
        (Some(_), Some(_)) => "(ignored: a pull by digest fetches the digest only)",
        (None, Some(_)) => "(none: by digest, this works even when no tag names the manifest)",
        _ => "",
    };
    let tag_concept = if reference.tag().is_none() && reference.digest().is_some() {
        Concept::DanglingManifests
    } else {
        Concept::LatestIsADefault
    };
    html! {
        <section id="reference" class="reference"
            data-registry={reference.registry().to_owned()}
            data-repository={reference.repository().to_owned()}
            data-tag={tag_text.clone()}
            data-digest={digest.clone()}>
            <h2>{"Reference"}{ help(Concept::ImageVsContainer) }</h2>
            <table class="facts">
                { row("Registry", reference.registry(), if reference.registry() == "docker.io" { "(Docker Hub)" } else { "" }, Some(Concept::RegistryRepositoryTag)) }
                { row("Repository", reference.repository(), "", Some(Concept::OfficialImages)) }
                { row("Tag", &tag_text, tag_hint, Some(tag_concept)) }
                { row("Digest", &digest, "", Some(Concept::TagsMoveDigestsDont)) }
                { row("Familiar form", &reference.familiar(), "", None) }
                { row("Full form", &reference.full(), "", None) }
            </table>
            <ul class="notes">
                { for reference.notes().iter().map(|note| html! { <li>{note.explain()}</li> }) }
            </ul>
        </section>
    }
}
