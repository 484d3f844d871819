//! What the page and a layer-reading Web Worker say to each other: the job the page posts, and the reports
//! the worker posts back while it reads (progress and entries as they come, then one end). Both sides
//! encode and decode these types, so a field renamed on one side is renamed on the other.

use serde::{Deserialize, Serialize};
use strata_image::digest::Digest;

use crate::checkpoint::Checkpoint;
use crate::entry::FileEntry;
use crate::file_from_checkpoint::FileAt;
use crate::limits::Limits;
use crate::summary::{LayerSummary, Progress};
use crate::tar::CapturedFile;

/// One layer to read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayerJob {
    /// The blob's URL on the proxy.
    pub url: String,
    /// The layer's media type, as its manifest gives it.
    pub media_type: String,
    /// The digest of the compressed bytes.
    pub digest: Digest,
    /// The digest of the uncompressed tar, from the config, when it names one.
    pub diff_id: Option<Digest>,
    /// Bounds on what the layer may hold.
    pub limits: Limits,
    /// A path whose bytes to keep, and how many at most.
    pub capture: Option<(String, usize)>,
    /// Whether to hash every regular file's bytes (for a comparison file by file).
    #[serde(default)]
    pub hash_files: bool,
    /// Whether to hand on every byte of the captured path as it passes (a download), besides keeping
    /// its first bytes: the worker posts them as byte arrays, apart from its reports.
    #[serde(default)]
    pub stream_capture: bool,
    /// Keep a checkpoint about every this many blob bytes, and each file's data offset, so its files can
    /// be read again from a range (gzip layers only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpoints: Option<u64>,
    /// Instead of the whole layer, read only this file from a checkpoint before it, out of a range of the
    /// blob; the captured path's first bytes and (when streaming) every byte are its.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_at: Option<FileAt>,
}

/// What a worker reports about its job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LayerReport {
    /// How far it got.
    Progress(Progress),
    /// Entries whose headers were read since the last report, in tar order.
    Entries(Vec<FileEntry>),
    /// The layer ended and was checked.
    Done {
        /// Both verifications and the findings.
        summary: Box<LayerSummary>,
        /// The first bytes of the captured path, when it was in the layer.
        captured: Option<Vec<u8>>,
        /// The captured path's SHA-256 and size, over every byte.
        #[serde(default)]
        captured_file: Option<CapturedFile>,
        /// Every regular file's SHA-256 in tar order, when another worker hashed them: the entries posted
        /// came without ([`crate::attach_file_digests`] gives them theirs).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        file_digests: Vec<Digest>,
        /// The checkpoints kept, when asked for.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        checkpoints: Vec<Checkpoint>,
        /// The worker's WebAssembly memory at the end: how much reading this layer needed.
        memory_bytes: u64,
    },
    /// The layer could not be read to its end, in plain words.
    Failed(String),
    /// A later entry at the captured path started over: the bytes handed on so far are not the file's.
    CaptureRestarted,
    /// The file of a `file_at` job was read from its checkpoint and matched what the full read saw.
    FileRead {
        /// Its first bytes.
        first_bytes: Vec<u8>,
        /// Its SHA-256 and size.
        file: CapturedFile,
        /// Blob bytes fetched for it.
        fetched_bytes: u64,
    },
}

impl LayerJob {
    /// The job as the message text posted to a worker.
    pub fn to_message(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A job from a message's text.
    pub fn from_message(text: &str) -> Result<LayerJob, String> {
        serde_json::from_str(text).map_err(|error| format!("not a layer job: {error}"))
    }
}

impl LayerReport {
    /// The report as the message text posted back.
    pub fn to_message(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A report from a message's text.
    pub fn from_message(text: &str) -> Result<LayerReport, String> {
        serde_json::from_str(text).map_err(|error| format!("not a layer report: {error}"))
    }
}

#[cfg(test)]
mod tests {
    use strata_image::finding::{Finding, Severity};
    use strata_image::verification::Verification;

    use super::*;
    use crate::entry::{EntryKind, Whiteout};

    fn digest(byte: &str) -> Digest {
        Digest::parse(&format!("sha256:{}", byte.repeat(64))).expect("a digest")
    }

    #[test]
    fn jobs_and_reports_survive_the_trip() {
        let job = LayerJob {
            url: "/v2/r.example/team/app/blobs/sha256:aa".to_owned(),
            media_type: "application/vnd.oci.image.layer.v1.tar+gzip".to_owned(),
            digest: digest("a"),
            diff_id: Some(digest("b")),
            limits: Limits::default(),
            capture: Some(("/etc/os-release".to_owned(), 1024)),
            hash_files: true,
            stream_capture: true,
            checkpoints: Some(4 << 20),
            file_at: Some(FileAt {
                checkpoint: Checkpoint {
                    compressed: 10,
                    uncompressed: 0,
                    num_bits: 3,
                    bit_buf: 5,
                    window: "00ff".to_owned(),
                },
                offset: 512,
                size: 9,
                digest: digest("9"),
            }),
        };
        assert_eq!(LayerJob::from_message(&job.to_message()), Ok(job));
        let entry = FileEntry {
            path: "/usr/bin/sh".to_owned(),
            kind: EntryKind::Symlink {
                target: "busybox".to_owned(),
            },
            size: 0,
            mode: 0o777,
            uid: 0,
            gid: 0,
            mtime: -1,
            whiteout: Whiteout::None,
            content_digest: None,
            data_offset: None,
        };
        let progress = Progress {
            compressed_bytes: 10,
            uncompressed_bytes: 20,
            entries: 1,
        };
        for report in [
            LayerReport::Progress(progress),
            LayerReport::Entries(vec![entry]),
            LayerReport::Done {
                summary: Box::new(LayerSummary {
                    compressed: Verification::Verified {
                        digest: digest("a"),
                    },
                    uncompressed: Verification::Mismatch {
                        expected: digest("b").to_string(),
                        actual: digest("c"),
                    },
                    progress,
                    findings: vec![Finding::new(Severity::Warning, "odd")],
                }),
                captured: Some(b"ID=alpine\n".to_vec()),
                captured_file: Some(CapturedFile {
                    digest: digest("d"),
                    size: 10,
                }),
                file_digests: vec![digest("e"), digest("f")],
                checkpoints: Vec::new(),
                memory_bytes: 5 << 20,
            },
            LayerReport::Failed("cut".to_owned()),
            LayerReport::CaptureRestarted,
            LayerReport::FileRead {
                first_bytes: b"ID=".to_vec(),
                file: CapturedFile {
                    digest: digest("a"),
                    size: 3,
                },
                fetched_bytes: 100,
            },
        ] {
            assert_eq!(LayerReport::from_message(&report.to_message()), Ok(report));
        }
    }

    #[test]
    fn a_bad_digest_in_a_message_is_refused() {
        let text = r#"{"url":"/x","media_type":"t","digest":"sha256:XYZ","diff_id":null,
            "limits":{"max_uncompressed_bytes":1,"max_entries":1,"max_path_bytes":1},"capture":null}"#;
        assert!(LayerJob::from_message(text).is_err());
        assert!(LayerReport::from_message("{\"Nonsense\":1}").is_err());
    }
}
