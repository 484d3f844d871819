//! The tag table of a repository with 1,000 tags: the first screen of rows verified, and every row read
//! for a sort by date, with the requests each made, beside the command-line tools that answer the same.

use std::fmt::Write as _;

use serde_json::Value;
use strata_e2e::browser::Browser;
use strata_e2e::image_push::{push_image, tag_again};
use strata_e2e::proxy::Proxy;
use strata_e2e::registry::Registry;
use strata_e2e::tar_builder::TarBuilder;

const TAGS: usize = 1000;
const IMAGES: usize = 10;
const RUNS: usize = 5;
const REPOSITORY: &str = "team/many";

/// Watches the table until every row in view is verified, and records when (the page's own clock, from
/// navigation start).
const FIRST_SCREEN_WATCH: &str = "window.strataFirstScreen = null; \
    const ready = () => { const scroller = document.querySelector('.tag-scroll'); \
      const count = document.querySelector('.tag-count'); \
      if (!scroller || !count || count.textContent !== '1000 tags') return false; \
      const view = scroller.getBoundingClientRect(); \
      const rows = Array.from(document.querySelectorAll('.tag-table tr[data-tag]')) \
        .filter(row => { const r = row.getBoundingClientRect(); return r.top >= view.top && r.bottom <= view.bottom; }); \
      return rows.length > 0 && rows.every(row => row.dataset.verify === 'verified'); }; \
    const check = () => { if (window.strataFirstScreen === null && ready()) { \
      window.strataFirstScreen = [performance.now(), document.querySelectorAll('.tag-table tr[data-verify=verified]').length]; \
      watch.disconnect(); } }; \
    const watch = new MutationObserver(check); \
    watch.observe(document.documentElement, { subtree: true, childList: true, attributes: true }); \
    check(); return true;";

/// Watches the sort by date until every row is read, and records when.
const EVERY_ROW_WATCH: &str = "window.strataEveryRow = null; \
    const check = () => { const progress = document.querySelector('.tag-progress'); \
      if (window.strataEveryRow === null && progress !== null \
          && progress.textContent.includes('1000 of 1000 tags read')) { \
        window.strataEveryRow = performance.now(); watch.disconnect(); } }; \
    const watch = new MutationObserver(check); \
    watch.observe(document.documentElement, { subtree: true, childList: true, characterData: true }); \
    check();";

/// The page's requests to the proxy's registry API, by kind.
const REQUESTS: &str = "const paths = performance.getEntriesByType('resource') \
      .map(entry => new URL(entry.name).pathname).filter(path => path.startsWith('/v2/')); \
    return [paths.filter(p => p.endsWith('/tags/list')).length, \
            paths.filter(p => p.includes('/manifests/')).length, \
            paths.filter(p => p.includes('/blobs/')).length];";

/// What one load measured.
struct Load {
    ms: f64,
    rows: u64,
    requests: [u64; 3],
}

/// The rows and their baselines.
pub struct TagRows {
    first_screen_ms: f64,
    first_screen_rows: u64,
    first_screen_requests: [u64; 3],
    every_row_ms: f64,
    every_row_requests: [u64; 3],
    list_tags_ms: f64,
    docker_rows_ms: f64,
}

fn requests(value: &Value) -> [u64; 3] {
    let at = |index: usize| value[index].as_u64().expect("a count");
    [at(0), at(1), at(2)]
}

/// Opens the table with nothing cached and waits for its first screen of rows verified.
async fn open_first_screen(browser: &Browser, url: &str) {
    browser.open("about:blank").await;
    browser.clear_http_cache().await;
    browser.open(url).await;
    browser.eval(FIRST_SCREEN_WATCH).await;
    browser
        .wait_for(
            "the first screen",
            "return window.strataFirstScreen !== null",
        )
        .await;
}

async fn first_screen(browser: &Browser, url: &str) -> Load {
    open_first_screen(browser, url).await;
    let done = browser.eval("return window.strataFirstScreen").await;
    Load {
        ms: done[0].as_f64().expect("a time"),
        rows: done[1].as_u64().expect("a count"),
        requests: requests(&browser.eval(REQUESTS).await),
    }
}

/// The first screen, then a sort by date, timed from the choice until every row is read; the requests
/// counted are the sort's own.
async fn every_row(browser: &Browser, url: &str) -> Load {
    open_first_screen(browser, url).await;
    browser
        .eval(&format!(
            "performance.setResourceTimingBufferSize(100000); performance.clearResourceTimings(); \
             window.strataSortChosen = performance.now(); {EVERY_ROW_WATCH} \
             const select = document.getElementById('tag-sort'); select.value = 'created'; \
             select.dispatchEvent(new Event('change', {{bubbles: true}}));"
        ))
        .await;
    browser
        .wait_for("every row read", "return window.strataEveryRow !== null")
        .await;
    Load {
        ms: browser
            .eval("return window.strataEveryRow - window.strataSortChosen")
            .await
            .as_f64()
            .expect("a time"),
        rows: TAGS as u64,
        requests: requests(&browser.eval(REQUESTS).await),
    }
}

fn tag(number: usize) -> String {
    format!("t-{number:04}")
}

