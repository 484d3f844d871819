//! The proxy against a real distribution registry: bytes and headers pass through untouched, errors keep
//! their envelope, and what must not be reached is refused.

use std::collections::HashMap;

use strata_e2e::demo_layout::DemoLayout;
use strata_e2e::proxy::Proxy;
use strata_e2e::registry::Registry;
use strata_e2e::tampering_registry::{Answer, TamperingRegistry};
use strata_e2e::token_issuer::TokenIssuer;
use strata_image::digest::Digest;

const OCI_ACCEPT: &str = "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, \
application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json";

fn sha256(bytes: &[u8]) -> String {
    Digest::sha256_of(bytes).to_string()
}

#[tokio::test]
async fn manifests_and_blobs_pass_through_byte_for_byte() {
    let registry = Registry::start().await;
    let layout = DemoLayout::open();
    let root = layout
        .push("strata/multi-arch:1.0", &registry.api(), "team/app", "1.2")
        .await;
    let list = layout
        .push(
            "strata/manifest-list:1.0",
            &registry.api(),
            "team/list",
            "1",
        )
        .await;
    let proxy = Proxy::start(&["--insecure-registry", &registry.authority]);
    let client = reqwest::Client::new();

    for (repository, tag, digest, media_type) in [
        (
            "team/app",
            "1.2",
            &root,
            "application/vnd.oci.image.index.v1+json",
        ),
        (
            "team/list",
            "1",
            &list,
            "application/vnd.docker.distribution.manifest.list.v2+json",
        ),
    ] {
        let url = proxy.url(&format!(
            "/v2/{}/{repository}/manifests/{tag}",
            registry.authority
        ));
        let response = client
            .get(&url)
            .header("accept", OCI_ACCEPT)
            .send()
            .await
            .expect("a response");
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["docker-content-digest"], digest.as_str());
        assert_eq!(response.headers()["content-type"], media_type);
        let bytes = response.bytes().await.expect("a body");
        assert_eq!(
            bytes.as_ref(),
            layout.blob(digest).bytes.as_slice(),
            "the registry's bytes, untouched"
        );

        let head = client
            .head(&url)
            .header("accept", OCI_ACCEPT)
            .send()
            .await
            .expect("a response");
        assert_eq!(head.status(), 200);
        assert_eq!(
            head.headers()["content-length"],
            bytes.len().to_string().as_str()
        );
        assert_eq!(head.headers()["docker-content-digest"], digest.as_str());
    }

    let index: serde_json::Value = serde_json::from_slice(&layout.blob(&root).bytes).expect("JSON");
    let child = index["manifests"][0]["digest"].as_str().expect("a digest");
    let manifest: serde_json::Value =
        serde_json::from_slice(&layout.blob(child).bytes).expect("JSON");
    for blob in [
        &manifest["config"]["digest"],
        &manifest["layers"][0]["digest"],
    ] {
        let digest = blob.as_str().expect("a digest");
        let url = proxy.url(&format!(
            "/v2/{}/team/app/blobs/{digest}",
            registry.authority
        ));
        let bytes = client
            .get(&url)
            .send()
            .await
            .expect("a response")
            .bytes()
            .await
            .expect("a body");
        assert_eq!(sha256(&bytes), digest);
    }

    let skopeo = std::process::Command::new(strata_e2e::required_program("/usr/bin/skopeo"))
        .args(["inspect", "--raw", "--tls-verify=false"])
        .arg(format!("docker://{}/team/app:1.2", registry.authority))
        .output()
        .expect("skopeo runs");
    assert!(
        skopeo.status.success(),
        "{}",
        String::from_utf8_lossy(&skopeo.stderr)
    );
    assert_eq!(
        sha256(&skopeo.stdout),
        root,
        "skopeo reads the same index the proxy forwarded"
    );
}

#[tokio::test]
async fn registry_errors_keep_their_status_and_envelope() {
    let registry = Registry::start().await;
    let proxy = Proxy::start(&["--insecure-registry", &registry.authority]);
    let client = reqwest::Client::new();
    let through_proxy = client
        .get(proxy.url(&format!("/v2/{}/team/none/manifests/1", registry.authority)))
        .header("accept", OCI_ACCEPT)
        .send()
        .await
        .expect("a response");
    let direct = client
        .get(format!("{}team/none/manifests/1", registry.api()))
        .header("accept", OCI_ACCEPT)
        .send()
        .await
        .expect("a response");
    assert_eq!(through_proxy.status(), 404);
    assert_eq!(through_proxy.status(), direct.status());
    let body: serde_json::Value = through_proxy.json().await.expect("an error envelope");
    let direct_body: serde_json::Value = direct.json().await.expect("an error envelope");
    assert_eq!(body, direct_body);
    assert!(body["errors"][0]["code"].is_string(), "{body}");
}

