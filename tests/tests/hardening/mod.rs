//! What the proxy's hardening tests share: registry answers, the upstream trace read back, error codes,
//! Docker `config.json` files, and the demo pushed with skopeo.

// Each test binary uses a part of this.
#![allow(dead_code)]

use std::path::PathBuf;

use strata_e2e::demo_layout::DemoLayout;
use strata_e2e::tampering_registry::Answer;
use strata_image::digest::Digest;

pub const OCI_ACCEPT: &str = "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, \
application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json";
pub const MANIFEST: &str = strata_image::media_type::OCI_MANIFEST;
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// base64("alice:s3cret"), as `docker login` writes it into `auths.<host>.auth`.
pub const ALICE: &str = "YWxpY2U6czNjcmV0";

pub fn sha256(bytes: &[u8]) -> String {
    Digest::sha256_of(bytes).to_string()
}

pub fn json_type() -> Vec<(String, String)> {
    vec![("content-type".into(), "application/json".into())]
}

pub fn ok(body: &[u8], media_type: &str) -> Answer {
    Answer {
        status: 200,
        headers: vec![
            ("content-type".into(), media_type.to_owned()),
            ("docker-content-digest".into(), sha256(body)),
        ],
        body: body.to_vec(),
    }
}

/// A Docker `config.json` in a temp file, removed when dropped.
pub struct DockerConfig(PathBuf);

impl DockerConfig {
    pub fn with_auth(registry: &str, auth: &str) -> DockerConfig {
        DockerConfig::of(serde_json::json!({ "auths": { registry: { "auth": auth } } }))
    }

    /// A config file holding `config`.
    pub fn of(config: serde_json::Value) -> DockerConfig {
        let path = std::env::temp_dir().join(format!(
            "strata-docker-config-{}-{}.json",
            std::process::id(),
            strata_e2e::processes::free_port()
        ));
        std::fs::write(&path, config.to_string()).expect("a temp file");
        DockerConfig(path)
    }

    pub fn path(&self) -> &str {
        self.0.to_str().expect("a UTF-8 temp path")
    }
}

impl Drop for DockerConfig {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The upstream trace of an answer, parsed.
pub fn trace_of(response: &reqwest::Response) -> Vec<serde_json::Value> {
    let header = response
        .headers()
        .get("strata-upstream-trace")
        .expect("every /v2/ answer carries a trace")
        .to_str()
        .expect("an ASCII trace");
    assert!(header.len() <= 4096, "the trace stays small");
    serde_json::from_str(header).expect("the trace is a JSON array")
}

/// `(step, method, auth, status)` of each step, for compact assertions.
pub fn steps(trace: &[serde_json::Value]) -> Vec<(String, String, String, u64)> {
    trace
        .iter()
        .map(|step| {
            let text = |key: &str| step[key].as_str().unwrap_or_default().to_owned();
            (
                text("step"),
                text("method"),
                text("auth"),
                step["status"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

pub fn step(kind: &str, method: &str, auth: &str, status: u64) -> (String, String, String, u64) {
    (kind.into(), method.into(), auth.into(), status)
}

pub async fn get(client: &reqwest::Client, url: &str) -> reqwest::Response {
    client
        .get(url)
        .header("accept", OCI_ACCEPT)
        .send()
        .await
        .expect("a response")
}

pub async fn error_code(response: reqwest::Response) -> String {
    let body: serde_json::Value = response.json().await.expect("an error envelope");
    body["errors"][0]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Pushes a demo image to a registry with skopeo, digests preserved (OCI-typed images only: skopeo's OCI
/// layout reader skips entries of Docker media types).
pub fn skopeo_push(authority: &str, name: &str, target: &str, credentials: Option<&str>) {
    let layout = DemoLayout::open();
    let mut command = std::process::Command::new(strata_e2e::required_program("/usr/bin/skopeo"));
    command.args([
        "copy",
        "--all",
        "--preserve-digests",
        "--dest-tls-verify=false",
    ]);
    if let Some(credentials) = credentials {
        command.args(["--dest-creds", credentials]);
    }
    let output = command
        .arg(format!("oci:{}:{name}", layout.dir().display()))
        .arg(format!("docker://{authority}/{target}"))
        .output()
        .expect("skopeo runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
