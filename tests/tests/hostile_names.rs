//! Names a hostile registry writes: tags that would climb out of `/inspect/` or add to a link, digests that
//! are not digests, and names with bidirectional controls. Opened in real headless Chromium through the real
//! proxy: nothing invalid becomes a link, and hidden characters are shown as escapes, never applied.

use std::collections::HashMap;

use serde_json::json;
use strata_e2e::browser::Browser;
use strata_e2e::proxy::Proxy;
use strata_e2e::tampering_registry::{Answer, TamperingRegistry};
use strata_e2e::tar_builder::TarBuilder;
use strata_image::digest::Digest;

use strata_image::media_type::OCI_MANIFEST as MANIFEST;
/// The OCI empty descriptor's blob, `{}`.
const EMPTY_CONFIG: &str =
    "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
const RIGHT_TO_LEFT_OVERRIDE: char = '\u{202E}';
/// How the page shows U+202E.
const SHOWN_OVERRIDE: &str = "\\u{202E}";

fn json_answer(body: Vec<u8>) -> Answer {
    Answer {
        status: 200,
        headers: vec![("content-type".into(), "application/json".into())],
        body,
    }
}

fn manifest_answer(bytes: &[u8]) -> Answer {
    Answer {
        status: 200,
        headers: vec![
            ("content-type".into(), MANIFEST.into()),
            (
                "docker-content-digest".into(),
                Digest::sha256_of(bytes).to_string(),
            ),
        ],
        body: bytes.to_vec(),
    }
}

fn blob_answer(bytes: &[u8]) -> Answer {
    Answer {
        status: 200,
        headers: vec![("content-type".into(), "application/octet-stream".into())],
        body: bytes.to_vec(),
    }
}

/// `repository:tag` and `repository@digest` both answer with `manifest`.
fn manifest_routes(repository: &str, tag: &str, manifest: &[u8]) -> [(String, Answer); 2] {
    let digest = Digest::sha256_of(manifest);
    [
        (
            format!("/v2/{repository}/manifests/{tag}"),
            manifest_answer(manifest),
        ),
        (
            format!("/v2/{repository}/manifests/{digest}"),
            manifest_answer(manifest),
        ),
    ]
}

/// What the page shows, read once: `true` when no text on the page holds U+202E itself.
async fn no_override_applied(browser: &Browser) -> bool {
    browser
        .eval("return !document.body.textContent.includes('\\u202E')")
        .await
        == json!(true)
}

