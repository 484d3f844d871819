//! Registry credentials from a Docker `config.json` (`--docker-config`), used only server-side.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use reqwest::header::HeaderValue;
use serde::Deserialize;

/// Why `--docker-config` could not be used.
#[derive(Debug, thiserror::Error)]
pub enum CredentialsError {
    /// The file could not be read.
    #[error("cannot read the Docker config {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not a Docker config.
    #[error("the Docker config {path} is not valid JSON: {source}")]
    Json {
        /// The file.
        path: String,
        /// Why.
        source: serde_json::Error,
    },
    /// An `auth` entry is not base64 of `user:password`.
    #[error("the Docker config's entry for {0} has an `auth` that is not base64 of user:password")]
    BadAuth(String),
}

/// A user name and password for one registry. Its `Debug` never shows the password.
#[derive(Clone, PartialEq, Eq)]
pub struct BasicCredentials {
    username: String,
    password: String,
}

impl BasicCredentials {
    /// The `Authorization: Basic …` value, marked sensitive so it is never logged.
    pub fn header_value(&self) -> Option<HeaderValue> {
        let encoded = STANDARD.encode(format!("{}:{}", self.username, self.password));
        let mut value = HeaderValue::from_str(&format!("Basic {encoded}")).ok()?;
        value.set_sensitive(true);
        Some(value)
    }
}

impl fmt::Debug for BasicCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BasicCredentials")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// Credentials by registry host, as read from a Docker `config.json`.
#[derive(Debug, Clone, Default)]
pub struct Credentials {
    by_registry: HashMap<String, BasicCredentials>,
}

#[derive(Deserialize)]
struct DockerConfig {
    #[serde(default)]
    auths: HashMap<String, AuthEntry>,
    #[serde(default, rename = "credsStore")]
    creds_store: Option<String>,
    #[serde(default, rename = "credHelpers")]
    cred_helpers: HashMap<String, String>,
}

#[derive(Deserialize)]
struct AuthEntry {
    #[serde(default)]
    auth: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password: Option<String>,
}

impl Credentials {
    /// Reads a Docker `config.json`.
    pub fn load(path: &Path) -> Result<Credentials, CredentialsError> {
        let shown = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| CredentialsError::Read {
            path: shown.clone(),
            source,
        })?;
        Credentials::parse(&bytes).map_err(|error| match error {
            CredentialsError::Json { source, .. } => CredentialsError::Json {
                path: shown,
                source,
            },
            other => other,
        })
    }

    /// Reads the text of a Docker `config.json`: `auths.<host>.auth` (base64 `user:password`) or
    /// `auths.<host>.username`/`password`. Credential helpers are not run; entries using them are skipped.
    pub fn parse(bytes: &[u8]) -> Result<Credentials, CredentialsError> {
        let config: DockerConfig =
            serde_json::from_slice(bytes).map_err(|source| CredentialsError::Json {
                path: "(config.json)".into(),
                source,
            })?;
        if config.creds_store.is_some() || !config.cred_helpers.is_empty() {
            tracing::warn!(
                "the Docker config names credential helpers; the proxy does not run them and uses only `auths`"
            );
        }
        let mut by_registry = HashMap::new();
        for (key, entry) in config.auths {
            let credentials = match (&entry.auth, &entry.username, &entry.password) {
                (Some(auth), _, _) if !auth.is_empty() => {
                    let decoded = STANDARD
                        .decode(auth.trim())
                        .ok()
                        .and_then(|bytes| String::from_utf8(bytes).ok())
                        .ok_or_else(|| CredentialsError::BadAuth(key.clone()))?;
                    let (username, password) = decoded
                        .split_once(':')
                        .ok_or_else(|| CredentialsError::BadAuth(key.clone()))?;
                    BasicCredentials {
                        username: username.to_owned(),
                        password: password.to_owned(),
                    }
                }
                (_, Some(username), Some(password)) => BasicCredentials {
                    username: username.clone(),
                    password: password.clone(),
                },
                _ => continue,
            };
            by_registry.insert(normalize(&key), credentials);
        }
        Ok(Credentials { by_registry })
    }

    /// The credentials for the registry at `authority` (`host[:port]` of its API), if the config has them.
    pub fn for_registry(&self, authority: &str) -> Option<&BasicCredentials> {
        self.by_registry.get(&normalize(authority))
    }

    /// How many registries have credentials.
    pub fn len(&self) -> usize {
        self.by_registry.len()
    }

    /// Whether no registry has credentials.
    pub fn is_empty(&self) -> bool {
        self.by_registry.is_empty()
    }
}

/// `https://index.docker.io/v1/`, `docker.io`, `registry-1.docker.io` all name Docker Hub; other keys are
/// reduced to a lowercase `host[:port]`.
fn normalize(key: &str) -> String {
    let key = key.trim();
    let without_scheme = key
        .strip_prefix("https://")
        .or_else(|| key.strip_prefix("http://"))
        .unwrap_or(key);
    let authority = without_scheme
        .split('/')
        .next()
        .unwrap_or(without_scheme)
        .to_ascii_lowercase();
    match authority.as_str() {
        "index.docker.io" | "registry-1.docker.io" | "registry.hub.docker.com" => {
            "docker.io".to_owned()
        }
        _ => authority,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_docker_configs() {
        let config = br#"{
            "auths": {
                "https://index.docker.io/v1/": {"auth": "YWxpY2U6czNjcmV0"},
                "127.0.0.1:5000": {"username": "bob", "password": "pa:ss"},
                "ghcr.io": {"auth": "Ym9iOnRva2VuOndpdGg6Y29sb25z"},
                "quay.io": {},
                "helper.example": {"auth": ""}
            },
            "credsStore": "desktop"
        }"#;
        let credentials = Credentials::parse(config).expect("a config");
        assert_eq!(credentials.len(), 3);
        let hub = credentials
            .for_registry("registry-1.docker.io")
            .expect("Docker Hub");
        assert_eq!(
            (hub.username.as_str(), hub.password.as_str()),
            ("alice", "s3cret")
        );
        assert_eq!(
            hub.header_value().expect("a header"),
            "Basic YWxpY2U6czNjcmV0"
        );
        let local = credentials.for_registry("127.0.0.1:5000").expect("local");
        assert_eq!(
            (local.username.as_str(), local.password.as_str()),
            ("bob", "pa:ss")
        );
        let ghcr = credentials.for_registry("GHCR.io").expect("ghcr");
        assert_eq!(ghcr.password, "token:with:colons");
        assert!(credentials.for_registry("127.0.0.1:5001").is_none());
        assert!(credentials.for_registry("quay.io").is_none());
        assert!(
            !format!("{hub:?}").contains("s3cret"),
            "Debug hides passwords"
        );
    }

    #[test]
    fn refuses_broken_configs() {
        assert!(matches!(
            Credentials::parse(b"not json"),
            Err(CredentialsError::Json { .. })
        ));
        assert!(matches!(
            Credentials::parse(br#"{"auths":{"a.io":{"auth":"!!!"}}}"#),
            Err(CredentialsError::BadAuth(_))
        ));
        assert!(matches!(
            Credentials::parse(br#"{"auths":{"a.io":{"auth":"bm9jb2xvbg=="}}}"#),
            Err(CredentialsError::BadAuth(_))
        ));
        assert!(Credentials::parse(b"{}").expect("empty").is_empty());
    }
}
