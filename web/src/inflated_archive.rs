//! An archive compressed whole (`.tar.gz`, `.tar.zst`) inflated as the file streams, into a blob the
//! browser keeps (on disk when it is large) and the page then slices like a plain tar: gzip by the
//! browser's own `DecompressionStream`, zstd by core's push decoder (Chromium's has none). What it
//! inflates to is bounded, against a small file that claims to be an enormous archive.

use strata_archive::{ArchiveCompression, MOST_INFLATED_BYTES};
use strata_layers::ZstdStream;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::download;

/// The inflated bytes gathered into blobs of about this size, which the final blob is made of.
const BLOB_PIECE: usize = 8 << 20;

#[wasm_bindgen]
extern "C" {
    /// The browser's own streaming decompressor.
    type DecompressionStream;
    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<DecompressionStream, JsValue>;
}

/// The tar inside an archive file (the file itself when it is not compressed).
pub async fn inflated(
    file: &web_sys::File,
    compression: ArchiveCompression,
) -> Result<web_sys::Blob, String> {
    match compression {
        ArchiveCompression::None => Ok(file.clone().into()),
        ArchiveCompression::Gzip => {
            let inflated = through_decompression_stream(&file.stream(), "gzip")?;
            gather(&inflated, "gzip", |bytes, out| {
                out(bytes);
                Ok(())
            })
            .await
        }
        ArchiveCompression::Zstd => {
            let mut inflater = ZstdStream::new();
            let blob = gather(&file.stream(), "zstd", |bytes, out| {
                inflater
                    .push(bytes, &mut |piece: &[u8]| {
                        out(piece);
                        Ok(())
                    })
                    .map_err(|error| error.to_string())
            })
            .await?;
            inflater
                .finish()
                .map_err(|error| format!("The zstd archive is damaged: {error}."))?;
            Ok(blob)
        }
    }
}

fn through_decompression_stream(
    stream: &web_sys::ReadableStream,
    format: &str,
) -> Result<web_sys::ReadableStream, String> {
    let inflater = DecompressionStream::new(format).map_err(|_| {
        format!(
            "This browser cannot inflate a {format} archive: decompress it first ({format} -d), then open the tar."
        )
    })?;
    let pipe_through: js_sys::Function = js_sys::Reflect::get(stream, &"pipeThrough".into())
        .and_then(|function| function.dyn_into())
        .map_err(|_| "the browser cannot stream the file".to_owned())?;
    pipe_through
        .call1(stream, &inflater)
        .and_then(|piped| piped.dyn_into())
        .map_err(|_| "the browser cannot stream the file".to_owned())
}

/// Reads `stream` to its end, each chunk through `inflate` (which hands out what it inflated), into one
/// blob made of pieces of [`BLOB_PIECE`]; stops past [`MOST_INFLATED_BYTES`].
async fn gather(
    stream: &web_sys::ReadableStream,
    format: &str,
    mut inflate: impl FnMut(&[u8], &mut dyn FnMut(&[u8])) -> Result<(), String>,
) -> Result<web_sys::Blob, String> {
    let damaged = |error: String| format!("The {format} archive is damaged: {error}.");
    let reader: web_sys::ReadableStreamDefaultReader = stream
        .get_reader()
        .dyn_into()
        .map_err(|_| "the browser cannot stream the file".to_owned())?;
    let pieces = js_sys::Array::new();
    let mut piece: Vec<u8> = Vec::new();
    let mut total: u64 = 0;
    loop {
        let chunk = JsFuture::from(reader.read())
            .await
            .map_err(|error| damaged(format!("{error:?}")))?;
        if js_sys::Reflect::get(&chunk, &"done".into()).is_ok_and(|done| done.is_truthy()) {
            break;
        }
        let value = js_sys::Reflect::get(&chunk, &"value".into())
            .map_err(|_| "the file could not be read".to_owned())?;
        let bytes = js_sys::Uint8Array::new(&value).to_vec();
        inflate(&bytes, &mut |out: &[u8]| {
            total += out.len() as u64;
            piece.extend_from_slice(out);
        })
        .map_err(damaged)?;
        if total > MOST_INFLATED_BYTES {
            let _ = reader.cancel();
            return Err(format!(
                "The {format} archive inflates to more than {} GiB: Strata stops there.",
                MOST_INFLATED_BYTES >> 30
            ));
        }
        if piece.len() >= BLOB_PIECE {
            pieces.push(&blob_of(&piece)?);
            piece.clear();
        }
    }
    pieces.push(&blob_of(&piece)?);
    download::blob(&pieces, "")
}

fn blob_of(bytes: &[u8]) -> Result<JsValue, String> {
    download::blob(&js_sys::Array::of1(&js_sys::Uint8Array::from(bytes)), "").map(Into::into)
}
