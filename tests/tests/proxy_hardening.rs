//! The proxy hardened for the internet: the SSRF guard on every kind of address, bounds and faults,
//! HEAD-first tag resolution with a content cache, concurrency limits, request ids and the upstream trace.

mod hardening;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use strata_e2e::demo_layout::DemoLayout;
use strata_e2e::proxy::Proxy;
use strata_e2e::registry::Registry;
use strata_e2e::tampering_registry::{Answer, Fault, TamperingRegistry};

use hardening::*;

#[tokio::test]
async fn tags_resolve_with_head_and_checked_digests_are_served_from_memory() {
    let manifest = br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[]}"#.to_vec();
    let digest = sha256(&manifest);
    let blob = b"a small layer".to_vec();
    let blob_digest = sha256(&blob);
    let poisoned_digest = sha256(b"what was promised");
    let mut tagged = ok(&manifest, MANIFEST);
    tagged.headers.extend([
        ("ratelimit-limit".into(), "100;w=21600".into()),
        ("ratelimit-remaining".into(), "42;w=21600".into()),
        ("docker-ratelimit-source".into(), "203.0.113.7".into()),
    ]);
    let registry = TamperingRegistry::start(HashMap::from([
        ("/v2/team/app/manifests/1".to_owned(), tagged),
        (
            format!("/v2/team/app/manifests/{digest}"),
            ok(&manifest, MANIFEST),
        ),
        (
            format!("/v2/team/app/blobs/{blob_digest}"),
            ok(&blob, "application/octet-stream"),
        ),
        (
            format!("/v2/team/app/manifests/{poisoned_digest}"),
            ok(b"not what was promised", MANIFEST),
        ),
    ]))
    .await;
    let proxy = Proxy::start(&["--insecure-registry", &registry.authority]);
    let client = reqwest::Client::new();
    let base = format!("/v2/{}/team/app", registry.authority);
    let reached = || {
        registry
            .received()
            .into_iter()
            .map(|r| format!("{} {}", r.method, r.target))
            .collect::<Vec<_>>()
    };

    let first = get(&client, &proxy.url(&format!("{base}/manifests/1"))).await;
    assert_eq!(first.status(), 200);
    assert_eq!(first.headers()["docker-content-digest"], digest.as_str());
    assert_eq!(first.headers()["content-type"], MANIFEST);
    assert_eq!(first.headers()["cache-control"], "no-cache");
    assert_eq!(first.headers()["ratelimit-remaining"], "42;w=21600");
    assert_eq!(
        first.bytes().await.expect("a body").as_ref(),
        manifest.as_slice()
    );
    assert_eq!(
        reached(),
        [
            "HEAD /v2/team/app/manifests/1".to_owned(),
            format!("GET /v2/team/app/manifests/{digest}"),
        ],
        "HEAD resolves the tag, GET reads by digest"
    );

    let again = get(&client, &proxy.url(&format!("{base}/manifests/1"))).await;
    assert_eq!(again.headers()["ratelimit-limit"], "100;w=21600");
    assert_eq!(again.headers()["docker-content-digest"], digest.as_str());
    assert_eq!(
        again.bytes().await.expect("a body").as_ref(),
        manifest.as_slice()
    );
    assert_eq!(
        reached().len(),
        3,
        "a tag request always reaches the registry"
    );

    let by_digest = get(&client, &proxy.url(&format!("{base}/manifests/{digest}"))).await;
    assert_eq!(by_digest.status(), 200);
    assert_eq!(by_digest.headers()["cache-control"], IMMUTABLE);
    assert_eq!(by_digest.headers()["content-type"], MANIFEST);
    assert_eq!(steps(&trace_of(&by_digest)), [step("cache", "", "", 200)]);
    assert_eq!(
        by_digest.bytes().await.expect("a body").as_ref(),
        manifest.as_slice()
    );
    let head = client
        .head(proxy.url(&format!("{base}/manifests/{digest}")))
        .send()
        .await
        .expect("a response");
    assert_eq!(head.status(), 200);
    assert_eq!(
        head.headers()["content-length"],
        manifest.len().to_string().as_str()
    );
    assert_eq!(
        reached().len(),
        3,
        "content by digest is answered from memory"
    );

    for _ in 0..2 {
        let layer = get(&client, &proxy.url(&format!("{base}/blobs/{blob_digest}"))).await;
        assert_eq!(layer.status(), 200);
        assert_eq!(layer.headers()["cache-control"], IMMUTABLE);
        assert_eq!(
            layer.bytes().await.expect("a body").as_ref(),
            blob.as_slice()
        );
    }
    assert_eq!(
        reached().len(),
        4,
        "the second blob read stays in the proxy"
    );

    for _ in 0..2 {
        let poisoned = get(
            &client,
            &proxy.url(&format!("{base}/manifests/{poisoned_digest}")),
        )
        .await;
        assert_eq!(
            poisoned.status(),
            200,
            "bytes pass through for the page to judge"
        );
        assert_eq!(poisoned.headers()["cache-control"], "no-store");
        assert_eq!(
            poisoned.bytes().await.expect("a body").as_ref(),
            b"not what was promised"
        );
    }
    assert_eq!(
        reached().len(),
        6,
        "bytes that do not match are never cached"
    );
}

