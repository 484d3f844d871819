//! The proxy authenticating as registries ask: htpasswd Basic and token issuers with Docker `config.json`
//! credentials, tokens cached until they expire, and token realms or redirects to hosts it may not reach
//! refused.

mod hardening;

use std::collections::HashMap;
use std::time::Duration;

use strata_e2e::browser::Browser;
use strata_e2e::demo_layout::DemoLayout;
use strata_e2e::proxy::Proxy;
use strata_e2e::registry::Registry;
use strata_e2e::tampering_registry::{Answer, TamperingRegistry};
use strata_e2e::token_issuer::TokenIssuer;

use hardening::*;

#[tokio::test]
async fn htpasswd_registries_are_read_with_docker_config_credentials() {
    let registry = Registry::start_with_htpasswd("alice", "s3cret").await;
    skopeo_push(
        &registry.authority,
        "strata/multi-arch:1.0",
        "team/app:1",
        Some("alice:s3cret"),
    );
    let layout = DemoLayout::open();
    let root = layout.root_digest("strata/multi-arch:1.0");
    let client = reqwest::Client::new();
    let path = format!("/v2/{}/team/app/manifests/1", registry.authority);

    let anonymous = Proxy::start(&["--insecure-registry", &registry.authority]);
    let denied = get(&client, &anonymous.url(&path)).await;
    assert_eq!(denied.status(), 401, "the registry's answer, passed on");
    assert!(
        denied.headers().get("www-authenticate").is_none(),
        "a Basic challenge never reaches the browser, which would prompt for a password"
    );
    let trace = trace_of(&denied);
    let challenge = trace
        .iter()
        .find(|step| step["step"] == "challenge")
        .expect("the challenge is traced");
    assert_eq!(challenge["params"]["scheme"], "basic");
    assert!(
        challenge["note"]
            .as_str()
            .unwrap_or_default()
            .contains("--docker-config"),
        "{challenge}"
    );

    let config = DockerConfig::with_auth(&registry.authority, ALICE);
    let proxy = Proxy::start(&[
        "--insecure-registry",
        &registry.authority,
        "--docker-config",
        config.path(),
    ]);
    let response = get(&client, &proxy.url(&path)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["docker-content-digest"], root.as_str());
    let trace = trace_of(&response);
    assert_eq!(
        steps(&trace)[..3],
        [
            step("request", "HEAD", "none", 401),
            step("challenge", "", "", 0),
            step("request", "HEAD", "basic", 200),
        ],
        "{trace:?}"
    );
    let shown = serde_json::to_string(&trace).expect("JSON");
    assert!(
        !shown.contains("s3cret") && !shown.contains(ALICE),
        "{shown}"
    );
    assert!(response.headers().get("authorization").is_none());
    let bytes = response.bytes().await.expect("a body");
    assert_eq!(sha256(&bytes), root);

    let index: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
    let child = index["manifests"][0]["digest"].as_str().expect("a digest");
    let manifest: serde_json::Value =
        serde_json::from_slice(&layout.blob(child).bytes).expect("JSON");
    let config_digest = manifest["config"]["digest"].as_str().expect("a digest");
    let blob = get(
        &client,
        &proxy.url(&format!(
            "/v2/{}/team/app/blobs/{config_digest}",
            registry.authority
        )),
    )
    .await;
    assert_eq!(blob.status(), 200);
    assert_eq!(sha256(&blob.bytes().await.expect("a body")), config_digest);
}

