//! `/v2/<registry>/<repository>/referrers/<digest>[?artifactType=]`: the manifests that refer to a digest.
//! The registry's referrers API when it has one; otherwise the referrers tag schema (`<alg>-<hex>`); an
//! empty index when neither exists. `Strata-Referrers-Source` says which answered.

use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, Method, Response, StatusCode, header};
use strata_image::artifact::referrers_fallback_tag;
use strata_image::digest::Digest;
use strata_image::media_type::OCI_INDEX;
use strata_image::registry_host;

use crate::error::ProxyError;
use crate::pagination::{ListLocation, ListQuery, rewrite_next_link};
use crate::registry_path::{Endpoint, RegistryPath, RepositoryName};
use crate::relay::{made_here, read_bounded, relay};
use crate::state::AppState;
use crate::upstream::UpstreamRequest;

/// The query keys passed on; `n` and `last` only ever come from a registry's own next-page link.
const QUERY_KEYS: &[&str] = &["artifactType", "n", "last"];

/// Which path produced a referrers answer (the `Strata-Referrers-Source` header).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferrersSource {
    /// The registry's referrers API.
    Api,
    /// The index tagged by the referrers tag schema.
    TagFallback,
    /// Neither: an empty index made by the proxy.
    None,
}

impl ReferrersSource {
    /// The header value.
    pub fn as_str(self) -> &'static str {
        match self {
            ReferrersSource::Api => "api",
            ReferrersSource::TagFallback => "tag-fallback",
            ReferrersSource::None => "none",
        }
    }
}

/// The response header naming the source.
pub const SOURCE_HEADER: &str = "strata-referrers-source";

/// What the tag schema's fallback tag held.
#[derive(Debug, PartialEq)]
enum Fallback {
    /// An index, as the registry sent it.
    Index(Vec<u8>),
    /// No such tag, or not an index: no referrers.
    Nothing,
    /// The registry does not know the repository: its 404 envelope, passed on.
    UnknownRepository(Vec<u8>),
}

/// Answers a referrers request.
pub async fn answer(
    state: &AppState,
    name: &RepositoryName,
    digest: &Digest,
    raw_query: Option<&str>,
    head: bool,
) -> Result<Response<Body>, ProxyError> {
    let query = ListQuery::parse(raw_query, QUERY_KEYS)?;
    let artifact_type = query.get("artifactType");
    let fallback_tag = referrers_fallback_tag(digest);
    if name.registry == registry_host::DEMO_REGISTRY {
        let fallback = demo_fallback(state, name, &fallback_tag).await?;
        return Ok(fallback_answer(fallback, artifact_type, head));
    }
    let limit = state.settings.max_manifest_bytes;
    let authority = registry_host::api_host(&name.registry);
    let accept = Some(HeaderValue::from_static(OCI_INDEX));
    let api = state
        .upstream
        .fetch(UpstreamRequest {
            authority,
            path: &format!(
                "{}/referrers/{digest}{}",
                name.repository,
                query.to_query_string()
            ),
            method: Method::GET,
            accept: accept.clone(),
            range: None,
        })
        .await?;
    let status = api.status().as_u16();
    if status == 200 {
        let link = rewrite_next_link(
            api.headers(),
            ListLocation {
                answered_from: api.url(),
                authority,
                upstream_path: &format!("/v2/{}/referrers/{digest}", name.repository),
                proxy_path: &format!(
                    "/v2/{}/{}/referrers/{digest}",
                    name.registry, name.repository
                ),
                allowed_keys: QUERY_KEYS,
            },
        );
        let filters = api.headers().get("oci-filters-applied").cloned();
        let bytes = read_bounded(api, limit).await?;
        if is_index(&bytes) {
            let mut headers = vec![source_header(ReferrersSource::Api)];
            if let Some(filters) = filters {
                headers.push((HeaderName::from_static("oci-filters-applied"), filters));
            }
            if let Some(link) = link.and_then(|link| HeaderValue::from_str(&link).ok()) {
                headers.push((header::LINK, link));
            }
            return Ok(made_here(StatusCode::OK, OCI_INDEX, &headers, bytes, head));
        }
        tracing::info!(registry = %name.registry, "the referrers API answered something else than an index; trying the tag schema");
    } else if !is_unsupported(status) {
        return relay(api, None, head);
    }
    let tagged = state
        .upstream
        .fetch(UpstreamRequest {
            authority,
            path: &format!("{}/manifests/{fallback_tag}", name.repository),
            method: Method::GET,
            accept,
            range: None,
        })
        .await?;
    let fallback = match tagged.status().as_u16() {
        200 => {
            let content_type = tagged.headers().get(header::CONTENT_TYPE).cloned();
            read_fallback(content_type.as_ref(), read_bounded(tagged, limit).await?)
        }
        404 => read_missing(read_bounded(tagged, limit).await?),
        _ => return relay(tagged, None, head),
    };
    Ok(fallback_answer(fallback, artifact_type, head))
}