/// Measures the tag table.
pub async fn measure(browser: &Browser) -> TagRows {
    let registry = Registry::start().await;
    let api = registry.api();
    // Ten images, each under a hundred tags, the tags taking them in turn: every screen of rows shows
    // all ten.
    for image in 0..IMAGES {
        let mut layer = TarBuilder::default();
        layer.file("app", format!("image {image}\n").as_bytes());
        push_image(&api, REPOSITORY, &tag(image), &[layer.finish()]).await;
    }
    for number in IMAGES..TAGS {
        tag_again(&api, REPOSITORY, &tag(number % IMAGES), &tag(number)).await;
    }
    let proxy = Proxy::start(&["--insecure-registry", &registry.authority]);
    let url = proxy.url(&format!("/inspect/{}/{REPOSITORY}", registry.authority));

    let loads: Vec<Load> = {
        let mut loads = Vec::new();
        for _ in 0..RUNS {
            loads.push(first_screen(browser, &url).await);
        }
        loads
    };
    let every = every_row(browser, &url).await;

    let skopeo = strata_e2e::required_program("/usr/bin/skopeo");
    let image = format!("docker://{}/{REPOSITORY}", registry.authority);
    let list_tags_ms = crate::median(
        (0..RUNS)
            .map(|_| {
                crate::run_ms(
                    skopeo.to_str().expect("a UTF-8 path"),
                    &["list-tags", "--tls-verify=false", &image],
                    &[],
                )
            })
            .collect(),
    );
    let rows = loads[0].rows as usize;
    let docker = strata_e2e::required_program("/usr/local/bin/docker");
    let home = std::env::temp_dir().join(format!("strata-bench-tags-{}", std::process::id()));
    std::fs::create_dir_all(&home).expect("a temp dir");
    let home_text = home.to_str().expect("a UTF-8 temp path");
    let docker_rows_ms = crate::median(
        (0..3)
            .map(|_| {
                (0..rows)
                    .map(|number| {
                        let reference =
                            format!("{}/{REPOSITORY}:{}", registry.authority, tag(number));
                        crate::run_ms(
                            docker.to_str().expect("a UTF-8 path"),
                            &["manifest", "inspect", "-v", "--insecure", &reference],
                            &[("HOME", home_text), ("DOCKER_CONFIG", home_text)],
                        )
                    })
                    .sum()
            })
            .collect(),
    );
    let _ = std::fs::remove_dir_all(&home);
    let middle = crate::median(loads.iter().map(|load| load.ms).collect());
    let typical = loads
        .iter()
        .min_by(|a, b| (a.ms - middle).abs().total_cmp(&(b.ms - middle).abs()))
        .expect("a load");
    TagRows {
        first_screen_ms: middle,
        first_screen_rows: typical.rows,
        first_screen_requests: typical.requests,
        every_row_ms: every.ms,
        every_row_requests: every.requests,
        list_tags_ms,
        docker_rows_ms,
    }
}

impl TagRows {
    /// The report's section.
    pub fn write(&self, out: &mut String) {
        let requests = |counts: [u64; 3]| {
            format!(
                "{} (tag lists {}, manifests {}, blobs {})",
                counts.iter().sum::<u64>(),
                counts[0],
                counts[1],
                counts[2]
            )
        };
        let _ = writeln!(
            out,
            "## The tag table: a repository of {TAGS} tags (`/inspect/<registry>/<repository>`)\n\n\
             {TAGS} tags over {IMAGES} single-platform images on a local `docker-registry`, the tags taking the \
             images in turn. Strata's times are the page's own clock (the first screen from navigation start), nothing cached, \
             median of {RUNS} loads.\n"
        );
        let _ = writeln!(
            out,
            "| client | what it does | time | ratio to `docker manifest inspect` | requests |"
        );
        let _ = writeln!(out, "|---|---|---:|---:|---|");
        let ratio = |ms: f64| format!("{:.2}×", ms / self.docker_rows_ms);
        let _ = writeln!(
            out,
            "| `docker manifest inspect -v --insecure`, once per row of Strata's first screen (baseline) | the same {} rows' digests and platforms (no size for an index, no date), nothing checked | {:.0} ms | 1.00× | {} processes |",
            self.first_screen_rows, self.docker_rows_ms, self.first_screen_rows
        );
        let _ = writeln!(
            out,
            "| Strata, first screen | page load, the {TAGS} names, then digest, platforms, size and date of the {} rows in view, every document hashed | {:.0} ms | {} | {} |",
            self.first_screen_rows,
            self.first_screen_ms,
            ratio(self.first_screen_ms),
            requests(self.first_screen_requests)
        );
        let _ = writeln!(
            out,
            "| Strata, then sorted by date | from the choice until all {TAGS} rows are read: a `HEAD` per tag, each image's documents once | {:.0} ms | {} | {} |",
            self.every_row_ms,
            ratio(self.every_row_ms),
            requests(self.every_row_requests)
        );
        let _ = writeln!(
            out,
            "| `skopeo list-tags` | the {TAGS} names, nothing else | {:.0} ms | {} | 1 |",
            self.list_tags_ms,
            ratio(self.list_tags_ms)
        );
        let _ = writeln!(
            out,
            "\nOnly the rows in view are read: a `HEAD` per tag for its digest (Docker Hub does not count \
             `HEAD`s against its pull limit), then, by digest, its manifest and config (for an index, each \
             platform's manifest), four tags at a time. The table renders the rows near the view only, so the \
             {TAGS} rows scroll like a short list.\n"
        );
    }
}
