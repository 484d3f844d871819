//! "Copy link" and "Copy pinned link", and for a pinned link, whether its tag still points where it did.

use strata_explain::page_link;
use strata_explain::share_link::{self, PINNED_PARAM, TagNow};
use strata_image::digest::Digest;
use strata_image::reference::Reference;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use yew::prelude::*;

use super::copy_button::CopyButton;
use super::format::{short_digest, visible};
use crate::registry_api::Repository;
use crate::route::{compare_files_href, compare_href, inspect_href};
use crate::url_state;

#[derive(Properties, PartialEq)]
pub struct ShareLinksProps {
    pub reference: Reference,
    /// The digest the root verified as, once it has.
    pub resolved: Option<Digest>,
}

/// The two links of the current view: as it is addressed, and pinned to the digest its tag resolved to.
#[component]
pub fn ShareLinks(props: &ShareLinksProps) -> Html {
    let rerender = use_force_update();
    {
        use_effect_with((), move |_| {
            let listener = Closure::<dyn Fn()>::new(move || rerender.force_update());
            let window = web_sys::window();
            if let Some(window) = &window {
                let _ = window.add_event_listener_with_callback(
                    url_state::URL_CHANGED_EVENT,
                    listener.as_ref().unchecked_ref(),
                );
            }
            move || {
                if let Some(window) = window {
                    let _ = window.remove_event_listener_with_callback(
                        url_state::URL_CHANGED_EVENT,
                        listener.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }
    // The moment the tag was seen to resolve, which the pinned link records.
    let resolved_at = use_memo(props.resolved.clone(), |resolved| {
        resolved.as_ref().map(|_| now_utc())
    });
    let link = url_state::href();
    let pinned = props.resolved.as_ref().map(|resolved| {
        let reference = &props.reference;
        match (reference.tag(), reference.digest()) {
            (_, Some(_)) => link.clone(),
            _ => {
                let search = share_link::with_query_value(
                    &url_state::search(),
                    PINNED_PARAM,
                    (*resolved_at).as_deref(),
                );
                let pinned_reference = share_link::pinned_reference(reference, resolved);
                format!(
                    "{}{}{search}",
                    url_state::origin(),
                    inspect_href(&pinned_reference, None)
                )
            }
        }
    });
    html! {
        <div class="share-links">
            <a id="share-link" class="share-link" href={link.clone()}>{"Link to this view"}</a>
            <CopyButton text={link} label="Copy link" />
            if let Some(pinned) = pinned {
                <a id="pinned-link" class="pinned-link" href={pinned.clone()}
                    title="The same view, by digest: it shows these exact bytes for as long as the registry keeps them">
                    {"Pinned link"}
                </a>
                <CopyButton text={pinned} label="Copy pinned link" />
            } else {
                <span class="muted">{" The pinned link appears once the digest is verified."}</span>
            }
        </div>
    }
}

/// `2026-11-27T05:30:00Z`: now, to the second.
fn now_utc() -> String {
    let iso: String = js_sys::Date::new_0().to_iso_string().into();
    match iso.split_once('.') {
        Some((seconds, _)) => format!("{seconds}Z"),
        None => iso,
    }
}

#[derive(Properties, PartialEq)]
pub struct TagCheckProps {
    pub reference: Reference,
    /// `pinned=`: when the link was made.
    pub pinned_at: Option<String>,
    /// The page verified the bytes it shows against the pinned digest.
    pub shown_verified: bool,
}

/// For `name:tag@digest`: fetches the tag now and says whether it still points to the pinned digest.
#[component]
pub fn TagCheck(props: &TagCheckProps) -> Html {
    let verdict = use_state(|| None::<TagNow>);
    {
        let verdict = verdict.clone();
        use_effect_with(props.reference.clone(), move |reference| {
            let (Some(tag), Some(pinned)) = (reference.tag(), reference.digest()) else {
                return;
            };
            let repository = Repository::of(reference);
            let (tag, pinned) = (tag.to_owned(), pinned.clone());
            yew::platform::spawn_local(async move {
                let now = match repository.manifest(&tag).await {
                    Ok(fetched) => share_link::tag_digest(
                        &fetched.bytes,
                        fetched.content_type.as_deref(),
                        fetched.registry_digest.as_deref(),
                    )
                    .map(Some),
                    Err(error) if error.not_found => Ok(None),
                    Err(error) => Err(error.message),
                };
                verdict.set(Some(TagNow::compare(&pinned, now)));
            });
        });
    }
    let (Some(tag), Some(pinned)) = (props.reference.tag(), props.reference.digest()) else {
        return html! {};
    };
    let tagged = page_link::tagged(&props.reference.name(), tag).ok();
    let Some(verdict) = (*verdict).clone() else {
        return html! {
            <p class="tag-check muted" data-tag-status="pending">{format!("Checking where {tag} points now…")}</p>
        };
    };
    let sentence = verdict.explain(
        tag,
        pinned,
        props.pinned_at.as_deref(),
        props.shown_verified,
    );
    let current = match &verdict {
        TagNow::Moved { now } => Some(now.to_string()),
        TagNow::Unchanged => Some(pinned.to_string()),
        _ => None,
    };
    let alarming = matches!(verdict, TagNow::Moved { .. } | TagNow::Gone);
    html! {
        <div class={classes!("tag-check", if alarming { "notice warning" } else { "notice" })}
            role={if alarming { "alert" } else { "status" }}
            data-tag-status={verdict.status()} data-pinned-digest={pinned.to_string()}
            data-current-digest={current.clone().unwrap_or_default()}>
            <p>{visible(&sentence)}</p>
            if let (TagNow::Moved { now }, Some(tagged)) = (&verdict, &tagged) {
                <p>
                    {"Pinned: "}<code title={pinned.to_string()}>{short_digest(&pinned.to_string())}</code>
                    {" · now: "}<code title={now.to_string()}>{short_digest(&now.to_string())}</code>{" · "}
                    <a class="tag-now" href={inspect_href(&tagged.full(), None)}>{format!("open what {tag} points to now")}</a>
                    {" · "}
                    <a class="tag-compare" href={compare_href(&props.reference.full(), None, &tagged.full(), None)}>{"compare the two"}</a>
                    {" · "}
                    <a class="tag-compare-files" href={compare_files_href(&props.reference.full(), None, &tagged.full(), None)}>{"what changed in the files"}</a>
                </p>
            }
        </div>
    }
}
