//! A registry written by an attacker, reached through the real proxy: HTML, SVG and XHTML under every
//! route (opened in Chromium, no script may run on Strata's origin), token services that lie about
//! lifetimes (the proxy keeps answering), redirects to odd places, trickling bodies, and environment
//! proxies that would carry requests past the SSRF guard.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use strata_e2e::browser::Browser;
use strata_e2e::proxy::Proxy;
use strata_e2e::tampering_registry::{Answer, Fault, TamperingRegistry};
use strata_image::digest::Digest;

const HTML: &[u8] =
    b"<!doctype html><html><body><script>window.__pwned=1;document.title='pwned'</script></body></html>";
const SVG: &[u8] = b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"window.__pwned=1\">\
<script>window.__pwned=1;document.title='pwned'</script></svg>";
const XHTML: &[u8] = b"<html xmlns=\"http://www.w3.org/1999/xhtml\"><body>\
<script>window.__pwned=1;document.title='pwned'</script></body></html>";
const ACCEPT: &str =
    "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json";
/// Whether a `/v2/` answer's type is one the browser treats as data: JSON, `+json`, or opaque bytes.
fn is_data_type(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    essence == "application/octet-stream"
        || essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

fn answer(status: u16, content_type: Option<&str>, body: &[u8], extra: &[(&str, &str)]) -> Answer {
    let mut headers: Vec<(String, String)> = content_type
        .map(|value| vec![("content-type".to_owned(), value.to_owned())])
        .unwrap_or_default();
    headers.extend(
        extra
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned())),
    );
    Answer {
        status,
        headers,
        body: body.to_vec(),
    }
}

/// Whether the markup's script ran in the page the browser shows.
async fn script_ran(browser: &Browser) -> bool {
    browser
        .eval("return window.__pwned === 1 || document.title === 'pwned';")
        .await
        == serde_json::Value::Bool(true)
}

/// The proxy process still answers.
async fn assert_alive(client: &reqwest::Client, proxy: &Proxy) {
    let alive = client
        .get(proxy.url("/healthz"))
        .send()
        .await
        .expect("the proxy still answers");
    assert_eq!(alive.status(), 200);
}

/// Every route of a registry answering markup, for each hostile type. Returns the answers and the
/// `/v2/<authority>/…` paths to open through the proxy.
fn markup_everywhere(authority: &str) -> (HashMap<String, Answer>, Vec<String>) {
    let mut answers = HashMap::new();
    let mut opened = Vec::new();
    for (name, content_type, body) in [
        ("html", Some("text/html; charset=utf-8"), HTML),
        ("svg", Some("image/svg+xml"), SVG),
        ("xhtml", Some("application/xhtml+xml"), XHTML),
        ("xml", Some("text/xml"), XHTML),
        ("untyped", None, HTML),
    ] {
        let digest = Digest::sha256_of(body).to_string();
        let with_digest = [("docker-content-digest", digest.as_str())];
        for (path, headers) in [
            (format!("/v2/evil/{name}/manifests/latest"), &[][..]),
            (
                format!("/v2/evil/{name}/manifests/{digest}"),
                &with_digest[..],
            ),
            (format!("/v2/evil/{name}/blobs/{digest}"), &with_digest[..]),
            (format!("/v2/evil/{name}/tags/list"), &[][..]),
            (format!("/v2/evil/{name}/referrers/{digest}"), &[][..]),
        ] {
            answers.insert(path.clone(), answer(200, content_type, body, headers));
            opened.push(format!(
                "/v2/{authority}/{}",
                path.trim_start_matches("/v2/")
            ));
        }
    }
    answers.insert(
        "/v2/_catalog".into(),
        answer(200, Some("text/html"), HTML, &[]),
    );
    opened.push(format!("/v2/{authority}/_catalog"));
    (answers, opened)
}

