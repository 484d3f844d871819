//! The first load, as a browser gets it from the proxy: within its byte budget, compressed, each content-named
//! file cacheable forever and the page itself asked for again, whether the front end is embedded or given
//! with `--dist`.

use strata_e2e::first_load::{self, FIRST_LOAD_GOAL};
use strata_e2e::proxy::Proxy;

async fn check(proxy: &Proxy) {
    let files = first_load::fetch(&proxy.url("")).await;
    let kinds = [".css", ".js", ".wasm"];
    for kind in kinds {
        assert!(
            files.iter().any(|file| file.path.ends_with(kind)),
            "the first load has a {kind} file: {files:#?}"
        );
    }
    for file in &files {
        assert_eq!(file.encoding.as_deref(), Some("br"), "{file:?}");
        let expected = if file.path == "/" {
            "no-cache"
        } else {
            "public, max-age=31536000, immutable"
        };
        assert_eq!(file.cache_control.as_deref(), Some(expected), "{file:?}");
    }
    let total = first_load::counted_bytes(&files);
    assert!(
        total <= FIRST_LOAD_GOAL,
        "the first load grew to {total} bytes on the wire, past its limit of {FIRST_LOAD_GOAL}: {files:#?}"
    );
}

#[tokio::test]
async fn the_embedded_first_load_stays_within_budget() {
    check(&Proxy::start_embedded(&[])).await;
}

#[tokio::test]
async fn the_first_load_from_dist_stays_within_budget() {
    check(&Proxy::start(&[])).await;
}

#[tokio::test]
async fn an_asset_that_is_not_there_is_not_cached() {
    let proxy = Proxy::start(&[]);
    let missing = reqwest::get(proxy.url("/assets/app-0000000000000000.js"))
        .await
        .expect("an answer");
    assert_eq!(missing.status(), 404);
    assert_eq!(missing.headers()["cache-control"], "no-cache");
}
