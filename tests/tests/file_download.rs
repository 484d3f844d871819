//! Any file of any layer: its preview (text, or hex for binary, the first 64 KiB), its SHA-256 over every
//! byte, and `a#download-file`, downloaded as a reader downloads it and compared with the file's bytes.

use strata_e2e::browser::Browser;
use strata_e2e::image_push::push_image;
use strata_e2e::proxy::Proxy;
use strata_e2e::registry::Registry;
use strata_e2e::tar_builder::TarBuilder;
use strata_image::digest::Digest;

/// Bytes no text decoder accepts, the same in every run.
fn binary(len: usize) -> Vec<u8> {
    let mut state: u32 = 0x1234_5678;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state >> 24) as u8 | 0x80
        })
        .collect()
}

/// Waits for the preview of `path`, then returns `[sha256, size, text shown]`.
async fn preview(browser: &Browser, path: &str) -> (String, String, String) {
    browser
        .wait_for(
            &format!("the preview of {path}"),
            &format!(
                "return document.querySelector('.preview[data-preview-path=\"{path}\"]') !== null"
            ),
        )
        .await;
    let facts = browser
        .eval(
            "const p = document.querySelector('.preview'); \
             return [p.dataset.sha256, p.dataset.size, p.querySelector('.file-preview').textContent]",
        )
        .await;
    serde_json::from_value(facts).expect("three strings")
}

#[tokio::test]
async fn any_file_previews_and_downloads_exactly() {
    let registry = Registry::start().await;
    let tool = binary(200_000);
    let big_size: u64 = 65 << 20;
    let mut first = TarBuilder::default();
    first
        .directory("etc/")
        .file("etc/os-release", b"ID=strata\nNAME=\"Strata test\"\n")
        .directory("bin/")
        .file("bin/tool", &tool);
    let mut second = TarBuilder::default();
    second
        .hardlink("etc/release-link", "etc/os-release")
        .zeros("big/zeros", big_size);
    push_image(
        &registry.api(),
        "team/files",
        "1",
        &[first.finish(), second.finish()],
    )
    .await;
    let proxy = Proxy::start(&["--insecure-registry", &registry.authority]);
    let browser = Browser::start().await;
    let downloads = browser.allow_downloads("file-download").await;
    let files = |path: &str| {
        proxy.url(&format!(
            "/inspect/{}/team/files:1?view=files&path={path}",
            registry.authority
        ))
    };

    browser.open(&files("/etc/os-release")).await;
    let (digest, size, text) = preview(&browser, "/etc/os-release").await;
    assert_eq!(text, "ID=strata\nNAME=\"Strata test\"\n");
    assert_eq!(
        digest,
        Digest::sha256_of(b"ID=strata\nNAME=\"Strata test\"\n").to_string()
    );
    assert_eq!(size, "29");
    browser.click("a#download-file").await;
    assert_eq!(
        browser.downloaded(&downloads, "os-release").await,
        b"ID=strata\nNAME=\"Strata test\"\n"
    );

    browser.open(&files("/bin/tool")).await;
    let (digest, size, shown) = preview(&browser, "/bin/tool").await;
    assert_eq!(digest, Digest::sha256_of(&tool).to_string());
    assert_eq!(size, "200000");
    let hex = browser
        .eval("return document.querySelector('.file-preview').classList.contains('hex')")
        .await;
    assert_eq!(hex, serde_json::json!(true), "binary bytes show as hex");
    assert!(
        shown.lines().count() >= 4096 && shown.lines().count() <= 4097,
        "64 KiB as 16 bytes a line: {} lines",
        shown.lines().count()
    );
    browser.click("a#download-file").await;
    assert!(
        browser.downloaded(&downloads, "tool").await == tool,
        "the exact bytes"
    );

    // A hard link's bytes are its target's.
    browser.open(&files("/etc/release-link")).await;
    let (digest, _, text) = preview(&browser, "/etc/release-link").await;
    assert_eq!(text, "ID=strata\nNAME=\"Strata test\"\n");
    assert_eq!(
        digest,
        Digest::sha256_of(b"ID=strata\nNAME=\"Strata test\"\n").to_string()
    );

    // A file past 64 MiB is read whole when the reader asks.
    browser.open(&files("/big/zeros")).await;
    let (digest, size, _) = preview(&browser, "/big/zeros").await;
    let zeros = vec![0u8; big_size as usize];
    assert_eq!(digest, Digest::sha256_of(&zeros).to_string());
    assert_eq!(size, big_size.to_string());
    let hex = browser
        .eval("return document.querySelector('.file-preview').classList.contains('hex')")
        .await;
    assert_eq!(hex, serde_json::json!(true), "NUL bytes are not text");
    let link = browser
        .eval("return document.getElementById('download-file') === null")
        .await;
    assert_eq!(link, serde_json::json!(true), "not read whole unasked");
    browser.click("#read-whole-file").await;
    browser
        .wait_for(
            "the download link",
            "return document.getElementById('download-file') !== null",
        )
        .await;
    browser.click("a#download-file").await;
    let downloaded = browser.downloaded(&downloads, "zeros").await;
    assert_eq!(downloaded.len() as u64, big_size);
    assert!(downloaded == zeros, "every byte");
    browser.screenshot("file-download").await;
    browser.close().await;
    let _ = std::fs::remove_dir_all(&downloads);
}

#[tokio::test]
async fn a_second_file_is_read_from_the_nearest_checkpoint() {
    let registry = Registry::start().await;
    let mut layer = TarBuilder::default();
    let files: Vec<Vec<u8>> = (0..24u8)
        .map(|n| {
            let mut bytes = binary(256 * 1024);
            bytes[0] = n;
            bytes
        })
        .collect();
    layer.directory("data/");
    for (n, bytes) in files.iter().enumerate() {
        layer.file(&format!("data/{n:02}.bin"), bytes);
    }
    let (tar, gzipped) = layer.finish();
    let blob_size = gzipped.len();
    push_image(&registry.api(), "team/many", "1", &[(tar, gzipped)]).await;
    let proxy = Proxy::start(&["--insecure-registry", &registry.authority]);
    let browser = Browser::start().await;
    let downloads = browser.allow_downloads("checkpoint").await;
    browser
        .open(&proxy.url(&format!(
            "/inspect/{}/team/many:1?view=files",
            registry.authority
        )))
        .await;
    browser
        .wait_for(
            "the list",
            "return document.querySelector('.file-row[data-path=\"/data/20.bin\"]') !== null",
        )
        .await;
    browser
        .click(".file-row[data-path=\"/data/20.bin\"] a.path")
        .await;
    let (digest, size, _) = preview(&browser, "/data/20.bin").await;
    assert_eq!(digest, Digest::sha256_of(&files[20]).to_string());
    assert_eq!(size, (256 * 1024).to_string());
    let fetched = browser
        .eval(
            "return document.querySelector('.read-from-checkpoint')?.dataset.fetchedBytes ?? null",
        )
        .await;
    let fetched: u64 = fetched
        .as_str()
        .and_then(|text| text.parse().ok())
        .unwrap_or_else(|| panic!("read from a checkpoint: {fetched}"));
    assert!(
        fetched < blob_size as u64 / 2,
        "a range from a checkpoint near the file, not the layer: {fetched} of {blob_size} bytes"
    );
    browser.click("a#download-file").await;
    assert!(
        browser.downloaded(&downloads, "20.bin").await == files[20],
        "the exact bytes"
    );
    browser.close().await;
    let _ = std::fs::remove_dir_all(&downloads);
}
