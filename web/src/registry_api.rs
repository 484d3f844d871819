//! Requests to the proxy's registry API. Bytes come back untouched; verifying them is `core`'s job.

use gloo_net::http::{Request, Response};
use strata_image::digest::Digest;
use strata_image::manifest;
use strata_image::media_type::MANIFEST_ACCEPT;
use strata_image::registry_host::LOCAL_ARCHIVE_REGISTRY;
use strata_image::verification::{self, Expected, Verification};
use strata_registry_api::catalog_list::CatalogPage;
use strata_registry_api::registry_error::{self, FailedResponse, RateLimit};
use strata_registry_api::registry_header;
use strata_registry_api::tag_list::{self, TagPage};
use strata_registry_api::upstream_trace::{self, TraceStep};

use crate::local_archive;

/// A repository as the proxy addresses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repository {
    /// Registry as named in references.
    pub registry: String,
    /// Repository path.
    pub repository: String,
}

/// A document as the registry sent it.
#[derive(Debug, Clone, PartialEq)]
pub struct Fetched {
    /// The body, exactly.
    pub bytes: Vec<u8>,
    /// `Content-Type`.
    pub content_type: Option<String>,
    /// `Docker-Content-Digest`.
    pub registry_digest: Option<String>,
    /// Docker Hub's rate-limit headers.
    pub rate_limit: RateLimit,
    /// How the proxy fetched it.
    pub trace: Vec<TraceStep>,
    /// What the page asked the proxy, and what came back.
    pub exchange: Exchange,
}

/// One HTTP exchange between the page and the proxy, as the page saw it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Exchange {
    /// `GET` or `HEAD`.
    pub method: &'static str,
    /// The proxy URL asked.
    pub url: String,
    /// The `Accept` header sent, if any.
    pub accept: Option<String>,
    /// The status answered; none when the proxy could not be reached.
    pub status: Option<u16>,
    /// The response headers that matter, lowercased, in [`SHOWN_HEADERS`] order.
    pub headers: Vec<(String, String)>,
    /// Body bytes received.
    pub bytes: usize,
    /// Milliseconds from sending to the whole body.
    pub ms: f64,
}

/// The response headers an exchange keeps.
pub const SHOWN_HEADERS: [&str; 10] = [
    "content-type",
    registry_header::DOCKER_CONTENT_DIGEST,
    "content-length",
    registry_header::RATELIMIT_LIMIT,
    registry_header::RATELIMIT_REMAINING,
    "www-authenticate",
    "location",
    "docker-distribution-api-version",
    "cache-control",
    "link",
];

impl Fetched {
    /// Whether the bytes hash to `digest` (the payload a signed schema 1 manifest's digest names, for
    /// one) and have the size a descriptor states.
    pub fn checked_against(&self, digest: &Digest, size: Option<u64>) -> Verification {
        let media_type = self.content_type.as_deref().unwrap_or_default();
        verification::verify(
            &manifest::verification_input(&self.bytes, media_type),
            Expected::Digest { digest, size },
        )
    }
}

impl Exchange {
    /// A response header kept by the exchange.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// Why a fetch failed, in plain words; `not_found` tells a 404 (an optional document that is simply absent).
#[derive(Debug, Clone, PartialEq)]
pub struct FetchError {
    /// The registry answered 404.
    pub not_found: bool,
    /// What happened, for the reader.
    pub message: String,
    /// The exchange that failed.
    pub exchange: Exchange,
}

impl FetchError {
    fn new(message: String, exchange: Exchange) -> Self {
        FetchError {
            not_found: false,
            message,
            exchange,
        }
    }
}

/// `GET /v2/` on the proxy: the version check a client sends first, where a registry may challenge.
pub async fn version_check() -> Result<Fetched, FetchError> {
    fetch(
        Request::get("/v2/"),
        Exchange::asked("GET", "/v2/", None),
        "version check",
    )
    .await
}

/// One page of a registry's catalog at `url` (the first page's, or a `Link` the previous page gave), and
/// the URL of the next page, if any; a refusal is explained as the registry's (or the proxy's) words say.
pub async fn catalog_page(url: &str) -> Result<(CatalogPage, Option<String>), FetchError> {
    let fetched = fetch(
        Request::get(url),
        Exchange::asked("GET", url, None),
        "catalog",
    )
    .await?;
    let next = fetched
        .exchange
        .header("link")
        .and_then(tag_list::next_link);
    let page = CatalogPage::parse(&fetched.bytes).map_err(|error| FetchError {
        not_found: false,
        message: error.to_string(),
        exchange: fetched.exchange.clone(),
    })?;
    Ok((page, next))
}

/// One page of a repository's tags at `url` (the first page's, or a `Link` the previous page gave), and
/// the URL of the next page, if any.
pub async fn tag_page(url: &str) -> Result<(TagPage, Option<String>), String> {
    let response = Request::get(url)
        .send()
        .await
        .map_err(|error| format!("the tag list could not be fetched: {error}"))?;
    if !response.ok() {
        return Err(format!(
            "the registry answered {} for the tag list",
            response.status()
        ));
    }
    let next = response
        .headers()
        .get("link")
        .as_deref()
        .and_then(tag_list::next_link);
    let bytes = response.binary().await.map_err(|error| error.to_string())?;
    let page = TagPage::parse(&bytes).map_err(|error| error.to_string())?;
    Ok((page, next))
}

/// The proxy's Sigstore trust root (`--sigstore-trust-root`), as its bytes; `None` when it has none.
pub async fn sigstore_trust_root() -> Result<Option<Vec<u8>>, String> {
    let path = strata_registry_api::sigstore_trust_root::TRUST_ROOT_PATH;
    match fetch(
        Request::get(path),
        Exchange::asked("GET", path, None),
        "Sigstore trust root",
    )
    .await
    {
        Ok(fetched) => Ok(Some(fetched.bytes)),
        Err(error) if error.not_found => Ok(None),
        Err(error) => Err(error.message),
    }
}

impl Repository {
    /// The repository a reference names.
    pub fn of(reference: &strata_image::reference::Reference) -> Repository {
        Repository {
            registry: reference.registry().to_owned(),
            repository: reference.repository().to_owned(),
        }
    }

