//! Small presentation helpers: sizes and short digests as people read them, and untrusted values as text
//! or safe links.

/// `1.4 MB`-style sizes (powers of 1000, as registries and Docker Hub show them), with exact bytes for small ones.
pub fn size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["kB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// The first 12 hex characters of a digest, as Docker shows image IDs.
pub fn short_digest(digest: &str) -> String {
    match digest.split_once(':') {
        Some((algorithm, encoded)) => {
            format!("{algorithm}:{}", encoded.get(..12).unwrap_or(encoded))
        }
        None => digest.to_owned(),
    }
}

/// A value written by the image's author: text, or a link when it is a plain http(s) URL (never a script).
pub fn untrusted_value(value: &str) -> yew::Html {
    use yew::html;
    match strata_core::safe_link::http_url(value) {
        Some(url) => html! {
            <a class="external" href={url.to_owned()} rel="noopener noreferrer nofollow" target="_blank">{value.to_owned()}</a>
        },
        None => html! { {value.to_owned()} },
    }
}