#[tokio::test]
async fn what_must_not_be_reached_is_refused() {
    let registry = Registry::start().await;
    let proxy = Proxy::start(&[]);
    let client = reqwest::Client::new();
    let port = registry.authority.rsplit(':').next().expect("a port");
    let cases = [
        (
            format!("/v2/{}/team/app/manifests/1", registry.authority),
            403,
            "PROXY_REFUSED",
        ),
        (
            format!("/v2/localhost:{port}/team/app/manifests/1"),
            403,
            "PROXY_REFUSED",
        ),
        (
            format!("/v2/[::1]:{port}/team/app/manifests/1"),
            403,
            "PROXY_REFUSED",
        ),
        (
            "/v2/169.254.169.254/latest/manifests/1".to_owned(),
            403,
            "PROXY_REFUSED",
        ),
        (
            "/v2/2130706433/team/app/manifests/1".to_owned(),
            400,
            "NAME_INVALID",
        ),
        (
            "/v2/ghcr.io/Team/app/manifests/1".to_owned(),
            400,
            "NAME_INVALID",
        ),
        (
            "/v2/ghcr.io/team/app/blobs/uploads/".to_owned(),
            400,
            "NAME_INVALID",
        ),
    ];
    for (path, status, code) in cases {
        let response = client
            .get(proxy.url(&path))
            .send()
            .await
            .expect("a response");
        assert_eq!(response.status().as_u16(), status, "{path}");
        let body: serde_json::Value = response.json().await.expect("an error envelope");
        assert_eq!(body["errors"][0]["code"], code, "{path}");
    }
    let post = client
        .post(proxy.url("/v2/ghcr.io/team/app/manifests/1"))
        .send()
        .await
        .expect("a response");
    assert_eq!(post.status().as_u16(), 405, "only GET and HEAD");
}

#[tokio::test]
async fn the_demo_registry_answers_like_a_registry() {
    let proxy = Proxy::start(&["--offline"]);
    let layout = DemoLayout::open();
    let client = reqwest::Client::new();
    let root = layout.root_digest("strata/single:1.0");
    let response = client
        .get(proxy.url("/v2/demo.invalid/strata/single/manifests/1.0"))
        .send()
        .await
        .expect("ok");
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "application/vnd.docker.distribution.manifest.v2+json"
    );
    assert_eq!(response.headers()["docker-content-digest"], root.as_str());
    assert_eq!(sha256(&response.bytes().await.expect("a body")), root);
    let cases = [
        (
            "/v2/demo.invalid/strata/none/manifests/1.0",
            404,
            "NAME_UNKNOWN",
        ),
        (
            "/v2/demo.invalid/strata/single/manifests/2.0",
            404,
            "MANIFEST_UNKNOWN",
        ),
    ];
    for (path, status, code) in cases {
        let response = client
            .get(proxy.url(path))
            .send()
            .await
            .expect("a response");
        assert_eq!(response.status().as_u16(), status, "{path}");
        let body: serde_json::Value = response.json().await.expect("an envelope");
        assert_eq!(body["errors"][0]["code"], code);
    }
    let page = client
        .get(proxy.url("/inspect/alpine:3.19"))
        .send()
        .await
        .expect("a page");
    assert_eq!(page.status(), 200);
    assert!(
        page.text().await.expect("HTML").contains("/assets/boot-"),
        "every inspect link serves the app"
    );
}

