//! nginx (Debian's package) running the scale-out recipe of `docs/deploy.md` on loopback: the recipe's
//! own configuration block, with only its cache path, upstream servers and listen port changed.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::processes::{KillOnDrop, free_port, wait_until};

/// The first line of the recipe's configuration block in `docs/deploy.md`.
const RECIPE_MARKER: &str = "# /etc/nginx/conf.d/strata.conf";
/// The recipe's cache directory, replaced by one in the temp dir.
const RECIPE_CACHE_PATH: &str = "/var/cache/nginx/strata";
/// The recipe's listen line, replaced by a free loopback port.
const RECIPE_LISTEN: &str = "listen 80;";
/// The recipe's upstream block, whose `server` lines are replaced by the proxies under test.
const RECIPE_UPSTREAM: &str = "upstream strata_proxies {";

/// A running nginx in front of proxies.
#[derive(Debug)]
pub struct Nginx {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    process: Option<KillOnDrop>,
    dir: PathBuf,
}

impl Nginx {
    /// Starts nginx with the recipe in front of `proxies` (`127.0.0.1:<port>` each) and waits until it
    /// answers.
    pub async fn start(proxies: &[&str]) -> Nginx {
        Self::launch("/healthz", |dir, port| {
            loopback_recipe(&read_recipe(), dir, port, proxies)
        })
        .await
    }

    /// Starts nginx as a plain reverse proxy (no cache) in front of `upstream` (`host:port`): the baseline
    /// Strata's proxy is measured against.
    pub async fn start_pass_through(upstream: &str) -> Nginx {
        Self::launch("/v2/", |_, port| {
            format!(
                "server {{\n    listen 127.0.0.1:{port};\n    location / {{\n        proxy_pass http://{upstream};\n        proxy_http_version 1.1;\n        proxy_set_header Connection \"\";\n    }}\n}}\n"
            )
        })
        .await
    }

    /// Writes `site(dir, port)` as the included configuration, starts nginx and waits until `probe`
    /// answers.
    async fn launch(probe: &str, site: impl FnOnce(&Path, u16) -> String) -> Nginx {
        let program = crate::required_program("/usr/sbin/nginx");
        let port = free_port();
        let dir = std::env::temp_dir().join(format!("strata-nginx-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temp dir for nginx");
        std::fs::write(dir.join("strata.conf"), site(&dir, port)).expect("the site is writable");
        std::fs::write(dir.join("nginx.conf"), main_config(&dir)).expect("nginx.conf is writable");
        let child = Command::new(program)
            .arg("-p")
            .arg(&dir)
            .arg("-e")
            .arg(dir.join("error.log"))
            .arg("-c")
            .arg(dir.join("nginx.conf"))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("nginx starts");
        let nginx = Nginx {
            base: format!("http://127.0.0.1:{port}"),
            process: Some(KillOnDrop(child)),
            dir,
        };
        let client = reqwest::Client::new();
        let url = nginx.url(probe);
        wait_until(Duration::from_secs(20), "nginx to answer", || {
            let request = client.get(&url).send();
            async move { request.await.is_ok() }
        })
        .await;
        nginx
    }

    /// An absolute URL on nginx.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// nginx's error log so far, for failure messages.
    pub fn error_log(&self) -> String {
        std::fs::read_to_string(self.dir.join("error.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        drop(self.process.take());
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The recipe's configuration block, exactly as `docs/deploy.md` shows it.
pub fn read_recipe() -> String {
    let path = crate::workspace_root().join("docs/deploy.md");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    let start = text
        .find(&format!("```nginx\n{RECIPE_MARKER}\n"))
        .unwrap_or_else(|| {
            panic!("docs/deploy.md has no ```nginx block starting with {RECIPE_MARKER}")
        });
    let block = &text[start + "```nginx\n".len()..];
    let end = block.find("\n```").expect("the nginx block is closed");
    block[..=end].to_owned()
}

/// The recipe with its cache path, listen line and upstream servers moved to the test's own; every
/// replaced line must appear exactly once, so an edit to the recipe that the test cannot follow fails.
fn loopback_recipe(recipe: &str, dir: &Path, port: u16, proxies: &[&str]) -> String {
    for needle in [RECIPE_CACHE_PATH, RECIPE_LISTEN, RECIPE_UPSTREAM] {
        assert_eq!(
            recipe.matches(needle).count(),
            1,
            "the recipe in docs/deploy.md must hold {needle:?} exactly once"
        );
    }
    let mut lines = Vec::new();
    let mut in_upstream = false;
    for line in recipe.lines() {
        let trimmed = line.trim();
        if trimmed == RECIPE_UPSTREAM {
            in_upstream = true;
            lines.push(line.to_owned());
            lines.extend(proxies.iter().map(|proxy| format!("    server {proxy};")));
            continue;
        }
        if in_upstream && trimmed == "}" {
            in_upstream = false;
        }
        if in_upstream && trimmed.starts_with("server ") {
            continue;
        }
        lines.push(
            line.replace(RECIPE_CACHE_PATH, &dir.join("cache").display().to_string())
                .replace(RECIPE_LISTEN, &format!("listen 127.0.0.1:{port};")),
        );
    }
    lines.join("\n") + "\n"
}

/// The main configuration a Debian `nginx.conf` would provide, with every path in `dir` and nginx in the
/// foreground as one process, so that killing it stops everything.
fn main_config(dir: &Path) -> String {
    let d = dir.display();
    format!(
        "daemon off;\nmaster_process off;\nworker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\n\
events {{ worker_connections 1024; }}\n\
http {{\n\
    access_log {d}/access.log;\n\
    client_body_temp_path {d}/client_body;\n\
    proxy_temp_path {d}/proxy_temp;\n\
    fastcgi_temp_path {d}/fastcgi_temp;\n\
    uwsgi_temp_path {d}/uwsgi_temp;\n\
    scgi_temp_path {d}/scgi_temp;\n\
    include {d}/strata.conf;\n\
}}\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_recipe_moves_to_loopback() {
        let recipe = read_recipe();
        let moved = loopback_recipe(
            &recipe,
            Path::new("/tmp/x"),
            4321,
            &["127.0.0.1:1", "127.0.0.1:2"],
        );
        assert!(moved.contains("proxy_cache_path /tmp/x/cache "));
        assert!(moved.contains("listen 127.0.0.1:4321;"));
        assert!(moved.contains("    server 127.0.0.1:1;\n    server 127.0.0.1:2;\n    keepalive"));
        assert!(!moved.contains("8081"), "{moved}");
    }
}
