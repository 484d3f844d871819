//! The proxy's API beyond manifests and blobs — tag lists, referrers, the catalog, the `/v2/` check stock
//! clients start with, CORS — and how it runs in production: behind nginx's cache. Its speed and memory
//! under load are measured by `cargo xtask bench`.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use strata_e2e::demo_layout::DemoLayout;
use strata_e2e::nginx::Nginx;
use strata_e2e::portless_registry::PortlessRegistry;
use strata_e2e::proxy::Proxy;
use strata_e2e::registry::Registry;
use strata_e2e::tampering_registry::{Answer, TamperingRegistry};
use strata_image::digest::Digest;

use strata_image::media_type::OCI_INDEX;
const OCI_ACCEPT: &str = "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, \
application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json";
use strata_image::media_type::SIGSTORE_BUNDLE_V03 as BUNDLE;
const REPORT: &str = "application/vnd.strata.report.v1+json";

async fn get(url: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(url)
        .header("accept", OCI_ACCEPT)
        .send()
        .await
        .unwrap_or_else(|error| panic!("GET {url}: {error}"))
}

async fn json(response: reqwest::Response) -> serde_json::Value {
    let bytes = response.bytes().await.expect("a body");
    serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&bytes)))
}

fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .map(|value| value.to_str().expect("a text header").to_owned())
}

fn error_code(body: &serde_json::Value) -> &str {
    body["errors"][0]["code"].as_str().unwrap_or_default()
}