/// Statuses that say a registry has no referrers API (distribution-spec: 404; some answer 405 or 501).
fn is_unsupported(status: u16) -> bool {
    matches!(status, 404 | 405 | 501)
}

/// The demo registry's fallback tag, read through its manifest answer.
async fn demo_fallback(
    state: &AppState,
    name: &RepositoryName,
    tag: &str,
) -> Result<Fallback, ProxyError> {
    let path = RegistryPath {
        registry: name.registry.clone(),
        repository: name.repository.clone(),
        endpoint: Endpoint::Manifest,
        reference: tag.to_owned(),
    };
    let answer = state.demo.answer(&path, false);
    let status = answer.status();
    let content_type = answer.headers().get(header::CONTENT_TYPE).cloned();
    let limit = usize::try_from(state.settings.max_manifest_bytes).unwrap_or(usize::MAX);
    let bytes = axum::body::to_bytes(answer.into_body(), limit)
        .await
        .map_err(|error| ProxyError::Unreachable(format!("reading a demo manifest: {error}")))?
        .to_vec();
    Ok(match status {
        StatusCode::OK => read_fallback(content_type.as_ref(), bytes),
        _ => read_missing(bytes),
    })
}

/// A missing fallback tag: no referrers, unless the registry says the repository itself is unknown.
fn read_missing(envelope: Vec<u8>) -> Fallback {
    let codes = strata_registry_api::registry_error::parse_envelope(&envelope);
    if codes
        .iter()
        .any(|error| error.is(strata_registry_api::registry_error::ErrorCode::NameUnknown))
    {
        return Fallback::UnknownRepository(envelope);
    }
    Fallback::Nothing
}

/// An index under the fallback tag, or nothing when the tag holds something else.
fn read_fallback(content_type: Option<&HeaderValue>, bytes: Vec<u8>) -> Fallback {
    let declared = content_type
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .map(str::trim);
    if matches!(declared, Some(media_type) if media_type != OCI_INDEX) || !is_index(&bytes) {
        return Fallback::Nothing;
    }
    Fallback::Index(bytes)
}

/// Whether `bytes` read as an OCI index: a JSON object with a `manifests` array and no other `mediaType`.
fn is_index(bytes: &[u8]) -> bool {
    let Ok(serde_json::Value::Object(document)) = serde_json::from_slice(bytes) else {
        return false;
    };
    let media_type_ok = match document.get("mediaType") {
        None => true,
        Some(media_type) => media_type == OCI_INDEX,
    };
    media_type_ok && document.get("manifests").is_some_and(|m| m.is_array())
}

/// The answer from the fallback: the tagged index (untouched, or filtered by `artifactType`), or an
/// empty index.
fn fallback_answer(fallback: Fallback, artifact_type: Option<&str>, head: bool) -> Response<Body> {
    let (source, index) = match fallback {
        Fallback::Index(bytes) => (ReferrersSource::TagFallback, bytes),
        Fallback::Nothing => (ReferrersSource::None, empty_index()),
        Fallback::UnknownRepository(envelope) => {
            return made_here(
                StatusCode::NOT_FOUND,
                "application/json",
                &[],
                envelope,
                head,
            );
        }
    };
    let mut headers = vec![source_header(source)];
    let index = match artifact_type {
        Some(wanted) => {
            headers.push((
                HeaderName::from_static("oci-filters-applied"),
                HeaderValue::from_static("artifactType"),
            ));
            filtered(&index, wanted).unwrap_or(index)
        }
        None => index,
    };
    made_here(StatusCode::OK, OCI_INDEX, &headers, index, head)
}

