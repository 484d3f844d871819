//! The layer explorer in the browser: every layer read as it streams, verified twice, listed per layer and
//! merged with whiteouts and opaque directories applied; a changed byte shows as a mismatch. A big layer (whose
//! own digest a second worker computes) verifies too, and a changed byte in it is never shown verified.

use std::collections::HashMap;

use strata_e2e::browser::Browser;
use strata_e2e::demo_layout::DemoLayout;
use strata_e2e::image_push::{image_documents, push_image};
use strata_e2e::proxy::Proxy;
use strata_e2e::registry::Registry;
use strata_e2e::tampering_registry::{Answer, Fault, TamperingRegistry};
use strata_e2e::tar_builder::TarBuilder;

/// The demo image with whiteouts, an opaque directory, a hardlink and a file replaced by a directory.
const LAYERS_IMAGE: &str = "strata/layers:1.0";

async fn files(browser: &Browser) -> HashMap<String, String> {
    browser
        .wait_for(
            "the file list",
            "return document.querySelectorAll('[data-path]').length > 0 \
             && document.querySelectorAll('.layer-progress-row.waiting, .layer-progress-row.streaming').length === 0",
        )
        .await;
    let rows = browser
        .eval("return Array.from(document.querySelectorAll('[data-path]')).map(e => [e.dataset.path, e.dataset.change]);")
        .await;
    let rows: Vec<(String, String)> = serde_json::from_value(rows).expect("pairs");
    rows.into_iter().collect()
}

#[tokio::test]
async fn merged_and_per_layer_views_apply_whiteouts_and_verify_every_layer() {
    let proxy = Proxy::start(&["--offline"]);
    let layout = DemoLayout::open();
    let manifest: serde_json::Value =
        serde_json::from_slice(&layout.blob(&layout.root_digest(LAYERS_IMAGE)).bytes)
            .expect("JSON");
    let layers: Vec<String> = manifest["layers"]
        .as_array()
        .expect("layers")
        .iter()
        .map(|l| l["digest"].as_str().expect("a digest").to_owned())
        .collect();
    let browser = Browser::start().await;
    let base = proxy.url(&format!("/inspect/demo.invalid/{LAYERS_IMAGE}"));

    browser.open(&format!("{base}?view=files")).await;
    let merged = files(&browser).await;
    for present in [
        "/bin/busybox",
        "/bin/sh",
        "/bin/sh.static",
        "/etc/os-release",
        "/etc/hostname/name",
        "/usr/share/doc/base/README",
        "/usr/share/dict/words",
        "/srv/www/index.html",
        "/opt",
    ] {
        assert!(
            merged.contains_key(present),
            "{present} is in the merged view"
        );
    }
    for absent in [
        "/etc/motd",
        "/usr/share/doc/base/LICENSE",
        "/usr/share/doc/tools/NOTES",
        "/opt/app",
        "/opt/app/bin/run",
    ] {
        assert!(
            !merged.contains_key(absent),
            "{absent} is not in the merged view"
        );
    }
    assert!(
        merged.keys().all(|path| !path.contains(".wh.")),
        "whiteouts are never files"
    );
    assert_eq!(merged["/etc/os-release"], "modified");
    assert_eq!(merged["/srv/www/index.html"], "added");
    let verified = browser
        .eval("return Array.from(document.querySelectorAll('[data-kind=\"layer\"]')).map(e => e.dataset.verify)")
        .await;
    assert_eq!(
        verified,
        serde_json::json!(["verified", "verified", "verified"]),
        "each layer verified twice over"
    );
    browser.screenshot("files-merged").await;

    browser
        .open(&format!("{base}?view=files&layer={}", layers[1]))
        .await;
    let second = files(&browser).await;
    assert_eq!(second.get("/etc/motd").map(String::as_str), Some("deleted"));
    assert_eq!(
        second
            .get("/usr/share/doc/base/LICENSE")
            .map(String::as_str),
        Some("deleted")
    );
    assert_eq!(
        second.get("/etc/os-release").map(String::as_str),
        Some("modified")
    );
    assert_eq!(
        second.get("/bin/sh.static").map(String::as_str),
        Some("added")
    );

    browser
        .open(&format!("{base}?view=files&path=/etc/os-release"))
        .await;
    browser.wait_for("the preview", "return (document.querySelector('.file-preview')?.textContent ?? '').includes('changed in layer 2')").await;

    browser.open(&format!("{base}?view=files")).await;
    files(&browser).await;
    let search = browser
        .element(fantoccini::Locator::Id("file-search"))
        .await;
    search
        .send_keys("/usr/**/*.so")
        .await
        .expect("typing works");
    browser
        .wait_for("the glob search", "return Array.from(document.querySelectorAll('[data-path]')).map(e => e.dataset.path).join() === '/usr/lib/libdemo.so'")
        .await;
    browser.close().await;
}

