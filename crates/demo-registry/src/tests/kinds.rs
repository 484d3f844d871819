//! Tests of each kind of root beyond the greet images: media types, cosign tags,
//! referrers, the Helm chart, schema 1, the nested index, the layer kinds, SOCI, and the
//! encoders behind them.

use super::super::artifacts::{MYSTERY, REPORT_TYPE};
use super::super::encoding::{base32, base64, base64url};
use super::super::helm::{HELM_CHART_CONTENT, HELM_CONFIG};
use super::super::layer_kinds::{
    DOCKER_LAYER_TAR, ESTARGZ_TOC, ESTARGZ_TOC_DIGEST, ESTARGZ_UNCOMPRESSED_SIZE,
    OCI_LAYER_ENCRYPTED, OCI_LAYER_NONDISTRIBUTABLE, OCI_LAYER_TAR, OCI_LAYER_ZSTD,
    encrypted_plaintext,
};
use super::super::layers::{gzip, zstd_raw_frame};
use super::super::schema1::GZIPPED_EMPTY_TAR;
use super::super::soci::{
    IMAGE_LAYER_DIGEST, IMAGE_LAYER_MEDIA_TYPE, IMAGE_MANIFEST_DIGEST, INDEX_DIGEST,
};
use super::*;

const EMPTY_DIGEST: &str =
    "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";

/// Decodes a zstd frame made only of Raw blocks, asserting its structure: magic, a
/// single-segment header whose content size field has the length its flag announces, no
/// checksum or dictionary, raw blocks of at most 128 KiB, the last flag on the last block
/// only, and contents adding up to the declared size.
pub(super) fn read_zstd_raw_frame(frame: &[u8]) -> Vec<u8> {
    assert_eq!(frame[..4], [0x28, 0xb5, 0x2f, 0xfd], "magic");
    let descriptor = frame[4];
    assert_eq!(descriptor & 0b0010_0000, 0b0010_0000, "single segment");
    assert_eq!(
        descriptor & 0b0001_1111,
        0,
        "no checksum, dictionary or reserved bits"
    );
    let field_len = [1, 2, 4, 8][usize::from(descriptor >> 6)];
    let mut size_bytes = [0u8; 8];
    size_bytes[..field_len].copy_from_slice(&frame[5..5 + field_len]);
    let mut content_size = u64::from_le_bytes(size_bytes);
    if field_len == 2 {
        content_size += 256;
    }
    let mut position = 5 + field_len;
    let mut content = Vec::new();
    loop {
        let header =
            u32::from_le_bytes([frame[position], frame[position + 1], frame[position + 2], 0]);
        position += 3;
        assert_eq!(header >> 1 & 0b11, 0, "raw block");
        let size = usize::try_from(header >> 3).unwrap();
        assert!(size <= 128 * 1024, "block of {size} bytes");
        content.extend_from_slice(&frame[position..position + size]);
        position += size;
        if header & 1 == 1 {
            break;
        }
        assert!(size > 0, "only the last block may be empty");
    }
    assert_eq!(position, frame.len(), "nothing after the last block");
    assert_eq!(content.len() as u64, content_size, "declared content size");
    content
}

fn annotation<'a>(descriptor: &'a Value, key: &str) -> &'a str {
    descriptor["annotations"][key]
        .as_str()
        .unwrap_or_else(|| panic!("no {key} annotation on {descriptor}"))
}

/// The file at `name` in a tar archive.
fn tar_file(tar: &[u8], name: &str) -> Vec<u8> {
    let mut archive = tar::Archive::new(tar);
    let mut entry = archive
        .entries()
        .unwrap()
        .map(Result::unwrap)
        .find(|entry| entry.path_bytes() == name.as_bytes())
        .unwrap_or_else(|| panic!("no {name} in the tar"));
    let mut content = Vec::new();
    entry.read_to_end(&mut content).unwrap();
    content
}

fn tar_names(tar: &[u8]) -> Vec<String> {
    tar::Archive::new(tar)
        .entries()
        .unwrap()
        .map(|entry| String::from_utf8(entry.unwrap().path_bytes().into_owned()).unwrap())
        .collect()
}

