//! Docker image manifest schema 1, signed and unsigned: what a 2017 `docker push` left in
//! a registry. Layers are listed top-first, each with a `v1Compatibility` history entry,
//! and the signed form appends a libtrust JWS to the pretty-printed JSON.
//!
//! A registry addresses a signed manifest by the digest of its JWS *payload*: the
//! document without its `signatures`, rebuilt from the first `formatLength` bytes plus the
//! base64url-decoded `formatTail` of the protected header. That digest is what
//! `Docker-Content-Digest` carries and what clients request, so the layout stores the full
//! signed document under the payload's digest: the one blob whose name is not the digest
//! of its bytes.

use crate::error::{Result, ensure};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::encoding::{
    DemoKey, base32, base64url, go_object, json_string, json_text, pseudo_random,
};
use super::layers::{Entry, gzip, tar_bytes_at};
use super::{
    Blob, Blobs, ENTRYPOINT, GREETING_ENV, PATH_ENV, SCHEMA1, SIGNED_TAG, UNSIGNED_TAG, insert,
    sha256_hex,
};

pub(super) use strata_image::media_type::DOCKER_SCHEMA1 as UNSIGNED;
pub(super) use strata_image::media_type::DOCKER_SCHEMA1_SIGNED as SIGNED;

/// What distribution's schema 1 builder lists for history steps without a layer: its
/// gzip of an empty tar (1024 zero bytes), byte for byte, so the digest is the well-known
/// `sha256:a3ed95ca…`.
pub(super) const GZIPPED_EMPTY_TAR: [u8; 32] = [
    31, 139, 8, 0, 0, 9, 110, 136, 0, 255, 98, 24, 5, 163, 96, 20, 140, 88, 0, 8, 0, 0, 255, 255,
    46, 175, 181, 239, 0, 4, 0, 0,
];

/// 2017-03-02T18:54:00Z, when the legacy layers were built.
const LEGACY_MTIME: u64 = 1_488_480_840;
const LEGACY_BASE_CREATED: &str = "2017-02-28T22:41:21.094314418Z";
const DOCKER_VERSION: &str = "17.03.0-ce";
const SIGNED_AT: &str = "2017-03-02T18:55:31Z";
const SHELL: &str = "/bin/sh -c";

/// One `docker build` step: its time, its command and the layer it made, if any.
struct Step {
    created: &'static str,
    created_by: String,
    layer: Option<Vec<u8>>,
}

/// Builds the `signed` and `unsigned` manifests of one image, in that order.
pub(super) fn build(blobs: &mut Blobs) -> Result<[Blob; 2]> {
    let steps = legacy_steps()?;
    let config = legacy_config(&steps);
    let (fs_layers, history) = layers_and_history(blobs, &steps, &config)?;

    let payload = manifest_text(SIGNED_TAG, &fs_layers, &history);
    let signed = sign(&payload)?;
    let signed = blobs.put_named(sha256_hex(payload.as_bytes()), signed.into_bytes());
    let unsigned = blobs.put(manifest_text(UNSIGNED_TAG, &fs_layers, &history).into_bytes());
    Ok([signed, unsigned])
}

