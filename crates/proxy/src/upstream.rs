//! Requests to real registries: the anonymous bearer-token dance, redirects followed without credentials,
//! every hop checked by the SSRF guard.

use std::time::Duration;

use reqwest::header::{
    ACCEPT, AUTHORIZATION, HeaderMap, HeaderValue, LOCATION, RANGE, WWW_AUTHENTICATE,
};
use reqwest::{Method, StatusCode, Url};

use crate::auth_challenge;
use crate::error::ProxyError;
use crate::settings::Settings;
use crate::ssrf_guard::{self, GuardedResolver};

const MAX_REDIRECTS: usize = 5;
const MAX_TOKEN_BYTES: usize = 64 * 1024;

/// The one HTTP client that reaches registries.
#[derive(Debug, Clone)]
pub struct Upstream {
    client: reqwest::Client,
    settings: Settings,
}

/// What to fetch from a registry.
#[derive(Debug, Clone)]
pub struct UpstreamRequest<'a> {
    /// `host[:port]` of the registry API.
    pub authority: &'a str,
    /// Path after `/v2/`, e.g. `library/alpine/manifests/latest`.
    pub path: &'a str,
    /// GET or HEAD.
    pub method: Method,
    /// The client's `Accept`.
    pub accept: Option<HeaderValue>,
    /// The client's `Range`, passed through for blobs.
    pub range: Option<HeaderValue>,
}

impl Upstream {
    /// A client with the guard's resolver, no automatic redirects and bounded connection times.
    pub fn new(settings: &Settings) -> Result<Self, reqwest::Error> {
        let client = reqwest::Client::builder()
            .dns_resolver(std::sync::Arc::new(GuardedResolver::new(settings)))
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(10))
            .read_timeout(Duration::from_secs(30))
            .user_agent(concat!("strata-proxy/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Upstream {
            client,
            settings: settings.clone(),
        })
    }

    /// Sends the request, answering a Bearer challenge with an anonymous token and following redirects
    /// without `Authorization`. Returns the final response, whatever its status.
    pub async fn fetch(
        &self,
        request: UpstreamRequest<'_>,
    ) -> Result<reqwest::Response, ProxyError> {
        let scheme = if self.settings.is_insecure(request.authority) {
            "http"
        } else {
            "https"
        };
        let url = Url::parse(&format!(
            "{scheme}://{}/v2/{}",
            request.authority, request.path
        ))
        .map_err(|error| ProxyError::BadPath(format!("cannot form a registry URL: {error}")))?;
        let mut headers = HeaderMap::new();
        if let Some(accept) = request.accept.clone() {
            headers.insert(ACCEPT, accept);
        }
        if let Some(range) = request.range.clone() {
            headers.insert(RANGE, range);
        }
        let mut response = self.send(&request.method, &url, headers.clone()).await?;
        if response.status() == StatusCode::UNAUTHORIZED
            && let Some(token) = self.anonymous_token(&response).await?
        {
            let mut authorized = headers.clone();
            let value = HeaderValue::from_str(&format!("Bearer {token}"))
                .map_err(|_| ProxyError::Auth("the token service sent an unusable token".into()))?;
            authorized.insert(AUTHORIZATION, value);
            response = self.send(&request.method, &url, authorized).await?;
        }
        let mut current = url;
        for _ in 0..MAX_REDIRECTS {
            if !response.status().is_redirection() {
                return Ok(response);
            }
            let Some(next) = redirect_target(&current, response.headers()) else {
                return Ok(response);
            };
            tracing::debug!(from = %current, to = %next, "following redirect");
            response = self.send(&request.method, &next, headers.clone()).await?;
            current = next;
        }
        if response.status().is_redirection() {
            return Err(ProxyError::Unreachable(format!(
                "{} redirected more than {MAX_REDIRECTS} times",
                request.authority
            )));
        }
        Ok(response)
    }

    async fn send(
        &self,
        method: &Method,
        url: &Url,
        headers: HeaderMap,
    ) -> Result<reqwest::Response, ProxyError> {
        ssrf_guard::check_url(&self.settings, url)?;
        let started = std::time::Instant::now();
        let result = self
            .client
            .request(method.clone(), url.clone())
            .headers(headers)
            .send()
            .await;
        match result {
            Ok(response) => {
                tracing::info!(%method, %url, status = %response.status(), elapsed_ms = started.elapsed().as_millis() as u64, "upstream");
                Ok(response)
            }
            Err(error) => Err(describe_send_error(url, error)),
        }
    }

    async fn anonymous_token(
        &self,
        response: &reqwest::Response,
    ) -> Result<Option<String>, ProxyError> {
        let challenges: Vec<auth_challenge::Challenge> = response
            .headers()
            .get_all(WWW_AUTHENTICATE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(auth_challenge::parse)
            .collect();
        let Some(bearer) = challenges
            .iter()
            .find(|challenge| challenge.scheme == "bearer")
        else {
            return Ok(None);
        };
        let Some(realm) = bearer.param("realm") else {
            return Ok(None);
        };
        let mut realm_url = Url::parse(realm).map_err(|_| {
            ProxyError::Auth(format!(
                "the registry named an invalid token realm {realm:?}"
            ))
        })?;
        {
            let mut query = realm_url.query_pairs_mut();
            if let Some(service) = bearer.param("service") {
                query.append_pair("service", service);
            }
            for scope in bearer.param("scope").unwrap_or_default().split_whitespace() {
                query.append_pair("scope", scope);
            }
        }
        let token_response = self
            .send(&Method::GET, &realm_url, HeaderMap::new())
            .await?;
        if !token_response.status().is_success() {
            return Err(ProxyError::Auth(format!(
                "the token service at {} answered {}",
                realm_url.host_str().unwrap_or("?"),
                token_response.status()
            )));
        }
        let body = read_bounded(token_response, MAX_TOKEN_BYTES).await?;
        let parsed: serde_json::Value = serde_json::from_slice(&body)
            .map_err(|_| ProxyError::Auth("the token service did not answer with JSON".into()))?;
        let token = parsed
            .get("token")
            .or_else(|| parsed.get("access_token"))
            .and_then(|t| t.as_str());
        match token {
            Some(token) if !token.is_empty() => Ok(Some(token.to_owned())),
            _ => Err(ProxyError::Auth(
                "the token service's answer holds no token".into(),
            )),
        }
    }
}

async fn read_bounded(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Vec<u8>, ProxyError> {
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|error| ProxyError::Unreachable(format!("reading the token failed: {error}")))?
    {
        if body.len() + chunk.len() > limit {
            return Err(ProxyError::Auth(format!(
                "the token service's answer is larger than {limit} bytes"
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn redirect_target(current: &Url, headers: &HeaderMap) -> Option<Url> {
    let location = headers.get(LOCATION)?.to_str().ok()?;
    current.join(location).ok()
}

fn describe_send_error(url: &Url, error: reqwest::Error) -> ProxyError {
    let host = url.host_str().unwrap_or("?").to_owned();
    let mut source: Option<&dyn std::error::Error> = Some(&error);
    while let Some(cause) = source {
        if let Some(refusal) = cause.downcast_ref::<ProxyError>() {
            return ProxyError::Refused(refusal.to_string());
        }
        source = cause.source();
    }
    if error.is_timeout() {
        return ProxyError::Timeout(format!("{host} did not answer in time"));
    }
    let mut detail = error.to_string();
    let mut cause = std::error::Error::source(&error);
    while let Some(inner) = cause {
        detail = format!("{detail}: {inner}");
        cause = inner.source();
    }
    ProxyError::Unreachable(format!("could not reach {host}: {detail}"))
}