#[tokio::test]
async fn a_changed_byte_in_a_layer_is_a_mismatch() {
    let layout = DemoLayout::open();
    let (mut answers, layers) = layers_image_answers(&layout);
    for (index, digest) in layers.iter().enumerate() {
        let mut bytes = layout.blob(digest).bytes;
        if index == 0 {
            // The gzip header's mtime: the bytes change, the tar inside does not.
            bytes[4] ^= 1;
        }
        answers.insert(
            format!("/v2/team/app/blobs/{digest}"),
            Answer {
                status: 200,
                headers: vec![],
                body: bytes,
            },
        );
    }
    let fixture = TamperingRegistry::start(answers).await;
    let proxy = Proxy::start(&["--insecure-registry", &fixture.authority]);
    let browser = Browser::start().await;
    browser
        .open(&proxy.url(&format!(
            "/inspect/{}/team/app:1?view=files",
            fixture.authority
        )))
        .await;
    files(&browser).await;
    let verdicts = browser
        .eval("return Array.from(document.querySelectorAll('[data-kind=\"layer\"]')).map(e => [e.dataset.verify, e.title])")
        .await;
    let verdicts: Vec<(String, String)> = serde_json::from_value(verdicts).expect("pairs");
    assert_eq!(verdicts[0].0, "mismatch", "{verdicts:?}");
    assert!(
        verdicts[0].1.contains("MISMATCH") && verdicts[0].1.contains("Verified in this browser"),
        "the diff_id still verified: {}",
        verdicts[0].1
    );
    assert_eq!(
        (verdicts[1].0.as_str(), verdicts[2].0.as_str()),
        ("verified", "verified")
    );
    browser.close().await;
}

/// A gzip layer well past the size from which a second worker hashes it: one file of bytes gzip cannot
/// shrink (the tar, its gzip).
fn big_layer() -> (Vec<u8>, Vec<u8>) {
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let noise: Vec<u8> = (0..20 * 1024 * 1024)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    let mut tar = TarBuilder::default();
    tar.file("data/noise.bin", &noise);
    tar.finish()
}

/// The verdicts on every layer node: (`data-verify`, its explanation).
async fn layer_verdicts(browser: &Browser) -> Vec<(String, String)> {
    let verdicts = browser
        .eval("return Array.from(document.querySelectorAll('[data-kind=\"layer\"]')).map(e => [e.dataset.verify, e.title])")
        .await;
    serde_json::from_value(verdicts).expect("pairs")
}