#[tokio::test]
async fn token_issuers_get_docker_config_credentials_and_tokens_are_reused() {
    let issuer = TokenIssuer::new();
    let (listener, realm_authority) = TamperingRegistry::bind().await;
    let pull_token = issuer.token("team/app", &["pull"]);
    let realm = TamperingRegistry::serve(
        listener,
        HashMap::from([
            (
                "/token".to_owned(),
                Answer {
                    status: 401,
                    headers: vec![("www-authenticate".into(), "Basic realm=\"issuer\"".into())],
                    body:
                        br#"{"errors":[{"code":"UNAUTHORIZED","message":"credentials required"}]}"#
                            .to_vec(),
                },
            ),
            (
                "AUTHORIZED /token".to_owned(),
                Answer {
                    status: 200,
                    headers: json_type(),
                    body: serde_json::json!({ "access_token": pull_token, "expires_in": 300 })
                        .to_string()
                        .into_bytes(),
                },
            ),
        ]),
    );
    let registry =
        Registry::start_with_token_auth(&issuer, &format!("http://{realm_authority}/token")).await;
    let layout = DemoLayout::open();
    let push_token = issuer.token("team/app", &["pull", "push"]);
    let root = layout
        .push_with_token(
            "strata/multi-arch:1.0",
            &registry.api(),
            "team/app",
            "1",
            Some(&push_token),
        )
        .await;
    let client = reqwest::Client::new();
    let tag = format!("/v2/{}/team/app/manifests/1", registry.authority);

    let without = Proxy::start(&[
        "--insecure-registry",
        &registry.authority,
        "--insecure-registry",
        &realm_authority,
    ]);
    let refused = get(&client, &without.url(&tag)).await;
    assert_eq!(refused.status(), 502);
    assert_eq!(error_code(refused).await, "UPSTREAM_AUTH");
    assert_eq!(realm.received().len(), 1);
    assert_eq!(realm.received()[0].authorization, None);

    let config = DockerConfig::with_auth(&registry.authority, ALICE);
    let proxy = Proxy::start(&[
        "--insecure-registry",
        &registry.authority,
        "--insecure-registry",
        &realm_authority,
        "--docker-config",
        config.path(),
    ]);
    let first = get(&client, &proxy.url(&tag)).await;
    assert_eq!(first.status(), 200);
    assert_eq!(first.headers()["docker-content-digest"], root.as_str());
    assert_eq!(
        first.headers()["cache-control"],
        "no-cache",
        "a tag can move"
    );
    let trace = trace_of(&first);
    assert_eq!(
        steps(&trace),
        [
            step("request", "HEAD", "none", 401),
            step("challenge", "", "", 0),
            step("token", "GET", "basic", 200),
            step("request", "HEAD", "bearer", 200),
            step("request", "GET", "bearer (cached)", 200),
        ],
        "{trace:?}"
    );
    assert_eq!(trace[1]["params"]["service"], "strata-test-registry");
    assert_eq!(trace[1]["params"]["scope"], "repository:team/app:pull");
    assert_eq!(trace[2]["params"]["expires_in"], "300");
    let shown = serde_json::to_string(&trace).expect("JSON");
    assert!(
        !shown.contains(&pull_token) && !shown.contains(ALICE),
        "no token or credential in the trace"
    );
    assert_eq!(sha256(&first.bytes().await.expect("a body")), root);

    for _ in 0..3 {
        let again = get(&client, &proxy.url(&tag)).await;
        assert_eq!(again.status(), 200);
        assert_eq!(
            steps(&trace_of(&again)),
            [
                step("request", "HEAD", "bearer (cached)", 200),
                step("cache", "", "", 200),
            ]
        );
        assert_eq!(sha256(&again.bytes().await.expect("a body")), root);
    }
    let index: serde_json::Value = serde_json::from_slice(&layout.blob(&root).bytes).expect("JSON");
    let child = index["manifests"][0]["digest"].as_str().expect("a digest");
    let by_digest = get(
        &client,
        &proxy.url(&format!(
            "/v2/{}/team/app/manifests/{child}",
            registry.authority
        )),
    )
    .await;
    assert_eq!(by_digest.status(), 200);
    assert_eq!(by_digest.headers()["cache-control"], IMMUTABLE);
    assert_eq!(sha256(&by_digest.bytes().await.expect("a body")), child);

    let asked: Vec<_> = realm.received().into_iter().skip(1).collect::<Vec<_>>();
    assert_eq!(asked.len(), 1, "one token for every request: {asked:?}");
    assert_eq!(
        asked[0].authorization.as_deref(),
        Some(format!("Basic {ALICE}").as_str()),
        "the issuer gets the registry's credentials"
    );
    assert!(asked[0].target.contains("service=strata-test-registry"));
}

#[tokio::test]
async fn tokens_are_kept_until_they_expire() {
    let blob = b"a blob behind a short-lived token".to_vec();
    let digest = sha256(&blob);
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
                ok(&blob, "application/octet-stream"),
            ),
            (
                "/token".to_owned(),
                Answer {
                    status: 200,
                    headers: json_type(),
                    body: br#"{"token":"short-lived","expires_in":1}"#.to_vec(),
                },
            ),
        ]),
    );
    let proxy = Proxy::start(&["--insecure-registry", &registry.authority]);
    let client = reqwest::Client::new();
    let url = proxy.url(&format!(
        "/v2/{}/team/app/blobs/{digest}",
        registry.authority
    ));
    let head = || client.head(&url).send();
    assert_eq!(head().await.expect("a response").status(), 200);
    let second = head().await.expect("a response");
    assert_eq!(second.status(), 200);
    assert_eq!(
        steps(&trace_of(&second)),
        [step("request", "HEAD", "bearer (cached)", 200)],
        "the token goes with the first try"
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(head().await.expect("a response").status(), 200);
    let tokens = registry
        .received()
        .iter()
        .filter(|r| r.target.starts_with("/token"))
        .count();
    assert_eq!(tokens, 2, "one token, then a new one after expires_in");
}

