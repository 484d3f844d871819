//! `/open`: image archives that skopeo wrote from images pushed to a real registry (`docker-archive`,
//! `oci-archive`, and one gzipped whole) open in Chromium with the proxy `--offline`, the tree and the files
//! view verified as for a registry image, and not one request for image bytes leaving the page. Broken
//! archives say what is wrong; a local image compares with the registry copy.

use std::path::{Path, PathBuf};
use std::process::Command;

use strata_e2e::browser::Browser;
use strata_e2e::demo_layout::DemoLayout;
use strata_e2e::image_push::push_image;
use strata_e2e::proxy::Proxy;
use strata_e2e::registry::Registry;
use strata_e2e::tar_builder::TarBuilder;

/// `skopeo copy` of a registry image into an archive of the given transport (`--all`: every platform).
fn skopeo_copy(from: &str, transport: &str, to: &Path, all: bool) {
    let mut command = Command::new(strata_e2e::required_program("/usr/bin/skopeo"));
    command.args(["copy", "--quiet", "--src-tls-verify=false"]);
    if all {
        command.arg("--all");
    }
    let written = command
        .arg(format!("docker://{from}"))
        .arg(format!("{transport}:{}", to.display()))
        .output()
        .expect("skopeo runs");
    assert!(
        written.status.success(),
        "skopeo copy to {transport}: {}",
        String::from_utf8_lossy(&written.stderr)
    );
}

/// Opens `/open`, gives the file input `archive`, and waits for the tree, or for an alert.
async fn open_archive(browser: &Browser, proxy: &Proxy, archive: &Path) {
    browser.open(&proxy.url("/open")).await;
    browser
        .wait_for(
            "the file input",
            "return document.getElementById('open-local') !== null",
        )
        .await;
    browser.choose_file("open-local", archive).await;
}

/// Opens `/open` and drops `archive` on its drop zone, as a file dragged from the desktop (WebDriver
/// cannot drag from outside the page: the file is picked into an input of the test's own, then dropped).
async fn drop_archive(browser: &Browser, proxy: &Proxy, archive: &Path) {
    browser.open(&proxy.url("/open")).await;
    browser
        .wait_for(
            "the drop zone",
            "return document.getElementById('drop-zone') !== null",
        )
        .await;
    browser
        .eval(
            "const picker = document.createElement('input'); picker.type = 'file'; picker.id = 'test-picker'; \
             document.body.append(picker); return true;",
        )
        .await;
    browser.choose_file("test-picker", archive).await;
    browser
        .eval(
            "const carried = new DataTransfer(); \
             carried.items.add(document.getElementById('test-picker').files[0]); \
             const zone = document.getElementById('drop-zone'); \
             zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: carried, bubbles: true, cancelable: true })); \
             zone.dispatchEvent(new DragEvent('drop', { dataTransfer: carried, bubbles: true, cancelable: true })); \
             return true;",
        )
        .await;
}

/// No URL the page fetched names the registry API.
async fn registry_requests(browser: &Browser) -> Vec<String> {
    let value = browser
        .eval(
            "return performance.getEntriesByType('resource').map(entry => entry.name) \
             .filter(name => name.includes('/v2/'))",
        )
        .await;
    serde_json::from_value(value).expect("a list of URLs")
}

/// Every node of the tree verified (a layer once it is read: the tree alone reads none); the kinds seen.
async fn verified_kinds(browser: &Browser) -> Vec<String> {
    browser
        .wait_for(
            "the tree, or what stops it",
            "return document.querySelector('.tree [data-kind]') !== null \
             || document.querySelector('.open-local [role=\"alert\"]') !== null",
        )
        .await;
    if let Some(alert) = browser.alert().await {
        panic!("the archive did not open: {alert}");
    }
    browser.wait_for_tree().await;
    let nodes = browser.nodes().await;
    for (kind, digest, verify) in &nodes {
        if kind == "layer" && verify == "not-fetched" {
            continue;
        }
        assert_eq!(verify, "verified", "{kind} {digest}");
    }
    nodes.into_iter().map(|(kind, _, _)| kind).collect()
}