#[tokio::test]
async fn a_big_layer_is_verified_and_a_changed_byte_in_it_is_never_shown_verified() {
    let layer = big_layer();
    let (config, manifest) = image_documents(std::slice::from_ref(&layer));
    let document: serde_json::Value = serde_json::from_slice(&manifest).expect("JSON");
    let digest = |pointer: &str| {
        document
            .pointer(pointer)
            .and_then(serde_json::Value::as_str)
            .expect("a digest")
            .to_owned()
    };
    let blob = |bytes: Vec<u8>| Answer {
        status: 200,
        headers: vec![],
        body: bytes,
    };
    let mut tampered = layer.1.clone();
    // The gzip header's mtime: the blob changes, the tar inside does not.
    tampered[4] ^= 1;
    let answers = HashMap::from([
        (
            "/v2/team/big/manifests/1".to_owned(),
            Answer {
                status: 200,
                headers: vec![
                    (
                        "content-type".into(),
                        "application/vnd.oci.image.manifest.v1+json".into(),
                    ),
                    (
                        "docker-content-digest".into(),
                        strata_image::digest::Digest::sha256_of(&manifest).to_string(),
                    ),
                ],
                body: manifest.clone(),
            },
        ),
        (
            format!("/v2/team/big/blobs/{}", digest("/config/digest")),
            blob(config.clone()),
        ),
        (
            format!("/v2/team/big/blobs/{}", digest("/layers/0/digest")),
            blob(tampered),
        ),
    ]);
    let fixture = TamperingRegistry::start(answers).await;
    let registry = Registry::start().await;
    push_image(&registry.api(), "team/big", "1", &[layer]).await;
    let proxy = Proxy::start(&[
        "--insecure-registry",
        &registry.authority,
        "--insecure-registry",
        &fixture.authority,
    ]);
    let browser = Browser::start().await;

    browser
        .open(&proxy.url(&format!(
            "/inspect/{}/team/big:1?view=files",
            registry.authority
        )))
        .await;
    let files = files(&browser).await;
    assert!(files.contains_key("/data/noise.bin"), "{files:?}");
    let verdicts = layer_verdicts(&browser).await;
    assert_eq!(verdicts.len(), 1, "{verdicts:?}");
    assert_eq!(verdicts[0].0, "verified", "{verdicts:?}");

    // The proxy hashes every blob it forwards too, and cuts a stream that does not match: the page says the
    // layer failed, and nothing of it is shown as verified.
    browser
        .open(&proxy.url(&format!(
            "/inspect/{}/team/big:1?view=files",
            fixture.authority
        )))
        .await;
    browser
        .wait_for(
            "the tampered layer to fail",
            "return document.querySelector('[data-kind=\"layer\"][data-verify=\"error\"]') !== null",
        )
        .await;
    let verdicts = layer_verdicts(&browser).await;
    assert_eq!(verdicts.len(), 1, "{verdicts:?}");
    assert!(
        !verdicts[0]
            .1
            .contains("Verified in this browser: the bytes"),
        "{verdicts:?}"
    );
    browser.close().await;
}

#[tokio::test]
async fn the_demo_layers_read_the_same_from_a_real_registry() {
    let registry = Registry::start().await;
    DemoLayout::open()
        .push(LAYERS_IMAGE, &registry.api(), "team/layers", "1")
        .await;
    let proxy = Proxy::start(&["--insecure-registry", &registry.authority]);
    let browser = Browser::start().await;
    browser
        .open(&proxy.url(&format!(
            "/inspect/{}/team/layers:1?view=files",
            registry.authority
        )))
        .await;
    let merged = files(&browser).await;
    assert!(
        merged.contains_key("/usr/share/doc/base/README")
            && !merged.contains_key("/usr/share/doc/base/LICENSE")
    );
    assert!(!merged.contains_key("/etc/motd") && !merged.contains_key("/opt/app"));
    let verified = browser
        .eval("return Array.from(document.querySelectorAll('[data-kind=\"layer\"]')).map(e => e.dataset.verify)")
        .await;
    assert_eq!(
        verified,
        serde_json::json!(["verified", "verified", "verified"])
    );
    browser.close().await;
}

#[tokio::test]
async fn a_hundred_thousand_entries_scroll_and_search_without_rendering_them_all() {
    let registry = Registry::start().await;
    let mut tar = TarBuilder::default();
    for group in 0..100 {
        tar.directory(&format!("data/g{group:03}/"));
        for item in 0..1000 {
            tar.file(&format!("data/g{group:03}/f{item:04}.txt"), b"");
        }
    }
    let layer = tar.finish();
    push_image(&registry.api(), "team/many", "1", &[layer]).await;
    let proxy = Proxy::start(&["--insecure-registry", &registry.authority]);
    let browser = Browser::start().await;
    browser
        .open(&proxy.url(&format!(
            "/inspect/{}/team/many:1?view=files",
            registry.authority
        )))
        .await;
    browser
        .wait_for(
            "the windowed list",
            "return document.querySelector('.file-list.windowed [data-path]') !== null",
        )
        .await;
    let rendered = browser
        .eval("return document.querySelectorAll('[data-path]').length")
        .await;
    assert!(
        rendered.as_u64().is_some_and(|n| n > 0 && n <= 200),
        "only the rows in view are in the DOM: {rendered}"
    );
    let count = browser
        .eval("return document.querySelector('.file-tools .muted').textContent")
        .await;
    assert_eq!(count.as_str(), Some("100100 entries"));
    browser.eval("const l = document.querySelector('.file-list'); l.scrollTop = l.scrollHeight; l.dispatchEvent(new Event('scroll')); return true;").await;
    browser
        .wait_for(
            "the end of the list",
            "return document.querySelector('[data-path=\"/data/g099/f0999.txt\"]') !== null",
        )
        .await;
    let search = browser
        .element(fantoccini::Locator::Id("file-search"))
        .await;
    search.send_keys("g042/f0042").await.expect("typing works");
    browser
        .wait_for("the search", "return Array.from(document.querySelectorAll('[data-path]')).map(e => e.dataset.path).join() === '/data/g042/f0042.txt'")
        .await;
    browser.close().await;
}

