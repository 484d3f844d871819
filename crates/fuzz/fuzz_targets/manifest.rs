//! Fuzzes what core reads from a registry's bytes: manifests and indexes under each Content-Type, image
//! configs with their history, and the pretty printer. None of it may panic, and indenting must keep the JSON
//! value.

#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_explain::pretty;
use strata_image::config::{self, ImageConfig};
use strata_image::manifest::{self, Descriptor, Document};
use strata_image::media_type;

/// The Content-Type header the first input byte picks (modulo the length).
const CONTENT_TYPES: [Option<&str>; 7] = [
    None,
    Some(media_type::OCI_INDEX),
    Some(media_type::OCI_MANIFEST),
    Some(media_type::DOCKER_MANIFEST_LIST),
    Some(media_type::DOCKER_MANIFEST),
    Some(media_type::DOCKER_SCHEMA1_SIGNED),
    Some("application/json"),
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let content_type = CONTENT_TYPES[usize::from(selector) % CONTENT_TYPES.len()];
    read_manifest(bytes, content_type);
    read_config(bytes);
    indent(bytes);
});

fn read_manifest(bytes: &[u8], content_type: Option<&str>) {
    let Ok(read) = manifest::read_document(bytes, content_type) else {
        return;
    };
    media_type::describe(&read.media_type);
    for child in read.document.children_to_verify() {
        inspect(child);
    }
    if let Document::Index(index) = &read.document {
        let entries = index.entries();
        for entry in &entries.platforms {
            inspect(entry.descriptor);
            entry.attestations.iter().copied().for_each(inspect);
        }
        entries.others.iter().copied().for_each(inspect);
    }
    if let Document::Manifest(image) = &read.document {
        image.is_artifact();
        image.layers_size();
        image.layers.iter().for_each(inspect);
    }
}

fn inspect(descriptor: &Descriptor) {
    let _ = descriptor.parsed_digest();
    descriptor.is_attestation();
    descriptor.attests();
    descriptor.is_index();
    if let Some(platform) = &descriptor.platform {
        platform.to_string();
    }
}

fn read_config(bytes: &[u8]) {
    let Ok(image_config) = ImageConfig::parse(bytes) else {
        return;
    };
    image_config.platform();
    let most = image_config.history.len() + 2;
    for layer_count in 0..=most.min(16) {
        let alignment = config::align_history(&image_config.history, layer_count);
        assert_eq!(alignment.steps.len(), image_config.history.len());
        for step in &alignment.steps {
            assert!(
                step.layer.is_none_or(|layer| layer < layer_count),
                "a step points past the last of {layer_count} layers"
            );
        }
    }
    for entry in &image_config.history {
        if let Some(created) = &entry.created {
            config::is_placeholder_time(created);
        }
    }
}

fn indent(bytes: &[u8]) {
    let Some(indented) = pretty::indent_json(bytes) else {
        return;
    };
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(value) => {
            let again: serde_json::Value =
                serde_json::from_str(&indented).unwrap_or_else(|error| {
                    panic!("indented JSON does not parse: {error}\n{indented}")
                });
            assert_eq!(again, value, "indenting changed the value:\n{indented}");
        }
        // Valid JSON that `Value` refuses (a number out of f64's range): it must stay valid JSON.
        Err(_) => {
            serde_json::from_str::<serde::de::IgnoredAny>(&indented).unwrap_or_else(|error| {
                panic!("indented JSON does not parse: {error}\n{indented}")
            });
        }
    }
}