fn canned(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Answer {
    Answer {
        status,
        headers: headers
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect(),
        body: body.to_vec(),
    }
}

#[tokio::test]
async fn tag_lists_pass_through_and_their_pages_stay_on_the_proxy() {
    let registry = Registry::start().await;
    let layout = DemoLayout::open();
    for tag in ["1.0", "2.0"] {
        layout
            .push("strata/multi-arch:1.0", &registry.api(), "team/app", tag)
            .await;
    }
    let (listener, fixture) = TamperingRegistry::bind().await;
    let list = |tags: &[&str]| serde_json::json!({ "name": "team/app", "tags": tags }).to_string();
    let answers = HashMap::from([
        (
            "/v2/team/app/tags/list".to_owned(),
            canned(
                200,
                &[
                    ("content-type", "application/json"),
                    ("link", "</v2/team/app/tags/list?n=2&last=b>; rel=\"next\""),
                ],
                list(&["a", "b"]).as_bytes(),
            ),
        ),
        (
            "/v2/team/elsewhere/tags/list".to_owned(),
            canned(
                200,
                &[(
                    "link",
                    &format!(
                        "<http://{}/v2/team/elsewhere/tags/list?last=b>; rel=\"next\"",
                        registry.authority
                    ),
                )],
                list(&["a"]).as_bytes(),
            ),
        ),
        (
            "/v2/team/sideways/tags/list".to_owned(),
            canned(
                200,
                &[("link", "</v2/other/repo/tags/list?last=b>; rel=\"next\"")],
                list(&["a"]).as_bytes(),
            ),
        ),
    ]);
    let fixture_registry = TamperingRegistry::serve(listener, answers);
    let proxy = Proxy::start(&[
        "--insecure-registry",
        &registry.authority,
        "--insecure-registry",
        &fixture,
    ]);

    let real = get(&proxy.url(&format!("/v2/{}/team/app/tags/list", registry.authority))).await;
    assert_eq!(real.status(), 200);
    let mut tags: Vec<String> =
        serde_json::from_value(json(real).await["tags"].clone()).expect("tags");
    tags.sort();
    assert_eq!(tags, ["1.0", "2.0"]);

    let paged = get(&proxy.url(&format!("/v2/{fixture}/team/app/tags/list?n=2&last=a"))).await;
    assert_eq!(paged.status(), 200);
    assert_eq!(
        header(&paged, "link").as_deref(),
        Some(format!("</v2/{fixture}/team/app/tags/list?n=2&last=b>; rel=\"next\"").as_str()),
        "the next page is reached through the proxy"
    );
    assert_eq!(json(paged).await["tags"], serde_json::json!(["a", "b"]));
    for repository in ["elsewhere", "sideways"] {
        let answer = get(&proxy.url(&format!("/v2/{fixture}/team/{repository}/tags/list"))).await;
        assert_eq!(answer.status(), 200);
        assert_eq!(
            header(&answer, "link"),
            None,
            "a link off the list is dropped ({repository})"
        );
    }
    let targets: Vec<String> = fixture_registry
        .received()
        .into_iter()
        .map(|received| received.target)
        .collect();
    assert!(
        targets.contains(&"/v2/team/app/tags/list?n=2&last=a".to_owned()),
        "n and last reach the registry: {targets:?}"
    );

    let bad = get(&proxy.url(&format!("/v2/{fixture}/team/app/tags/list?page=2"))).await;
    assert_eq!(bad.status(), 400);
    assert_eq!(error_code(&json(bad).await), "NAME_INVALID");

    let demo = get(&proxy.url("/v2/demo.invalid/strata/multi-arch/tags/list?n=1")).await;
    assert_eq!(demo.status(), 200);
    let link = header(&demo, "link").expect("more demo tags follow");
    assert_eq!(json(demo).await["tags"], serde_json::json!(["1.0"]));
    let next = link
        .strip_prefix('<')
        .and_then(|rest| rest.split_once('>'))
        .map(|(target, _)| target.to_owned())
        .expect("a link target");
    let second = json(get(&proxy.url(&next)).await).await;
    assert_eq!(second["tags"], serde_json::json!(["latest"]));
    let unknown = get(&proxy.url("/v2/demo.invalid/strata/nothing/tags/list")).await;
    assert_eq!(unknown.status(), 404);
    assert_eq!(error_code(&json(unknown).await), "NAME_UNKNOWN");
}

#[tokio::test]
async fn the_catalog_is_listed_for_insecure_registries_only() {
    let registry = Registry::start().await;
    let layout = DemoLayout::open();
    for repository in ["alpha/one", "beta/two", "gamma/three"] {
        layout
            .push("strata/single:1.0", &registry.api(), repository, "1")
            .await;
    }
    let proxy = Proxy::start(&["--insecure-registry", &registry.authority]);

    let mut next = Some(format!("/v2/{}/_catalog?n=1", registry.authority));
    let mut repositories = Vec::new();
    while let Some(path) = next.take() {
        let page = get(&proxy.url(&path)).await;
        assert_eq!(page.status(), 200, "{path}");
        next = header(&page, "link").map(|link| {
            let target = link
                .strip_prefix('<')
                .and_then(|rest| rest.split_once('>'))
                .map(|(target, _)| target.to_owned())
                .expect("a link target");
            assert!(
                target.starts_with(&format!("/v2/{}/_catalog?", registry.authority)),
                "{target}"
            );
            target
        });
        let body = json(page).await;
        repositories.extend(
            body["repositories"]
                .as_array()
                .expect("repositories")
                .iter()
                .map(|name| name.as_str().expect("a name").to_owned()),
        );
        assert!(repositories.len() <= 3, "the pages end");
    }
    assert_eq!(repositories, ["alpha/one", "beta/two", "gamma/three"]);

    for registry in ["ghcr.io", "demo.invalid"] {
        let refused = get(&proxy.url(&format!("/v2/{registry}/_catalog"))).await;
        assert_eq!(refused.status(), 403, "{registry}");
        assert_eq!(error_code(&json(refused).await), "PROXY_REFUSED");
    }
}

#[tokio::test]
async fn referrers_come_from_the_api_the_tag_schema_or_nowhere() {
    let registry = Registry::start().await;
    let layout = DemoLayout::open();
    let root = layout
        .push("strata/multi-arch:1.0", &registry.api(), "team/app", "1.0")
        .await;
    let proxy_flags = ["--insecure-registry", registry.authority.as_str()];
    let referrers = |authority: &str| format!("/v2/{authority}/team/app/referrers/{root}");

    let (listener, fixture) = TamperingRegistry::bind().await;
    let api_index = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": OCI_INDEX,
        "manifests": [{ "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": root, "size": 1, "artifactType": BUNDLE }],
    })
    .to_string();
    let fixture_registry = TamperingRegistry::serve(
        listener,
        HashMap::from([
            (
                format!("/v2/team/app/referrers/{root}"),
                canned(
                    200,
                    &[
                        ("content-type", OCI_INDEX),
                        (
                            "link",
                            &format!("</v2/team/app/referrers/{root}?n=1&last=x>; rel=\"next\""),
                        ),
                    ],
                    api_index.as_bytes(),
                ),
            ),
            (
                format!("/v2/team/html/referrers/{root}"),
                canned(
                    200,
                    &[("content-type", "text/html")],
                    b"<html>not an index</html>",
                ),
            ),
        ]),
    );
    let proxy = Proxy::start(&[
        proxy_flags[0],
        proxy_flags[1],
        "--insecure-registry",
        &fixture,
    ]);

    // distribution 2.8 has no referrers API (404) and nothing is tagged yet.
    let none = get(&proxy.url(&referrers(&registry.authority))).await;
    assert_eq!(none.status(), 200);
    assert_eq!(
        header(&none, "strata-referrers-source").as_deref(),
        Some("none")
    );
    assert_eq!(header(&none, "content-type").as_deref(), Some(OCI_INDEX));
    assert_eq!(json(none).await["manifests"], serde_json::json!([]));

    // The tag schema: an index under `sha256-<hex>` naming two artifacts pushed next to the image.
    let mut descriptors = Vec::new();
    for (name, tag, artifact_type) in [
        ("strata/artifacts:report", "report", REPORT),
        ("strata/artifacts:bundle", "bundle", BUNDLE),
    ] {
        let digest = layout.push(name, &registry.api(), "team/app", tag).await;
        descriptors.push(serde_json::json!({
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": digest,
            "size": layout.blob(&digest).bytes.len(),
            "artifactType": artifact_type,
        }));
    }
    let fallback_index = serde_json::to_vec(&serde_json::json!({
        "schemaVersion": 2,
        "mediaType": OCI_INDEX,
        "manifests": descriptors,
    }))
    .expect("JSON");
    let fallback_tag = format!("sha256-{}", root.trim_start_matches("sha256:"));
    let pushed = reqwest::Client::new()
        .put(format!(
            "{}team/app/manifests/{fallback_tag}",
            registry.api()
        ))
        .header("content-type", OCI_INDEX)
        .body(fallback_index.clone())
        .send()
        .await
        .expect("the fallback index is pushed");
    assert_eq!(pushed.status(), 201);

    let tagged = get(&proxy.url(&referrers(&registry.authority))).await;
    assert_eq!(tagged.status(), 200);
    assert_eq!(
        header(&tagged, "strata-referrers-source").as_deref(),
        Some("tag-fallback")
    );
    assert_eq!(header(&tagged, "oci-filters-applied"), None);
    assert_eq!(
        tagged.bytes().await.expect("a body").as_ref(),
        fallback_index.as_slice(),
        "the tagged index, untouched"
    );
    let filtered = get(&proxy.url(&format!(
        "{}?artifactType={}",
        referrers(&registry.authority),
        BUNDLE.replace('/', "%2F").replace('+', "%2B")
    )))
    .await;
    assert_eq!(
        header(&filtered, "oci-filters-applied").as_deref(),
        Some("artifactType")
    );
    let filtered = json(filtered).await;
    assert_eq!(filtered["manifests"].as_array().map(Vec::len), Some(1));
    assert_eq!(filtered["manifests"][0]["artifactType"], BUNDLE);

    // A registry with the API: its index, untouched, its next page through the proxy.
    let api = get(&proxy.url(&referrers(&fixture))).await;
    assert_eq!(
        header(&api, "strata-referrers-source").as_deref(),
        Some("api")
    );
    assert_eq!(
        header(&api, "link").as_deref(),
        Some(
            format!("</v2/{fixture}/team/app/referrers/{root}?n=1&last=x>; rel=\"next\"").as_str()
        )
    );
    assert_eq!(
        api.bytes().await.expect("a body").as_ref(),
        api_index.as_bytes()
    );
    // One that answers something else than an index: the tag schema is tried (and finds nothing).
    let html = get(&proxy.url(&format!("/v2/{fixture}/team/html/referrers/{root}"))).await;
    assert_eq!(
        header(&html, "strata-referrers-source").as_deref(),
        Some("none")
    );
    let html_fallback = format!("/v2/team/html/manifests/{fallback_tag}");
    assert!(
        fixture_registry
            .received()
            .iter()
            .any(|received| received.target == html_fallback),
        "the fallback tag was asked for"
    );

    let bad = get(&proxy.url(&format!(
        "/v2/{}/team/app/referrers/sha256:short",
        registry.authority
    )))
    .await;
    assert_eq!(bad.status(), 400);
    let demo = get(&proxy.url(&format!(
        "/v2/demo.invalid/strata/multi-arch/referrers/{}",
        layout.root_digest("strata/multi-arch:1.0")
    )))
    .await;
    assert_eq!(demo.status(), 200);
    assert_eq!(
        header(&demo, "strata-referrers-source").as_deref(),
        Some("none")
    );
}