#[tokio::test]
async fn token_realms_and_redirects_to_hosts_not_allowed_are_refused() {
    let forbidden = TamperingRegistry::start(HashMap::new()).await;
    let forbidden_port = forbidden.authority.rsplit(':').next().expect("a port");
    let realms = [
        format!("http://{}/token", forbidden.authority),
        format!("http://2130706433:{forbidden_port}/token"),
        format!("https://127.1:{forbidden_port}/token"),
        "https://169.254.169.254/token".to_owned(),
    ];
    let redirects = [
        format!("http://{}/cdn", forbidden.authority),
        format!("http://0x7f.1:{forbidden_port}/cdn"),
        format!("https://[::ffff:127.0.0.1]:{forbidden_port}/cdn"),
        format!("https://localhost:{forbidden_port}/cdn"),
        "file:///etc/passwd".to_owned(),
    ];
    let mut answers = HashMap::new();
    for (i, realm) in realms.iter().enumerate() {
        answers.insert(
            format!("/v2/realm{i}/app/manifests/sha256:{}", "0".repeat(64)),
            Answer {
                status: 401,
                headers: vec![(
                    "www-authenticate".into(),
                    format!("Bearer realm=\"{realm}\",service=\"x\",scope=\"repository:realm{i}/app:pull\""),
                )],
                body: vec![],
            },
        );
    }
    for (i, location) in redirects.iter().enumerate() {
        answers.insert(
            format!("/v2/redirect{i}/app/blobs/sha256:{}", "0".repeat(64)),
            Answer {
                status: 307,
                headers: vec![("location".into(), location.clone())],
                body: vec![],
            },
        );
    }
    let (listener, authority) = TamperingRegistry::bind().await;
    let localhost_authority = format!(
        "localhost:{}",
        authority.rsplit(':').next().expect("a port")
    );
    let registry = TamperingRegistry::serve(listener, answers);
    let proxy = Proxy::start(&[
        "--insecure-registry",
        &registry.authority,
        "--insecure-registry",
        &localhost_authority,
    ]);
    let client = reqwest::Client::new();
    for (i, realm) in realms.iter().enumerate() {
        let response = get(
            &client,
            &proxy.url(&format!(
                "/v2/{}/realm{i}/app/manifests/sha256:{}",
                registry.authority,
                "0".repeat(64)
            )),
        )
        .await;
        assert_eq!(response.status(), 403, "realm {realm}");
        let trace = trace_of(&response);
        let last = trace.last().expect("a step");
        assert_eq!(
            (last["step"].as_str(), last["method"].as_str()),
            (Some("refused"), Some("GET")),
            "{trace:?}"
        );
    }
    for (i, location) in redirects.iter().enumerate() {
        // The registry is also reached as localhost, so `https://localhost:<other port>` must be refused
        // although the resolver trusts that name.
        let response = get(
            &client,
            &proxy.url(&format!(
                "/v2/{localhost_authority}/redirect{i}/app/blobs/sha256:{}",
                "0".repeat(64)
            )),
        )
        .await;
        assert_eq!(response.status(), 403, "redirect to {location}");
        assert_eq!(error_code(response).await, "PROXY_REFUSED");
    }
    assert_eq!(
        forbidden.received(),
        [],
        "nothing reached the forbidden host"
    );
}

/// A `docker-credential-<name>` written by the test into a folder of its own, put on the proxy's PATH:
/// it answers Docker's `get` protocol for `registry` with alice's password, says "not found" for any
/// other, or fails outright when `failing`.
struct CredentialHelper {
    dir: std::path::PathBuf,
}

impl CredentialHelper {
    fn install(name: &str, registry: &str, failing: bool) -> CredentialHelper {
        CredentialHelper::answering(name, registry, failing, "alice", "s3cret")
    }

