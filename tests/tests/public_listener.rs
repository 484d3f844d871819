//! The proxy as a public instance meets its clients: only requests naming it are answered (DNS rebinding),
//! stalled and idle connections are closed in bounded time while others are served, and every page runs
//! under a CSP that allows only the app's own files, with nothing in the browser's console about it.

use std::time::{Duration, Instant};

use strata_e2e::browser::Browser;
use strata_e2e::first_load;
use strata_e2e::proxy::Proxy;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

const PAGE_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self' blob:; object-src 'none'; \
base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
const DEMO_INDEX: &str = "demo.invalid/strata/multi-arch:1.0";

/// `127.0.0.1:<port>` of a proxy base URL.
fn address(base: &str) -> String {
    let port = base.rsplit(':').next().expect("a port");
    format!("127.0.0.1:{port}")
}

/// Sends raw request bytes and returns the status code of the answer (0 when the connection closed
/// without one).
async fn raw_status(address: &str, request: &str) -> u16 {
    let mut stream = TcpStream::connect(address).await.expect("a connection");
    stream.write_all(request.as_bytes()).await.expect("sent");
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer)).await;
    let text = String::from_utf8_lossy(&answer);
    text.split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0)
}

#[tokio::test]
async fn only_requests_naming_the_proxy_are_answered() {
    let proxy = Proxy::start(&["--public-host", "strata.test"]);
    let address = address(&proxy.base);
    let port = address.rsplit(':').next().expect("a port").to_owned();
    let get = |target: &str, host: Option<&str>| {
        let host = host
            .map(|host| format!("Host: {host}\r\n"))
            .unwrap_or_default();
        format!("GET {target} HTTP/1.1\r\n{host}Connection: close\r\n\r\n")
    };
    let demo = "/v2/demo.invalid/strata/multi-arch/manifests/1.0";
    let cases = [
        (get("/healthz", Some(&address)), 200),
        (get("/healthz", Some(&format!("localhost:{port}"))), 200),
        (get("/healthz", Some(&format!("LocalHost:{port}"))), 200),
        (get("/healthz", Some("strata.test")), 200),
        (get(demo, Some("strata.test")), 200),
        (
            get("/healthz", Some(&format!("rebound.example:{port}"))),
            421,
        ),
        (get("/healthz", Some("rebound.example")), 421),
        (get("/", Some("rebound.example")), 421),
        (get(demo, Some(&format!("rebound.example:{port}"))), 421),
        (get("/inspect/alpine", Some("127.0.0.1")), 421),
        (
            get(
                "/healthz",
                Some(&format!("localhost:{}", port.parse::<u32>().unwrap() + 1)),
            ),
            421,
        ),
        (
            format!(
                "GET http://rebound.example/healthz HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
            ),
            421,
        ),
        ("GET /healthz HTTP/1.0\r\n\r\n".to_owned(), 421),
    ];
    for (request, expected) in cases {
        assert_eq!(
            raw_status(&address, &request).await,
            expected,
            "{request:?}"
        );
    }
    let misdirected = reqwest::Client::new()
        .get(proxy.url("/v2/"))
        .header("host", "rebound.example")
        .send()
        .await
        .expect("an answer");
    assert_eq!(misdirected.status().as_u16(), 421);
    assert_eq!(misdirected.headers()["x-content-type-options"], "nosniff");
}

#[tokio::test]
async fn listening_everywhere_needs_a_public_name() {
    let refused = Proxy::command("0.0.0.0:0", &[], &[])
        .output()
        .expect("the proxy runs");
    assert!(!refused.status.success(), "it must not start");
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        said.contains("--public-host"),
        "the message names the flag: {said}"
    );

    let proxy = Proxy::start_with("0.0.0.0:0", &["--public-host", "strata.test:8443"], &[]);
    let address = address(&proxy.base);
    let ok = "GET /healthz HTTP/1.1\r\nHost: strata.test:8443\r\nConnection: close\r\n\r\n";
    assert_eq!(raw_status(&address, ok).await, 200);
    let loopback = format!("GET /healthz HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    assert_eq!(
        raw_status(&address, &loopback).await,
        421,
        "on every address, only the public names count"
    );
}

#[tokio::test]
async fn stalled_and_idle_clients_are_closed_while_others_are_served() {
    let proxy = Proxy::start(&["--header-timeout", "2"]);
    let address = address(&proxy.base);
    let opened = Instant::now();
    let mut stalled = Vec::new();
    for n in 0..300 {
        let mut stream = TcpStream::connect(&address).await.expect("a connection");
        if n % 2 == 0 {
            // Half a request: the headers never end.
            stream
                .write_all(
                    format!("GET /healthz HTTP/1.1\r\nHost: {address}\r\nX-Slow: ").as_bytes(),
                )
                .await
                .expect("sent");
        }
        stalled.push(stream);
    }
    let client = reqwest::Client::new();
    for _ in 0..20 {
        let answered = tokio::time::timeout(
            Duration::from_secs(2),
            client.get(proxy.url("/healthz")).send(),
        )
        .await
        .expect("a normal request is answered while 300 connections stall")
        .expect("an answer");
        assert_eq!(answered.status(), 200);
    }
    for (n, mut stream) in stalled.into_iter().enumerate() {
        let mut rest = Vec::new();
        let closed = tokio::time::timeout_at(
            (opened + Duration::from_secs(8)).into(),
            stream.read_to_end(&mut rest),
        )
        .await;
        assert!(
            closed.is_ok(),
            "stalled connection {n} still open after 8 s"
        );
    }

    let mut idle = TcpStream::connect(&address).await.expect("a connection");
    idle.write_all(format!("GET /healthz HTTP/1.1\r\nHost: {address}\r\n\r\n").as_bytes())
        .await
        .expect("sent");
    let mut first = [0u8; 12];
    idle.read_exact(&mut first).await.expect("an answer");
    assert_eq!(&first, b"HTTP/1.1 200");
    let started = Instant::now();
    let mut rest = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(6), idle.read_to_end(&mut rest)).await;
    assert!(closed.is_ok(), "an idle keep-alive connection is closed");
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "not before its time"
    );
}

