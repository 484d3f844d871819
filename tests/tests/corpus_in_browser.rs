//! Every real manifest and index of the shared corpus, served as a registry would serve it, renders in the
//! browser verified and as the kind core reads it (the tampered schema 1 copy as a mismatch).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use strata_e2e::browser::Browser;
use strata_e2e::proxy::Proxy;
use strata_e2e::tampering_registry::{Answer, TamperingRegistry};
use strata_image::artifact::{self, ManifestRole};
use strata_image::manifest::{self, Document};
use strata_image::{media_type, schema1};

/// The corpus's negative case: a signed schema 1 manifest whose payload was edited.
const TAMPERED_SCHEMA1: &str =
    "sha256:24bd1b4878da8faf6f83688e9224f90428c244e9cf370ed7365aa59c22945890";

fn documents(folder: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(folder).expect("a readable corpus") {
        let path = entry.expect("an entry").path();
        if path.is_dir() && path.file_name().is_some_and(|name| name != "layouts") {
            documents(&path, found);
        } else if path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("sha256-") && n.ends_with(".json"))
        {
            found.push(path);
        }
    }
}

/// A manifest-endpoint document as a registry serves it: its digest (the JWS payload's for signed schema
/// 1), its `Content-Type`, and the `data-kind` the page should give it. `None` for configs.
fn as_served(bytes: &[u8]) -> Option<(String, Option<String>, &'static str)> {
    let value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    let media_type =
        value["mediaType"]
            .as_str()
            .map(str::to_owned)
            .or_else(|| match value.get("signatures") {
                Some(_) => Some(media_type::DOCKER_SCHEMA1_SIGNED.to_owned()),
                None if value.get("fsLayers").is_some() => {
                    Some(media_type::DOCKER_SCHEMA1.to_owned())
                }
                None => None,
            });
    let read = manifest::read_document(bytes, media_type.as_deref()).ok()?;
    let kind = match &read.document {
        Document::Index(_) => "index",
        Document::Manifest(manifest) => match artifact::role(manifest) {
            ManifestRole::Image => "manifest",
            ManifestRole::Attestation { .. } => "attestation",
            _ => "artifact",
        },
        Document::Schema1(_) => "manifest",
        Document::Unknown => return None,
    };
    let digest_input = match &read.document {
        Document::Schema1(_) => schema1::digest_input(bytes).ok()?.into_owned(),
        _ => bytes.to_vec(),
    };
    Some((
        strata_image::digest::Digest::sha256_of(&digest_input).to_string(),
        media_type,
        kind,
    ))
}

#[tokio::test]
async fn every_corpus_manifest_renders_as_its_kind() {
    let Some(corpus) = strata_test_corpus::corpus_dir() else {
        return;
    };
    let mut files = Vec::new();
    documents(&corpus, &mut files);
    files.sort();
    let mut answers = HashMap::new();
    let mut expected = Vec::new();
    for file in &files {
        let bytes = std::fs::read(file).expect("a corpus file");
        let Some((digest, content_type, kind)) = as_served(&bytes) else {
            continue;
        };
        let named = format!(
            "sha256:{}",
            &file
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()[7..71]
        );
        let served_as = if named == TAMPERED_SCHEMA1 {
            named.clone()
        } else {
            digest.clone()
        };
        let mut headers = vec![("docker-content-digest".to_owned(), served_as.clone())];
        headers.extend(content_type.map(|t| ("content-type".to_owned(), t)));
        answers.insert(
            format!("/v2/corpus/doc/manifests/{served_as}"),
            Answer {
                status: 200,
                headers,
                body: bytes,
            },
        );
        let verify = if named == TAMPERED_SCHEMA1 {
            "mismatch"
        } else {
            "verified"
        };
        expected.push((served_as, kind, verify));
    }
    assert_eq!(
        expected.len(),
        117,
        "manifests and indexes in the corpus (configs are not served as manifests)"
    );
    let registry = TamperingRegistry::start(answers).await;
    let proxy = Proxy::start(&["--insecure-registry", &registry.authority]);
    let browser = Browser::start().await;
    for (digest, kind, verify) in expected {
        browser
            .open(&proxy.url(&format!(
                "/inspect/{}/corpus/doc@{digest}",
                registry.authority
            )))
            .await;
        browser.wait_for_tree().await;
        let root = browser
            .nodes()
            .await
            .into_iter()
            .next()
            .expect("a root node");
        assert_eq!(
            (root.0.as_str(), root.1.as_str(), root.2.as_str()),
            (kind, digest.as_str(), verify),
            "{digest}"
        );
        if verify == "verified" {
            assert_eq!(browser.alert().await, None, "{digest}");
        }
    }
    browser.close().await;
}
