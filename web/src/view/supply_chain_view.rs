//! "What's in it and how it was built": the attestations attached to the shown platform and cosign's
//! attestation and attached SBOM of the image, each statement hashed against its digest and its subject
//! compared with what it should be about; SBOMs as package tables, provenance as the builder, source and
//! inputs it names. A statement about another manifest is said loudly: it says nothing about this image.

use std::rc::Rc;

use strata_explain::concept::Concept;
use strata_explain::share_link;
use strata_image::artifact::{self, IN_TOTO_PREDICATE_TYPE};
use strata_image::verification::VerifyState;
use strata_supply_chain::attestation::{Attestation, Predicate};
use strata_supply_chain::public_key::PublicKey;
use strata_supply_chain::sbom::SbomFormat;
use yew::prelude::*;

use super::concept_help::help;
use super::format::{short_digest, visible};
use super::package_table::PackageTable;
use super::provenance_view::provenance_facts;
use crate::inspect_state::SupplyChainSources;
use crate::registry_api::Repository;
use crate::signature_check::KEY_PARAM;
use crate::supply_chain_state::{Reading, Statement, use_supply_chain};
use crate::url_state;

#[derive(Properties, PartialEq, Clone)]
pub struct SupplyChainProps {
    /// The repository the attestations are in.
    pub repository: Repository,
    /// Where the image's supply chain is told.
    pub sources: SupplyChainSources,
}

/// The section, for the image and the platform the page shows.
#[component]
pub fn SupplyChainSection(props: &SupplyChainProps) -> Html {
    let state = use_supply_chain(&props.repository, &props.sources);
    let subject = props
        .sources
        .attested
        .as_ref()
        .map_or(&props.sources.root, |attested| &attested.manifest);
    let status = if !state.listed {
        html! { <p class="muted" data-probe="pending">{"Reading the attestations…"}</p> }
    } else if state.statements.is_empty() && state.problems.is_empty() {
        html! { <p class="muted">{"The attestations hold no in-toto statements."}</p> }
    } else {
        Html::default()
    };
    html! {
        <section class="supply-chain" id="supply-chain" data-subject={subject.clone()}>
            <h2>{"What's in it and how it was built"}{ help(Concept::SbomVsProvenance) }</h2>
            <p class="muted">
                {"Read here: "}
                if let Some(attested) = &props.sources.attested {
                    {"the attestations attached to "}<code>{visible(&attested.platform)}</code>{" ("}
                    <code title={attested.manifest.clone()}>{short_digest(&attested.manifest)}</code>{")"}
                    if props.sources.cosign_attestation.is_some() || props.sources.cosign_sbom.is_some() || !props.sources.referred.is_empty() { {", "} }
                }
                if props.sources.cosign_attestation.is_some() || props.sources.cosign_sbom.is_some() {
                    {"cosign's attestations and SBOMs of the image"}
                    if !props.sources.referred.is_empty() { {", "} }
                }
                if !props.sources.referred.is_empty() {
                    {"the OCI 1.1 referrers of "}
                    { for props.sources.referred.iter().enumerate().map(|(at, digest)| html! {
                        <>{ if at > 0 { " and " } else { "" } }<code title={digest.clone()}>{short_digest(digest)}</code></>
                    }) }
                }
                {". Each statement is hashed against its digest in this browser, and its subject compared with \
                  what it should be about. Who made a statement is another question: a signature answers it."}
            </p>
            {status}
            { for state.problems.iter().map(|problem| html! { <p class="error" role="alert">{visible(problem)}</p> }) }
            { for state.statements.iter().filter(|statement| statement.reading != Reading::Signature).map(statement_view) }
        </section>
    }
}