    fn answering(
        name: &str,
        registry: &str,
        failing: bool,
        username: &str,
        secret: &str,
    ) -> CredentialHelper {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = std::env::temp_dir().join(format!(
            "strata-credential-helper-{}-{name}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).expect("a temp dir");
        let script = if failing {
            "#!/bin/sh\necho 'error: the keychain is locked'\nexit 3\n".to_owned()
        } else {
            format!(
                "#!/bin/sh\n[ \"$1\" = get ] || exit 2\nread -r server || true\n\
                 if [ \"$server\" = '{registry}' ]; then\n\
                   printf '{{\"ServerURL\":\"%s\",\"Username\":\"{username}\",\"Secret\":\"{secret}\"}}' \"$server\"\n\
                 else\n  echo 'credentials not found in native keychain'\n  exit 1\nfi\n"
            )
        };
        let path = dir.join(format!("docker-credential-{name}"));
        std::fs::write(&path, script).expect("the helper is written");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
            .expect("executable");
        CredentialHelper { dir }
    }

    /// The proxy reading `config`, the helper's folder first on its PATH.
    fn proxy(&self, config: &DockerConfig, flags: &[&str]) -> Proxy {
        let path = format!(
            "{}:{}",
            self.dir.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let mut all = vec!["--docker-config", config.path()];
        all.extend_from_slice(flags);
        Proxy::start_with("127.0.0.1:0", &all, &[("PATH", &path)])
    }
}

impl Drop for CredentialHelper {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[tokio::test]
async fn credential_helpers_answer_as_after_docker_login() {
    let registry = Registry::start_with_htpasswd("alice", "s3cret").await;
    skopeo_push(
        &registry.authority,
        "strata/multi-arch:1.0",
        "team/app:1",
        Some("alice:s3cret"),
    );
    let root = DemoLayout::open().root_digest("strata/multi-arch:1.0");
    let client = reqwest::Client::new();
    let path = format!("/v2/{}/team/app/manifests/1", registry.authority);
    let per_registry = DockerConfig::of(
        serde_json::json!({ "credHelpers": { &registry.authority: "strata-test" } }),
    );
    let store = DockerConfig::of(
        serde_json::json!({ "auths": { &registry.authority: {} }, "credsStore": "strata-test" }),
    );
    let helper = CredentialHelper::install("strata-test", &registry.authority, false);
    for config in [&per_registry, &store] {
        let proxy = helper.proxy(config, &["--insecure-registry", &registry.authority]);
        let response = get(&client, &proxy.url(&path)).await;
        assert_eq!(response.status(), 200, "{}", config.path());
        let trace = serde_json::to_string(&trace_of(&response)).expect("JSON");
        let headers = format!("{:?}", response.headers());
        let body = response.bytes().await.expect("a body");
        assert_eq!(sha256(&body), root);
        for shown in [&trace, &headers] {
            assert!(
                !shown.contains("s3cret") && !shown.contains(ALICE),
                "{shown}"
            );
        }
    }

    let failing = CredentialHelper::install("strata-failing", &registry.authority, true);
    let broken = DockerConfig::of(
        serde_json::json!({ "credHelpers": { &registry.authority: "strata-failing" } }),
    );
    let proxy = failing.proxy(&broken, &["--insecure-registry", &registry.authority]);
    let denied = get(&client, &proxy.url(&path)).await;
    assert_eq!(denied.status(), 401);
    let said = serde_json::to_string(&trace_of(&denied)).expect("JSON");
    assert!(
        said.contains("docker-credential-strata-failing failed: error: the keychain is locked"),
        "a failing helper is named, with what it said: {said}"
    );
}

#[tokio::test]
async fn after_a_docker_login_a_reader_browses_from_the_catalog_to_a_tag_to_its_tree() {
    let registry = Registry::start_with_htpasswd("alice", "s3cret").await;
    for name in ["team/app:1", "team/app:2", "tools/cli:latest"] {
        skopeo_push(
            &registry.authority,
            "strata/multi-arch:1.0",
            name,
            Some("alice:s3cret"),
        );
    }
    let root = DemoLayout::open().root_digest("strata/multi-arch:1.0");
    let store = DockerConfig::of(
        serde_json::json!({ "auths": { &registry.authority: {} }, "credsStore": "strata-login" }),
    );
    let helper = CredentialHelper::install("strata-login", &registry.authority, false);
    let proxy = helper.proxy(&store, &["--insecure-registry", &registry.authority]);
    let browser = Browser::start().await;
    browser
        .open(&proxy.url(&format!("/inspect/{}", registry.authority)))
        .await;
    browser
        .wait_for(
            "the private registry's catalog",
            "return Array.from(document.querySelectorAll('.repository-list [data-repository]')) \
             .map(e => e.dataset.repository).join() === 'team/app,tools/cli'",
        )
        .await;
    browser
        .click(".repository-list [data-repository='team/app'] a")
        .await;
    browser
        .wait_for(
            "its tag table, each tag read through the helper's login",
            &format!(
                "const rows = document.querySelectorAll('.tag-table tr[data-tag]'); \
                 return rows.length === 2 && Array.from(rows).every(row => row.dataset.digest === '{root}') \
                 && document.querySelector('.tag-table tr[data-tag=\"2\"]').dataset.sameAs === '1'"
            ),
        )
        .await;
    browser
        .click(".tag-table tr[data-tag='2'] td.tag-platforms")
        .await;
    browser.wait_for_tree().await;
    let nodes = browser.nodes().await;
    assert_eq!(
        nodes
            .first()
            .map(|(_, digest, verify)| (digest.as_str(), verify.as_str())),
        Some((root.as_str(), "verified"))
    );
    assert!(
        nodes.iter().all(|(kind, _, verify)| verify == "verified"
            || (kind == "layer" && verify == "not-fetched")),
        "every document verified (layers are read when opened): {nodes:?}"
    );
    let page = browser
        .eval(
            "return document.documentElement.outerHTML + JSON.stringify(performance.getEntries())",
        )
        .await;
    let page = page.as_str().unwrap_or_default();
    assert!(!page.is_empty());
    assert!(
        !page.contains("s3cret") && !page.contains(ALICE),
        "the login never reaches the page"
    );
    browser.close().await;
}

#[tokio::test]
async fn an_identity_token_from_a_helper_is_traded_for_a_bearer_token() {
    const IDENTITY_TOKEN: &str = "refresh-7f3a9c";
    let issuer = TokenIssuer::new();
    let (listener, realm_authority) = TamperingRegistry::bind().await;
    let realm = TamperingRegistry::serve(
        listener,
        HashMap::from([(
            "/token".to_owned(),
            Answer {
                status: 200,
                headers: json_type(),
                body: serde_json::json!({
                    "access_token": issuer.token("team/app", &["pull"]),
                    "expires_in": 300,
                    "refresh_token": IDENTITY_TOKEN,
                })
                .to_string()
                .into_bytes(),
            },
        )]),
    );
    let registry =
        Registry::start_with_token_auth(&issuer, &format!("http://{realm_authority}/token")).await;
    let root = DemoLayout::open()
        .push_with_token(
            "strata/multi-arch:1.0",
            &registry.api(),
            "team/app",
            "1",
            Some(&issuer.token("team/app", &["pull", "push"])),
        )
        .await;
    let helper = CredentialHelper::answering(
        "strata-token",
        &registry.authority,
        false,
        "<token>",
        IDENTITY_TOKEN,
    );
    let config = DockerConfig::of(
        serde_json::json!({ "credHelpers": { &registry.authority: "strata-token" } }),
    );
    let proxy = helper.proxy(
        &config,
        &[
            "--insecure-registry",
            &registry.authority,
            "--insecure-registry",
            &realm_authority,
        ],
    );
    let client = reqwest::Client::new();
    let response = get(
        &client,
        &proxy.url(&format!("/v2/{}/team/app/manifests/1", registry.authority)),
    )
    .await;
    assert_eq!(response.status(), 200);
    let trace = trace_of(&response);
    assert_eq!(
        steps(&trace)[..3],
        [
            step("request", "HEAD", "none", 401),
            step("challenge", "", "", 0),
            step("token", "POST", "identity token", 200),
        ],
        "{trace:?}"
    );
    let shown = serde_json::to_string(&trace).expect("JSON");
    assert!(!shown.contains(IDENTITY_TOKEN), "{shown}");
    assert_eq!(sha256(&response.bytes().await.expect("a body")), root);
    let asked = realm.received();
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert_eq!(asked[0].method, "POST");
    assert_eq!(
        asked[0].authorization, None,
        "the identity token goes in the form only"
    );
    let form: HashMap<String, String> = url::form_urlencoded::parse(asked[0].body.as_bytes())
        .into_owned()
        .collect();
    assert_eq!(form["grant_type"], "refresh_token");
    assert_eq!(form["refresh_token"], IDENTITY_TOKEN);
    assert_eq!(form["service"], "strata-test-registry");
    assert_eq!(form["scope"], "repository:team/app:pull");
}
