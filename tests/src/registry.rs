//! The real CNCF distribution registry (Debian's `docker-registry`), on a free loopback port with its own
//! storage directory.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::processes::{KillOnDrop, free_port};
use crate::token_issuer::{ISSUER, SERVICE, TokenIssuer};

/// A running registry.
#[derive(Debug)]
pub struct Registry {
    /// `127.0.0.1:<port>`.
    pub authority: String,
    _process: KillOnDrop,
    storage: PathBuf,
    extra_files: Vec<PathBuf>,
}

/// A header the test registry sends with its port, so nothing else on that port passes for it.
const IDENTITY_HEADER: &str = "X-Strata-Test-Registry";

impl Registry {
    /// Starts an anonymous registry with empty storage and waits until `/v2/` answers.
    pub async fn start() -> Registry {
        Self::start_with_auth("").await
    }

    /// Starts a registry that wants bearer tokens from `realm`, signed by `issuer`.
    pub async fn start_with_token_auth(issuer: &TokenIssuer, realm: &str) -> Registry {
        Self::start_with_auth(&format!(
            "auth: {{token: {{realm: \"{realm}\", service: {SERVICE}, issuer: {ISSUER}, rootcertbundle: {}}}}}\n",
            issuer.bundle().display()
        ))
        .await
    }

    /// Starts a registry that wants Basic credentials: one htpasswd user with a bcrypt entry (made by
    /// `htpasswd -Bbn`; the registry ignores other hash kinds).
    pub async fn start_with_htpasswd(user: &str, password: &str) -> Registry {
        let htpasswd = crate::required_program("/usr/bin/htpasswd");
        let output = Command::new(htpasswd)
            .args(["-Bbn", user, password])
            .output()
            .expect("htpasswd runs");
        assert!(output.status.success(), "htpasswd made no entry");
        let file = std::env::temp_dir().join(format!(
            "strata-htpasswd-{}-{}",
            std::process::id(),
            free_port()
        ));
        std::fs::write(&file, &output.stdout).expect("the htpasswd file is writable");
        let mut registry = Self::start_with_auth(&format!(
            "auth: {{htpasswd: {{realm: strata-basic, path: {}}}}}\n",
            file.display()
        ))
        .await;
        registry.extra_files.push(file);
        registry
    }

    async fn start_with_auth(auth: &str) -> Registry {
        // A free port may be taken by another test's server before the registry binds it: then the
        // registry exits, and another port is tried. What answers is known to be this registry by a
        // header only it sends.
        for _ in 0..5 {
            if let Some(registry) = Self::try_start(auth).await {
                return registry;
            }
        }
        panic!("the registry could not start on a free port five times");
    }

    async fn try_start(auth: &str) -> Option<Registry> {
        let program = crate::required_program("/usr/bin/docker-registry");
        let port = free_port();
        let storage =
            std::env::temp_dir().join(format!("strata-registry-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&storage).expect("a temp dir for the registry");
        let config = storage.join("config.yml");
        std::fs::write(
            &config,
            format!(
                "version: 0.1\nlog: {{level: warn}}\nstorage: {{filesystem: {{rootdirectory: {}}}, delete: {{enabled: true}}}}\nhttp: {{addr: 127.0.0.1:{port}, secret: strata-test, relativeurls: true, headers: {{{IDENTITY_HEADER}: [\"{port}\"]}}}}\n{auth}",
                storage.join("data").display()
            ),
        )
        .expect("the registry config is writable");
        let child = Command::new(program)
            .arg("serve")
            .arg(&config)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("docker-registry starts");
        let mut registry = Registry {
            authority: format!("127.0.0.1:{port}"),
            _process: KillOnDrop(child),
            storage,
            extra_files: Vec::new(),
        };
        let url = format!("http://{}/v2/", registry.authority);
        let client = reqwest::Client::new();
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        loop {
            if registry._process.0.try_wait().ok().flatten().is_some() {
                return None;
            }
            let answer = client.get(&url).send().await;
            let ours = answer.is_ok_and(|answer| {
                matches!(answer.status().as_u16(), 200 | 401)
                    && answer
                        .headers()
                        .get(IDENTITY_HEADER)
                        .is_some_and(|value| value.as_bytes() == port.to_string().as_bytes())
            });
            if ours {
                return Some(registry);
            }
            assert!(
                std::time::Instant::now() < deadline,
                "timed out after 20s waiting for the registry to answer /v2/"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// `http://127.0.0.1:<port>/v2/`.
    pub fn api(&self) -> String {
        format!("http://{}/v2/", self.authority)
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.storage);
        for file in &self.extra_files {
            let _ = std::fs::remove_file(file);
        }
    }
}