#[tokio::test]
async fn a_real_registry_reads_the_same_through_head_first_and_ranges_pass() {
    let registry = Registry::start().await;
    let layout = DemoLayout::open();
    let root = layout
        .push("strata/single:1.0", &registry.api(), "team/app", "1")
        .await;
    let proxy = Proxy::start(&["--insecure-registry", &registry.authority]);
    let client = reqwest::Client::new();
    let through = get(
        &client,
        &proxy.url(&format!("/v2/{}/team/app/manifests/1", registry.authority)),
    )
    .await;
    let direct = get(&client, &format!("{}team/app/manifests/1", registry.api())).await;
    for name in ["content-type", "docker-content-digest", "content-length"] {
        assert_eq!(through.headers()[name], direct.headers()[name], "{name}");
    }
    let trace = trace_of(&through);
    assert_eq!(
        steps(&trace),
        [
            step("request", "HEAD", "none", 200),
            step("request", "GET", "none", 200),
        ]
    );
    assert!(
        trace[1]["url"]
            .as_str()
            .unwrap_or_default()
            .ends_with(&format!("/manifests/{root}")),
        "{trace:?}"
    );
    assert_eq!(trace[0]["headers"]["docker-content-digest"], root.as_str());
    let bytes = through.bytes().await.expect("a body");
    assert_eq!(bytes, direct.bytes().await.expect("a body"));

    let manifest: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
    let layer = manifest["layers"][0]["digest"].as_str().expect("a layer");
    let whole = layout.blob(layer).bytes;
    let ranged = client
        .get(proxy.url(&format!(
            "/v2/{}/team/app/blobs/{layer}",
            registry.authority
        )))
        .header("range", "bytes=0-9")
        .send()
        .await
        .expect("a response");
    assert_eq!(ranged.status(), 206);
    assert_eq!(
        ranged.headers()["content-range"],
        format!("bytes 0-9/{}", whole.len()).as_str()
    );
    assert_eq!(ranged.headers()["cache-control"], "no-cache");
    assert_eq!(ranged.bytes().await.expect("a body").as_ref(), &whole[..10]);
}

#[tokio::test]
async fn every_refusal_class_is_a_fast_403_that_reaches_nothing() {
    let target = TamperingRegistry::start(HashMap::new()).await;
    let port = target.authority.rsplit(':').next().expect("a port");
    let proxy = Proxy::start(&[]);
    let client = reqwest::Client::new();
    let hosts = [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("2130706433:{port}"),
        format!("0177.0.0.1:{port}"),
        format!("0x7f.1:{port}"),
        format!("0x7f000001:{port}"),
        format!("127.1:{port}"),
        format!("127.0.1:{port}"),
        format!("[::1]:{port}"),
        format!("[::ffff:7f00:1]:{port}"),
        format!("0.0.0.0:{port}"),
        format!("0:{port}"),
        format!("[::]:{port}"),
        "10.1.2.3".to_owned(),
        "172.16.0.1".to_owned(),
        "192.168.1.1".to_owned(),
        "169.254.169.254".to_owned(),
        "100.64.0.1".to_owned(),
        "224.0.0.1".to_owned(),
        "255.255.255.255".to_owned(),
        "[fc00::1]".to_owned(),
        "[fd00::1]".to_owned(),
        "[fe80::1]".to_owned(),
        "[ff02::1]".to_owned(),
        "[64:ff9b::7f00:1]".to_owned(),
        "[2002:7f00:1::]".to_owned(),
    ];
    for host in hosts {
        let started = Instant::now();
        let response = get(
            &client,
            &proxy.url(&format!("/v2/{host}/team/app/manifests/1")),
        )
        .await;
        assert!(started.elapsed() < Duration::from_secs(2), "{host}: fast");
        assert_eq!(response.status(), 403, "{host}");
        let trace = trace_of(&response);
        assert_eq!(trace.last().expect("a step")["step"], "refused", "{host}");
        assert_eq!(error_code(response).await, "PROXY_REFUSED", "{host}");
    }
    assert_eq!(
        target.received(),
        [],
        "no request reached the loopback target"
    );
}

