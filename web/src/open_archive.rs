//! Opens an image archive the reader chose, in the tab: its tar index read by slicing the file (headers
//! only), what it holds found by core (`strata-archive`), and each blob kept as a slice of the file under
//! a `blob:` URL (`local_archive`). Nothing is hashed here: the views verify every byte they show against
//! the digest that names it, as they do a registry's.

use std::collections::HashMap;

use strata_archive::{
    ArchiveCompression, ArchiveLayout, BlobSource, LocalBlob, LocalImage, SNIFFED_BYTES,
    blob_digest, oci_images,
};
use strata_layers::{IndexStep, TarIndex, TarMember};
use wasm_bindgen_futures::JsFuture;

use crate::{download, inflated_archive, local_archive};

/// An archive opened: the repository it is shown under, and what it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Opened {
    /// `archive-<hash>`, of the registry `local.invalid` (see `strata_archive::local_repository`).
    pub repository: String,
    /// The file's name, as the reader's disk has it.
    pub file: String,
    /// The images it holds.
    pub images: Vec<LocalImage>,
    /// What could not be read, entry by entry; what could be is still shown.
    pub problems: Vec<String>,
}

/// Opens a `docker save` tarball or an OCI layout tar, plain or compressed whole.
pub async fn open_file(file: web_sys::File) -> Result<Opened, String> {
    let name = file.name();
    let repository = strata_archive::local_repository(&name, file.size(), file.last_modified());
    let first = read(&file, 0.0, SNIFFED_BYTES as f64).await?;
    let compression = ArchiveCompression::of(&first);
    let tar = inflated_archive::inflated(&file, compression).await?;
    let mut problems = Vec::new();
    let members = members(&tar, &mut problems).await?;
    let layout = ArchiveLayout::from_members(&members).map_err(|error| error.to_string())?;
    problems.extend(layout.outside().iter().map(|path| {
        format!("The archive's entry {path:?} points outside the archive: it was left out.")
    }));
    let mut images = match layout.oci_index() {
        Some(index) => match oci_images(&read_member(&tar, index).await?) {
            Ok(images) => images,
            Err(error) => {
                problems.push(error.to_string());
                Vec::new()
            }
        },
        None => Vec::new(),
    };
    let mut blobs = layout.oci_blobs();
    if images.is_empty()
        && let Some(manifest_json) = layout.manifest_json()
    {
        let manifest_json = read_member(&tar, manifest_json).await?;
        let legacy = layout
            .legacy_images(&manifest_json)
            .map_err(|error| error.to_string())?;
        for (position, image) in legacy.iter().enumerate() {
            let image = match image {
                Ok(image) => image,
                Err(error) => {
                    problems.push(error.to_string());
                    continue;
                }
            };
            problems.extend(image.missing.iter().map(ToString::to_string));
            let config = read_member(&tar, &image.config).await?;
            match image.written_manifest(position, &config) {
                Ok((image, written)) => {
                    images.push(image);
                    blobs.extend(written);
                }
                Err(error) => problems.push(error.to_string()),
            }
        }
    }
    register(repository, name, &tar, images, blobs, problems)
}

/// Opens an OCI layout directory the reader picked: its files, each with its path below the directory.
pub async fn open_directory(files: Vec<web_sys::File>) -> Result<Opened, String> {
    let mut by_path: HashMap<String, web_sys::File> = HashMap::new();
    let mut directory = String::new();
    for file in files {
        let relative = relative_path(&file);
        let (top, path) = relative.split_once('/').unwrap_or(("", relative.as_str()));
        directory = top.to_owned();
        by_path.insert(path.to_owned(), file);
    }
    let (Some(index), true) = (
        by_path.get("index.json"),
        by_path.contains_key("oci-layout"),
    ) else {
        return Err(format!(
            "The directory {directory} is not an OCI image layout: it needs index.json and oci-layout."
        ));
    };
    let index = read(index, 0.0, index.size()).await?;
    let images = oci_images(&index).map_err(|error| error.to_string())?;
    let mut blobs = Vec::new();
    for (path, file) in &by_path {
        if let Some(digest) = blob_digest(path) {
            blobs.push((digest.to_string(), web_sys::Blob::from(file.clone())));
        }
    }
    let roots = root_types(&images);
    let blobs = blobs
        .into_iter()
        .map(|(digest, blob)| match roots.get(&digest) {
            Some(kind) => slice(&blob, 0.0, blob.size(), kind).map(|typed| (digest, typed)),
            None => Ok((digest, blob)),
        })
        .collect::<Result<Vec<_>, String>>()?;
    let size: f64 = by_path.values().map(|file| file.size()).sum();
    let modified = by_path
        .values()
        .map(web_sys::File::last_modified)
        .fold(0.0, f64::max);
    let repository = strata_archive::local_repository(&directory, size, modified);
    local_archive::register(&repository, &directory, &blobs, &[])?;
    Ok(Opened {
        repository,
        file: directory,
        images,
        problems: Vec::new(),
    })
}