#[test]
fn every_root_has_the_media_type_of_its_kind() {
    let layout = Layout::write("kinds");
    let expected = [
        ("strata/multi-arch:1.0", OCI_INDEX),
        ("strata/manifest-list:1.0", DOCKER_LIST),
        ("strata/single:1.0", DOCKER_MANIFEST),
        ("strata/artifacts:report", OCI_MANIFEST),
        ("strata/artifacts:bundle", OCI_MANIFEST),
        ("strata/helm-chart:0.1.0", OCI_MANIFEST),
        ("strata/schema1:signed", schema1::SIGNED),
        ("strata/schema1:unsigned", schema1::UNSIGNED),
        ("strata/nested-index:1.0", OCI_INDEX),
        ("strata/layer-kinds:1.0", OCI_MANIFEST),
        (LAYERS_IMAGE, OCI_MANIFEST),
        ("strata/soci:1.0", OCI_INDEX),
        ("strata/unknown-kind:1.0", MYSTERY),
    ];
    for (reference, media_type) in expected {
        let root = layout.root(reference);
        assert_eq!(root["mediaType"], media_type, "{reference}");
        let bytes = fs::read(blob_path(layout.path(), root["digest"].as_str().unwrap())).unwrap();
        let document = read_json(&bytes);
        if reference.starts_with("strata/schema1:") {
            // Schema 1 documents carry no mediaType field.
            assert_eq!(document["schemaVersion"], 1);
            assert!(document.get("mediaType").is_none());
        } else {
            assert_eq!(document["mediaType"], media_type, "{reference}");
        }
    }
    let mystery = layout.fetch_json(layout.root("strata/unknown-kind:1.0"));
    assert!(mystery.get("manifests").is_none() && mystery.get("layers").is_none());
}

#[test]
fn cosign_tags_name_the_index_digest() {
    let layout = Layout::write("cosign");
    let index = layout.root("strata/multi-arch:1.0");
    let digest = index["digest"].as_str().unwrap();
    let tag = digest.replace(':', "-");

    let signature = layout.fetch_json(layout.root(&format!("strata/multi-arch:{tag}.sig")));
    let layer = &signature["layers"][0];
    assert_eq!(
        layer["mediaType"],
        "application/vnd.dev.cosign.simplesigning.v1+json"
    );
    let payload = layout.fetch(layer);
    let simple_signing = read_json(&payload);
    assert_eq!(
        simple_signing["critical"]["image"]["docker-manifest-digest"],
        digest
    );
    assert_eq!(
        simple_signing["critical"]["identity"]["docker-reference"],
        "demo.invalid/strata/multi-arch"
    );
    let der = decode_base64(annotation(layer, "dev.cosignproject.cosign/signature"));
    assert_eq!((der[0], usize::from(der[1]) + 2), (0x30, der.len()));
    let bundle = read_json(annotation(layer, "dev.sigstore.cosign/bundle").as_bytes());
    let body = read_json(&decode_base64(bundle["Payload"]["body"].as_str().unwrap()));
    assert_eq!(body["kind"], "hashedrekord");
    assert_eq!(body["spec"]["data"]["hash"]["value"], sha256_hex(&payload));

    let attestation = layout.fetch_json(layout.root(&format!("strata/multi-arch:{tag}.att")));
    let layer = &attestation["layers"][0];
    assert_eq!(layer["mediaType"], "application/vnd.dsse.envelope.v1+json");
    let envelope = layout.fetch_json(layer);
    assert_eq!(envelope["payloadType"], IN_TOTO);
    let statement = read_json(&decode_base64(envelope["payload"].as_str().unwrap()));
    assert_eq!(
        format!(
            "sha256:{}",
            statement["subject"][0]["digest"]["sha256"]
                .as_str()
                .unwrap()
        ),
        digest
    );
    assert_eq!(
        annotation(layer, "predicateType"),
        statement["predicateType"]
    );
    assert!(statement["predicate"]["buildDefinition"].is_object());
}

