//! The demo registry's OCI layout (written once per test process by the generator the proxy embeds), read and pushed to a real
//! registry over its HTTP API, children before parents, exactly byte for byte.

use std::path::PathBuf;
use std::sync::OnceLock;

use serde_json::Value;

/// The layout on disk.
#[derive(Debug)]
pub struct DemoLayout {
    root: PathBuf,
    index: Value,
}

/// A document of the layout with its media type.
#[derive(Debug, Clone)]
pub struct Blob {
    /// `sha256:<hex>`.
    pub digest: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

impl DemoLayout {
    /// Opens the layout, writing it first when this process has not yet: the same generator and so the same
    /// bytes as the demo registry the proxy embeds.
    pub fn open() -> DemoLayout {
        static WRITTEN: OnceLock<PathBuf> = OnceLock::new();
        let root = WRITTEN
            .get_or_init(|| {
                let root =
                    std::env::temp_dir().join(format!("strata-demo-layout-{}", std::process::id()));
                strata_demo_registry::write_layout(&root)
                    .unwrap_or_else(|error| panic!("writing {}: {error}", root.display()));
                root
            })
            .clone();
        let index = std::fs::read(root.join("index.json"))
            .unwrap_or_else(|error| panic!("{}: {error}", root.display()));
        DemoLayout {
            root,
            index: serde_json::from_slice(&index).expect("index.json is JSON"),
        }
    }

    /// Where the layout is on disk, for tools that read OCI layouts (skopeo's `oci:<dir>:<name>`).
    pub fn dir(&self) -> &std::path::Path {
        &self.root
    }

    /// The root digest tagged `name` (`repository:tag`).
    pub fn root_digest(&self, name: &str) -> String {
        self.index["manifests"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|entry| entry["annotations"]["org.opencontainers.image.ref.name"] == name)
            .and_then(|entry| entry["digest"].as_str())
            .unwrap_or_else(|| panic!("the demo layout has no {name}"))
            .to_owned()
    }

    /// The digest of the root no tag names, listed in the layout as `name@<digest>` (`name` is a
    /// repository, or a repository and the tag a link was pinned with).
    pub fn untagged_digest(&self, name: &str) -> String {
        let prefix = format!("{name}@");
        self.index["manifests"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|entry| {
                entry["annotations"]["org.opencontainers.image.ref.name"]
                    .as_str()?
                    .strip_prefix(&prefix)
            })
            .next()
            .unwrap_or_else(|| panic!("the demo layout lists nothing as {prefix}<digest>"))
            .to_owned()
    }

    /// A blob's bytes.
    pub fn blob(&self, digest: &str) -> Blob {
        let hex = digest.strip_prefix("sha256:").expect("sha256 digests");
        let bytes =
            std::fs::read(self.root.join("blobs/sha256").join(hex)).expect("the blob exists");
        Blob {
            digest: digest.to_owned(),
            bytes,
        }
    }

    /// Pushes the image tagged `name` in the layout to `repository:tag` on the registry at `api`
    /// (`http://host:port/v2/`). Returns the root digest.
    pub async fn push(&self, name: &str, api: &str, repository: &str, tag: &str) -> String {
        self.push_with_token(name, api, repository, tag, None).await
    }

    /// Like [`push`](Self::push), sending `Authorization: Bearer <token>` when given.
    pub async fn push_with_token(
        &self,
        name: &str,
        api: &str,
        repository: &str,
        tag: &str,
        token: Option<&str>,
    ) -> String {
        let target = PushTarget {
            client: reqwest::Client::new(),
            api: reqwest::Url::parse(api).expect("api is a URL"),
            repository: repository.to_owned(),
            token: token.map(str::to_owned),
        };
        let root = self.root_digest(name);
        let media_type = self.push_tree(&target, &root).await;
        target
            .put_manifest(tag, &self.blob(&root), &media_type)
            .await;
        root
    }

    /// Pushes a manifest's blobs and children, then the manifest by digest; returns its media type.
    async fn push_tree(&self, target: &PushTarget, digest: &str) -> String {
        let blob = self.blob(digest);
        let document: Value = serde_json::from_slice(&blob.bytes).expect("manifests are JSON");
        let media_type = document["mediaType"]
            .as_str()
            .expect("demo manifests carry mediaType")
            .to_owned();
        for child in document["manifests"].as_array().into_iter().flatten() {
            Box::pin(self.push_tree(target, child["digest"].as_str().expect("a digest"))).await;
        }
        let blobs = document["config"].as_object().into_iter().chain(
            document["layers"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_object),
        );
        for descriptor in blobs {
            target
                .put_blob(&self.blob(descriptor["digest"].as_str().expect("a digest")))
                .await;
        }
        target.put_manifest(digest, &blob, &media_type).await;
        media_type
    }
}

struct PushTarget {
    client: reqwest::Client,
    api: reqwest::Url,
    repository: String,
    token: Option<String>,
}

impl PushTarget {
    fn request(&self, method: reqwest::Method, url: reqwest::Url) -> reqwest::RequestBuilder {
        let request = self.client.request(method, url);
        match &self.token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    fn url(&self, path: &str) -> reqwest::Url {
        self.api
            .join(&format!("{}/{path}", self.repository))
            .expect("a registry URL")
    }

    async fn put_blob(&self, blob: &Blob) {
        let started = self
            .request(reqwest::Method::POST, self.url("blobs/uploads/"))
            .send()
            .await
            .expect("upload starts");
        assert_eq!(started.status().as_u16(), 202, "starting an upload");
        let location = started.headers()["location"]
            .to_str()
            .expect("a location")
            .to_owned();
        let mut upload = self.api.join(&location).expect("a usable location");
        upload.query_pairs_mut().append_pair("digest", &blob.digest);
        let finished = self
            .request(reqwest::Method::PUT, upload)
            .header("content-type", "application/octet-stream")
            .body(blob.bytes.clone())
            .send()
            .await
            .expect("upload finishes");
        assert_eq!(finished.status().as_u16(), 201, "uploading {}", blob.digest);
    }

    async fn put_manifest(&self, reference: &str, blob: &Blob, media_type: &str) {
        let response = self
            .request(
                reqwest::Method::PUT,
                self.url(&format!("manifests/{reference}")),
            )
            .header("content-type", media_type)
            .body(blob.bytes.clone())
            .send()
            .await
            .expect("the manifest is sent");
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        assert_eq!(status.as_u16(), 201, "pushing manifest {reference}: {body}");
    }
}
