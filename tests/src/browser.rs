//! Headless Chromium driven over WebDriver by ChromeDriver, each test with its own browser.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder};
use serde_json::{Value, json};

use crate::processes::{KillOnDrop, wait_until};

/// A WebDriver command fantoccini has no method for: a POST of `body` to `session/<id>/<path>` (ChromeDriver's
/// `se/log` for the console and `goog/cdp/execute` for DevTools commands, the Permissions extension's
/// `permissions`).
#[derive(Debug)]
struct SessionPost {
    path: &'static str,
    body: Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for SessionPost {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/{}",
            session_id.unwrap_or_default(),
            self.path
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.body.to_string()))
    }
}

/// Reads ChromeDriver's output until it says where it listens ("… started successfully on port N."), then
/// drains the rest in the background so that it never blocks on a full pipe. `None` when it ended first.
fn announced_port(stdout: std::process::ChildStdout) -> Option<u16> {
    let mut lines = BufReader::new(stdout).lines();
    let port = lines.by_ref().map_while(Result::ok).find_map(|line| {
        line.split_once("started successfully on port ")
            .and_then(|(_, rest)| rest.trim_end_matches('.').trim().parse().ok())
    })?;
    std::thread::spawn(move || lines.for_each(drop));
    Some(port)
}

/// Times ChromeDriver is started before the harness gives up: it rarely exits at start on a busy machine.
const DRIVER_STARTS: usize = 3;

/// Starts ChromeDriver on a port of its choosing; returns it and the port.
fn start_driver() -> (KillOnDrop, u16) {
    let chromedriver = crate::required_program("/usr/bin/chromedriver");
    let mut failures = Vec::new();
    for _ in 0..DRIVER_STARTS {
        // ChromeDriver picks its own port and says which: no other listener can take it in between.
        let mut driver = Command::new(&chromedriver)
            .arg("--port=0")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("chromedriver starts");
        let stdout = driver.stdout.take().expect("piped stdout");
        let stderr = driver.stderr.take().expect("piped stderr");
        if let Some(port) = announced_port(stdout) {
            std::thread::spawn(move || BufReader::new(stderr).lines().for_each(drop));
            return (KillOnDrop(driver), port);
        }
        let status = driver
            .wait()
            .map(|status| status.to_string())
            .unwrap_or_default();
        let said: Vec<String> = BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
            .collect();
        failures.push(format!("exited ({status}): {}", said.join(" / ")));
    }
    panic!("chromedriver never said which port it listens on: {failures:?}");
}

/// A browser session.
pub struct Browser {
    /// The WebDriver client.
    pub client: Client,
    _driver: KillOnDrop,
    profile: std::path::PathBuf,
}