fn statement_view(statement: &Statement) -> Html {
    let hinted = statement
        .layer
        .annotations
        .get(IN_TOTO_PREDICATE_TYPE)
        .cloned()
        .unwrap_or_default();
    let digest = statement.layer.digest.clone();
    let (verify, subject_state, heading, body) = match &statement.reading {
        Reading::Signature => return Html::default(),
        Reading::Pending => (
            VerifyState::Pending,
            "",
            artifact::predicate_name(&hinted).to_owned(),
            html! { <p class="muted">{"Fetching and hashing…"}</p> },
        ),
        Reading::Mismatch(why) => (
            VerifyState::Mismatch,
            "",
            artifact::predicate_name(&hinted).to_owned(),
            html! { <p class="error" role="alert">{"Not shown: its bytes do not match its digest. "}{visible(why)}</p> },
        ),
        Reading::Failed(why) => (
            VerifyState::Error,
            "",
            artifact::predicate_name(&hinted).to_owned(),
            html! { <p class="error">{visible(why)}</p> },
        ),
        Reading::Read(read) => (
            VerifyState::Verified,
            match read.about_subject {
                Some(true) => "matches",
                Some(false) => "mismatch",
                None => "none",
            },
            heading(read),
            read_body(read, &statement.subject),
        ),
    };
    let verify = verify.as_str();
    html! {
        <article class="statement" data-statement={digest.clone()} data-verify={verify} data-subject={subject_state}>
            <h3>
                {heading}{" "}<span class="muted origin">{format!("({})", statement.origin.describe())}</span>{" "}
                <code class="digest muted" title={digest.clone()}>{short_digest(&digest)}</code>
                {" "}<span class={classes!("badge", verify)}>{verify}</span>
            </h3>
            {body}
        </article>
    }
}

fn heading(read: &Attestation) -> String {
    match &read.predicate {
        Predicate::Sbom(sbom) => {
            let listed = sbom
                .packages
                .iter()
                .filter(|package| !package.described)
                .count();
            let format = match &sbom.format {
                SbomFormat::Spdx(version) => version.clone(),
                SbomFormat::CycloneDx(version) => format!("CycloneDX {version}"),
            };
            format!("SBOM ({format}): {listed} packages")
        }
        Predicate::Provenance(_) => "How it was built (SLSA provenance)".to_owned(),
        Predicate::Other | Predicate::Unreadable(_) => {
            artifact::predicate_name(&read.predicate_type).to_owned()
        }
    }
}

/// For a statement in a DSSE envelope: whether the key in the address signed it.
fn envelope_check(read: &Attestation) -> Html {
    if !read.enveloped {
        return Html::default();
    }
    let key = share_link::query_value(&url_state::search(), KEY_PARAM)
        .and_then(|key| PublicKey::from_address_value(&key).ok());
    match key.and_then(|key| read.signed_by(&[key])) {
        Some(true) => html! {
            <p class="envelope-signature valid" data-envelope-signature="valid">
                {"Its DSSE envelope is signed by the key given, checked in this browser."}
            </p>
        },
        Some(false) => html! {
            <p class="envelope-signature invalid error" data-envelope-signature="invalid">
                {"Its DSSE envelope is not signed by the key given: someone else made this statement."}
            </p>
        },
        None => html! {
            <p class="muted">{"It came in a DSSE envelope: give a public key under Signature to check who signed it."}</p>
        },
    }
}

fn read_body(read: &Rc<Attestation>, subject: &str) -> Html {
    let finding = (read.about_subject == Some(false)).then(|| {
        html! {
            <p class="error subject-mismatch" role="alert">
                <strong>{"This statement is not about this image. "}</strong>
                if read.subjects.is_empty() {
                    {"It names no subject, "}
                } else {
                    {"Its subject is "}
                    { for read.subjects.iter().map(|named| html! { <><code>{visible(named)}</code>{" "}</> }) }
                }
                {"while it is attached to "}<code>{subject.to_owned()}</code>
                {": what it says below describes something else."}
            </p>
        }
    });
    let content = match &read.predicate {
        Predicate::Sbom(_) => html! { <PackageTable sbom={read.clone()} /> },
        Predicate::Provenance(provenance) => provenance_facts(provenance),
        Predicate::Other => html! {
            <p class="muted">{"Predicate "}<code>{visible(&read.predicate_type)}</code>{": Strata shows its kind only."}</p>
        },
        Predicate::Unreadable(why) => {
            html! { <p class="error">{"Its predicate could not be read: "}{visible(why)}</p> }
        }
    };
    html! {
        <>
            { finding.unwrap_or_default() }
            { envelope_check(read) }
            if read.about_subject.is_none() {
                <p class="muted">{"An SBOM cosign attached as it is: it names no subject, and only its tag's name ties it to this image."}</p>
            }
            {content}
        </>
    }
}