/// Every file under `dir`, by relative path.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .expect("a directory")
        .map(|entry| {
            let entry = entry.expect("an entry");
            let name = entry.file_name().to_string_lossy().into_owned();
            (name, std::fs::read(entry.path()).expect("a file"))
        })
        .collect()
}

fn skopeo(args: &[&str]) -> Vec<u8> {
    let output = std::process::Command::new(strata_e2e::required_program("/usr/bin/skopeo"))
        .args(args)
        .output()
        .expect("skopeo runs");
    assert!(
        output.status.success(),
        "skopeo {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// `docker manifest inspect --insecure` (the Docker CLI talks to registries itself; no daemon needed).
fn docker_manifest_inspect(reference: &str) -> serde_json::Value {
    let docker = ["/usr/local/bin/docker", "/usr/bin/docker"]
        .into_iter()
        .find(|path| std::path::Path::new(path).exists())
        .unwrap_or("/usr/bin/docker");
    let config = std::env::temp_dir().join(format!("strata-docker-cli-{}", std::process::id()));
    let output = std::process::Command::new(strata_e2e::required_program(docker))
        .args(["manifest", "inspect", "--insecure", reference])
        .env("DOCKER_CONFIG", &config)
        .output()
        .expect("docker runs");
    let _ = std::fs::remove_dir_all(&config);
    assert!(
        output.status.success(),
        "docker manifest inspect {reference}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("docker prints JSON")
}

#[tokio::test]
async fn stock_clients_read_the_same_bytes_through_the_proxy() {
    let registry = PortlessRegistry::start().await;
    let layout = DemoLayout::open();
    let root = layout
        .push("strata/multi-arch:1.0", &registry.api(), "team/app", "1.0")
        .await;
    let proxy = Proxy::start(&["--insecure-registry", &registry.name]);

    let check = get(&proxy.url("/v2/")).await;
    assert_eq!(check.status(), 200);
    assert_eq!(
        header(&check, "docker-distribution-api-version").as_deref(),
        Some("registry/2.0")
    );
    assert_eq!(json(check).await, serde_json::json!({}));

    let proxy_host = proxy.base.trim_start_matches("http://");
    let through = format!("docker://{proxy_host}/{}/team/app:1.0", registry.name);
    let direct = format!("docker://{}/team/app:1.0", registry.name);
    let raw_through = skopeo(&["inspect", "--raw", "--tls-verify=false", &through]);
    let raw_direct = skopeo(&["inspect", "--raw", "--tls-verify=false", &direct]);
    assert_eq!(raw_through, raw_direct, "the same manifest bytes");
    assert_eq!(Digest::sha256_of(&raw_through).to_string(), root);

    let docker_through =
        docker_manifest_inspect(&format!("{proxy_host}/{}/team/app:1.0", registry.name));
    let index: serde_json::Value = serde_json::from_slice(&raw_through).expect("the index");
    let digests = |value: &serde_json::Value| -> Vec<String> {
        value["manifests"]
            .as_array()
            .map(|entries| {
                entries
                    .iter()
                    .filter_map(|entry| entry["digest"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    assert!(!digests(&index).is_empty());
    assert_eq!(
        digests(&docker_through),
        digests(&index),
        "docker manifest inspect reads the same index through the proxy"
    );

    let inspected = |bytes: Vec<u8>| {
        let mut value: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
        value.as_object_mut().expect("an object").remove("Name");
        value
    };
    let inspect_through = inspected(skopeo(&["inspect", "--tls-verify=false", &through]));
    let inspect_direct = inspected(skopeo(&["inspect", "--tls-verify=false", &direct]));
    assert_eq!(
        inspect_through, inspect_direct,
        "digest, tags, layers and config alike"
    );

    let copies = std::env::temp_dir().join(format!("strata-skopeo-copies-{}", std::process::id()));
    std::fs::create_dir_all(&copies).expect("a temp dir for the copies");
    let (copy_through, copy_direct) = (copies.join("through"), copies.join("direct"));
    for (source, target) in [(&through, &copy_through), (&direct, &copy_direct)] {
        skopeo(&[
            "copy",
            "--all",
            "--src-tls-verify=false",
            source,
            &format!("dir:{}", target.display()),
        ]);
    }
    let (through_files, direct_files) = (files(&copy_through), files(&copy_direct));
    let _ = std::fs::remove_dir_all(&copies);
    assert!(
        through_files.len() > 5,
        "every platform, config and layer was copied"
    );
    assert_eq!(
        through_files.keys().collect::<Vec<_>>(),
        direct_files.keys().collect::<Vec<_>>()
    );
    assert!(
        through_files == direct_files,
        "skopeo copy --all is byte for byte the same"
    );
}

#[tokio::test]
async fn cors_answers_allowed_origins_only() {
    let proxy = Proxy::start(&["--allow-origin", "https://inspect.example"]);
    let client = reqwest::Client::new();
    let layout = DemoLayout::open();
    let url = proxy.url(&format!(
        "/v2/demo.invalid/strata/multi-arch/manifests/{}",
        layout.root_digest("strata/multi-arch:1.0")
    ));

    let allowed = client
        .get(&url)
        .header("origin", "https://inspect.example")
        .send()
        .await
        .expect("an answer");
    assert_eq!(allowed.status(), 200);
    assert_eq!(
        header(&allowed, "access-control-allow-origin").as_deref(),
        Some("https://inspect.example")
    );
    assert!(header(&allowed, "vary").is_some_and(|vary| vary.contains("Origin")));
    let exposed = header(&allowed, "access-control-expose-headers").expect("exposed headers");
    for name in [
        "Docker-Content-Digest",
        "Content-Type",
        "Content-Length",
        "RateLimit-Limit",
        "RateLimit-Remaining",
        "Docker-RateLimit-Source",
        "Retry-After",
        "Strata-Upstream-Trace",
    ] {
        assert!(
            exposed.split(", ").any(|item| item == name),
            "{name} in {exposed}"
        );
    }

    let preflight = client
        .request(reqwest::Method::OPTIONS, &url)
        .header("origin", "https://inspect.example")
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "accept")
        .send()
        .await
        .expect("an answer");
    assert_eq!(preflight.status(), 204);
    assert_eq!(
        header(&preflight, "access-control-allow-methods").as_deref(),
        Some("GET, HEAD")
    );
    assert!(
        header(&preflight, "access-control-allow-headers").is_some_and(|h| h.contains("Accept"))
    );

    for origin in ["https://evil.example", "null"] {
        let other = client
            .get(&url)
            .header("origin", origin)
            .send()
            .await
            .expect("an answer");
        assert_eq!(other.status(), 200, "the answer itself is the same");
        assert_eq!(
            header(&other, "access-control-allow-origin"),
            None,
            "{origin}"
        );
        assert_eq!(
            header(&other, "access-control-expose-headers"),
            None,
            "{origin}"
        );
        let preflight = client
            .request(reqwest::Method::OPTIONS, &url)
            .header("origin", origin)
            .header("access-control-request-method", "GET")
            .send()
            .await
            .expect("an answer");
        assert_ne!(preflight.status(), 204, "{origin}");
        assert_eq!(
            header(&preflight, "access-control-allow-origin"),
            None,
            "{origin}"
        );
    }
}

/// A GET through nginx: status, `X-Cache-Status`, `Docker-Content-Digest` and body.
async fn through_nginx(
    client: &reqwest::Client,
    url: &str,
    range: Option<&str>,
) -> (u16, String, Option<String>, Vec<u8>) {
    let mut request = client.get(url).header("accept", OCI_ACCEPT);
    if let Some(range) = range {
        request = request.header("range", range);
    }
    let response = request.send().await.expect("nginx answers");
    let status = response.status().as_u16();
    let cache = header(&response, "x-cache-status").unwrap_or_default();
    let digest = header(&response, "docker-content-digest");
    let body = response.bytes().await.expect("a body").to_vec();
    (status, cache, digest, body)
}

#[tokio::test]
async fn nginx_caches_by_digest_while_tags_reach_a_proxy() {
    let registry = Registry::start().await;
    let layout = DemoLayout::open();
    let root = layout
        .push("strata/multi-arch:1.0", &registry.api(), "team/app", "1.0")
        .await;
    // nginx passes its clients' `Host` on without the port, as the recipe says.
    let behind_nginx = [
        "--insecure-registry",
        &registry.authority,
        "--public-host",
        "127.0.0.1",
    ];
    let proxies = [Proxy::start(&behind_nginx), Proxy::start(&behind_nginx)];
    let upstreams: Vec<&str> = proxies
        .iter()
        .map(|proxy| proxy.base.trim_start_matches("http://"))
        .collect();
    let nginx = Nginx::start(&upstreams).await;
    let client = reqwest::Client::new();
    let path = |reference: &str| {
        nginx.url(&format!(
            "/v2/{}/team/app/manifests/{reference}",
            registry.authority
        ))
    };
    let index: serde_json::Value = serde_json::from_slice(&layout.blob(&root).bytes).expect("JSON");
    let child = index["manifests"][0]["digest"]
        .as_str()
        .expect("a digest")
        .to_owned();
    let manifest: serde_json::Value =
        serde_json::from_slice(&layout.blob(&child).bytes).expect("JSON");
    let config = manifest["config"]["digest"]
        .as_str()
        .expect("a digest")
        .to_owned();
    let blob = nginx.url(&format!(
        "/v2/{}/team/app/blobs/{config}",
        registry.authority
    ));

    for url in [path(&root), blob.clone()] {
        let statuses: Vec<(u16, String)> = {
            let mut seen = Vec::new();
            for _ in 0..3 {
                let (status, cache, _, _) = through_nginx(&client, &url, None).await;
                seen.push((status, cache));
            }
            seen
        };
        assert_eq!(
            statuses,
            [
                (200, "MISS".into()),
                (200, "HIT".into()),
                (200, "HIT".into())
            ],
            "{url}: content by digest is served from nginx's cache\n{}",
            nginx.error_log()
        );
    }

    for _ in 0..3 {
        let (status, cache, digest, _) = through_nginx(&client, &path("1.0"), None).await;
        assert_eq!(status, 200);
        assert_ne!(cache, "HIT", "a tag is never answered from the cache");
        assert_eq!(digest.as_deref(), Some(root.as_str()));
    }
    let moved = layout
        .push("strata/single:1.0", &registry.api(), "team/app", "1.0")
        .await;
    let (_, _, digest, _) = through_nginx(&client, &path("1.0"), None).await;
    assert_eq!(
        digest.as_deref(),
        Some(moved.as_str()),
        "the moved tag reached the registry"
    );

    let config_bytes = layout.blob(&config).bytes;
    let (status, cache, _, body) = through_nginx(&client, &blob, Some("bytes=0-9")).await;
    assert_eq!(
        (status, cache.as_str()),
        (206, ""),
        "a Range request bypasses the cache"
    );
    assert_eq!(body, config_bytes[..10]);

    drop(proxies);
    let (status, cache, _, body) = through_nginx(&client, &path(&root), None).await;
    assert_eq!(
        (status, cache.as_str()),
        (200, "HIT"),
        "served with every proxy stopped"
    );
    assert_eq!(body, layout.blob(&root).bytes);
    let (status, _, _, _) = through_nginx(&client, &path("1.0"), None).await;
    assert_eq!(status, 502, "a tag needs a proxy");
}