struct Archives {
    dir: PathBuf,
}

impl Drop for Archives {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[tokio::test]
async fn archives_skopeo_wrote_open_verified_with_nothing_fetched() {
    let registry = Registry::start().await;
    let mut layer = TarBuilder::default();
    layer
        .directory("etc/")
        .file("etc/os-release", b"ID=local\n")
        .file("etc/motd", b"built here\n");
    push_image(&registry.api(), "team/local", "1", &[layer.finish()]).await;
    DemoLayout::open()
        .push("strata/multi-arch:1.0", &registry.api(), "team/app", "1.2")
        .await;
    let archives = Archives {
        dir: std::env::temp_dir().join(format!("strata-local-archives-{}", std::process::id())),
    };
    std::fs::create_dir_all(&archives.dir).expect("a temp dir");
    let single = format!("{}/team/local:1", registry.authority);
    let docker_archive = archives.dir.join("local.docker-archive.tar");
    let oci_archive = archives.dir.join("local.oci-archive.tar");
    let multi_arch = archives.dir.join("app.oci-archive.tar");
    skopeo_copy(&single, "docker-archive", &docker_archive, false);
    skopeo_copy(&single, "oci-archive", &oci_archive, false);
    skopeo_copy(
        &format!("{}/team/app:1.2", registry.authority),
        "oci-archive",
        &multi_arch,
        true,
    );
    let gzipped = archives.dir.join("app.oci-archive.tar.gz");
    let status = Command::new("gzip")
        .args(["-k", "-c"])
        .arg(&multi_arch)
        .stdout(std::fs::File::create(&gzipped).expect("a file"))
        .status()
        .expect("gzip runs");
    assert!(status.success());

    let zstd = archives.dir.join("app.oci-archive.tar.zst");
    let multi_arch_bytes = std::fs::read(&multi_arch).expect("the archive");
    std::fs::write(
        &zstd,
        ruzstd::encoding::compress_to_vec(
            multi_arch_bytes.as_slice(),
            ruzstd::encoding::CompressionLevel::Fastest,
        ),
    )
    .expect("written");
    let layout_dir = archives.dir.join("app-layout");
    skopeo_copy(
        &format!("{}/team/app:1.2", registry.authority),
        "oci",
        &layout_dir,
        true,
    );

    let offline = Proxy::start(&["--offline"]);
    let browser = Browser::start().await;

    // docker save's legacy form: no manifest in it, the config and layer checked against manifest.json's
    // names and the config's diff_ids.
    open_archive(&browser, &offline, &docker_archive).await;
    let kinds = verified_kinds(&browser).await;
    assert!(
        kinds.contains(&"manifest".to_owned()) && kinds.contains(&"config".to_owned()),
        "{kinds:?}"
    );
    let written = browser
        .eval("const note = document.querySelector('.written-manifest'); return note && note.textContent")
        .await;
    assert!(
        written
            .as_str()
            .is_some_and(|text| text.contains("written by Strata")),
        "the manifest Strata wrote says so: {written}"
    );
    let notice = browser
        .eval("return document.querySelector('.local-image-notice').textContent")
        .await;
    assert!(
        notice.as_str().is_some_and(
            |text| text.contains("not uploaded") && text.contains("local.docker-archive.tar")
        ),
        "{notice}"
    );
    assert!(
        browser
            .eval("return document.querySelector('.no-share-link') !== null && document.querySelector('.share-links') === null")
            .await
            == serde_json::json!(true),
        "a local image offers no link to share"
    );
    browser.click("a.open-files").await;
    browser
        .wait_for(
            "the archive's files",
            "return document.querySelector('[data-path=\"/etc/motd\"]') !== null",
        )
        .await;
    browser
        .wait_for(
            "the layer read and verified against its diff_id",
            "const layers = document.querySelectorAll('[data-kind=\"layer\"]'); \
             return layers.length > 0 && [...layers].every(layer => layer.dataset.verify === 'verified')",
        )
        .await;
    browser.screenshot("local-archive-files").await;

    // A reload loses the file (it never left the browser): the page says so, and choosing the same file
    // again comes back to the same view.
    let files_view = browser.eval("return location.href").await;
    let files_view = files_view.as_str().expect("the address").to_owned();
    browser.open(&files_view).await;
    browser
        .wait_for(
            "the way back to the file",
            "return document.getElementById('reopen-local') !== null",
        )
        .await;
    browser.click("#reopen-local").await;
    browser
        .wait_for(
            "the open page, asking for the file again",
            "return document.querySelector('.open-again') !== null && document.getElementById('open-local') !== null",
        )
        .await;
    browser.choose_file("open-local", &docker_archive).await;
    browser
        .wait_for(
            "the same files view",
            "return document.querySelector('[data-path=\"/etc/motd\"]') !== null",
        )
        .await;
    assert_eq!(
        browser.eval("return location.href").await,
        serde_json::json!(files_view)
    );

    // skopeo's oci-archive of the same image, dropped on the page.
    drop_archive(&browser, &offline, &oci_archive).await;
    let kinds = verified_kinds(&browser).await;
    assert!(kinds.contains(&"config".to_owned()), "{kinds:?}");
    assert_eq!(
        browser
            .eval("return document.querySelector('.written-manifest') === null")
            .await,
        serde_json::json!(true),
        "an OCI archive's manifest is its own"
    );

    // Every platform of a multi-arch index, gzipped whole.
    open_archive(&browser, &offline, &gzipped).await;
    let kinds = verified_kinds(&browser).await;
    assert_eq!(
        kinds.iter().filter(|kind| *kind == "index").count(),
        1,
        "{kinds:?}"
    );
    assert!(
        browser.platforms().await.len() >= 4,
        "{:?}",
        browser.platforms().await
    );
    browser.screenshot("local-archive-tree").await;
    assert_eq!(registry_requests(&browser).await, Vec::<String>::new());

    // The same, compressed with zstd.
    open_archive(&browser, &offline, &zstd).await;
    assert!(verified_kinds(&browser).await.contains(&"index".to_owned()));

    // An OCI layout directory, picked whole.
    browser.open(&offline.url("/open")).await;
    browser
        .wait_for(
            "the directory input",
            "return document.getElementById('open-directory') !== null",
        )
        .await;
    browser.choose_file("open-directory", &layout_dir).await;
    assert!(verified_kinds(&browser).await.contains(&"index".to_owned()));
    assert_eq!(registry_requests(&browser).await, Vec::<String>::new());
}

#[tokio::test]
async fn broken_archives_say_what_is_wrong() {
    let dir = Archives {
        dir: std::env::temp_dir().join(format!("strata-broken-archives-{}", std::process::id())),
    };
    std::fs::create_dir_all(&dir.dir).expect("a temp dir");
    let not_a_tar = dir.dir.join("notes.txt");
    std::fs::write(&not_a_tar, "these are notes, not an image\n".repeat(40)).expect("written");
    let not_an_image = dir.dir.join("plain.tar");
    let mut plain = TarBuilder::default();
    plain.file("hello.txt", b"hello\n");
    std::fs::write(&not_an_image, plain.finish().0).expect("written");

    let offline = Proxy::start(&["--offline"]);
    let browser = Browser::start().await;
    for (archive, expected) in [
        (&not_a_tar, "not a tar archive"),
        (&not_an_image, "neither an OCI layout"),
    ] {
        open_archive(&browser, &offline, archive).await;
        browser
            .wait_for(
                "an alert",
                "return document.querySelector('.open-local [role=\"alert\"]') !== null",
            )
            .await;
        let alert = browser.alert().await.unwrap_or_default();
        assert!(alert.contains(expected), "{}: {alert}", archive.display());
    }
}

#[tokio::test]
async fn a_local_build_compares_with_what_was_pushed() {
    let registry = Registry::start().await;
    let mut layer = TarBuilder::default();
    layer
        .directory("app/")
        .file("app/run.sh", b"#!/bin/sh\necho hi\n");
    push_image(&registry.api(), "team/pushed", "1", &[layer.finish()]).await;
    let archives = Archives {
        dir: std::env::temp_dir().join(format!("strata-local-compare-{}", std::process::id())),
    };
    std::fs::create_dir_all(&archives.dir).expect("a temp dir");
    let pushed = format!("{}/team/pushed:1", registry.authority);
    let docker_archive = archives.dir.join("built.tar");
    skopeo_copy(&pushed, "docker-archive", &docker_archive, false);

    let proxy = Proxy::start(&["--insecure-registry", &registry.authority]);
    let browser = Browser::start().await;
    open_archive(&browser, &proxy, &docker_archive).await;
    verified_kinds(&browser).await;
    browser.click("details.compare-entry-point > summary").await;
    browser
        .element(fantoccini::Locator::Id("compare-with"))
        .await
        .send_keys(&pushed)
        .await
        .expect("typed");
    browser.click("#compare-with-button").await;
    browser
        .wait_for(
            "the comparison",
            "return document.querySelector('.comparison[data-probe=\"done\"]') !== null",
        )
        .await;
    // The archive holds the layer uncompressed, the registry gzipped: the same diff_id.
    let recompressed = browser
        .eval("return document.querySelectorAll('tr.compare-layer .badge.recompressed').length")
        .await;
    assert_eq!(
        recompressed,
        serde_json::json!(2),
        "each side's layer matched by diff_id"
    );
    let pinned = browser
        .eval("const a = document.querySelector('.local-compare a.registry-pinned'); return a ? a.textContent : ''")
        .await;
    assert!(
        pinned.as_str().is_some_and(
            |text| text.starts_with(&format!("{}/team/pushed@sha256:", registry.authority))
        ),
        "the registry copy's pinned reference: {pinned}"
    );
    browser.click("#compare-files-link").await;
    browser
        .wait_for(
            "the files compared",
            "return document.querySelector('#file-diff [data-probe=\"done\"], #file-diff [data-probe=\"failed\"]') !== null",
        )
        .await;
    browser.screenshot("local-archive-compare").await;
    assert_eq!(
        browser
            .eval("return document.querySelector('#file-diff [data-probe=\"done\"]') !== null")
            .await,
        serde_json::json!(true),
        "both sides' layers read and verified"
    );
    let changed = browser
        .eval("return document.querySelectorAll('#file-diff tr[data-change]:not([data-change=\"unchanged\"])').length")
        .await;
    assert_eq!(
        changed,
        serde_json::json!(0),
        "what was built is what was pushed"
    );
    assert_eq!(
        registry_requests(&browser)
            .await
            .iter()
            .filter(|url| url.contains("local.invalid"))
            .count(),
        0
    );
}

/// A hand-made OCI layout tar (what no tool writes: blobs that lie, blobs left out, a member climbing
/// out), of one image: its manifest, its config `config` named by the digest of `named_config`, and one
/// layer. `extra` members are added as they are.
fn hand_made_layout(
    config: Option<&[u8]>,
    named_config: &[u8],
    extra: &[(&str, &[u8])],
) -> Vec<u8> {
    use strata_image::digest::Digest;
    let mut layer = TarBuilder::default();
    layer.file("hello.txt", b"hello\n");
    let (layer_tar, _) = layer.finish();
    let config_digest = Digest::sha256_of(named_config);
    let layer_digest = Digest::sha256_of(&layer_tar);
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": { "mediaType": "application/vnd.oci.image.config.v1+json", "size": named_config.len(),
                    "digest": config_digest.to_string() },
        "layers": [{ "mediaType": "application/vnd.oci.image.layer.v1.tar", "size": layer_tar.len(),
                     "digest": layer_digest.to_string() }],
    })
    .to_string();
    let manifest_digest = Digest::sha256_of(manifest.as_bytes());
    let index = serde_json::json!({
        "schemaVersion": 2,
        "manifests": [{ "mediaType": "application/vnd.oci.image.manifest.v1+json", "size": manifest.len(),
                        "digest": manifest_digest.to_string(),
                        "annotations": { "org.opencontainers.image.ref.name": "hand-made" } }],
    })
    .to_string();
    let blob = |digest: &Digest| format!("blobs/sha256/{}", digest.encoded());
    let mut archive = TarBuilder::default();
    archive
        .file("oci-layout", br#"{"imageLayoutVersion":"1.0.0"}"#)
        .file("index.json", index.as_bytes())
        .file(&blob(&manifest_digest), manifest.as_bytes())
        .file(&blob(&layer_digest), &layer_tar);
    if let Some(config) = config {
        archive.file(&blob(&config_digest), config);
    }
    for (path, bytes) in extra {
        archive.file(path, bytes);
    }
    archive.finish().0
}

