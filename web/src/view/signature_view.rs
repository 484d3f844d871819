//! The image's signature: `valid`, `invalid`, `no-key` or `unsigned` (`data-signature`), the digest it
//! vouches for (`data-signed-digest`) and why; with a key, the shown platform's own signature too
//! (`data-platform-signature`); and a box for the reader's public key (PEM), which goes into the address
//! as `key=` so the link checks the same signature with the same key.

use strata_explain::concept::Concept;
use strata_explain::share_link;
use strata_supply_chain::{base64, public_key};
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use super::concept_help::help;
use super::format::{short_digest, utc_minute, visible};
use crate::inspect_state::InspectState;
use crate::navigation;
use crate::registry_api::Repository;
use crate::signature_check::{KEY_PARAM, use_platform_signature, use_signature_check};
use crate::url_state;

#[derive(Properties, PartialEq)]
pub struct SignatureViewProps {
    pub state: UseReducerHandle<InspectState>,
    pub repository: Repository,
}

/// The signature section.
#[component]
pub fn SignatureView(props: &SignatureViewProps) -> Html {
    let key =
        share_link::query_value(&url_state::search(), KEY_PARAM).filter(|key| !key.is_empty());
    let result = use_signature_check(&props.state, &props.repository, key.clone());
    let platform = use_platform_signature(&props.state, &props.repository, key.clone());
    let key_error = use_state(|| None::<String>);
    let oninput = {
        let key_error = key_error.clone();
        Callback::from(move |event: InputEvent| {
            let Some(area) = event.target_dyn_into::<HtmlTextAreaElement>() else {
                return;
            };
            match public_key::pem_public_key_der(&area.value()) {
                Some(der) => {
                    key_error.set(None);
                    url_state::set_params(&[(KEY_PARAM, Some(&base64::encode(&der, true)))]);
                    navigation::rerender();
                }
                None => key_error.set(Some(
                    "Paste a PEM public key: -----BEGIN PUBLIC KEY----- … -----END PUBLIC KEY-----"
                        .to_owned(),
                )),
            }
        })
    };
    let check = match &result {
        // Keyless signatures and Sigstore bundles are checked with crypto only the module with every page
        // holds.
        #[cfg(not(feature = "all-pages"))]
        None if crate::signature_check::checked_by_all_pages(&props.state) => {
            html! { <crate::hand_over::HandOver /> }
        }
        None => {
            html! { <p class="signature-check muted">{"Looking for a cosign signature…"}</p> }
        }
        Some(result) => html! {
            <div class={classes!("signature-check", result.verdict)} data-signature={result.verdict}
                data-signed-digest={result.signed_digest.clone()}>
                <p>
                    <strong>{ match &result.signer {
                        Some(signer) if signer.logged_at.is_some() => "Signed keyless, and checked:",
                        Some(_) => "Signed with a certificate, and checked:",
                        None => verdict_words(result.verdict),
                    } }</strong>
                    {" "}<code title={result.signed_digest.clone()}>{short_digest(&result.signed_digest)}</code>
                    if let Some(reference) = &result.signed_reference {
                        {" signed as "}<code>{visible(reference)}</code>
                    }
                </p>
                if let Some(signer) = &result.signer {
                    if let Some(logged_at) = signer.logged_at {
                        <p class="signer" data-signer={signer.who.clone()}>{"Keyless: signed by "}{visible(&signer.who)}
                            {format!(", its certificate checked up to the proxy's Sigstore trust root at the time the \
                              log recorded it ({} UTC).", utc_minute(logged_at))}</p>
                    } else {
                        <p class="signer" data-signer={signer.who.clone()}>{"Signed by "}{visible(&signer.who)}
                            {", with a certificate checked up to a CA the proxy's trust root names, as of now: no \
                              transparency log recorded when it was made (one's own PKI)."}</p>
                    }
                }
                if let Some(reason) = &result.reason { <p class="muted signature-reason">{visible(reason)}</p> }
            </div>
        },
    };
    html! {
        <section class="signatures">
            <h2>{"Signature"}{ help(Concept::Signatures) }</h2>
            { check }
            if let Some((platform, result)) = platform {
                <div class={classes!("platform-signature-check", result.verdict)} data-platform-signature={result.verdict}
                    data-signed-digest={result.signed_digest.clone()}>
                    <p>
                        {"The manifest of "}<code>{visible(&platform)}</code>{" itself: "}
                        <strong>{verdict_words(result.verdict)}</strong>
                        {" "}<code title={result.signed_digest.clone()}>{short_digest(&result.signed_digest)}</code>
                    </p>
                    if let Some(reason) = &result.reason { <p class="muted signature-reason">{visible(reason)}</p> }
                </div>
            }
            <details class="public-key" open={key.is_some()}>
                <summary>{"Check with a public key"}</summary>
                <label for="public-key">{"cosign public key (PEM), checked in this browser:"}</label>
                <textarea id="public-key" rows="4" spellcheck="false" {oninput}
                    placeholder="-----BEGIN PUBLIC KEY-----" />
                if let Some(error) = &*key_error { <p class="error">{error.clone()}</p> }
            </details>
        </section>
    }
}

fn verdict_words(verdict: &str) -> &'static str {
    match verdict {
        "valid" => "Signed with the key given:",
        "invalid" => "Not validly signed by the key given:",
        "no-key" => "Signed (not checked: no key given):",
        _ => "Not signed:",
    }
}
