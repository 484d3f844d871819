//! Requests to real registries: challenges answered the way registries expect (bearer tokens, anonymous or
//! with `--docker-config` credentials, kept until they expire; Basic), redirects followed without
//! credentials, every hop checked by the SSRF guard and written to the upstream trace.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::header::{
    ACCEPT, AUTHORIZATION, HeaderMap, HeaderValue, LOCATION, RANGE, WWW_AUTHENTICATE,
};
use reqwest::{Method, StatusCode, Url};
use strata_registry_api::{auth_challenge, token_answer};

use crate::credentials::{Credentials, Login};
use crate::error::{ProxyError, StartError};
use crate::settings::Settings;
use crate::ssrf_guard::{self, GuardedResolver};
use crate::token_cache::{TokenCache, TokenKey, keep_for};
use crate::upstream_body::{self, TransferLimits};
use crate::upstream_trace::{self, Step, StepKind, Trace, shown_url};

const MAX_REDIRECTS: usize = 5;
/// The `client_id` the refresh-token exchange names, as Docker names itself `docker`.
const OAUTH_CLIENT_ID: &str = "strata";
/// The largest token service answer read (the token itself is capped by core).
const MAX_TOKEN_ANSWER_BYTES: u64 = 64 * 1024;

/// The one HTTP client that reaches registries.
#[derive(Debug, Clone)]
pub struct Upstream {
    client: reqwest::Client,
    settings: Arc<Settings>,
    credentials: Arc<Credentials>,
    tokens: Arc<TokenCache>,
    /// Registries that asked for Basic credentials: later requests carry them from the first try.
    basic_registries: Arc<Mutex<HashSet<String>>>,
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
    /// Whether `--docker-config` names the registry at `authority` (the operator logged in to it).
    pub fn has_login_for(&self, authority: &str) -> bool {
        self.credentials.names(authority)
    }