/// A legacy `docker save` of two layers whose `manifest.json` names a second layer file the archive
/// lacks.
fn legacy_save_missing_a_layer() -> Vec<u8> {
    use strata_image::digest::Digest;
    let mut first = TarBuilder::default();
    first.file("one.txt", b"one\n");
    let (first, _) = first.finish();
    let mut second = TarBuilder::default();
    second.file("two.txt", b"two\n");
    let (second, _) = second.finish();
    let config = serde_json::json!({
        "architecture": "amd64", "os": "linux",
        "rootfs": { "type": "layers",
                    "diff_ids": [Digest::sha256_of(&first).to_string(), Digest::sha256_of(&second).to_string()] },
    })
    .to_string();
    let config_name = format!("{}.json", Digest::sha256_of(config.as_bytes()).encoded());
    let manifest = serde_json::json!([{
        "Config": config_name, "RepoTags": ["gap:1"], "Layers": ["1/layer.tar", "2/layer.tar"],
    }])
    .to_string();
    let mut archive = TarBuilder::default();
    archive
        .file(&config_name, config.as_bytes())
        .file("1/layer.tar", &first)
        .file("manifest.json", manifest.as_bytes());
    archive.finish().0
}

/// Renames the member `from` to `to` (the same length) in a tar, its header checksum made again: a
/// path the `tar` crate would not write.
fn rename_member(tar: &mut [u8], from: &str, to: &str) {
    assert_eq!(from.len(), to.len());
    let at = tar
        .chunks(512)
        .position(|block| block.starts_with(from.as_bytes()))
        .expect("the member")
        * 512;
    tar[at..at + to.len()].copy_from_slice(to.as_bytes());
    tar[at + 148..at + 156].fill(b' ');
    let sum: u32 = tar[at..at + 512].iter().map(|byte| u32::from(*byte)).sum();
    tar[at + 148..at + 156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
}

#[tokio::test]
async fn broken_layouts_name_the_entry_and_show_what_can_be_read() {
    let config =
        br#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"#;
    let dir = Archives {
        dir: std::env::temp_dir().join(format!("strata-broken-layouts-{}", std::process::id())),
    };
    std::fs::create_dir_all(&dir.dir).expect("a temp dir");
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.dir.join(name);
        std::fs::write(&path, bytes).expect("written");
        path
    };
    let lying = write(
        "lying.tar",
        &hand_made_layout(
            Some(b"{\"os\":\"linux\",\"architecture\":\"arm64\"}"),
            config,
            &[],
        ),
    );
    let missing = write("missing.tar", &hand_made_layout(None, config, &[]));
    let mut climbing = hand_made_layout(Some(config), config, &[("xx/escape", b"out\n")]);
    rename_member(&mut climbing, "xx/escape", "../escape");
    let climbing = write("climbing.tar", &climbing);
    let gap = write("gap.tar", &legacy_save_missing_a_layer());
    let whole = hand_made_layout(Some(config), config, &[("zz/last", &[7u8; 4096])]);
    let truncated = write("truncated.tar", &whole[..whole.len() - 3000]);

    let offline = Proxy::start(&["--offline"]);
    let browser = Browser::start().await;

    open_archive(&browser, &offline, &lying).await;
    browser.wait_for_tree().await;
    let config_verify = browser
        .eval("return document.querySelector('[data-kind=\"config\"]').dataset.verify")
        .await;
    assert_eq!(
        config_verify,
        serde_json::json!("mismatch"),
        "a blob that lies about its digest"
    );

    open_archive(&browser, &offline, &missing).await;
    browser.wait_for_tree().await;
    let tree = browser
        .eval("return document.querySelector('.tree').textContent")
        .await;
    assert!(
        tree.as_str()
            .is_some_and(|text| text.contains("missing.tar holds no blob sha256:")),
        "the missing config named: {tree}"
    );

    for (archive, problem) in [
        (&climbing, "\"../escape\" points outside the archive"),
        (&truncated, "damaged"),
        (
            &gap,
            "the archive has no 2/layer.tar, which its manifest.json names",
        ),
    ] {
        open_archive(&browser, &offline, archive).await;
        browser
            .wait_for(
                "the archive's problems",
                "return document.querySelector('.archive-problem') !== null",
            )
            .await;
        let said = browser
            .eval("return document.querySelector('.archive-problem').textContent")
            .await;
        assert!(
            said.as_str().is_some_and(|text| text.contains(problem)),
            "{said}"
        );
        browser.screenshot("open-page-problems").await;
        browser.click("a.local-image").await;
        browser.wait_for_tree().await;
        assert_eq!(
            browser
                .eval("return document.querySelector('[data-kind=\"manifest\"]').dataset.verify")
                .await,
            serde_json::json!("verified"),
            "{}: what could be read renders",
            archive.display()
        );
    }
}