#[tokio::test]
async fn faults_are_clear_errors_never_a_short_success() {
    let small = b"{\"schemaVersion\":2}".to_vec();
    let small_digest = sha256(&small);
    let big: Vec<u8> = (0..5 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    let big_digest = sha256(&big);
    let wrong_digest = sha256(b"another blob");
    let oversize = vec![b' '; 2000];
    let oversize_digest = sha256(&oversize);
    let registry = TamperingRegistry::start_with_faults(
        HashMap::from([
            (
                "/v2/team/down/manifests/1".to_owned(),
                Answer {
                    status: 503,
                    headers: json_type(),
                    body: br#"{"errors":[{"code":"UNAVAILABLE","message":"try later"}]}"#.to_vec(),
                },
            ),
            ("/v2/team/slow/manifests/1".to_owned(), ok(&small, MANIFEST)),
            (
                format!("/v2/team/cut/manifests/{small_digest}"),
                ok(&small, MANIFEST),
            ),
            (
                format!("/v2/team/cut/blobs/{small_digest}"),
                ok(&small, MANIFEST),
            ),
            (
                format!("/v2/team/cut/blobs/{big_digest}"),
                ok(&big, "application/octet-stream"),
            ),
            (
                format!("/v2/team/app/blobs/{big_digest}"),
                ok(&big, "application/octet-stream"),
            ),
            (
                format!("/v2/team/app/blobs/{wrong_digest}"),
                ok(&big, "application/octet-stream"),
            ),
            (
                format!("/v2/team/big/manifests/{oversize_digest}"),
                ok(&oversize, MANIFEST),
            ),
            (
                "/v2/team/big/manifests/1".to_owned(),
                ok(&oversize, MANIFEST),
            ),
            (
                format!("/v2/team/unsized/manifests/{oversize_digest}"),
                ok(&oversize, MANIFEST),
            ),
        ]),
        HashMap::from([
            (
                "/v2/team/slow/manifests/1".to_owned(),
                Fault {
                    delay: Some(Duration::from_secs(10)),
                    ..Fault::default()
                },
            ),
            (
                format!("/v2/team/cut/manifests/{small_digest}"),
                Fault {
                    truncate_to: Some(5),
                    ..Fault::default()
                },
            ),
            (
                format!("/v2/team/cut/blobs/{small_digest}"),
                Fault {
                    truncate_to: Some(5),
                    ..Fault::default()
                },
            ),
            (
                format!("/v2/team/cut/blobs/{big_digest}"),
                Fault {
                    truncate_to: Some(1024 * 1024),
                    ..Fault::default()
                },
            ),
            (
                format!("/v2/team/unsized/manifests/{oversize_digest}"),
                Fault {
                    no_content_length: true,
                    ..Fault::default()
                },
            ),
        ]),
    )
    .await;
    let refused = format!("127.0.0.1:{}", strata_e2e::processes::free_port());
    let proxy = Proxy::start(&[
        "--insecure-registry",
        &registry.authority,
        "--insecure-registry",
        &refused,
        "--manifest-timeout-secs",
        "1",
        "--max-manifest-bytes",
        "1000",
    ]);
    let client = reqwest::Client::new();
    let at = |path: &str| proxy.url(&format!("/v2/{}/{path}", registry.authority));

    let response = get(
        &client,
        &proxy.url(&format!("/v2/{refused}/team/app/manifests/1")),
    )
    .await;
    assert_eq!(response.status(), 502);
    assert_eq!(trace_of(&response).last().expect("a step")["step"], "error");
    assert_eq!(error_code(response).await, "UPSTREAM_UNREACHABLE");

    let response = get(&client, &at("team/down/manifests/1")).await;
    assert_eq!(response.status(), 503, "the registry's status, passed on");
    assert_eq!(error_code(response).await, "UNAVAILABLE");

    let started = Instant::now();
    let response = get(&client, &at("team/slow/manifests/1")).await;
    assert_eq!(response.status(), 504);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the total timeout holds"
    );
    assert_eq!(error_code(response).await, "UPSTREAM_TIMEOUT");

    for path in [
        format!("team/cut/manifests/{small_digest}"),
        format!("team/cut/blobs/{small_digest}"),
    ] {
        let response = get(&client, &at(&path)).await;
        assert_eq!(response.status(), 502, "{path}");
        assert_eq!(error_code(response).await, "UPSTREAM_INCOMPLETE", "{path}");
    }

    for path in [
        format!("team/big/manifests/{oversize_digest}"),
        "team/big/manifests/1".to_owned(),
        format!("team/unsized/manifests/{oversize_digest}"),
    ] {
        let response = get(&client, &at(&path)).await;
        assert_eq!(response.status(), 413, "{path}");
        assert_eq!(error_code(response).await, "MANIFEST_TOO_LARGE", "{path}");
    }

    let whole = get(&client, &at(&format!("team/app/blobs/{big_digest}"))).await;
    assert_eq!(whole.status(), 200);
    assert_eq!(whole.headers()["cache-control"], IMMUTABLE);
    assert_eq!(
        sha256(&whole.bytes().await.expect("a streamed body")),
        big_digest
    );
    for path in [
        format!("team/cut/blobs/{big_digest}"),
        format!("team/app/blobs/{wrong_digest}"),
    ] {
        let response = get(&client, &at(&path)).await;
        assert_eq!(response.status(), 200, "{path}: the stream had started");
        assert!(
            response.bytes().await.is_err(),
            "{path}: the stream is cut, so the client never takes it as complete"
        );
    }
}