    /// A client with the guard's resolver, no automatic redirects and bounded connection times, holding
    /// the credentials of `--docker-config`.
    pub fn new(settings: &Arc<Settings>) -> Result<Self, StartError> {
        let credentials = match &settings.docker_config {
            Some(path) => Credentials::load(path)?,
            None => Credentials::default(),
        };
        if !credentials.is_empty() {
            tracing::info!(
                registries = credentials.len(),
                helpers = ?credentials.helper_names(),
                "credentials read from the Docker config"
            );
        }
        // The environment's HTTP(S)_PROXY would resolve names where the guard cannot see them: ignored.
        let mut builder = reqwest::Client::builder()
            .no_proxy()
            .dns_resolver(Arc::new(GuardedResolver::new(settings)))
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(10))
            .read_timeout(Duration::from_secs(30))
            .user_agent(concat!("strata-proxy/", env!("CARGO_PKG_VERSION")));
        if let Some(proxy) = &settings.upstream_proxy {
            builder = builder.proxy(upstream_proxy(proxy)?);
        }
        let client = builder.build()?;
        Ok(Upstream {
            client,
            settings: Arc::clone(settings),
            credentials: Arc::new(credentials),
            tokens: Arc::new(TokenCache::default()),
            basic_registries: Arc::default(),
        })
    }

    /// Sends the request, answering a challenge (bearer token or Basic credentials) and following
    /// redirects without `Authorization`. Returns the final response, whatever its status.
    pub async fn fetch(
        &self,
        request: UpstreamRequest<'_>,
    ) -> Result<reqwest::Response, ProxyError> {
        let mut trace = Trace::default();
        self.fetch_traced(request, &mut trace).await
    }

    /// Like [`fetch`](Self::fetch), writing each step to `trace` — also the steps before an error. The
    /// answer must begin within `--upstream-timeout`; its body is bounded by `--upstream-deadline` and
    /// `--min-upstream-rate` when read through [`crate::upstream_body::guarded`].
    pub async fn fetch_traced(
        &self,
        request: UpstreamRequest<'_>,
        trace: &mut Trace,
    ) -> Result<reqwest::Response, ProxyError> {
        let limits = TransferLimits::starting_now(
            Duration::from_secs(self.settings.upstream_deadline_secs.max(1)),
            self.settings.min_upstream_bytes_per_sec,
        );
        let seconds = self.settings.upstream_timeout_secs.max(1);
        let authority = request.authority;
        let answer = tokio::time::timeout(
            Duration::from_secs(seconds),
            self.fetch_unbounded(request, limits, trace),
        )
        .await;
        match answer {
            Ok(Ok(mut response)) => {
                response.extensions_mut().insert(limits);
                Ok(response)
            }
            Ok(Err(error)) => Err(error),
            Err(_) => {
                let error = ProxyError::Timeout(format!(
                    "{authority} did not answer within {seconds} s (--upstream-timeout)"
                ));
                trace.push(Step::new(StepKind::Error).note(&error.to_string()));
                Err(error)
            }
        }
    }

    async fn fetch_unbounded(
        &self,
        request: UpstreamRequest<'_>,
        limits: TransferLimits,
        trace: &mut Trace,
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

        // A registry that challenged before likely wants the same token again: send it at once.
        let predicted = repository_of(request.path)
            .and_then(|repository| self.tokens.predicted_key(request.authority, repository));
        let cached = predicted.as_ref().and_then(|key| self.tokens.get(key));
        let mut first = headers.clone();
        let mut auth = "none";
        if let Some(value) = cached.as_deref().and_then(bearer_value) {
            first.insert(AUTHORIZATION, value);
            auth = "bearer (cached)";
        } else if let Some(value) = self.remembered_basic(request.authority).await {
            first.insert(AUTHORIZATION, value);
            auth = "basic";
        }
        let mut response = self
            .send(StepKind::Request, &request.method, &url, first, auth, trace)
            .await?;
        if response.status() == StatusCode::UNAUTHORIZED {
            if cached.is_some()
                && let Some(key) = &predicted
            {
                self.tokens.forget(key);
            }
            if let Some((value, auth)) = self
                .authorize(&response, request.authority, limits, trace)
                .await?
            {
                let mut authorized = headers.clone();
                authorized.insert(AUTHORIZATION, value);
                response = self
                    .send(
                        StepKind::Request,
                        &request.method,
                        &url,
                        authorized,
                        auth,
                        trace,
                    )
                    .await?;
            }
        }
        let mut current = url;
        for _ in 0..MAX_REDIRECTS {
            if !response.status().is_redirection() {
                return Ok(response);
            }
            let Some(next) = redirect_target(&current, response.headers()) else {
                return Ok(response);
            };
            response = self
                .send(
                    StepKind::Redirect,
                    &request.method,
                    &next,
                    headers.clone(),
                    "none",
                    trace,
                )
                .await?;
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
        kind: StepKind,
        method: &Method,
        url: &Url,
        headers: HeaderMap,
        auth: &'static str,
        trace: &mut Trace,
    ) -> Result<reqwest::Response, ProxyError> {
        self.send_request(kind, method, url, headers, None, auth, trace)
            .await
    }

    /// [`Upstream::send`], with a body (a token service's form).
    #[allow(clippy::too_many_arguments)]
    async fn send_request(
        &self,
        kind: StepKind,
        method: &Method,
        url: &Url,
        headers: HeaderMap,
        body: Option<String>,
        auth: &'static str,
        trace: &mut Trace,
    ) -> Result<reqwest::Response, ProxyError> {
        let mut step = upstream_trace::sent(kind, method, url, auth);
        let mut checked = ssrf_guard::check_url(&self.settings, url);
        if checked.is_ok() && self.settings.upstream_proxy.is_some() {
            // Through a proxy the name is resolved there: check what it resolves to here first.
            checked = ssrf_guard::check_resolved(&self.settings, url).await;
        }
        if let Err(refusal) = checked {
            step.step = StepKind::Refused;
            trace.push(step.note(&refusal.to_string()));
            return Err(refusal);
        }
        let started = Instant::now();
        let mut outgoing = self
            .client
            .request(method.clone(), url.clone())
            .headers(headers);
        if let Some(body) = body {
            outgoing = outgoing.body(body);
        }
        let result = outgoing.send().await;
        let ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let shown = shown_url(url);
        match result {
            Ok(response) => {
                tracing::info!(step = ?kind, %method, url = %shown, auth, status = %response.status(), elapsed_ms = ms, "upstream");
                upstream_trace::answered(
                    &mut step,
                    response.status().as_u16(),
                    ms,
                    response.headers(),
                );
                trace.push(step);
                Ok(response)
            }
            Err(error) => {
                let error = describe_send_error(url, error);
                tracing::info!(step = ?kind, %method, url = %shown, elapsed_ms = ms, %error, "upstream failed");
                step.step = if matches!(error, ProxyError::Refused(_)) {
                    StepKind::Refused
                } else {
                    StepKind::Error
                };
                step.ms = Some(ms);
                trace.push(step.note(&error.to_string()));
                Err(error)
            }
        }
    }

    /// Basic credentials for a registry that asked for them before.
    async fn remembered_basic(&self, registry: &str) -> Option<HeaderValue> {
        let known = self
            .basic_registries
            .lock()
            .ok()?
            .contains(&registry.to_ascii_lowercase());
        if !known {
            return None;
        }
        self.credentials
            .for_registry(registry)
            .await
            .ok()
            .flatten()
            .as_ref()
            .and_then(Login::basic_header)
    }

    /// The `Authorization` that answers a 401, with its kind for the trace; `None` when the proxy has no
    /// way to answer (a Basic challenge without credentials, no usable challenge).
    async fn authorize(
        &self,
        response: &reqwest::Response,
        registry: &str,
        limits: TransferLimits,
        trace: &mut Trace,
    ) -> Result<Option<(HeaderValue, &'static str)>, ProxyError> {
        let challenges: Vec<auth_challenge::Challenge> = response
            .headers()
            .get_all(WWW_AUTHENTICATE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(auth_challenge::parse)
            .collect();
        let credentials = match self.credentials.for_registry(registry).await {
            Ok(found) => found,
            Err(error) => {
                trace.note_last(&format!("no credentials: {error}"));
                None
            }
        };
        let credentials = credentials.as_ref();
        let bearer = challenges
            .iter()
            .find(|challenge| challenge.scheme == "bearer" && challenge.param("realm").is_some());
        if let Some(bearer) = bearer {
            let realm = bearer.param("realm").unwrap_or_default();
            let service = bearer.param("service");
            let scope = bearer.param("scope").unwrap_or_default();
            trace.push(
                Step::new(StepKind::Challenge)
                    .param("scheme", "bearer")
                    .param("realm", realm)
                    .param("service", service.unwrap_or_default())
                    .param("scope", scope),
            );
            let key = TokenKey::new(registry, realm, service.unwrap_or_default(), scope);
            if let Some(token) = self.tokens.get(&key) {
                trace.push(Step::new(StepKind::Token).param("cached", "true"));
                return Ok(bearer_value(&token).map(|value| (value, "bearer (cached)")));
            }
            let answer = self
                .request_token(realm, service, &key.scopes, credentials, limits, trace)
                .await?;
            let value = bearer_value(&answer.token).ok_or_else(|| {
                ProxyError::Auth("the token service sent an unusable token".into())
            })?;
            self.tokens
                .insert(key, answer.token, keep_for(answer.expires_in));
            return Ok(Some((value, "bearer")));
        }
        if let Some(basic) = challenges.iter().find(|c| c.scheme == "basic") {
            trace.push(
                Step::new(StepKind::Challenge)
                    .param("scheme", "basic")
                    .param("realm", basic.param("realm").unwrap_or_default()),
            );
            return match credentials.and_then(Login::basic_header) {
                Some(value) => {
                    if let Ok(mut registries) = self.basic_registries.lock() {
                        registries.insert(registry.to_ascii_lowercase());
                    }
                    Ok(Some((value, "basic")))
                }
                None if credentials.is_some() => {
                    trace.note_last(
                        "the login for this registry is an identity token, which a Basic challenge cannot take",
                    );
                    Ok(None)
                }
                None => {
                    trace.note_last(
                        "the proxy has no credentials for this registry (--docker-config)",
                    );
                    Ok(None)
                }
            };
        }
        Ok(None)
    }

    /// A token from `realm`: `GET realm?service=…&scope=…`, with Basic credentials when the registry has
    /// them; for an identity token, the OAuth2 refresh-token exchange (`POST realm` with a form), as
    /// Docker does.
    async fn request_token(
        &self,
        realm: &str,
        service: Option<&str>,
        scopes: &[String],
        credentials: Option<&Login>,
        limits: TransferLimits,
        trace: &mut Trace,
    ) -> Result<token_answer::TokenAnswer, ProxyError> {
        let mut realm_url = Url::parse(realm).map_err(|_| {
            ProxyError::Auth(format!(
                "the registry named an invalid token realm {realm:?}"
            ))
        })?;
        let mut headers = HeaderMap::new();
        let token_response = match credentials.and_then(Login::identity_token) {
            Some(identity_token) => {
                let form = refresh_token_form(identity_token, service, scopes);
                headers.insert(
                    reqwest::header::CONTENT_TYPE,
                    HeaderValue::from_static("application/x-www-form-urlencoded"),
                );
                self.send_request(
                    StepKind::Token,
                    &Method::POST,
                    &realm_url,
                    headers,
                    Some(form),
                    "identity token",
                    trace,
                )
                .await?
            }
            None => {
                {
                    let mut query = realm_url.query_pairs_mut();
                    if let Some(service) = service {
                        query.append_pair("service", service);
                    }
                    for scope in scopes {
                        query.append_pair("scope", scope);
                    }
                }
                let mut auth = "none";
                if let Some(value) = credentials.and_then(Login::basic_header) {
                    headers.insert(AUTHORIZATION, value);
                    auth = "basic";
                }
                self.send(
                    StepKind::Token,
                    &Method::GET,
                    &realm_url,
                    headers,
                    auth,
                    trace,
                )
                .await?
            }
        };
        if !token_response.status().is_success() {
            return Err(ProxyError::Auth(format!(
                "the token service at {} answered {}{}",
                realm_url.host_str().unwrap_or("?"),
                token_response.status(),
                if credentials.is_some() {
                    " to the credentials from --docker-config"
                } else {
                    ""
                }
            )));
        }
        let mut token_response = token_response;
        token_response.extensions_mut().insert(limits);
        let body = upstream_body::read_whole(token_response, MAX_TOKEN_ANSWER_BYTES, |_| {
            ProxyError::Auth(format!(
                "the token service's answer is larger than {MAX_TOKEN_ANSWER_BYTES} bytes"
            ))
        })
        .await?;
        let answer =
            token_answer::read(&body).map_err(|error| ProxyError::Auth(error.to_string()))?;
        if let Some(step) = trace.steps.last_mut() {
            let shown = if answer.lifetime_given {
                answer.expires_in.to_string()
            } else {
                format!("{} (default)", answer.expires_in)
            };
            step.params.insert("expires_in".into(), shown);
        }
        Ok(answer)
    }
}

/// The OAuth2 refresh-token exchange's form, as Docker sends it to a token service.
fn refresh_token_form(identity_token: &str, service: Option<&str>, scopes: &[String]) -> String {
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    form.append_pair("grant_type", "refresh_token")
        .append_pair("refresh_token", identity_token)
        .append_pair("client_id", OAUTH_CLIENT_ID)
        .append_pair("scope", &scopes.join(" "));
    if let Some(service) = service {
        form.append_pair("service", service);
    }
    form.finish()
}

/// The `--upstream-proxy`, as reqwest takes it: only http:// and https:// proxies.
fn upstream_proxy(url: &str) -> Result<reqwest::Proxy, StartError> {
    let bad = || StartError::BadUpstreamProxy(url.to_owned());
    let parsed = Url::parse(url).map_err(|_| bad())?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(bad());
    }
    reqwest::Proxy::all(parsed).map_err(|_| bad())
}

