//! One row of the tag table: the tag (a link; the whole row opens it) and what is known of its image, with
//! the `data-*` attributes every detail is tested by, set together once the row is read.

use strata_image::tag_table;
use strata_image::verification::VerifyState;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::format::{short_digest, size, visible, visible_string};
use crate::navigation;
use crate::route::tag_href;
use crate::tag_details::TagDetail;

/// A row's height in pixels (the stylesheet's `.tag-table tr`).
pub const ROW_HEIGHT: f64 = 30.0;

/// One tag's row: a link to its tree (the whole row opens it), and what is known of its image.
pub fn tag_row(name: &str, tag: &str, detail: Option<&TagDetail>, same_as: Option<&str>) -> Html {
    let href = tag_href(name, tag);
    let link = match &href {
        Ok(href) => html! { <a href={href.clone()}><code>{visible(tag)}</code></a> },
        Err(_) => html! { <code>{visible(tag)}</code> },
    };
    let onclick = href.clone().ok().map(|href| {
        Callback::from(move |event: MouseEvent| {
            let on_link = event
                .target()
                .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
                .and_then(|element| element.closest("a, button, input, select").ok().flatten())
                .is_some();
            if !on_link {
                navigation::navigate(&href);
            }
        })
    });
    let title = href.as_ref().err().map(ToString::to_string);
    let class = classes!(href.is_err().then_some("invalid-tag"));
    let (digest, verify, cells) = match detail {
        Some(TagDetail::Known { digest, summary }) => (
            Some(digest.clone()),
            Some(VerifyState::Verified),
            html! {
                <>
                    <td class="tag-digest" title={digest.clone()}><code>{short_digest(digest)}</code></td>
                    <td class="tag-platforms">{ for summary.platforms.iter().map(|platform| html! {
                        <span class="platform-chip">{visible(platform)}</span>
                    }) }</td>
                    <td class="tag-size number">{summary.size.map(size).unwrap_or_default()}</td>
                    <td class="tag-created">{summary.created.as_deref().map(created).unwrap_or_default()}</td>
                </>
            },
        ),
        Some(TagDetail::Failed {
            digest,
            reason,
            mismatch,
        }) => (
            digest.clone(),
            Some(if *mismatch {
                VerifyState::Mismatch
            } else {
                VerifyState::Error
            }),
            html! {
                <>
                    <td class="tag-digest" title={digest.clone().unwrap_or_default()}>
                        <code>{digest.as_deref().map(short_digest).unwrap_or_default()}</code>
                    </td>
                    <td class={classes!("tag-failed", mismatch.then_some("mismatch"))} colspan="3" title={reason.clone()}>
                        {if *mismatch { "Digest mismatch: " } else { "Not read: " }}{visible_string(reason)}
                    </td>
                </>
            },
        ),
        Some(TagDetail::Named { digest }) => (
            Some(digest.clone()),
            None,
            html! {
                <>
                    <td class="tag-digest" title={digest.clone()}><code>{short_digest(digest)}</code></td>
                    <td class="muted" colspan="3">{"not read: each read counts as a pull"}</td>
                </>
            },
        ),
        Some(TagDetail::Reading { digest }) => (
            None,
            Some(VerifyState::Pending),
            html! {
                <>
                    <td class="tag-digest"><code>{digest.as_deref().map(short_digest).unwrap_or_default()}</code></td>
                    <td class="muted" colspan="3">{"reading…"}</td>
                </>
            },
        ),
        None => (None, None, html! { <td colspan="4"></td> }),
    };
    let known = match detail {
        Some(TagDetail::Known { summary, .. }) => Some(summary),
        _ => None,
    };
    html! {
        <tr data-tag={tag.to_owned()} {class} {title} {onclick}
            data-digest={digest}
            data-verify={verify.map(VerifyState::as_str)}
            data-platforms={known.map(|summary| summary.platforms.join(","))}
            data-size={known.and_then(|summary| summary.size).map(|bytes| bytes.to_string())}
            data-created={known.and_then(|summary| summary.created.clone())}
            data-same-as={same_as.map(str::to_owned)}>
            <td class="tag-name">{link}</td>
            {cells}
            <td class="tag-same">{same_as.map(|first| html! { <>{"= "}<code>{visible(first)}</code></> }).unwrap_or_default()}</td>
        </tr>
    }
}

/// `2024-05-01 10:00` from RFC 3339, or the text as the config wrote it.
fn created(text: &str) -> Html {
    match (tag_table::created_seconds(text), text.get(..16)) {
        (Some(_), Some(minutes)) => html! {
            <time datetime={text.to_owned()}>{minutes.replacen(['T', 't'], " ", 1)}</time>
        },
        _ => visible(text),
    }
}