    /// `/v2/<registry>/<repository>/manifests/<reference>`.
    pub fn manifest_url(&self, reference: &str) -> String {
        format!(
            "/v2/{}/{}/manifests/{reference}",
            self.registry, self.repository
        )
    }

    /// `/v2/<registry>/<repository>/blobs/<digest>`; for a local archive, the blob's `blob:` URL (an
    /// address that fails to load when the archive lacks it, and the reader is told why where it is used).
    pub fn blob_url(&self, digest: &str) -> String {
        if local_archive::is_local(&self.registry) {
            return local_archive::blob_url(&self.repository, digest)
                .unwrap_or_else(|_| format!("blob:{LOCAL_ARCHIVE_REGISTRY}/missing/{digest}"));
        }
        format!("/v2/{}/{}/blobs/{digest}", self.registry, self.repository)
    }

    /// Reads a blob of a local archive, opened in this tab; a tag names nothing there (404).
    async fn local(&self, reference: &str, what: &str) -> Result<Fetched, FetchError> {
        let url =
            local_archive::blob_url(&self.repository, reference).map_err(|missing| FetchError {
                not_found: true,
                message: missing.message(reference),
                exchange: Exchange::asked("GET", reference, None),
            })?;
        let mut fetched =
            fetch(Request::get(&url), Exchange::asked("GET", &url, None), what).await?;
        fetched.content_type = fetched.content_type.filter(|kind| !kind.is_empty());
        Ok(fetched)
    }

    /// Fetches a manifest by tag or digest, sending every manifest type in `Accept`.
    pub async fn manifest(&self, reference: &str) -> Result<Fetched, FetchError> {
        let what = format!(
            "manifest {reference} in {}/{}",
            self.registry, self.repository
        );
        if local_archive::is_local(&self.registry) {
            return self.local(reference, &what).await;
        }
        let url = self.manifest_url(reference);
        fetch(
            Request::get(&url).header("Accept", MANIFEST_ACCEPT),
            Exchange::asked("GET", &url, Some(MANIFEST_ACCEPT)),
            &what,
        )
        .await
    }

    /// Every manifest that refers to `digest` (OCI 1.1 referrers, as the proxy answers them from the
    /// registry's API or the tag schema), of any artifact type: their descriptors, which the caller
    /// fetches and hashes by digest.
    pub async fn referrers(
        &self,
        digest: &Digest,
    ) -> Result<Vec<strata_image::manifest::Descriptor>, FetchError> {
        let what = format!(
            "referrers of {digest} in {}/{}",
            self.registry, self.repository
        );
        let url = format!(
            "/v2/{}/{}/referrers/{digest}",
            self.registry, self.repository
        );
        let fetched = fetch(
            Request::get(&url).header("Accept", strata_image::media_type::OCI_INDEX),
            Exchange::asked("GET", &url, Some(strata_image::media_type::OCI_INDEX)),
            &what,
        )
        .await?;
        match manifest::read_document(&fetched.bytes, Some(strata_image::media_type::OCI_INDEX)) {
            Ok(read) => match read.document {
                manifest::Document::Index(index) => Ok(index.manifests),
                _ => Ok(Vec::new()),
            },
            Err(error) => Err(FetchError::new(
                format!("The {what} are not an index: {error}"),
                fetched.exchange,
            )),
        }
    }

