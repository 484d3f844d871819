//! The parts of the files view around its list: each layer's progress, the largest directories, and the
//! preview of the selected file.

use std::rc::Rc;

use strata_explain::hex_dump::{as_text, hex_dump_first};
use strata_image::digest::Digest;
use strata_image::manifest::Descriptor;
use yew::prelude::*;

use super::format::{short_digest, size, visible, visible_lines, visible_string};
use super::size_bar::bar;
use crate::files_state::{FilePreview, LayerStatus};
use crate::layer_stream::PREVIEW_LIMIT;

/// Directories the chart shows.
const CHARTED_DIRECTORIES: usize = 12;

/// The links between the merged view and each layer's changes; `link` makes a files link for a layer
/// digest (`None`: merged).
pub fn layer_nav(
    layers: &[Descriptor],
    selected: Option<usize>,
    link: impl Fn(Option<String>) -> String,
) -> Html {
    html! {
        <nav class="file-views">
            <a href={link(None)} class={classes!(selected.is_none().then_some("current"))}>{"All layers merged"}</a>
            { for layers.iter().enumerate().map(|(index, layer)| {
                let label = format!("Layer #{} ({})", index + 1, short_digest(&layer.digest));
                let current = classes!((selected == Some(index)).then_some("current"));
                // Only a digest that names the layer goes into a link.
                match Digest::parse(&layer.digest) {
                    Ok(digest) => html! { <a href={link(Some(digest.to_string()))} class={current}>{label}</a> },
                    Err(_) => html! { <span class={classes!("invalid-digest", current)}>{label}</span> },
                }
            }) }
        </nav>
    }
}

/// Layer `index`'s progress line; `total` is its compressed size.
pub fn progress_row(index: usize, status: &LayerStatus, total: u64) -> Html {
    let (label, fraction, class) = progress_parts(status, total);
    html! {
        <li class={classes!("layer-progress-row", class)}>
            <span class="layer-number">{format!("#{}", index + 1)}</span>
            <progress max="1" value={fraction.min(1.0).to_string()}></progress>
            <span>{visible(&label)}</span>
        </li>
    }
}

/// A layer's progress in words, as a fraction, and as a class: `waiting`, `streaming`, `done`, `failed`
/// or `cancelled`.
pub fn progress_parts(status: &LayerStatus, total: u64) -> (String, f64, &'static str) {
    match status {
        LayerStatus::Waiting => ("waiting".to_owned(), 0.0, "waiting"),
        LayerStatus::Streaming(progress, elapsed_ms) => (
            format!(
                "{} of {} read ({}/s), {} entries",
                size(progress.compressed_bytes),
                size(total),
                size((progress.compressed_bytes as f64 / (elapsed_ms / 1000.0).max(0.001)) as u64),
                progress.entries
            ),
            progress.compressed_bytes as f64 / total.max(1) as f64,
            "streaming",
        ),
        LayerStatus::Done(summary) => (
            format!(
                "{} read, {} uncompressed, {} entries — compressed {}, uncompressed {}",
                size(summary.progress.compressed_bytes),
                size(summary.progress.uncompressed_bytes),
                summary.progress.entries,
                summary.compressed.data_verify(),
                summary.uncompressed.data_verify()
            ),
            1.0,
            "done",
        ),
        LayerStatus::Failed(message) => (message.clone(), 1.0, "failed"),
        LayerStatus::Cancelled => ("cancelled".to_owned(), 0.0, "cancelled"),
    }
}

/// The largest directories, as bars against the largest.
pub fn directory_chart(directories: &[(String, u64)]) -> Html {
    let largest = directories.first().map_or(1, |(_, bytes)| (*bytes).max(1));
    html! {
        <div class="directory-sizes">
            <h3>{"Largest directories"}</h3>
            { for directories.iter().take(CHARTED_DIRECTORIES).map(|(path, bytes)| html! {
                <div class="directory-bar">
                    { bar(*bytes, largest) }
                    <code>{visible(path)}</code>{" "}<span class="size">{size(*bytes)}</span>
                </div>
            }) }
        </div>
    }
}

/// The selected file: its first bytes (text, or a hex dump), its size and SHA-256 over every byte, and
/// `a#download-file` with every byte once read whole (`read_whole` asks for that, for a large file).
pub fn preview_panel(
    preview: &Result<Rc<FilePreview>, String>,
    read_whole: Option<Callback<MouseEvent>>,
) -> Html {
    let preview = match preview {
        Err(message) => {
            return html! { <div class="preview"><p class="error" role="alert">{visible(message)}</p></div> };
        }
        Ok(preview) => preview,
    };
    let bytes = preview.first_bytes.as_slice();
    let body = match as_text(bytes) {
        Some(text) => html! { <pre class="file-preview">{visible_lines(text)}</pre> },
        None => {
            html! { <pre class="file-preview hex">{hex_dump_first(bytes, PREVIEW_LIMIT)}</pre> }
        }
    };
    let name = preview.path.rsplit('/').next().unwrap_or("file").to_owned();
    let digest = preview.file.digest.to_string();
    let shown = bytes.len() as u64;
    html! {
        <div class="preview" data-preview-path={preview.path.clone()} data-sha256={digest.clone()} data-size={preview.file.size.to_string()}>
            <h3>{visible(&preview.path)}</h3>
            if let Some(target) = &preview.read_from {
                <p class="muted">{"A hard link: its bytes are those of "}<code>{visible(target)}</code>{"."}</p>
            }
            <p class="file-facts">
                {format!("{} in layer #{} · SHA-256 ", size(preview.file.size), preview.layer + 1)}
                <code class="file-digest">{digest}</code>
                {" (computed in this browser as the verified layer streamed)"}
            </p>
            <p class="file-download">
                if let Some(url) = &preview.download {
                    <a id="download-file" href={url.clone()} download={name}>{format!("Download {} ({})", visible_string(&preview.path), size(preview.file.size))}</a>
                } else if let Some(read_whole) = read_whole {
                    <button id="read-whole-file" onclick={read_whole}>{format!("Read all {} for download", size(preview.file.size))}</button>
                }
            </p>
            if let Some(fetched) = preview.fetched_from_checkpoint {
                <p class="muted read-from-checkpoint" data-fetched-bytes={fetched.to_string()}>
                    {format!("Read again from the nearest checkpoint before it: {} of the layer fetched (an HTTP range), \
                        its bytes checked against the SHA-256 the full read saw.", size(fetched))}
                </p>
            }
            if shown < preview.file.size {
                <p class="muted">{format!("The first {} of {} are shown.", size(shown), size(preview.file.size))}</p>
            }
            {body}
        </div>
    }
}