#[tokio::test]
async fn tags_and_digests_that_break_the_grammar_are_text_and_valid_tags_still_link() {
    let overridden = format!("v1{RIGHT_TO_LEFT_OVERRIDE}gpj.exe");
    let hex = "0123456789abcdef".repeat(4);
    let hostile_tags = [
        "../../x".to_owned(),
        "..".to_owned(),
        "a/b".to_owned(),
        "%2e%2e".to_owned(),
        "<img src=x onerror=\"window.pwned=1\">".to_owned(),
        "a".repeat(200),
        overridden.clone(),
        format!("1.0@sha256:{hex}"),
        "x?view=files#top".to_owned(),
    ];
    let tags: Vec<String> = ["1.0".to_owned()]
        .into_iter()
        .chain(hostile_tags.iter().cloned())
        .chain(["latest".to_owned()])
        .collect();
    let report = b"a report\n".to_vec();
    let report_digest = Digest::sha256_of(&report).to_string();
    let titled = format!("report{RIGHT_TO_LEFT_OVERRIDE}txt.exe");
    let artifact = json!({
        "schemaVersion": 2, "mediaType": MANIFEST,
        "artifactType": "application/vnd.example.report.v1+json",
        "config": { "mediaType": "application/vnd.oci.empty.v1+json", "digest": EMPTY_CONFIG, "size": 2 },
        "layers": [{
            "mediaType": "application/vnd.example.report.v1+json", "digest": report_digest, "size": report.len(),
            "annotations": { "org.opencontainers.image.title": titled },
        }],
        "subject": { "mediaType": MANIFEST, "digest": "sha256:../..", "size": 2 },
    })
    .to_string()
    .into_bytes();
    let mut answers = HashMap::from([
        (
            "/v2/team/app/tags/list".to_owned(),
            json_answer(
                json!({ "name": "team/app", "tags": tags })
                    .to_string()
                    .into_bytes(),
            ),
        ),
        (
            format!("/v2/team/app/blobs/{EMPTY_CONFIG}"),
            blob_answer(b"{}"),
        ),
        (
            format!("/v2/team/app/blobs/{report_digest}"),
            blob_answer(&report),
        ),
    ]);
    answers.extend(manifest_routes("team/app", "latest", &artifact));
    let fixture = TamperingRegistry::start(answers).await;
    let proxy = Proxy::start(&["--insecure-registry", &fixture.authority]);
    let browser = Browser::start().await;
    browser
        .open(&proxy.url(&format!("/inspect/{}/team/app", fixture.authority)))
        .await;
    browser
        .wait_for(
            "every tag listed",
            &format!(
                "return document.querySelectorAll('.tag-list [data-tag]').length === {}",
                tags.len()
            ),
        )
        .await;
    browser.wait_for_tree().await;

    let linked = browser
        .eval("return Array.from(document.querySelectorAll('.tag-list a')).map(a => a.getAttribute('href'))")
        .await;
    let name = format!("{}/team/app", fixture.authority);
    assert_eq!(
        linked,
        json!([
            format!("/inspect/{name}:1.0"),
            format!("/inspect/{name}:latest")
        ]),
        "only the valid tags are links, to exactly their reference"
    );
    let unlinked = browser
        .eval(
            "return Array.from(document.querySelectorAll('.tag-list [data-tag]')) \
             .filter(item => item.querySelector('a') === null).map(item => item.dataset.tag)",
        )
        .await;
    // The table lists tags by name, whatever order the registry sent them in.
    let mut by_name = hostile_tags.clone();
    by_name.sort();
    assert_eq!(
        unlinked,
        json!(by_name),
        "every other tag is listed as text, data-tag holding it as the registry wrote it"
    );

    let every_href: Vec<String> = serde_json::from_value(
        browser
            .eval("return Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'))")
            .await,
    )
    .expect("strings");
    for href in &every_href {
        let path = href
            .strip_prefix(&proxy.base)
            .unwrap_or(href)
            .split(['?', '#'])
            .next()
            .unwrap_or_default();
        assert!(
            path.starts_with('/')
                && !path.starts_with("//")
                && path.split('/').all(|segment| !matches!(
                    segment.to_ascii_lowercase().as_str(),
                    "." | ".." | "%2e" | "%2e%2e" | ".%2e" | "%2e."
                )),
            "{href} stays inside Strata and climbs nowhere"
        );
        assert!(
            !href.contains(['<', '>', '"', ' ', '\\', RIGHT_TO_LEFT_OVERRIDE]),
            "{href} is encoded"
        );
        for hostile in &hostile_tags {
            assert!(
                !href.contains(&format!(":{hostile}")),
                "no link is built from the tag {hostile:?}: {href}"
            );
        }
    }

    let shown = browser
        .eval(
            "const item = Array.from(document.querySelectorAll('.tag-list [data-tag]')) \
               .find(item => item.dataset.tag.includes('gpj')); \
             return [item.textContent, item.querySelector('.hidden-character')?.textContent ?? null]",
        )
        .await;
    assert_eq!(
        shown,
        json!([format!("v1{SHOWN_OVERRIDE}gpj.exe"), SHOWN_OVERRIDE]),
        "the override is shown, marked, not applied"
    );
    let subject = browser
        .eval(
            "return [document.querySelectorAll('a.subject').length, \
             document.querySelector('.artifact .subject')?.textContent ?? null]",
        )
        .await;
    assert_eq!(
        subject,
        json!([0, "sha256:../.."]),
        "a subject that is not a digest is text, not a link"
    );
    let title = browser
        .eval("return document.querySelector('.artifact .blobs strong')?.textContent ?? null")
        .await;
    assert_eq!(title, json!(format!("report{SHOWN_OVERRIDE}txt.exe")));
    assert!(no_override_applied(&browser).await);
    assert_eq!(
        browser.eval("return window.pwned === undefined").await,
        json!(true)
    );
    browser.screenshot("hostile-tags").await;
    browser.close().await;
}