    /// The manifest at `digest`, read, once its bytes hash to it (and have `size`, when a descriptor
    /// states one); why not, in words.
    pub async fn manifest_by_digest(
        &self,
        digest: &Digest,
        size: Option<u64>,
    ) -> Result<manifest::ReadDocument, String> {
        let fetched = self
            .manifest(&digest.to_string())
            .await
            .map_err(|error| error.message)?;
        let verification = fetched.checked_against(digest, size);
        if !matches!(verification, Verification::Verified { .. }) {
            return Err(verification.explain());
        }
        manifest::read_document(&fetched.bytes, fetched.content_type.as_deref())
            .map_err(|error| format!("the manifest {digest} cannot be read: {error}"))
    }

    /// Asks which digest a tag names (`HEAD`, with every manifest type in `Accept`): registries answer it
    /// in `Docker-Content-Digest`, and Docker Hub does not count it as a pull.
    pub async fn manifest_head(&self, tag: &str) -> Result<Fetched, FetchError> {
        let what = format!("tag {tag} in {}/{}", self.registry, self.repository);
        let url = self.manifest_url(tag);
        fetch(
            gloo_net::http::RequestBuilder::new(&url)
                .method(gloo_net::http::Method::HEAD)
                .header("Accept", MANIFEST_ACCEPT),
            Exchange::asked("HEAD", &url, Some(MANIFEST_ACCEPT)),
            &what,
        )
        .await
    }

    /// Fetches a blob by digest.
    pub async fn blob(&self, digest: &str) -> Result<Fetched, FetchError> {
        let what = format!("blob {digest} in {}/{}", self.registry, self.repository);
        if local_archive::is_local(&self.registry) {
            return self.local(digest, &what).await;
        }
        let url = self.blob_url(digest);
        fetch(
            Request::get(&url),
            Exchange::asked("GET", &url, None),
            &what,
        )
        .await
    }

    /// Asks for a blob's headers only (`HEAD`): its size and digest, without its bytes.
    pub async fn blob_head(&self, digest: &str) -> Result<Fetched, FetchError> {
        let what = format!("blob {digest} in {}/{}", self.registry, self.repository);
        if local_archive::is_local(&self.registry) {
            return self.local(digest, &what).await;
        }
        let url = self.blob_url(digest);
        fetch(
            gloo_net::http::RequestBuilder::new(&url).method(gloo_net::http::Method::HEAD),
            Exchange::asked("HEAD", &url, None),
            &what,
        )
        .await
    }
}

impl Exchange {
    fn asked(method: &'static str, url: &str, accept: Option<&str>) -> Exchange {
        Exchange {
            method,
            url: url.to_owned(),
            accept: accept.map(str::to_owned),
            ..Exchange::default()
        }
    }

    /// Records the answer to a request sent at `started` (`Date.now()`).
    fn answered(mut self, started: f64, response: Option<&Response>, bytes: usize) -> Exchange {
        self.ms = (js_sys::Date::now() - started).max(0.0);
        self.bytes = bytes;
        if let Some(response) = response {
            self.status = Some(response.status());
            let headers = response.headers();
            self.headers = SHOWN_HEADERS
                .iter()
                .filter_map(|name| headers.get(name).map(|value| ((*name).to_owned(), value)))
                .collect();
        }
        self
    }
}

async fn fetch(
    request: gloo_net::http::RequestBuilder,
    asked: Exchange,
    what: &str,
) -> Result<Fetched, FetchError> {
    let started = js_sys::Date::now();
    let response = match request.send().await {
        Ok(response) => response,
        Err(error) => {
            return Err(FetchError::new(
                format!("Could not reach Strata's proxy for the {what}: {error}"),
                asked.answered(started, None, 0),
            ));
        }
    };
    let bytes = match response.binary().await {
        Ok(bytes) => bytes,
        Err(error) => {
            return Err(FetchError::new(
                format!("The {what} could not be read completely: {error}"),
                asked.answered(started, Some(&response), 0),
            ));
        }
    };
    let exchange = asked.answered(started, Some(&response), bytes.len());
    if !response.ok() {
        return Err(FetchError {
            not_found: response.status() == 404,
            message: explain_failure(&response, &bytes, what),
            exchange,
        });
    }
    Ok(Fetched {
        bytes,
        content_type: response.headers().get("content-type"),
        registry_digest: response
            .headers()
            .get(registry_header::DOCKER_CONTENT_DIGEST),
        rate_limit: RateLimit {
            limit: response.headers().get(registry_header::RATELIMIT_LIMIT),
            remaining: response.headers().get(registry_header::RATELIMIT_REMAINING),
        },
        trace: upstream_trace::parse(
            response
                .headers()
                .get(upstream_trace::TRACE_HEADER)
                .as_deref(),
        ),
        exchange,
    })
}

fn explain_failure(response: &Response, body: &[u8], what: &str) -> String {
    let headers = response.headers();
    let failed = FailedResponse {
        status: response.status(),
        body,
        rate_limit: RateLimit {
            limit: headers.get(registry_header::RATELIMIT_LIMIT),
            remaining: headers.get(registry_header::RATELIMIT_REMAINING),
        },
        retry_after: headers.get("retry-after"),
    };
    registry_error::explain(what, &failed)
}