#[tokio::test]
async fn a_decompression_bomb_stops_at_the_limit_and_the_page_stays_usable() {
    let registry = Registry::start().await;
    let mut tar = TarBuilder::default();
    tar.zeros("bomb", 64 * 1024 * 1024);
    let bomb = tar.finish();
    assert!(
        bomb.1.len() < 1024 * 1024,
        "64 MiB of zeros compress to almost nothing"
    );
    push_image(&registry.api(), "team/bomb", "1", &[bomb]).await;
    let proxy = Proxy::start(&["--insecure-registry", &registry.authority]);
    let browser = Browser::start().await;
    browser
        .open(&proxy.url(&format!(
            "/inspect/{}/team/bomb:1?view=files&max-mib=16",
            registry.authority
        )))
        .await;
    browser
        .wait_for(
            "the limit",
            "return document.querySelector('.layer-progress-row.failed') !== null",
        )
        .await;
    let message = browser
        .eval("return document.querySelector('.layer-progress-row.failed').textContent")
        .await;
    assert!(
        message.as_str().unwrap_or_default().contains("larger than"),
        "{message}"
    );
    let verify = browser
        .eval("return document.querySelector('[data-kind=\"layer\"]').dataset.verify")
        .await;
    assert_eq!(verify.as_str(), Some("error"));
    let alive = browser.eval("return document.querySelectorAll('[data-kind=\"config\"][data-verify=\"verified\"]').length").await;
    assert_eq!(
        alive.as_u64(),
        Some(1),
        "the page still renders and answers"
    );
    browser.close().await;
}

#[tokio::test]
async fn reading_layers_can_be_cancelled() {
    let layout = DemoLayout::open();
    let (mut answers, layers) = layers_image_answers(&layout);
    let layer_path = format!("/v2/team/app/blobs/{}", layers[0]);
    let first_layer = layout.blob(&layers[0]);
    answers.insert(
        layer_path.clone(),
        Answer {
            status: 200,
            headers: vec![],
            body: first_layer.bytes,
        },
    );
    let slow = Fault {
        delay: Some(std::time::Duration::from_secs(3)),
        ..Fault::default()
    };
    let fixture =
        TamperingRegistry::start_with_faults(answers, HashMap::from([(layer_path, slow)])).await;
    let proxy = Proxy::start(&["--insecure-registry", &fixture.authority]);
    let browser = Browser::start().await;
    browser
        .open(&proxy.url(&format!(
            "/inspect/{}/team/app:1?view=files",
            fixture.authority
        )))
        .await;
    browser
        .element(fantoccini::Locator::Css("button.cancel"))
        .await
        .click()
        .await
        .expect("a click");
    browser
        .wait_for_within(
            std::time::Duration::from_secs(20),
            "the cancel",
            "return document.querySelector('.layer-progress-row.cancelled') !== null",
        )
        .await;
    let button = browser
        .eval("return document.querySelector('button.cancel') === null")
        .await;
    assert_eq!(
        button,
        serde_json::Value::Bool(true),
        "nothing is being read any more"
    );
    let tree = browser
        .eval("return document.querySelector('[data-kind=\"config\"]').dataset.verify")
        .await;
    assert_eq!(tree.as_str(), Some("verified"), "the page stays usable");
    browser.close().await;
}