/// `index` with only the descriptors whose `artifactType` is `wanted`; `None` if it is not a JSON object.
fn filtered(index: &[u8], wanted: &str) -> Option<Vec<u8>> {
    let mut document: serde_json::Value = serde_json::from_slice(index).ok()?;
    let manifests = document.get_mut("manifests")?.as_array_mut()?;
    manifests.retain(|descriptor| {
        descriptor.get("artifactType").and_then(|t| t.as_str()) == Some(wanted)
    });
    serde_json::to_vec(&document).ok()
}

fn empty_index() -> Vec<u8> {
    format!(r#"{{"schemaVersion":2,"mediaType":"{OCI_INDEX}","manifests":[]}}"#).into_bytes()
}

fn source_header(source: ReferrersSource) -> (HeaderName, HeaderValue) {
    (
        HeaderName::from_static(SOURCE_HEADER),
        HeaderValue::from_static(source.as_str()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    use strata_image::media_type::COSIGN_SIGNATURE_ARTIFACT as SIG;
    const SBOM: &str = "application/spdx+json";

    fn index() -> Vec<u8> {
        serde_json::json!({
            "schemaVersion": 2,
            "mediaType": OCI_INDEX,
            "manifests": [
                { "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "sha256:aa", "size": 1, "artifactType": SIG },
                { "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "sha256:bb", "size": 1, "artifactType": SBOM },
            ],
        })
        .to_string()
        .into_bytes()
    }

    async fn body_of(response: Response<Body>) -> serde_json::Value {
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .expect("a body");
        serde_json::from_slice(&bytes).expect("JSON")
    }

    #[test]
    fn only_indexes_count() {
        let index_type = HeaderValue::from_static(OCI_INDEX);
        let json = HeaderValue::from_static("application/json");
        assert_eq!(
            read_fallback(Some(&index_type), index()),
            Fallback::Index(index())
        );
        assert_eq!(read_fallback(None, index()), Fallback::Index(index()));
        assert_eq!(read_fallback(Some(&json), index()), Fallback::Nothing);
        let manifest = br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{},"layers":[]}"#;
        assert_eq!(read_fallback(None, manifest.to_vec()), Fallback::Nothing);
        assert_eq!(read_fallback(None, b"not json".to_vec()), Fallback::Nothing);
        assert!(is_index(&empty_index()));
    }

    #[tokio::test]
    async fn the_fallback_is_filtered_and_says_so() {
        let answer = fallback_answer(Fallback::Index(index()), Some(SBOM), false);
        assert_eq!(answer.headers()[SOURCE_HEADER], "tag-fallback");
        assert_eq!(answer.headers()["oci-filters-applied"], "artifactType");
        let body = body_of(answer).await;
        assert_eq!(body["manifests"].as_array().map(Vec::len), Some(1));
        assert_eq!(body["manifests"][0]["artifactType"], SBOM);

        let answer = fallback_answer(Fallback::Index(index()), None, false);
        assert!(answer.headers().get("oci-filters-applied").is_none());
        let bytes = axum::body::to_bytes(answer.into_body(), 1 << 20)
            .await
            .expect("a body");
        assert_eq!(
            bytes.as_ref(),
            index().as_slice(),
            "unfiltered bytes pass untouched"
        );

        let answer = fallback_answer(Fallback::Nothing, None, true);
        assert_eq!(answer.headers()[SOURCE_HEADER], "none");
        assert_eq!(
            answer.headers()[header::CONTENT_LENGTH],
            empty_index().len().to_string().as_str()
        );
    }
}
