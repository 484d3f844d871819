//! What the page made (an exported list, a file's bytes) handed to the browser: a `blob:` URL the page
//! owns, offered through a link with `download`.

use wasm_bindgen::{JsCast, JsValue};

/// A blob of `parts` (strings, byte arrays or blobs), typed `mime`: the browser holds it, on disk when it
/// is large.
pub fn blob(parts: &js_sys::Array, mime: &str) -> Result<web_sys::Blob, String> {
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    web_sys::Blob::new_with_u8_array_sequence_and_options(parts, &options)
        .map_err(|_| "the browser could not hold the bytes".to_owned())
}

/// A `blob:` URL for `parts` (strings or byte arrays), typed `mime`.
pub fn blob_url(parts: &js_sys::Array, mime: &str) -> Result<String, String> {
    web_sys::Url::create_object_url_with_blob(&blob(parts, mime)?)
        .map_err(|_| "the browser gave no address for the bytes".to_owned())
}

/// Saves `text` as `file_name` through the page's hidden export link (`a#export-download`, made on first
/// use), the previous export's address given back to the browser.
pub fn save_text(file_name: &str, mime: &str, text: &str) -> Result<(), String> {
    let document = web_sys::window()
        .and_then(|window| window.document())
        .ok_or("the page has no document")?;
    let url = blob_url(&js_sys::Array::of1(&JsValue::from_str(text)), mime)?;
    let link = match document.get_element_by_id("export-download") {
        Some(link) => link,
        None => {
            let link = document
                .create_element("a")
                .map_err(|_| "no link could be made")?;
            link.set_id("export-download");
            link.set_attribute("hidden", "")
                .map_err(|_| "no link could be made")?;
            document
                .body()
                .ok_or("the page has no body")?
                .append_child(&link)
                .map_err(|_| "no link could be made")?;
            link
        }
    };
    let link: web_sys::HtmlAnchorElement = link
        .dyn_into()
        .map_err(|_| "the export link is not a link")?;
    let previous = link.href();
    if previous.starts_with("blob:") {
        let _ = web_sys::Url::revoke_object_url(&previous);
    }
    link.set_href(&url);
    link.set_download(file_name);
    link.click();
    Ok(())
}