/// The demo layers image served by a fixture as `team/app:1`: its manifest and config, and the layers'
/// digests (their blobs are the caller's to add, tampered or slow as the test needs).
fn layers_image_answers(layout: &DemoLayout) -> (HashMap<String, Answer>, Vec<String>) {
    let manifest = layout.blob(&layout.root_digest(LAYERS_IMAGE));
    let document: serde_json::Value = serde_json::from_slice(&manifest.bytes).expect("JSON");
    let config = layout.blob(document["config"]["digest"].as_str().expect("a digest"));
    let answers = HashMap::from([
        (
            "/v2/team/app/manifests/1".to_owned(),
            Answer {
                status: 200,
                headers: vec![
                    (
                        "content-type".into(),
                        "application/vnd.oci.image.manifest.v1+json".into(),
                    ),
                    ("docker-content-digest".into(), manifest.digest.clone()),
                ],
                body: manifest.bytes,
            },
        ),
        (
            format!("/v2/team/app/blobs/{}", config.digest),
            Answer {
                status: 200,
                headers: vec![],
                body: config.bytes,
            },
        ),
    ]);
    let layers = document["layers"]
        .as_array()
        .expect("layers")
        .iter()
        .map(|layer| layer["digest"].as_str().expect("a digest").to_owned())
        .collect();
    (answers, layers)
}

#[tokio::test]
async fn the_efficiency_section_counts_every_overwritten_and_removed_version_once() {
    let registry = Registry::start().await;
    let mut base = TarBuilder::default();
    base.directory("d/")
        .file("a", &[b'a'; 1000])
        .file("d/x", &[b'x'; 300])
        .file("keep", &[b'k'; 50]);
    let mut overwrite_and_delete = TarBuilder::default();
    overwrite_and_delete
        .file("a", &[b'b'; 400])
        .file(".wh.d", b"");
    let mut overwrite_again = TarBuilder::default();
    overwrite_again.file("a", &[b'c'; 200]);
    push_image(
        &registry.api(),
        "team/wasteful",
        "1",
        &[
            base.finish(),
            overwrite_and_delete.finish(),
            overwrite_again.finish(),
        ],
    )
    .await;
    let proxy = Proxy::start(&["--insecure-registry", &registry.authority]);
    let browser = Browser::start().await;
    browser
        .open(&proxy.url(&format!(
            "/inspect/{}/team/wasteful:1?view=files",
            registry.authority
        )))
        .await;
    files(&browser).await;
    browser
        .wait_for(
            "the efficiency section",
            "return document.getElementById('efficiency') !== null",
        )
        .await;
    let figures = browser
        .eval(
            "const section = document.getElementById('efficiency'); \
             return [section.dataset.wastedBytes, section.dataset.totalBytes, \
               Array.from(section.querySelectorAll('[data-wasted-path]')) \
                 .map(row => [row.dataset.wastedPath, row.dataset.wastedBytes, row.textContent]), \
               Array.from(section.querySelectorAll('[data-surviving-bytes]')).map(row => row.dataset.survivingBytes)]",
        )
        .await;
    // 1000 + 400 of /a hidden (the 200 survive), /d/x removed with /d; /keep survives.
    assert_eq!(figures[0], "1700", "{figures}");
    assert_eq!(figures[1], "1950", "{figures}");
    let rows = figures[2].as_array().expect("rows");
    let paths: Vec<(&str, &str)> = rows
        .iter()
        .map(|row| (row[0].as_str().unwrap_or(""), row[1].as_str().unwrap_or("")))
        .collect();
    assert_eq!(paths, [("/a", "1400"), ("/d/x", "300")], "{figures}");
    let a_row = rows[0][2].as_str().unwrap_or("");
    assert!(
        a_row.contains("layer #1 (COPY layer0 / # test), hidden by layer #2")
            && a_row.contains("layer #2 (COPY layer1 / # test), hidden by layer #3"),
        "each hidden version names who wrote and who hid it: {a_row}"
    );
    assert_eq!(
        figures[3],
        serde_json::json!(["50", "0", "200"]),
        "{figures}"
    );
    browser.close().await;
}