#[tokio::test]
async fn connections_past_the_cap_wait_until_stalled_ones_are_closed() {
    let proxy = Proxy::start(&["--header-timeout", "2", "--max-connections", "20"]);
    let address = address(&proxy.base);
    let mut stalled = Vec::new();
    for _ in 0..20 {
        stalled.push(TcpStream::connect(&address).await.expect("a connection"));
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let client = reqwest::Client::new();
    let waiting = client.get(proxy.url("/healthz")).send();
    let early = tokio::time::timeout(Duration::from_millis(800), waiting).await;
    assert!(
        early.is_err(),
        "the 21st connection is not served while 20 are open"
    );
    let answered = tokio::time::timeout(
        Duration::from_secs(10),
        client.get(proxy.url("/healthz")).send(),
    )
    .await
    .expect("served once the stalled connections are closed")
    .expect("an answer");
    assert_eq!(answered.status(), 200);
    drop(stalled);
}

#[tokio::test]
async fn pages_and_files_carry_the_app_csp_and_registry_answers_the_sandbox() {
    let proxy = Proxy::start(&[]);
    let client = reqwest::Client::new();
    let assets: Vec<String> = first_load::fetch(&proxy.url(""))
        .await
        .into_iter()
        .map(|file| file.path)
        .collect();
    assert!(
        assets.len() >= 5,
        "the page, its style, icon, boot script, loader and wasm: {assets:?}"
    );
    let pages = [
        "/".to_owned(),
        format!("/inspect/{DEMO_INDEX}"),
        "/tour".to_owned(),
        "/tour/pick-the-platform".to_owned(),
        "/compare?left=a&right=b".to_owned(),
        "/concepts".to_owned(),
        "/demo.json".to_owned(),
    ];
    for path in pages.iter().chain(&assets) {
        let response = client.get(proxy.url(path)).send().await.expect("an answer");
        assert_eq!(response.status(), 200, "{path}");
        let headers = response.headers();
        assert_eq!(headers["content-security-policy"], PAGE_CSP, "{path}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
    }
    let manifest = client
        .get(proxy.url("/v2/demo.invalid/strata/multi-arch/manifests/1.0"))
        .header("accept", "application/vnd.oci.image.index.v1+json")
        .send()
        .await
        .expect("an answer");
    assert_eq!(manifest.status(), 200);
    assert_eq!(
        manifest.headers()["content-security-policy"],
        "sandbox; default-src 'none'"
    );
    assert_eq!(
        manifest.headers()["content-type"],
        "application/vnd.oci.image.index.v1+json",
        "data types pass unchanged"
    );
}

#[tokio::test]
async fn the_app_runs_under_its_csp_with_nothing_refused() {
    let proxy = Proxy::start(&[]);
    let browser = Browser::start().await;
    let pages: [(&str, &str); 6] = [
        (
            "/",
            "return document.querySelector('a.demo-link') !== null;",
        ),
        (
            &format!("/inspect/{DEMO_INDEX}"),
            "return document.querySelectorAll('[data-verify=\"verified\"]').length > 3 \
             && document.querySelectorAll('[data-verify=\"pending\"]').length === 0;",
        ),
        (
            &format!("/inspect/{DEMO_INDEX}?platform=linux/amd64&view=files"),
            "return document.querySelector('[data-path]') !== null;",
        ),
        (
            "/tour/pick-the-platform",
            "return document.querySelector('[data-evidence=\"platforms\"]') !== null;",
        ),
        (
            "/compare?left=demo.invalid/strata/shared-layers:1.0&left-platform=linux/amd64\
             &right=demo.invalid/strata/shared-layers:1.0&right-platform=linux/arm64/v8",
            "return document.querySelector('.comparison[data-probe=\"done\"]') !== null;",
        ),
        (
            "/concepts",
            "return document.querySelector('h1, h2') !== null;",
        ),
    ];
    for (path, rendered) in pages {
        browser.open(&proxy.url(path)).await;
        browser
            .wait_for(&format!("{path} to render"), rendered)
            .await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        let console = browser.console().await;
        let refused: Vec<&(String, String)> = console
            .iter()
            .filter(|(_, text)| {
                text.contains("Content Security Policy") || text.contains("Refused to")
            })
            .collect();
        assert!(refused.is_empty(), "{path}: {refused:?}");
    }
    // The reader sees a refusal when there is one: an inline script added now must be reported.
    browser
        .eval(
            "const s = document.createElement('script'); s.textContent = 'window.__inline = 1'; \
             document.body.append(s); return true;",
        )
        .await;
    // Polled until the report comes: the console is read in batches, each read empties it.
    let started = std::time::Instant::now();
    let mut console: Vec<(String, String)> = Vec::new();
    while !console
        .iter()
        .any(|(_, text)| text.contains("Content Security Policy"))
    {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the console reports the refused inline script: {console:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
        console.extend(browser.console().await);
    }
    assert_eq!(
        browser.eval("return window.__inline === undefined;").await,
        serde_json::Value::Bool(true),
        "the inline script did not run"
    );
    browser.close().await;
}
