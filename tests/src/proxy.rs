//! Strata's proxy binary, as `cargo xtask test` built it, on a free loopback port.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use crate::processes::KillOnDrop;

/// A running proxy.
#[derive(Debug)]
pub struct Proxy {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    _process: KillOnDrop,
    // Held open so that a later line from the proxy never meets a closed pipe.
    _stdout: BufReader<std::process::ChildStdout>,
}

fn built(variable: &str, default: &str) -> PathBuf {
    let path = std::env::var_os(variable)
        .map(PathBuf::from)
        .unwrap_or_else(|| crate::workspace_root().join(default));
    assert!(
        path.exists(),
        "{} is missing: run `cargo xtask test`, which builds it",
        path.display()
    );
    path
}

impl Proxy {
    /// Starts the proxy with extra flags and waits for its "listening" line.
    pub fn start(flags: &[&str]) -> Proxy {
        Self::start_with("127.0.0.1:0", flags, &[])
    }

    /// Starts the proxy with extra flags and no `--dist`: it serves the front end built into it.
    pub fn start_embedded(flags: &[&str]) -> Proxy {
        let mut command = Command::new(built("STRATA_PROXY_BIN", "target/debug/strata-proxy"));
        command.args(["--listen", "127.0.0.1:0"]).args(flags);
        Self::spawn(command, "the proxy to start with its embedded front end")
    }

    /// Starts the proxy serving the front end in `dist` (a copy a test changed), with extra flags.
    pub fn start_with_dist(dist: &std::path::Path, flags: &[&str]) -> Proxy {
        let mut command = Command::new(built("STRATA_PROXY_BIN", "target/debug/strata-proxy"));
        command
            .args(["--listen", "127.0.0.1:0", "--dist"])
            .arg(dist)
            .args(flags);
        Self::spawn(command, "the proxy to start with another front end")
    }

    /// The proxy's command as the tests run it, listening on `listen`, with no environment proxies
    /// unless given.
    pub fn command(listen: &str, flags: &[&str], env: &[(&str, &str)]) -> Command {
        let binary = built("STRATA_PROXY_BIN", "target/debug/strata-proxy");
        let dist = built("STRATA_DIST", "dist");
        let mut command = Command::new(binary);
        command
            .args(["--listen", listen, "--dist"])
            .arg(dist)
            .args(flags)
            .envs(env.iter().copied());
        command
    }

    /// Starts the proxy on `listen` with extra flags and environment variables, and waits for its
    /// "listening" line.
    pub fn start_with(listen: &str, flags: &[&str], env: &[(&str, &str)]) -> Proxy {
        Self::spawn(Self::command(listen, flags, env), "the proxy to start")
    }

    /// Runs `command` (the proxy, however it is wrapped) and waits for its "listening" line; `what` says
    /// what failed when that line never comes.
    pub fn spawn(mut command: Command, what: &str) -> Proxy {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|error| panic!("{what}: {error}"));
        let stdout = child.stdout.take().expect("piped stdout");
        let mut stdout = BufReader::new(stdout);
        let mut line = String::new();
        stdout
            .read_line(&mut line)
            .expect("the proxy prints where it listens");
        let base = line
            .split_whitespace()
            .find(|word| word.starts_with("http://"))
            .unwrap_or_else(|| panic!("{what}: unexpected first line from the proxy: {line:?}"))
            .to_owned();
        Proxy {
            base,
            _process: KillOnDrop(child),
            _stdout: stdout,
        }
    }

    /// An absolute URL on the proxy.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}