#[test]
fn artifacts_refer_to_their_subjects() {
    let layout = Layout::write("artifacts");
    let index = layout.root("strata/multi-arch:1.0");
    let amd64 = layout.fetch_json(index)["manifests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["platform"] == json!({ "architecture": "amd64", "os": "linux" }))
        .unwrap()
        .clone();

    let report = layout.fetch_json(layout.root("strata/artifacts:report"));
    assert_eq!(report["artifactType"], REPORT_TYPE);
    assert_eq!(report["config"]["mediaType"], OCI_EMPTY);
    assert_eq!(report["config"]["digest"], EMPTY_DIGEST);
    assert_eq!(report["config"]["size"], 2);
    assert_eq!(report["config"]["data"], base64(b"{}"));
    assert_eq!(report["subject"]["digest"], amd64["digest"]);
    assert_eq!(report["subject"]["size"], amd64["size"]);
    assert_eq!(report["subject"]["mediaType"], OCI_MANIFEST);
    let layers = report["layers"].as_array().unwrap();
    assert_eq!(layers.len(), 1);
    assert_eq!(annotation(&layers[0], TITLE), "report.json");
    let content = layout.fetch_json(&layers[0]);
    assert!(
        content["image"]
            .as_str()
            .unwrap()
            .ends_with(amd64["digest"].as_str().unwrap())
    );

    let bundle_manifest = layout.fetch_json(layout.root("strata/artifacts:bundle"));
    let bundle_type = "application/vnd.dev.sigstore.bundle.v0.3+json";
    assert_eq!(bundle_manifest["artifactType"], bundle_type);
    assert_eq!(bundle_manifest["config"]["digest"], EMPTY_DIGEST);
    assert_eq!(
        bundle_manifest["subject"],
        json!({ "mediaType": OCI_INDEX, "digest": index["digest"], "size": index["size"] })
    );
    let layer = &bundle_manifest["layers"][0];
    assert_eq!(layer["mediaType"], bundle_type);
    let bundle = layout.fetch_json(layer);
    assert_eq!(bundle["mediaType"], bundle_type);
    let statement = read_json(&decode_base64(
        bundle["dsseEnvelope"]["payload"].as_str().unwrap(),
    ));
    assert_eq!(
        format!(
            "sha256:{}",
            statement["subject"][0]["digest"]["sha256"]
                .as_str()
                .unwrap()
        ),
        index["digest"].as_str().unwrap()
    );
    assert_eq!(
        bundle["verificationMaterial"]["tlogEntries"][0]["kindVersion"]["kind"],
        "dsse"
    );
}

#[test]
fn helm_chart_holds_a_packaged_chart() {
    let layout = Layout::write("helm");
    let manifest = layout.fetch_json(layout.root("strata/helm-chart:0.1.0"));
    assert_eq!(manifest["config"]["mediaType"], HELM_CONFIG);
    let config = layout.fetch_json(&manifest["config"]);
    assert_eq!(
        config,
        json!({
            "apiVersion": "v2",
            "name": "greet",
            "version": "0.1.0",
            "appVersion": "1.0",
            "description": DESCRIPTION,
            "type": "application",
        })
    );
    let layers = manifest["layers"].as_array().unwrap();
    assert_eq!(layers.len(), 1);
    assert_eq!(layers[0]["mediaType"], HELM_CHART_CONTENT);
    let package = layout.fetch(&layers[0]);
    let tar = gunzip(&package);
    assert_eq!(
        tar_names(&tar),
        [
            "greet/Chart.yaml",
            "greet/values.yaml",
            "greet/templates/deployment.yaml"
        ]
    );
    let chart_yaml = String::from_utf8(tar_file(&tar, "greet/Chart.yaml")).unwrap();
    assert!(chart_yaml.contains("\nversion: 0.1.0\n"));
    assert_eq!(
        annotation(&manifest, "org.opencontainers.image.version"),
        "0.1.0"
    );
}

#[test]
fn signed_schema1_is_stored_under_its_payload_digest() {
    let layout = Layout::write("schema1");
    let root = layout.root("strata/schema1:signed");
    let digest = root["digest"].as_str().unwrap();
    let signed = fs::read(blob_path(layout.path(), digest)).unwrap();
    // The exception to content addressing: the name is the payload's digest.
    assert_ne!(format!("sha256:{}", sha256_hex(&signed)), digest);
    assert_eq!(root["size"].as_u64().unwrap(), signed.len() as u64);

    let document = read_json(&signed);
    let signatures = document["signatures"].as_array().unwrap();
    assert_eq!(signatures.len(), 1);
    assert_eq!(signatures[0]["header"]["alg"], "ES256");
    assert_eq!(signatures[0]["header"]["jwk"]["crv"], "P-256");
    let protected = read_json(&decode_base64(signatures[0]["protected"].as_str().unwrap()));
    assert_eq!(protected["formatTail"], base64url(b"\n}"));
    let payload = jws_payload(&signed);
    assert_eq!(format!("sha256:{}", sha256_hex(&payload)), digest);
    let length = usize::try_from(protected["formatLength"].as_u64().unwrap()).unwrap();
    assert_eq!(signed[..length], payload[..length]);
    assert!(payload.ends_with(b"]\n}"));

    let manifest = read_json(&payload);
    assert_eq!(manifest["tag"], "signed");
    assert_eq!(manifest["architecture"], "amd64");
    let unsigned = layout.fetch_json(layout.root("strata/schema1:unsigned"));
    assert_eq!(unsigned["tag"], "unsigned");
    assert!(unsigned.get("signatures").is_none());
    assert_eq!(unsigned["fsLayers"], manifest["fsLayers"]);
    assert_eq!(unsigned["history"], manifest["history"]);

    // Top-first: the newest step (CMD, no layer) comes first, the base layer last.
    let top = read_json(
        manifest["history"][0]["v1Compatibility"]
            .as_str()
            .unwrap()
            .as_bytes(),
    );
    assert_eq!(top["config"]["Cmd"], json!(["world"]));
    assert!(top.get("rootfs").is_none() && top.get("history").is_none());
    let empty = format!("sha256:{}", sha256_hex(&GZIPPED_EMPTY_TAR));
    assert_eq!(
        empty,
        "sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4"
    );
    assert_eq!(manifest["fsLayers"][0]["blobSum"], empty);
    let base = manifest["fsLayers"].as_array().unwrap().last().unwrap();
    assert_ne!(base["blobSum"], empty);
}

#[test]
fn nested_index_holds_an_index_and_a_windows_image() {
    let layout = Layout::write("nested");
    let top = layout.fetch_json(layout.root("strata/nested-index:1.0"));
    let entries = top["manifests"].as_array().unwrap();
    assert_eq!(entries.len(), 2);

    assert_eq!(entries[0]["mediaType"], OCI_INDEX);
    let nested = layout.fetch_json(&entries[0]);
    let platforms: Vec<&Value> = nested["manifests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| &entry["platform"])
        .collect();
    assert_eq!(
        platforms,
        [
            &json!({ "architecture": "amd64", "os": "linux" }),
            &json!({ "architecture": "arm64", "os": "linux", "variant": "v8" }),
        ]
    );

    let windows = &entries[1];
    assert_eq!(windows["mediaType"], DOCKER_MANIFEST);
    assert_eq!(
        windows["platform"],
        json!({ "architecture": "amd64", "os": "windows", "os.version": "10.0.20348.2227" })
    );
    let manifest = layout.fetch_json(windows);
    let layers = manifest["layers"].as_array().unwrap();
    assert_eq!(layers.len(), 2);
    assert_eq!(layers[0]["mediaType"], DOCKER_FOREIGN_LAYER);
    assert!(
        layers[0]["urls"][0]
            .as_str()
            .unwrap()
            .starts_with("https://mcr.microsoft.com/")
    );
    assert!(!blob_path(layout.path(), layers[0]["digest"].as_str().unwrap()).exists());
    let tar = gunzip(&layout.fetch(&layers[1]));
    assert!(
        tar_names(&tar)
            .iter()
            .all(|name| name.starts_with("Files/"))
    );
    let config = layout.fetch_json(&manifest["config"]);
    assert_eq!(config["os"], "windows");
    assert_eq!(config["os.version"], "10.0.20348.2227");
    assert_eq!(
        config["rootfs"]["diff_ids"][1],
        format!("sha256:{}", sha256_hex(&tar))
    );
}

#[test]
fn layer_kinds_has_one_layer_of_each_kind() {
    let layout = Layout::write("layer-kinds");
    let manifest = layout.fetch_json(layout.root("strata/layer-kinds:1.0"));
    let layers = manifest["layers"].as_array().unwrap();
    let media_types: Vec<&str> = layers
        .iter()
        .map(|layer| layer["mediaType"].as_str().unwrap())
        .collect();
    assert_eq!(
        media_types,
        [
            OCI_LAYER_GZIP,
            OCI_LAYER_ZSTD,
            OCI_LAYER_TAR,
            DOCKER_LAYER_TAR,
            OCI_LAYER_NONDISTRIBUTABLE,
            OCI_LAYER_ENCRYPTED,
            OCI_LAYER_GZIP,
        ]
    );
    let blobs: Vec<Vec<u8>> = layers.iter().map(|layer| layout.fetch(layer)).collect();
    assert!(blobs[1].starts_with(&[0x28, 0xb5, 0x2f, 0xfd]));
    assert_eq!(read_zstd_raw_frame(&blobs[1]).len() % 512, 0);
    assert_eq!(blobs[2].len() % 512, 0);
    assert!(
        blobs[3].starts_with(&[0x1f, 0x8b]),
        "gzip behind the Docker tar type"
    );
    assert!(layers[4]["urls"][0].is_string());

    let config = layout.fetch_json(&manifest["config"]);
    let plaintext = encrypted_plaintext().unwrap();
    assert_eq!(
        config["rootfs"]["diff_ids"][5],
        format!("sha256:{}", sha256_hex(&plaintext))
    );
    assert_eq!(blobs[5].len(), gzip(&plaintext).unwrap().len());
    let keys = read_json(&decode_base64(annotation(
        &layers[5],
        "org.opencontainers.image.enc.keys.jwe",
    )));
    assert_eq!(keys["recipients"][0]["header"]["alg"], "ECDH-ES+A256KW");
    let options = read_json(&decode_base64(annotation(
        &layers[5],
        "org.opencontainers.image.enc.pubopts",
    )));
    assert_eq!(options["cipher"], "AES_256_CTR_HMAC_SHA256");

    let tar = gunzip(&blobs[6]);
    assert_eq!(tar_names(&tar).last().unwrap(), ESTARGZ_TOC);
    let toc = tar_file(&tar, ESTARGZ_TOC);
    assert_eq!(
        annotation(&layers[6], ESTARGZ_TOC_DIGEST),
        format!("sha256:{}", sha256_hex(&toc))
    );
    assert_eq!(
        annotation(&layers[6], ESTARGZ_UNCOMPRESSED_SIZE),
        tar.len().to_string()
    );
    assert_eq!(read_json(&toc)["version"], 1);
}

#[test]
fn zstd_frames_are_well_formed() {
    // Around each change of the content size field, and across several blocks.
    for (size, header) in [
        (0_usize, 0x20),
        (255, 0x20),
        (256, 0x60),
        (65_791, 0x60),
        (65_792, 0xa0),
        (300_000, 0xa0),
    ] {
        let data: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
        let frame = zstd_raw_frame(&data);
        assert_eq!(frame[4], header, "header of {size} bytes");
        assert_eq!(read_zstd_raw_frame(&frame), data);
        let blocks = size.div_ceil(128 * 1024).max(1);
        let field_len = [1, 2, 4, 8][usize::from(header >> 6)];
        assert_eq!(frame.len(), 5 + field_len + 3 * blocks + size);
    }
}

#[test]
fn soci_index_and_image_point_at_each_other() {
    let layout = Layout::write("soci");
    let index = layout.fetch_json(layout.root("strata/soci:1.0"));
    let entries = index["manifests"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    let (image_entry, soci_entry) = (&entries[0], &entries[1]);
    assert_eq!(soci_entry["artifactType"], SOCI_INDEX_V2);
    assert_eq!(soci_entry["platform"], image_entry["platform"]);
    assert_eq!(
        annotation(soci_entry, IMAGE_MANIFEST_DIGEST),
        image_entry["digest"]
    );
    assert_eq!(annotation(image_entry, INDEX_DIGEST), soci_entry["digest"]);

    let image = layout.fetch_json(image_entry);
    assert_eq!(annotation(&image, INDEX_DIGEST), soci_entry["digest"]);
    let soci = layout.fetch_json(soci_entry);
    assert_eq!(soci["config"]["mediaType"], SOCI_INDEX_V2);
    assert_eq!(soci["config"]["digest"], EMPTY_DIGEST);
    assert!(soci.get("subject").is_none());
    let ztocs = soci["layers"].as_array().unwrap();
    let image_layers = image["layers"].as_array().unwrap();
    assert_eq!(ztocs.len(), image_layers.len());
    for (ztoc, layer) in ztocs.iter().zip(image_layers) {
        assert_eq!(ztoc["mediaType"], "application/octet-stream");
        assert_eq!(annotation(ztoc, IMAGE_LAYER_DIGEST), layer["digest"]);
        assert_eq!(annotation(ztoc, IMAGE_LAYER_MEDIA_TYPE), layer["mediaType"]);
    }
}

#[test]
fn encoders_match_rfc_4648_vectors() {
    let vectors = [
        ("", "", "", ""),
        ("f", "Zg==", "Zg", "MY"),
        ("fo", "Zm8=", "Zm8", "MZXQ"),
        ("foo", "Zm9v", "Zm9v", "MZXW6"),
        ("foob", "Zm9vYg==", "Zm9vYg", "MZXW6YQ"),
        ("fooba", "Zm9vYmE=", "Zm9vYmE", "MZXW6YTB"),
        ("foobar", "Zm9vYmFy", "Zm9vYmFy", "MZXW6YTBOI"),
    ];
    for (plain, padded, unpadded, base32_text) in vectors {
        assert_eq!(base64(plain.as_bytes()), padded);
        assert_eq!(base64url(plain.as_bytes()), unpadded);
        assert_eq!(base32(plain.as_bytes()), base32_text);
        assert_eq!(decode_base64(padded), plain.as_bytes());
    }
    assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    assert_eq!(base64(&[0xfb, 0xff]), "+/8=");
}