fn bearer_value(token: &str) -> Option<HeaderValue> {
    let mut value = HeaderValue::from_str(&format!("Bearer {token}")).ok()?;
    value.set_sensitive(true);
    Some(value)
}

/// The repository of a path after `/v2/` (`team/app/manifests/1` → `team/app`). The endpoint is the last
/// marker, as a repository may itself contain `blobs` or `manifests` components.
fn repository_of(path: &str) -> Option<&str> {
    ["/manifests/", "/blobs/", "/tags/list", "/referrers/"]
        .iter()
        .filter_map(|marker| path.rfind(marker))
        .max()
        .map(|end| &path[..end])
        .filter(|repository| !repository.is_empty())
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
    // Without the URL: a redirect's pre-signed query is not for the page to see.
    let error = error.without_url();
    let mut detail = error.to_string();
    let mut cause = std::error::Error::source(&error);
    while let Some(inner) = cause {
        detail = format!("{detail}: {inner}");
        cause = inner.source();
    }
    ProxyError::Unreachable(format!("could not reach {host}: {detail}"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_refresh_token_exchange_sends_what_docker_sends() {
        let form = refresh_token_form(
            "id token/+=",
            Some("registry.example"),
            &[
                "repository:a/b:pull".to_owned(),
                "repository:c:pull".to_owned(),
            ],
        );
        assert_eq!(
            form,
            "grant_type=refresh_token&refresh_token=id+token%2F%2B%3D&client_id=strata\
             &scope=repository%3Aa%2Fb%3Apull+repository%3Ac%3Apull&service=registry.example"
        );
    }

    use super::*;

    #[test]
    fn repositories_of_paths() {
        for (path, repository) in [
            ("team/app/manifests/1", Some("team/app")),
            ("team/blobs/app/manifests/sha256:00", Some("team/blobs/app")),
            ("a/manifests/x/blobs/sha256:00", Some("a/manifests/x")),
            ("library/alpine/tags/list", Some("library/alpine")),
            ("a/b/referrers/sha256:00", Some("a/b")),
            ("_catalog", None),
            ("/manifests/1", None),
        ] {
            assert_eq!(repository_of(path), repository, "{path}");
        }
    }

    #[test]
    fn bearer_values_are_sensitive() {
        let value = bearer_value("abc").expect("a value");
        assert!(value.is_sensitive());
        assert_eq!(value, "Bearer abc");
        assert!(bearer_value("bad\ntoken").is_none(), "no header injection");
    }
}