#[tokio::test]
async fn anonymous_bearer_tokens_are_fetched_and_kept_server_side() {
    let issuer = TokenIssuer::new();
    let (listener, realm_authority) = TamperingRegistry::bind().await;
    let pull_token = issuer.token("team/app", &["pull"]);
    let body = serde_json::json!({ "token": pull_token, "expires_in": 300 }).to_string();
    let token_service = TamperingRegistry::serve(
        listener,
        HashMap::from([(
            "/token".to_owned(),
            Answer {
                status: 200,
                headers: json_type(),
                body: body.into_bytes(),
            },
        )]),
    );
    let registry =
        Registry::start_with_token_auth(&issuer, &format!("http://{realm_authority}/token")).await;
    let layout = DemoLayout::open();
    let push_token = issuer.token("team/app", &["pull", "push"]);
    let root = layout
        .push_with_token(
            "strata/single:1.0",
            &registry.api(),
            "team/app",
            "1",
            Some(&push_token),
        )
        .await;
    let client = reqwest::Client::new();
    let direct = client
        .get(format!("{}team/app/manifests/1", registry.api()))
        .header("accept", OCI_ACCEPT)
        .send()
        .await;
    assert_eq!(
        direct.expect("a response").status(),
        401,
        "the registry wants a token"
    );

    let proxy = Proxy::start(&[
        "--insecure-registry",
        &registry.authority,
        "--insecure-registry",
        &realm_authority,
    ]);
    let response = client
        .get(proxy.url(&format!("/v2/{}/team/app/manifests/1", registry.authority)))
        .header("accept", OCI_ACCEPT)
        .send()
        .await
        .expect("a response");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["docker-content-digest"], root.as_str());
    assert!(
        response.headers().get("authorization").is_none()
            && response.headers().get("www-authenticate").is_none()
    );
    let bytes = response.bytes().await.expect("a body");
    assert_eq!(sha256(&bytes), root);
    assert!(
        !String::from_utf8_lossy(&bytes).contains(&pull_token),
        "the token never reaches the browser"
    );
    let asked = token_service.received();
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert!(
        asked[0].target.contains("service=strata-test-registry"),
        "{asked:?}"
    );
    assert!(
        asked[0]
            .target
            .contains("scope=repository%3Ateam%2Fapp%3Apull"),
        "{asked:?}"
    );
}

#[tokio::test]
async fn blob_redirects_are_followed_without_credentials_and_guarded() {
    let blob = b"layer bytes on a CDN".to_vec();
    let digest = sha256(&blob);
    let cdn = TamperingRegistry::start(HashMap::from([(
        "/cdn/blob".to_owned(),
        Answer {
            status: 200,
            headers: vec![],
            body: blob.clone(),
        },
    )]))
    .await;
    let (listener, authority) = TamperingRegistry::bind().await;
    let path = format!("/v2/team/app/blobs/{digest}");
    let challenge = format!(
        "Bearer realm=\"http://{authority}/token\",service=\"fixture\",scope=\"repository:team/app:pull\""
    );
    let registry = TamperingRegistry::serve(
        listener,
        HashMap::from([
            (
                path.clone(),
                Answer {
                    status: 401,
                    headers: vec![("www-authenticate".into(), challenge)],
                    body: vec![],
                },
            ),
            (
                format!("AUTHORIZED {path}"),
                Answer {
                    status: 307,
                    headers: vec![(
                        "location".into(),
                        format!("http://{}/cdn/blob", cdn.authority),
                    )],
                    body: vec![],
                },
            ),
            (
                "/token".to_owned(),
                Answer {
                    status: 200,
                    headers: json_type(),
                    body: br#"{"access_token":"secret-token"}"#.to_vec(),
                },
            ),
        ]),
    );
    let client = reqwest::Client::new();
    let proxy = Proxy::start(&[
        "--insecure-registry",
        &registry.authority,
        "--insecure-registry",
        &cdn.authority,
    ]);
    let url = proxy.url(&format!(
        "/v2/{}/team/app/blobs/{digest}",
        registry.authority
    ));
    let response = client.get(&url).send().await.expect("a response");
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.bytes().await.expect("a body").as_ref(),
        blob.as_slice()
    );
    let authorizations: Vec<Option<String>> = registry
        .received()
        .into_iter()
        .map(|r| r.authorization)
        .collect();
    assert_eq!(
        authorizations,
        [None, None, Some("Bearer secret-token".to_owned())]
    );
    let at_cdn = cdn.received();
    assert_eq!(at_cdn.len(), 1);
    assert_eq!(
        at_cdn[0].authorization, None,
        "Authorization is never forwarded on a redirect"
    );

    let guarded = Proxy::start(&["--insecure-registry", &registry.authority]);
    let refused = client
        .get(guarded.url(&format!(
            "/v2/{}/team/app/blobs/{digest}",
            registry.authority
        )))
        .send()
        .await
        .expect("a response");
    assert_eq!(
        refused.status(),
        403,
        "a redirect to a loopback host not allowed is refused"
    );
    assert_eq!(
        cdn.received().len(),
        1,
        "no request reached the refused host"
    );
}

fn json_type() -> Vec<(String, String)> {
    vec![("content-type".into(), "application/json".into())]
}