/// A file's path below the directory the reader picked (`webkitRelativePath`), empty for a single file.
pub fn relative_path(file: &web_sys::File) -> String {
    js_sys::Reflect::get(file, &"webkitRelativePath".into())
        .ok()
        .and_then(|path| path.as_string())
        .unwrap_or_default()
}

/// Keeps every blob under a `blob:` URL; an image's root carries its media type, as a registry's would.
fn register(
    repository: String,
    file: String,
    tar: &web_sys::Blob,
    images: Vec<LocalImage>,
    blobs: Vec<LocalBlob>,
    problems: Vec<String>,
) -> Result<Opened, String> {
    let roots = root_types(&images);
    let kept = blobs
        .into_iter()
        .map(|blob| {
            let digest = blob.digest.to_string();
            let kind = roots.get(&digest).map_or("", String::as_str);
            let bytes = match &blob.source {
                BlobSource::Member(member) => slice(
                    tar,
                    member.offset as f64,
                    (member.offset + member.size) as f64,
                    kind,
                )?,
                BlobSource::Written(bytes) => written(bytes, kind)?,
            };
            Ok((digest, bytes))
        })
        .collect::<Result<Vec<_>, String>>()?;
    let written: Vec<String> = images
        .iter()
        .filter(|image| image.written)
        .map(|image| image.digest.to_string())
        .collect();
    local_archive::register(&repository, &file, &kept, &written)?;
    Ok(Opened {
        repository,
        file,
        images,
        problems,
    })
}

fn root_types(images: &[LocalImage]) -> HashMap<String, String> {
    images
        .iter()
        .map(|image| (image.digest.to_string(), image.served_type().to_owned()))
        .collect()
}

/// The archive's members, read by seeking; a tar cut short or damaged keeps the members before the
/// damage, and says where it is.
async fn members(
    tar: &web_sys::Blob,
    problems: &mut Vec<String>,
) -> Result<Vec<TarMember>, String> {
    let mut index = TarIndex::new(tar.size() as u64);
    while let IndexStep::Read { offset, len } = index.next_step() {
        let bytes = read(tar, offset as f64, (offset + len as u64) as f64).await?;
        if let Err(error) = index.feed(&bytes) {
            if index.members().is_empty() {
                return Err(format!("The file is not a tar archive: {error}."));
            }
            problems.push(format!(
                "The archive is damaged: {error}. What comes before it is shown."
            ));
            break;
        }
    }
    Ok(index.members().to_vec())
}

async fn read_member(tar: &web_sys::Blob, member: &TarMember) -> Result<Vec<u8>, String> {
    read(
        tar,
        member.offset as f64,
        (member.offset + member.size) as f64,
    )
    .await
}

async fn read(blob: &web_sys::Blob, start: f64, end: f64) -> Result<Vec<u8>, String> {
    let part = blob
        .slice_with_f64_and_f64(start, end)
        .map_err(|_| "the browser could not slice the file".to_owned())?;
    let buffer = JsFuture::from(part.array_buffer())
        .await
        .map_err(|error| format!("the file could not be read: {error:?}"))?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

fn slice(blob: &web_sys::Blob, start: f64, end: f64, kind: &str) -> Result<web_sys::Blob, String> {
    blob.slice_with_f64_and_f64_and_content_type(start, end, kind)
        .map_err(|_| "the browser could not slice the file".to_owned())
}

fn written(bytes: &[u8], kind: &str) -> Result<web_sys::Blob, String> {
    download::blob(&js_sys::Array::of1(&js_sys::Uint8Array::from(bytes)), kind)
}
