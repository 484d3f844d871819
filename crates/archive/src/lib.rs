//! Image archives a reader has as a file — `docker save` (the legacy form and Docker 25's OCI form), an
//! OCI image layout written as a tar (`oci-archive`) — read with no I/O: from the archive's tar index
//! ([`strata_layers::TarIndex`]), which of its members holds which document or blob, so the page slices
//! only those out of the file and verifies each against the digest that names it.

#![warn(missing_docs)]

mod compression;
mod contents;
mod layout;
mod local_name;

pub use compression::{ArchiveCompression, MOST_INFLATED_BYTES, SNIFFED_BYTES};
pub use contents::{BlobSource, LocalBlob, LocalImage, blob_digest, oci_images};
pub use layout::{ArchiveError, ArchiveLayout, LegacyImage};
pub use local_name::{address_names_archive, local_reference, local_repository};
