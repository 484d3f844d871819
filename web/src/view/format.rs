//! Small presentation helpers: sizes and short digests as people read them, untrusted values as text or
//! safe links, and text from registries and images with its hidden characters shown.

use strata_explain::visible_text::{self, Breaks, Piece};
use yew::{Html, html};

/// `1.4 MB`-style sizes (powers of 1000, as registries and Docker Hub show them), with exact bytes for small ones.
pub fn size(bytes: u64) -> String {
    strata_explain::human_size::decimal(bytes)
}

/// `2026-01-01 00:00` (UTC) from seconds since the epoch.
pub fn utc_minute(seconds: i64) -> String {
    let iso: String = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(seconds as f64 * 1000.0))
        .to_iso_string()
        .into();
    iso.get(..16).map(|s| s.replace('T', " ")).unwrap_or(iso)
}

/// The first 12 characters of a digest's encoded part, as Docker shows image IDs; a digest from a
/// manifest may be anything, so its hidden characters are shown.
pub fn short_digest(digest: &str) -> String {
    let short = match digest.split_once(':') {
        Some((algorithm, encoded)) => {
            let head: String = encoded.chars().take(12).collect();
            format!("{algorithm}:{head}")
        }
        None => digest.to_owned(),
    };
    visible_text::visible(&short).into_owned()
}

/// A name, tag, path or other one-line text from a registry or an image: characters that draw nothing or
/// reorder text are shown as escapes (`\u{202E}`), marked so they cannot be taken for typed text.
pub fn visible(text: &str) -> Html {
    pieces(text, Breaks::Escaped)
}

/// Like [`visible`] for text shown as lines (file contents, raw documents): line breaks and tabs stay.
pub fn visible_lines(text: &str) -> Html {
    pieces(text, Breaks::Kept)
}

/// For attributes (`title`, `aria-label`) and text put together with other words.
pub fn visible_string(text: &str) -> String {
    visible_text::visible(text).into_owned()
}

fn pieces(text: &str, breaks: Breaks) -> Html {
    html! {
        { for visible_text::pieces(text, breaks).into_iter().map(|piece| match piece {
            Piece::Text(text) => html! { {text.to_owned()} },
            hidden @ Piece::Hidden(character) => html! {
                <span class="hidden-character" title={format!("U+{:04X}: an invisible or reordering character, shown instead of applied", u32::from(character))}>
                    {hidden.shown().into_owned()}
                </span>
            },
        }) }
    }
}

/// A value written by the image's author: text, or a link when it is a plain http(s) URL (never a script).
pub fn untrusted_value(value: &str) -> Html {
    match strata_explain::safe_link::http_url(value) {
        Some(url) => html! {
            <a class="external" href={url.to_owned()} rel="noopener noreferrer nofollow" target="_blank">{visible(value)}</a>
        },
        None => visible(value),
    }
}
