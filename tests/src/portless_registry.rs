//! The real distribution registry under a registry name with no port — `127.0.0.<n>`, listening on port
//! 80 — as stock clients need it behind the proxy: skopeo reads the first path segment after the proxy's
//! address as the registry, and `host:port` there is not a valid reference. Binding port 80 needs root,
//! which is how `cargo xtask test` runs in CI.

use std::net::{Ipv4Addr, SocketAddrV4};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::processes::{KillOnDrop, wait_until};

/// A running registry named `127.0.0.<n>`.
#[derive(Debug)]
pub struct PortlessRegistry {
    /// The registry name, `127.0.0.<n>` (port 80).
    pub name: String,
    _process: KillOnDrop,
    storage: PathBuf,
}

impl PortlessRegistry {
    /// Starts an anonymous registry on a free `127.0.0.<n>:80` and waits until `/v2/` answers.
    pub async fn start() -> PortlessRegistry {
        let program = crate::required_program("/usr/bin/docker-registry");
        let address = free_loopback_port_80();
        let name = address.ip().to_string();
        let storage = std::env::temp_dir().join(format!(
            "strata-portless-registry-{}-{name}",
            std::process::id()
        ));
        std::fs::create_dir_all(&storage).expect("a temp dir for the registry");
        let config = storage.join("config.yml");
        std::fs::write(
            &config,
            format!(
                "version: 0.1\nlog: {{level: warn}}\nstorage: {{filesystem: {{rootdirectory: {}}}, delete: {{enabled: true}}}}\nhttp: {{addr: \"{address}\", secret: strata-test, relativeurls: true}}\n",
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
        let registry = PortlessRegistry {
            name,
            _process: KillOnDrop(child),
            storage,
        };
        let url = registry.api();
        let client = reqwest::Client::new();
        wait_until(
            Duration::from_secs(20),
            "the registry on port 80 to answer /v2/",
            || {
                let request = client.get(&url).send();
                async move { request.await.is_ok_and(|r| r.status().as_u16() == 200) }
            },
        )
        .await;
        registry
    }

    /// `http://127.0.0.<n>/v2/`.
    pub fn api(&self) -> String {
        format!("http://{}/v2/", self.name)
    }
}

impl Drop for PortlessRegistry {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.storage);
    }
}

/// A `127.0.0.<n>:80` nothing listens on, starting from a number this process picks so that parallel
/// test runs rarely try the same one.
fn free_loopback_port_80() -> SocketAddrV4 {
    let start = std::process::id() % 200;
    for offset in 0..200 {
        let last = 20 + ((start + offset) % 200) as u8;
        let address = SocketAddrV4::new(Ipv4Addr::new(127, 0, 0, last), 80);
        match std::net::TcpListener::bind(address) {
            Ok(_) => return address,
            Err(error) if error.kind() == std::io::ErrorKind::PermissionDenied => panic!(
                "binding {address} needs root (or CAP_NET_BIND_SERVICE): a registry name without a port is reached on port 80; run the tests as `cargo xtask test` does in CI, as root"
            ),
            Err(_) => continue,
        }
    }
    panic!("no free 127.0.0.<n>:80 for a registry without a port in its name")
}