#[tokio::test]
async fn markup_from_a_registry_is_inert_data_and_no_script_runs() {
    let (listener, authority) = TamperingRegistry::bind().await;
    let (answers, opened) = markup_everywhere(&authority);
    let fixture = TamperingRegistry::serve(listener, answers);
    let proxy = Proxy::start(&["--insecure-registry", &fixture.authority]);
    let client = reqwest::Client::new();
    for path in &opened {
        for _ in 0..2 {
            // Twice: the second answer of a checked digest comes from the proxy's cache.
            let response = client
                .get(proxy.url(path))
                .header("accept", ACCEPT)
                .send()
                .await
                .expect("the proxy answers");
            let headers = response.headers();
            let content_type = headers
                .get("content-type")
                .and_then(|value| value.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            assert!(
                is_data_type(&content_type),
                "{path}: passed on as {content_type:?}"
            );
            assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
            assert_eq!(
                headers["content-security-policy"], "sandbox; default-src 'none'",
                "{path}"
            );
        }
    }

    let browser = Browser::start().await;
    for path in &opened {
        // A navigation to a download may report an error; what counts is what ran.
        let _ = browser.client.goto(&proxy.url(path)).await;
        tokio::time::sleep(Duration::from_millis(150)).await;
        assert!(!script_ran(&browser).await, "a script ran at {path}");
    }
    browser
        .open(&proxy.url(&format!("/inspect/{}/evil/html:latest", fixture.authority)))
        .await;
    browser
        .wait_for(
            "the page to explain the bad manifest",
            "return document.querySelector('[role=\"alert\"], .error, [data-verify]') !== null;",
        )
        .await;
    assert!(!script_ran(&browser).await, "a script ran in the app");
    browser.close().await;
}

/// A registry whose token service answers `expires_in` with `lifetime` (raw JSON).
fn lying_token_service(authority: &str, lifetimes: &[(&str, &str)]) -> HashMap<String, Answer> {
    let mut answers = HashMap::new();
    let manifest = br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[]}"#;
    let digest = Digest::sha256_of(manifest).to_string();
    for (name, lifetime) in lifetimes {
        let path = format!("/v2/lies/{name}/manifests/1");
        let challenge = format!(
            "Bearer realm=\"http://{authority}/token/{name}\",service=\"lies\",scope=\"repository:lies/{name}:pull\""
        );
        answers.insert(
            path.clone(),
            answer(
                401,
                Some("application/json"),
                br#"{"errors":[{"code":"UNAUTHORIZED","message":"token needed"}]}"#,
                &[("www-authenticate", &challenge)],
            ),
        );
        answers.insert(
            format!("AUTHORIZED {path}"),
            answer(
                200,
                Some("application/vnd.oci.image.manifest.v1+json"),
                manifest,
                &[("docker-content-digest", &digest)],
            ),
        );
        let body = format!(r#"{{"token":"t-{name}","expires_in":{lifetime}}}"#);
        answers.insert(
            format!("/token/{name}"),
            answer(200, Some("application/json"), body.as_bytes(), &[]),
        );
    }
    answers
}

#[tokio::test]
async fn token_services_that_lie_about_lifetimes_never_stop_the_proxy() {
    let lifetimes = [
        ("huge", "1e300"),
        ("max", "18446744073709551615"),
        ("negative", "-5"),
        ("text", "\"soon\""),
        ("overflowing", "1e400"),
        ("object", "{\"seconds\":1}"),
    ];
    let (listener, authority) = TamperingRegistry::bind().await;
    let fixture = TamperingRegistry::serve(listener, lying_token_service(&authority, &lifetimes));
    let proxy = Proxy::start(&["--insecure-registry", &fixture.authority]);
    let client = reqwest::Client::new();
    for round in 0..2 {
        for (name, lifetime) in lifetimes {
            let response = client
                .get(proxy.url(&format!("/v2/{authority}/lies/{name}/manifests/1")))
                .header("accept", ACCEPT)
                .send()
                .await
                .unwrap_or_else(|error| {
                    panic!("expires_in {lifetime}: the proxy hung up: {error}")
                });
            let status = response.status().as_u16();
            if name == "overflowing" {
                // Not JSON that any parser takes: a clear error, not a crash.
                assert_eq!(status, 502, "expires_in {lifetime}, round {round}");
                let body = response.text().await.expect("a body");
                assert!(body.contains("UPSTREAM_AUTH"), "{body}");
            } else {
                assert_eq!(status, 200, "expires_in {lifetime}, round {round}");
            }
            assert_alive(&client, &proxy).await;
        }
    }
}

#[tokio::test]
async fn redirects_to_odd_places_are_refused_and_never_passed_to_the_browser() {
    let (listener, authority) = TamperingRegistry::bind().await;
    let closed = format!("127.0.0.1:{}", strata_e2e::processes::free_port());
    let targets = [
        "javascript:alert(1)".to_owned(),
        "data:text/html,<script>alert(1)</script>".to_owned(),
        "file:///etc/passwd".to_owned(),
        "http://169.254.169.254/latest/meta-data/".to_owned(),
        format!("http://{closed}/v2/"),
        "//[::1]:1/x".to_owned(),
        "ftp://example.invalid/x".to_owned(),
    ];
    let mut answers = HashMap::new();
    let mut paths = Vec::new();
    for (n, target) in targets.iter().enumerate() {
        let digest = Digest::sha256_of(format!("blob {n}").as_bytes()).to_string();
        let path = format!("/v2/odd/r{n}/blobs/{digest}");
        answers.insert(
            path.clone(),
            answer(307, None, b"", &[("location", target)]),
        );
        paths.push((target, format!("/v2/{authority}{}", &path[3..])));
    }
    let fixture = TamperingRegistry::serve(listener, answers);
    let proxy = Proxy::start(&["--insecure-registry", &fixture.authority]);
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client");
    for (target, path) in &paths {
        let response = client
            .get(proxy.url(path))
            .send()
            .await
            .expect("the proxy answers");
        assert!(
            !response.headers().contains_key("location"),
            "{target}: a Location reached the browser"
        );
        assert_eq!(response.status().as_u16(), 403, "{target}");
        let body = response.text().await.expect("a body");
        assert!(body.contains("PROXY_REFUSED"), "{target}: {body}");
    }
    assert_alive(&client, &proxy).await;
}

#[tokio::test]
async fn slow_registries_are_cut_off_on_every_route() {
    let body = vec![b'x'; 4096];
    let digest = Digest::sha256_of(&body).to_string();
    let blob = format!("/v2/slow/app/blobs/{digest}");
    let (listener, authority) = TamperingRegistry::bind().await;
    let challenge = format!("Bearer realm=\"http://{authority}/token\",service=\"slow\"");
    let stalled: [(String, Answer); 5] = [
        (
            "/v2/slow/app/tags/list".to_owned(),
            answer(200, Some("application/json"), br#"{"tags":["1"]}"#, &[]),
        ),
        (
            "/v2/_catalog".to_owned(),
            answer(
                200,
                Some("application/json"),
                br#"{"repositories":[]}"#,
                &[],
            ),
        ),
        (
            format!("/v2/slow/app/referrers/{digest}"),
            answer(
                200,
                Some("application/vnd.oci.image.index.v1+json"),
                b"{}",
                &[],
            ),
        ),
        (
            "/v2/slow/app/manifests/1".to_owned(),
            answer(
                200,
                Some("application/vnd.oci.image.manifest.v1+json"),
                b"{}",
                &[],
            ),
        ),
        (
            "/token".to_owned(),
            answer(200, Some("application/json"), br#"{"token":"t"}"#, &[]),
        ),
    ];
    let mut answers: HashMap<String, Answer> = stalled.iter().cloned().collect();
    answers.insert(
        blob.clone(),
        answer(200, Some("application/octet-stream"), &body, &[]),
    );
    answers.insert(
        "/v2/slow/locked/manifests/1".to_owned(),
        answer(
            401,
            Some("application/json"),
            b"{}",
            &[("www-authenticate", &challenge)],
        ),
    );
    let mut faults: HashMap<String, Fault> = stalled
        .iter()
        .map(|(path, _)| {
            let fault = Fault {
                delay: Some(Duration::from_secs(60)),
                ..Fault::default()
            };
            (path.clone(), fault)
        })
        .collect();
    faults.insert(
        blob.clone(),
        Fault {
            trickle: Some(Duration::from_millis(200)),
            ..Fault::default()
        },
    );
    let _fixture = TamperingRegistry::serve_with_faults(listener, answers, faults);
    let proxy = Proxy::start(&[
        "--insecure-registry",
        &authority,
        "--upstream-timeout",
        "2",
        "--upstream-deadline",
        "3",
    ]);
    let client = reqwest::Client::new();
    for path in [
        format!("/v2/{authority}/slow/app/tags/list"),
        format!("/v2/{authority}/_catalog"),
        format!("/v2/{authority}/slow/app/referrers/{digest}"),
        format!("/v2/{authority}/slow/app/manifests/1"),
        format!("/v2/{authority}/slow/locked/manifests/1"),
    ] {
        let started = Instant::now();
        let response = client
            .get(proxy.url(&path))
            .send()
            .await
            .expect("an answer");
        assert_eq!(response.status().as_u16(), 504, "{path}");
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{path}: {:?}",
            started.elapsed()
        );
    }
    let started = Instant::now();
    let response = client
        .get(proxy.url(&format!("/v2/{authority}{}", &blob[3..])))
        .send()
        .await
        .expect("the blob's answer begins");
    match response.status().as_u16() {
        // Small blobs are read whole before they are passed on: the deadline turns into a 504.
        504 => {}
        200 => assert!(
            response.bytes().await.is_err(),
            "a trickle past the deadline never reads as complete"
        ),
        status => panic!("the trickling blob answered {status}"),
    }
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "cut at the deadline, not after 800 s: {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn environment_proxies_are_ignored_and_an_explicit_one_keeps_the_guard() {
    let recorder = TamperingRegistry::start(HashMap::new()).await;
    let via = format!("http://{}", recorder.authority);
    let env = [
        ("HTTP_PROXY", via.as_str()),
        ("HTTPS_PROXY", via.as_str()),
        ("ALL_PROXY", via.as_str()),
        ("http_proxy", via.as_str()),
        ("https_proxy", via.as_str()),
        ("NO_PROXY", ""),
    ];
    let proxy = Proxy::start_with("127.0.0.1:0", &[], &env);
    let client = reqwest::Client::new();
    let response = client
        .get(proxy.url("/v2/registry.invalid/team/app/manifests/1"))
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status().as_u16(), 502, "the name does not resolve");
    let refused = client
        .get(proxy.url("/v2/localhost/team/app/manifests/1"))
        .send()
        .await
        .expect("an answer");
    assert_eq!(refused.status().as_u16(), 403);
    let message = refused.text().await.expect("a body");
    assert!(
        message.contains("localhost") && !message.contains("127.0.0.1") && !message.contains("::1"),
        "the refusal names the host, not its address: {message}"
    );
    assert!(
        recorder.received().is_empty(),
        "a request went to the environment's proxy: {:?}",
        recorder.received()
    );
    drop(proxy);

    let registry = TamperingRegistry::start(HashMap::new()).await;
    let explicit = Proxy::start(&[
        "--upstream-proxy",
        &via,
        "--insecure-registry",
        &registry.authority,
    ]);
    let refused = client
        .get(explicit.url("/v2/localhost:5999/team/app/manifests/1"))
        .send()
        .await
        .expect("an answer");
    assert_eq!(refused.status().as_u16(), 403, "localhost is still refused");
    let message = refused.text().await.expect("a body");
    assert!(
        !message.contains("127.0.0.1") && !message.contains("::1"),
        "the refusal names no address: {message}"
    );
    assert!(recorder.received().is_empty(), "{:?}", recorder.received());
    let allowed = client
        .get(explicit.url(&format!("/v2/{}/team/app/manifests/1", registry.authority)))
        .send()
        .await
        .expect("an answer");
    assert_eq!(allowed.status().as_u16(), 404, "the recorder answers 404");
    let through: Vec<String> = recorder.received().into_iter().map(|r| r.target).collect();
    assert!(
        through.iter().any(|target| target.starts_with(&format!(
            "http://{}/v2/team/app/manifests/",
            registry.authority
        ))),
        "an allowed registry is reached through --upstream-proxy: {through:?}"
    );
}