impl Browser {
    /// Starts ChromeDriver and a headless Chromium session with a fresh profile.
    pub async fn start() -> Browser {
        let chromium = crate::required_program("/usr/bin/chromium");
        let (driver, port) = start_driver();
        let profile =
            std::env::temp_dir().join(format!("strata-chromium-{}-{port}", std::process::id()));
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--no-first-run",
                    "--disable-sync", "--disable-quic", "--window-size=1280,1600",
                    format!("--user-data-dir={}", profile.display()),
                ],
            }),
        );
        capabilities.insert("goog:loggingPrefs".into(), json!({ "browser": "ALL" }));
        let webdriver = format!("http://127.0.0.1:{port}");
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(capabilities)
            .connect(&webdriver)
            .await
            .expect("a WebDriver session with headless Chromium");
        Browser {
            client,
            _driver: driver,
            profile,
        }
    }

    /// Gives the file input `#id` the file or directory at `path`, as a reader choosing it would.
    pub async fn choose_file(&self, id: &str, path: &std::path::Path) {
        // ChromeDriver takes only canonical paths.
        let path = path
            .canonicalize()
            .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        self.element(fantoccini::Locator::Id(id))
            .await
            .send_keys(path.to_str().expect("a UTF-8 path"))
            .await
            .unwrap_or_else(|error| panic!("#{id} takes {}: {error}", path.display()));
    }

    /// The browser's profile folder: every process of this browser names it on its command line.
    pub fn profile(&self) -> &std::path::Path {
        &self.profile
    }

    /// Opens a URL.
    pub async fn open(&self, url: &str) {
        self.client.goto(url).await.expect("the page opens");
    }

    /// Waits for an element to appear (the app renders after its WebAssembly starts) and returns it.
    pub async fn element(&self, locator: fantoccini::Locator<'_>) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(locator)
            .await
            .unwrap_or_else(|error| panic!("waiting for {locator:?}: {error}"))
    }

    /// Waits for the element a CSS selector names, and clicks it.
    pub async fn click(&self, css: &str) {
        self.element(fantoccini::Locator::Css(css))
            .await
            .click()
            .await
            .unwrap_or_else(|error| panic!("clicking {css}: {error}"));
    }

    /// Runs a script that returns JSON.
    pub async fn eval(&self, script: &str) -> Value {
        self.client
            .execute(script, Vec::new())
            .await
            .expect("the script runs")
    }

    /// Runs a script that ends by calling `done(value)` (bound for it), and returns that value.
    pub async fn eval_async(&self, script: &str) -> Value {
        self.client
            .execute_async(
                &format!("const done = arguments[arguments.length - 1]; {script}"),
                Vec::new(),
            )
            .await
            .expect("the script runs")
    }

    /// Lets the open page's origin write and read the clipboard, as a reader who allowed it would.
    pub async fn grant_clipboard(&self) {
        for permission in ["clipboard-read", "clipboard-write"] {
            self.client
                .issue_cmd(SessionPost {
                    path: "permissions",
                    body: json!({ "descriptor": { "name": permission }, "state": "granted" }),
                })
                .await
                .unwrap_or_else(|error| panic!("granting {permission}: {error}"));
        }
    }

    /// Empties the browser's HTTP cache (Chrome DevTools Protocol through ChromeDriver), so the next load
    /// fetches everything again as a first visit would.
    pub async fn clear_http_cache(&self) {
        self.devtools("Network.clearBrowserCache", json!({})).await;
    }

    /// Runs a Chrome DevTools Protocol command (through ChromeDriver) and returns its result: profiling
    /// (`Profiler.start`, `Profiler.stop`) and the like.
    pub async fn devtools(&self, command: &str, params: Value) -> Value {
        self.client
            .issue_cmd(SessionPost {
                path: "goog/cdp/execute",
                body: json!({ "cmd": command, "params": params }),
            })
            .await
            .unwrap_or_else(|error| panic!("DevTools {command}: {error}"))
    }

    /// Lets the page's downloads land in a new folder named after `label` (Chrome DevTools Protocol), as
    /// a reader's land in theirs; returns the folder (the test removes it).
    pub async fn allow_downloads(&self, label: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("strata-{label}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a downloads folder");
        self.devtools(
            "Browser.setDownloadBehavior",
            json!({ "behavior": "allow", "downloadPath": dir }),
        )
        .await;
        dir
    }

    /// The bytes of the download named `name` in `dir` (see [`Browser::allow_downloads`]), once the
    /// browser has finished writing it, removed from `dir` so the next download of that name is new.
    /// Chromium may reserve the name with an empty file while it writes `*.crdownload` beside it: the
    /// download is done when that is gone.
    pub async fn downloaded(&self, dir: &std::path::Path, name: &str) -> Vec<u8> {
        let path = dir.join(name);
        let writing = || {
            std::fs::read_dir(dir).is_ok_and(|entries| {
                entries
                    .flatten()
                    .any(|entry| entry.file_name().to_string_lossy().ends_with(".crdownload"))
            })
        };
        wait_until(
            Duration::from_secs(30),
            &format!("the download {name}"),
            || async { path.exists() && !writing() },
        )
        .await;
        let bytes = std::fs::read(&path).unwrap_or_else(|error| panic!("{name}: {error}"));
        let _ = std::fs::remove_file(&path);
        bytes
    }

    /// What the clipboard holds (needs [`Browser::grant_clipboard`]).
    pub async fn clipboard(&self) -> String {
        let text = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1]; \
                 navigator.clipboard.readText().then(done, error => done('unreadable: ' + error));",
                Vec::new(),
            )
            .await
            .expect("the script runs");
        text.as_str().unwrap_or_default().to_owned()
    }

    /// Waits until the script returns `true`, for at most `limit`.
    pub async fn wait_for_within(&self, limit: Duration, what: &str, script: &str) {
        wait_until(limit, what, || async {
            self.eval(script).await == Value::Bool(true)
        })
        .await;
    }

    /// Waits until the script returns `true`.
    pub async fn wait_for(&self, what: &str, script: &str) {
        wait_until(Duration::from_secs(30), what, || async {
            self.eval(script).await == Value::Bool(true)
        })
        .await;
    }

    /// Waits until the tree has settled: the root node exists and nothing is pending.
    pub async fn wait_for_tree(&self) {
        self.wait_for(
            "the tree to settle",
            "return document.querySelector('.tree [data-kind]') !== null \
             && document.querySelectorAll('[data-verify=\"pending\"], [data-probe=\"pending\"]').length === 0",
        )
        .await;
    }

    /// Every node with `data-kind`: `[kind, digest, verify]`.
    pub async fn nodes(&self) -> Vec<(String, String, String)> {
        let value = self
            .eval(
                "return Array.from(document.querySelectorAll('[data-kind]')).map(e => \
                 [e.dataset.kind, e.dataset.digest, e.dataset.verify]);",
            )
            .await;
        serde_json::from_value(value).expect("a list of triples")
    }

    /// Every platform entry: `[platform, selected]`.
    pub async fn platforms(&self) -> Vec<(String, String)> {
        let value = self
            .eval(
                "return Array.from(document.querySelectorAll('[data-platform]')).map(e => \
                 [e.dataset.platform, e.dataset.selected]);",
            )
            .await;
        serde_json::from_value(value).expect("a list of pairs")
    }

    /// Opens `url` and waits for the image's signature verdict: `data-signature`, `data-signed-digest`,
    /// the keyless signer (`data-signer`, empty for a key-based one) and the verdict's text.
    pub async fn signature_verdict(&self, url: &str) -> SignatureVerdict {
        self.open(url).await;
        self.wait_for(
            "the signature's verdict",
            "return document.querySelector('.signature-check[data-signature]') !== null",
        )
        .await;
        let found = self
            .eval(
                "const check = document.querySelector('.signature-check'); \
                 return [check.dataset.signature, check.dataset.signedDigest, \
                   check.querySelector('[data-signer]')?.dataset.signer ?? '', check.textContent]",
            )
            .await;
        let text = |at: usize| found[at].as_str().unwrap_or_default().to_owned();
        SignatureVerdict {
            verdict: text(0),
            signed_digest: text(1),
            signer: text(2),
            text: text(3),
        }
    }

    /// The text of the first `role="alert"` element, if any.
    pub async fn alert(&self) -> Option<String> {
        let value = self.eval("const a = document.querySelector('[role=\"alert\"]'); return a ? a.textContent : null;").await;
        value.as_str().map(str::to_owned)
    }

    /// The console messages logged since the last call (ChromeDriver's log endpoint), as `[level, text]`.
    pub async fn console(&self) -> Vec<(String, String)> {
        let answer = self
            .client
            .issue_cmd(SessionPost {
                path: "se/log",
                body: json!({ "type": "browser" }),
            })
            .await
            .expect("ChromeDriver answers with the browser log");
        answer
            .as_array()
            .map(|entries| {
                entries
                    .iter()
                    .map(|entry| {
                        (
                            entry["level"].as_str().unwrap_or_default().to_owned(),
                            entry["message"].as_str().unwrap_or_default().to_owned(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Saves a screenshot (for looking at failures and at the UI).
    pub async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.expect("a screenshot");
        let dir = crate::workspace_root().join("target/screenshots");
        let _ = std::fs::create_dir_all(&dir);
        let _ = std::fs::write(dir.join(format!("{name}.png")), png);
    }

    /// Ends the session.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

impl Drop for Browser {
    /// A test that ends without [`Browser::close`] (a failed assertion, most often) leaves Chromium
    /// running once ChromeDriver is gone: its processes are found by their profile folder and ended, so a
    /// long run does not pile up browsers.
    fn drop(&mut self) {
        // The argument ends with the NUL that separates arguments: no other profile's name can match.
        crate::processes::kill_processes_naming(&format!(
            "--user-data-dir={}\0",
            self.profile.display()
        ));
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// What the page says of an image's signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureVerdict {
    /// `data-signature`: valid, invalid, no-key or unsigned.
    pub verdict: String,
    /// `data-signed-digest`.
    pub signed_digest: String,
    /// For a keyless signature: who signed, and the OIDC issuer.
    pub signer: String,
    /// The verdict in words.
    pub text: String,
}