/// Every real archive of the shared corpus (Docker 25's `docker save`, containers-image's docker-archive,
/// OCI layouts from dive, oras-go and regclient, zstd and eStargz layers among them) opens in the page:
/// its first image's root verified, nothing in its tree a mismatch.
#[tokio::test]
async fn the_corpus_archives_open_in_the_page() {
    let Some(corpus) = strata_test_corpus::corpus_dir() else {
        return;
    };
    let mut archives: Vec<PathBuf> = std::fs::read_dir(corpus.join("layouts"))
        .expect("layouts")
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "tar"))
        .collect();
    archives.sort();
    assert!(archives.len() >= 6, "{archives:?}");
    let offline = Proxy::start(&["--offline"]);
    let browser = Browser::start().await;
    for archive in &archives {
        open_archive(&browser, &offline, archive).await;
        browser
            .wait_for(
                "the tree or the archive's images",
                "return document.querySelector('.tree [data-kind]') !== null \
                 || document.querySelector('a.local-image') !== null \
                 || document.querySelector('.open-local [role=\"alert\"]') !== null",
            )
            .await;
        let refused = browser
            .eval("const alert = document.querySelector('.open-local [role=\"alert\"]'); return alert && alert.textContent")
            .await;
        assert_eq!(refused, serde_json::Value::Null, "{}", archive.display());
        if browser
            .eval("return document.querySelector('.tree [data-kind]') === null")
            .await
            == serde_json::json!(true)
        {
            browser.click("a.local-image").await;
        }
        browser.wait_for_tree().await;
        let nodes = browser.nodes().await;
        assert_eq!(nodes[0].2, "verified", "{}: {nodes:?}", archive.display());
        assert!(
            nodes.iter().all(|(_, _, verify)| verify != "mismatch"),
            "{}: {nodes:?}",
            archive.display()
        );
    }
}