#[tokio::test]
async fn file_paths_labels_and_contents_show_hidden_characters_as_escapes() {
    let file = format!("data/invoice{RIGHT_TO_LEFT_OVERRIDE}fdp.exe");
    let mut tar = TarBuilder::default();
    tar.directory("data/");
    tar.file(
        &file,
        format!("echo \"{RIGHT_TO_LEFT_OVERRIDE}\"\n").as_bytes(),
    );
    let (tar, gzipped) = tar.finish();
    let layer_digest = Digest::sha256_of(&gzipped).to_string();
    let config = json!({
        "architecture": "amd64", "os": "linux",
        "config": { "Labels": { format!("name{RIGHT_TO_LEFT_OVERRIDE}"): "value" } },
        "rootfs": { "type": "layers", "diff_ids": [Digest::sha256_of(&tar).to_string()] },
        "history": [{ "created_by": format!("COPY invoice{RIGHT_TO_LEFT_OVERRIDE}fdp.exe /data/") }],
    })
    .to_string()
    .into_bytes();
    let config_digest = Digest::sha256_of(&config).to_string();
    let manifest = json!({
        "schemaVersion": 2, "mediaType": MANIFEST,
        "config": { "mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": config.len() },
        "layers": [{ "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": layer_digest, "size": gzipped.len() }],
    })
    .to_string()
    .into_bytes();
    let mut answers = HashMap::from([
        (
            format!("/v2/team/files/blobs/{config_digest}"),
            blob_answer(&config),
        ),
        (
            format!("/v2/team/files/blobs/{layer_digest}"),
            blob_answer(&gzipped),
        ),
    ]);
    answers.extend(manifest_routes("team/files", "1", &manifest));
    let fixture = TamperingRegistry::start(answers).await;
    let proxy = Proxy::start(&["--insecure-registry", &fixture.authority]);
    let browser = Browser::start().await;
    let path = format!("/{file}");
    browser
        .open(&proxy.url(&format!(
            "/inspect/{}/team/files:1?view=files&path={}",
            fixture.authority,
            path.replace(RIGHT_TO_LEFT_OVERRIDE, "%E2%80%AE")
        )))
        .await;
    browser
        .wait_for(
            "the file and its preview",
            "return document.querySelectorAll('[data-path]').length === 2 \
             && document.querySelector('.file-preview') !== null",
        )
        .await;
    let row = browser
        .eval(&format!(
            "const row = document.querySelector('.file-row.selected'); \
             return [row.dataset.path === {}, row.querySelector('a.path').textContent, \
                     document.querySelector('.preview h3').textContent, \
                     document.querySelector('.file-preview').textContent]",
            serde_json::to_string(&path).expect("JSON")
        ))
        .await;
    assert_eq!(
        row,
        json!([
            true,
            format!("/data/invoice{SHOWN_OVERRIDE}fdp.exe"),
            format!("/data/invoice{SHOWN_OVERRIDE}fdp.exe"),
            format!("echo \"{SHOWN_OVERRIDE}\"\n"),
        ]),
        "data-path keeps the real path; the page shows the escape"
    );
    browser.wait_for_tree().await;
    let config_text = browser
        .eval(
            "return [document.querySelector('.labels th')?.textContent ?? null, \
             Array.from(document.querySelectorAll('.layers .command')).map(c => c.textContent)]",
        )
        .await;
    assert_eq!(
        config_text,
        json!([
            format!("name{SHOWN_OVERRIDE}"),
            [format!("COPY invoice{SHOWN_OVERRIDE}fdp.exe /data/")]
        ])
    );
    assert!(no_override_applied(&browser).await);
    browser.screenshot("hostile-file-names").await;
    browser.close().await;
}
