//! Strata as an image (`cargo xtask image`): a static proxy run as a non-root user with no shell beside
//! it; pushed with skopeo to a real registry and inspected by Strata itself, every node verified; unpacked
//! and run in a chroot, serving the app and the demo registry from its one binary; rebuilt, the same digest.

use std::process::Command;

use strata_e2e::browser::Browser;
use strata_e2e::image_layout::ImageLayout;
use strata_e2e::proxy::Proxy;
use strata_e2e::registry::Registry;
use strata_image::digest::Digest;

const ENTRYPOINT: &str = "/usr/local/bin/strata-proxy";
const OCI_ACCEPT: &str = "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, \
application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json";

#[test]
fn the_image_runs_the_static_proxy_as_a_non_root_user_with_no_shell() {
    let image = ImageLayout::open();
    let config = image.config();
    assert_eq!(config["os"], "linux");
    assert_eq!(config["architecture"], "amd64");
    assert_eq!(
        config["config"]["Entrypoint"],
        serde_json::json!([ENTRYPOINT])
    );
    let user = config["config"]["User"].as_str().expect("a User");
    assert_eq!(user, "65532:65532", "a numeric uid:gid other than root");
    assert_eq!(
        config["rootfs"]["diff_ids"].as_array().map(Vec::len),
        Some(1),
        "one layer"
    );
    let paths = image.paths();
    assert!(
        paths.iter().any(|path| format!("/{path}") == ENTRYPOINT),
        "{paths:?}"
    );
    for absent in ["bin/", "bin/sh", "usr/bin/", "sbin/"] {
        assert!(
            !paths.iter().any(|path| path == absent),
            "{absent} in {paths:?}"
        );
    }
    assert!(
        paths.iter().all(|path| !path.contains(".wh.")),
        "no whiteouts: {paths:?}"
    );
    let passwd = std::fs::read_to_string(image.unpack().dir.join("etc/passwd")).expect("a passwd");
    assert!(
        passwd.lines().any(|line| line.contains(":65532:65532:")),
        "the user is named: {passwd}"
    );
}

#[tokio::test]
async fn pushed_with_skopeo_it_verifies_in_strata() {
    let image = ImageLayout::open();
    let registry = Registry::start().await;
    let output = Command::new(strata_e2e::required_program("/usr/bin/skopeo"))
        .args(["copy", "--dest-tls-verify=false"])
        .arg(format!("oci:{}:latest", image.root.display()))
        .arg(format!(
            "docker://{}/strata/strata:latest",
            registry.authority
        ))
        .output()
        .expect("skopeo runs");
    assert!(
        output.status.success(),
        "skopeo copy: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let proxy = Proxy::start(&["--insecure-registry", &registry.authority]);
    let browser = Browser::start().await;
    browser
        .open(&proxy.url(&format!(
            "/inspect/{}/strata/strata:latest?view=files",
            registry.authority
        )))
        .await;
    browser
        .wait_for(
            "every node of the image to verify, its layer too",
            "const nodes = Array.from(document.querySelectorAll('[data-verify]')); \
             return nodes.some(e => e.dataset.kind === 'layer') \
             && nodes.every(e => e.dataset.verify === 'verified');",
        )
        .await;
    let nodes = browser.nodes().await;
    let kinds: Vec<&str> = nodes.iter().map(|(kind, _, _)| kind.as_str()).collect();
    assert_eq!(kinds, ["manifest", "config", "layer"], "{nodes:?}");
    assert_eq!(
        nodes[0].1, image.manifest_digest,
        "the registry holds the layout's bytes"
    );
    let files = browser
        .eval(
            "return Array.from(document.querySelectorAll('[data-path]')).map(e => e.dataset.path)",
        )
        .await;
    let files: Vec<String> = serde_json::from_value(files).expect("paths");
    assert!(files.iter().any(|path| path == ENTRYPOINT), "{files:?}");
    assert!(!files.iter().any(|path| path == "/bin/sh"), "{files:?}");
    browser.close().await;
}

#[tokio::test]
async fn unpacked_its_entrypoint_serves_the_app_and_the_demo_in_a_chroot() {
    let image = ImageLayout::open();
    let config = image.config();
    let user = config["config"]["User"].as_str().expect("a User");
    let entrypoint: Vec<String> =
        serde_json::from_value(config["config"]["Entrypoint"].clone()).expect("an Entrypoint");
    let rootfs = image.unpack();
    let proxy = rootfs.run_proxy(user, &entrypoint, &["--listen", "127.0.0.1:0", "--offline"]);
    let client = reqwest::Client::new();

    let page = client
        .get(format!("{}/", proxy.base))
        .send()
        .await
        .expect("the app's page");
    assert_eq!(page.status(), 200, "the front end is embedded: no --dist");
    let content_type = page.headers()["content-type"]
        .to_str()
        .expect("text")
        .to_owned();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    let html = page.text().await.expect("a body");
    assert!(
        html.to_ascii_lowercase().starts_with("<!doctype html"),
        "{html}"
    );

    let manifest = client
        .get(format!(
            "{}/v2/demo.invalid/strata/multi-arch/manifests/1.0",
            proxy.base
        ))
        .header("accept", OCI_ACCEPT)
        .send()
        .await
        .expect("a demo manifest");
    assert_eq!(manifest.status(), 200);
    let digest = manifest.headers()["docker-content-digest"]
        .to_str()
        .expect("a digest")
        .to_owned();
    let bytes = manifest.bytes().await.expect("a body");
    assert_eq!(Digest::sha256_of(&bytes).to_string(), digest);
}

#[test]
fn building_the_image_again_gives_the_same_digest() {
    let image = ImageLayout::open();
    let again = std::env::temp_dir().join(format!("strata-image-again-{}", std::process::id()));
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(strata_e2e::workspace_root())
        .args(["xtask", "image", "--out"])
        .arg(&again)
        .output()
        .expect("cargo xtask image runs");
    assert!(
        output.status.success(),
        "cargo xtask image --out: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let rebuilt = ImageLayout::open_at(&again);
    let _ = std::fs::remove_dir_all(&again);
    assert_eq!(rebuilt.manifest_digest, image.manifest_digest);
}