/// The build: a busybox-like base, then greet 0.9, with config-only steps between.
fn legacy_steps() -> Result<Vec<Step>> {
    let base = tar_bytes_at(&legacy_base_entries(), LEGACY_MTIME)?;
    let app = tar_bytes_at(&legacy_app_entries(), LEGACY_MTIME)?;
    let nop = format!("{SHELL} #(nop) ");
    Ok(vec![
        Step {
            created: LEGACY_BASE_CREATED,
            created_by: format!("{nop}ADD file:{} in / ", sha256_hex(&base)),
            layer: Some(base),
        },
        Step {
            created: "2017-02-28T22:41:21.482611632Z",
            created_by: format!(r#"{nop} CMD ["sh"]"#),
            layer: None,
        },
        Step {
            created: "2017-03-02T18:54:08.310127546Z",
            created_by: format!("{nop} ENV {GREETING_ENV}"),
            layer: None,
        },
        Step {
            created: "2017-03-02T18:54:09.671392285Z",
            created_by: format!("{nop}COPY file:{} in {ENTRYPOINT} ", sha256_hex(&app)),
            layer: Some(app),
        },
        Step {
            created: "2017-03-02T18:54:10.120815381Z",
            created_by: format!(r#"{nop} ENTRYPOINT ["{ENTRYPOINT}"]"#),
            layer: None,
        },
        Step {
            created: "2017-03-02T18:54:10.553008107Z",
            created_by: format!(r#"{nop} CMD ["world"]"#),
            layer: None,
        },
    ])
}

fn legacy_base_entries() -> Vec<Entry> {
    vec![
        Entry::Dir("bin", 0o755),
        Entry::File(
            "bin/busybox",
            0o755,
            "BusyBox v1.26.2 (2017-01-11) multi-call binary.\n\
             Placeholder in the Strata demo image; not an executable.\n"
                .to_owned(),
        ),
        Entry::Symlink("bin/sh", "busybox"),
        Entry::Dir("etc", 0o755),
        Entry::File(
            "etc/passwd",
            0o644,
            "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n"
                .to_owned(),
        ),
        Entry::File(
            "etc/group",
            0o644,
            "root:x:0:\nnogroup:x:65534:\n".to_owned(),
        ),
        Entry::Dir("root", 0o700),
        Entry::Dir("tmp", 0o1777),
    ]
}

fn legacy_app_entries() -> Vec<Entry> {
    vec![
        Entry::Dir("usr", 0o755),
        Entry::Dir("usr/local", 0o755),
        Entry::Dir("usr/local/bin", 0o755),
        Entry::File(
            "usr/local/bin/greet",
            0o755,
            "#!/bin/sh\n# greet 0.9, the last release pushed as schema 1\n\
             echo \"${GREETING:-hello}, ${1:-world}.\"\n"
                .to_owned(),
        ),
    ]
}

/// The image config Docker 17.03 kept locally; schema 1 carries it, minus `history` and
/// `rootfs`, in the top `v1Compatibility` entry.
fn legacy_config(steps: &[Step]) -> Value {
    let diff_ids: Vec<String> = steps
        .iter()
        .filter_map(|step| step.layer.as_ref())
        .map(|tar| format!("sha256:{}", sha256_hex(tar)))
        .collect();
    let history: Vec<Value> = steps
        .iter()
        .map(|step| {
            let mut entry = json!({ "created": step.created, "created_by": step.created_by });
            if step.layer.is_none() {
                insert(&mut entry, "empty_layer", json!(true));
            }
            entry
        })
        .collect();
    let parent_image = format!(
        "sha256:{}",
        sha256_hex(b"strata demo greet 0.9 parent image")
    );
    let top = steps.last().map_or("", |step| step.created);
    json!({
        "architecture": "amd64",
        "config": container_config(json!(["world"]), &parent_image),
        "container": sha256_hex(b"strata demo greet 0.9 build container"),
        "container_config": container_config(
            json!(["/bin/sh", "-c", "#(nop) ", r#"CMD ["world"]"#]),
            &parent_image,
        ),
        "created": top,
        "docker_version": DOCKER_VERSION,
        "history": history,
        "os": "linux",
        "rootfs": { "type": "layers", "diff_ids": diff_ids },
    })
}

fn container_config(cmd: Value, image: &str) -> Value {
    json!({
        "Hostname": "6f2b0c4d9e1a",
        "Domainname": "",
        "User": "",
        "AttachStdin": false,
        "AttachStdout": false,
        "AttachStderr": false,
        "Tty": false,
        "OpenStdin": false,
        "StdinOnce": false,
        "Env": [PATH_ENV, GREETING_ENV],
        "Cmd": cmd,
        "ArgsEscaped": true,
        "Image": image,
        "Volumes": null,
        "WorkingDir": "",
        "Entrypoint": [ENTRYPOINT],
        "OnBuild": [],
        "Labels": {},
    })
}

/// `fsLayers` and `history`, top-first, as distribution's schema 1 builder derives them:
/// v1 IDs chain each blob digest to its parent's ID, and the top entry carries the config.
fn layers_and_history(
    blobs: &mut Blobs,
    steps: &[Step],
    config: &Value,
) -> Result<(Vec<String>, Vec<String>)> {
    let mut fs_layers = Vec::new();
    let mut history = Vec::new();
    let mut parent = String::new();
    for (position, step) in steps.iter().enumerate() {
        let blob = match &step.layer {
            Some(tar) => blobs.put(gzip(tar)?),
            None => blobs.put(GZIPPED_EMPTY_TAR.to_vec()),
        };
        let throwaway = step.layer.is_none();
        let v1_compatibility = if position + 1 < steps.len() {
            let id = sha256_hex(format!("{} {parent}", blob.hex()).as_bytes());
            let entry = step_compatibility(step, &id, &parent, throwaway)?;
            parent = id;
            entry
        } else {
            let config_json = json_text(config)?;
            let id = sha256_hex(format!("{} {parent} {config_json}", blob.hex()).as_bytes());
            top_compatibility(config, &id, &parent, throwaway)?
        };
        fs_layers.push(blob.digest);
        history.push(v1_compatibility);
    }
    fs_layers.reverse();
    history.reverse();
    Ok((fs_layers, history))
}

/// A lower history entry: distribution's `v1Compatibility` struct, in its field order.
fn step_compatibility(step: &Step, id: &str, parent: &str, throwaway: bool) -> Result<String> {
    let mut fields = vec![("id", json_string(id))];
    if !parent.is_empty() {
        fields.push(("parent", json_string(parent)));
    }
    fields.push(("created", json_string(step.created)));
    fields.push((
        "container_config",
        go_object(&[("Cmd", json_text(&json!([step.created_by]))?)]),
    ));
    if throwaway {
        fields.push(("throwaway", "true".to_owned()));
    }
    Ok(go_object(&fields))
}

/// The top history entry: the image config without `history` and `rootfs`, plus `id`,
/// `parent` and `throwaway`, marshalled from a Go map (so keys sorted).
fn top_compatibility(config: &Value, id: &str, parent: &str, throwaway: bool) -> Result<String> {
    let mut top = config.clone();
    if let Value::Object(map) = &mut top {
        map.remove("history");
        map.remove("rootfs");
        map.insert("id".to_owned(), json!(id));
        if !parent.is_empty() {
            map.insert("parent".to_owned(), json!(parent));
        }
        if throwaway {
            map.insert("throwaway".to_owned(), json!(true));
        }
    }
    json_text(&top)
}

/// The manifest as Go's `json.MarshalIndent(manifest, "", "   ")` writes it.
fn manifest_text(tag: &str, fs_layers: &[String], history: &[String]) -> String {
    let fs_layers: Vec<String> = fs_layers
        .iter()
        .map(|digest| {
            format!(
                "      {{\n         \"blobSum\": {}\n      }}",
                json_string(digest)
            )
        })
        .collect();
    let history: Vec<String> = history
        .iter()
        .map(|entry| {
            format!(
                "      {{\n         \"v1Compatibility\": {}\n      }}",
                json_string(entry)
            )
        })
        .collect();
    format!(
        "{{\n   \"schemaVersion\": 1,\n   \"name\": {},\n   \"tag\": {},\n   \
         \"architecture\": \"amd64\",\n   \"fsLayers\": [\n{}\n   ],\n   \
         \"history\": [\n{}\n   ]\n}}",
        json_string(SCHEMA1),
        json_string(tag),
        fs_layers.join(",\n"),
        history.join(",\n"),
    )
}

/// Appends a libtrust JWS the way `JSONSignature.PrettySignature("signatures")` does.
///
/// `formatLength` ends the payload just before the closing whitespace and `}`, and
/// `formatTail` (base64url, unpadded) holds those closing bytes, so the payload can be
/// rebuilt from the signed document. The key is [`DemoKey`] and the signature is a fixed
/// placeholder that does not verify: Strata does not verify JWS signatures.
fn sign(payload: &str) -> Result<String> {
    let body = payload.trim_end();
    ensure!(body.ends_with('}'), "a manifest ends with a closing brace");
    let format_length = body[..body.len() - 1].trim_end().len();
    let format_tail = &payload[format_length..];
    let protected = go_object(&[
        ("formatLength", format_length.to_string()),
        (
            "formatTail",
            json_string(&base64url(format_tail.as_bytes())),
        ),
        ("time", json_string(SIGNED_AT)),
    ]);
    let key = DemoKey::new();
    let signature = base64url(&pseudo_random("schema1 jws signature", 64));
    let lines = [
        format!("{},", &payload[..format_length]),
        r#"   "signatures": ["#.to_owned(),
        "      {".to_owned(),
        r#"         "header": {"#.to_owned(),
        r#"            "jwk": {"#.to_owned(),
        r#"               "crv": "P-256","#.to_owned(),
        format!(r#"               "kid": "{}","#, libtrust_key_id(&key)),
        r#"               "kty": "EC","#.to_owned(),
        format!(r#"               "x": "{}","#, base64url(&key.x)),
        format!(r#"               "y": "{}""#, base64url(&key.y)),
        "            },".to_owned(),
        r#"            "alg": "ES256""#.to_owned(),
        "         },".to_owned(),
        format!(r#"         "signature": "{signature}","#),
        format!(
            r#"         "protected": "{}""#,
            base64url(protected.as_bytes())
        ),
        "      }".to_owned(),
        "   ]".to_owned(),
        "}".to_owned(),
    ];
    Ok(lines.join("\n"))
}

/// libtrust's key ID: the first 240 bits of the SHA-256 of the DER public key, in base32,
/// as twelve colon-separated groups of four.
fn libtrust_key_id(key: &DemoKey) -> String {
    let digest = Sha256::digest(key.spki_der());
    let encoded = base32(&digest[..30]);
    let groups: Vec<&str> = encoded
        .as_bytes()
        .chunks(4)
        .map(|group| std::str::from_utf8(group).unwrap_or_default())
        .collect();
    groups.join(":")
}