#[tokio::test]
async fn concurrency_limits_answer_429_at_once() {
    let blob = b"slow blob".to_vec();
    let digest = sha256(&blob);
    let path = format!("/v2/team/app/blobs/{digest}");
    let registry = TamperingRegistry::start_with_faults(
        HashMap::from([(path.clone(), ok(&blob, "application/octet-stream"))]),
        HashMap::from([(
            path,
            Fault {
                delay: Some(Duration::from_millis(1500)),
                ..Fault::default()
            },
        )]),
    )
    .await;
    for (flags, allowed) in [
        (["--max-concurrent-per-client", "2"], 2),
        (["--max-concurrent-requests", "1"], 1),
    ] {
        let proxy = Proxy::start(&[
            "--insecure-registry",
            &registry.authority,
            flags[0],
            flags[1],
        ]);
        let client = reqwest::Client::new();
        let url = proxy.url(&format!(
            "/v2/{}/team/app/blobs/{digest}",
            registry.authority
        ));
        let request = || {
            let client = client.clone();
            let url = url.clone();
            tokio::spawn(async move {
                let started = Instant::now();
                let response = client.get(&url).send().await.expect("a response");
                (response, started.elapsed())
            })
        };
        let before = registry.received().len();
        let mut tasks = Vec::new();
        for _ in 0..allowed {
            tasks.push(request());
        }
        // The allowed requests hold their slots once the registry has them all.
        strata_e2e::processes::wait_until(
            Duration::from_secs(10),
            "the allowed requests to reach the registry",
            || async { registry.received().len() >= before + allowed },
        )
        .await;
        let (busy, elapsed) = request().await.expect("the task");
        assert_eq!(busy.status(), 429, "{flags:?}");
        assert!(elapsed < Duration::from_secs(1), "refused at once");
        assert_eq!(busy.headers()["retry-after"], "1");
        assert!(busy.headers().contains_key("x-request-id"));
        assert_eq!(error_code(busy).await, "TOOMANYREQUESTS");
        for task in tasks {
            let (response, _) = task.await.expect("the task");
            assert_eq!(response.status(), 200);
            assert_eq!(
                response.bytes().await.expect("a body").as_ref(),
                blob.as_slice()
            );
        }
        let after = client.get(&url).send().await.expect("a response");
        assert_eq!(after.status(), 200, "places come free when answers finish");
    }
}

#[tokio::test]
async fn request_ids_are_echoed_and_every_registry_answer_has_a_trace() {
    let proxy = Proxy::start(&["--offline"]);
    let client = reqwest::Client::new();
    let given = client
        .get(proxy.url("/v2/demo.invalid/strata/single/manifests/1.0"))
        .header("x-request-id", "page-42")
        .send()
        .await
        .expect("a response");
    assert_eq!(given.status(), 200);
    assert_eq!(given.headers()["x-request-id"], "page-42");
    assert_eq!(
        steps(&trace_of(&given)),
        [step("request", "GET", "none", 200)],
        "the demo registry answers inside the proxy, in one traced step"
    );
    let made = client
        .get(proxy.url("/v2/ghcr.io/team/app/manifests/1"))
        .header("x-request-id", "not a sane id")
        .send()
        .await
        .expect("a response");
    assert_eq!(made.status(), 403, "offline");
    let id = made.headers()["x-request-id"].to_str().expect("ASCII");
    assert!(id != "not a sane id" && !id.is_empty());
    assert_eq!(trace_of(&made)[0]["step"], "refused");
    assert_eq!(made.headers()["cache-control"], "no-store");
    let invalid = client
        .get(proxy.url("/v2/ghcr.io/Team/app/manifests/1"))
        .send()
        .await
        .expect("a response");
    assert_eq!(invalid.status(), 400);
    assert_eq!(trace_of(&invalid), Vec::<serde_json::Value>::new());
    let health = client
        .get(proxy.url("/healthz"))
        .send()
        .await
        .expect("a response");
    assert_eq!(health.status(), 200);
    assert!(health.headers().contains_key("x-request-id"));
}
