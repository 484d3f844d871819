//! Registry credentials from a Docker `config.json` (`--docker-config`), used only server-side: its
//! `auths`, and what its credential helpers (`credHelpers` per registry, else `credsStore`) hold, asked
//! as Docker asks them and remembered for a while.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use reqwest::header::HeaderValue;
use serde::Deserialize;

use crate::credential_helper::{self, HelperError, IDENTITY_TOKEN_USER};

/// How long what a helper said is used before it is asked again.
const HELPER_ANSWER_KEPT: Duration = Duration::from_secs(300);
/// How long a helper's failure is repeated before it is run again.
const HELPER_FAILURE_KEPT: Duration = Duration::from_secs(30);
/// The most registries whose helper answers are kept.
const MOST_REMEMBERED: usize = 256;

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

/// How the proxy logs in to a registry: a password, or an identity token (an OAuth2 refresh token, what
/// `docker login` keeps for registries whose token service gives one) traded for a bearer token.
#[derive(Clone, PartialEq, Eq)]
pub enum Login {
    /// A user name and password, sent as Basic.
    Basic(BasicCredentials),
    /// An identity token, sent only to the token service, in the refresh-token exchange.
    IdentityToken(String),
}

impl Login {
    /// The `Authorization: Basic …` value, for a password.
    pub fn basic_header(&self) -> Option<HeaderValue> {
        match self {
            Login::Basic(basic) => basic.header_value(),
            Login::IdentityToken(_) => None,
        }
    }

    /// The identity token, for one.
    pub fn identity_token(&self) -> Option<&str> {
        match self {
            Login::IdentityToken(token) => Some(token),
            Login::Basic(_) => None,
        }
    }
}

impl fmt::Debug for Login {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Login::Basic(basic) => basic.fmt(f),
            Login::IdentityToken(_) => f.write_str("IdentityToken(<redacted>)"),
        }
    }
}

/// Credentials by registry host, as read from a Docker `config.json`.
#[derive(Debug, Default)]
pub struct Credentials {
    by_registry: HashMap<String, Login>,
    /// `credHelpers`: the helper for each registry.
    helpers: HashMap<String, String>,
    /// `credsStore`: the helper for every other registry.
    store: Option<String>,
    /// What helpers said, by registry, and when.
    asked: Mutex<HashMap<String, (Instant, HelperSaid)>>,
    /// Registries the config names (an `auths` entry, even an empty one a `credsStore` fills, or a
    /// `credHelpers` entry): those the operator logged in to.
    named: HashSet<String>,
}

/// What a registry's helper said: its login, none, or why it failed.
type HelperSaid = Result<Option<Login>, HelperError>;

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
    #[serde(default)]
    identitytoken: Option<String>,
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
    /// `auths.<host>.username`/`password`, and the helpers `credHelpers` and `credsStore` name.
    pub fn parse(bytes: &[u8]) -> Result<Credentials, CredentialsError> {
        let config: DockerConfig =
            serde_json::from_slice(bytes).map_err(|source| CredentialsError::Json {
                path: "(config.json)".into(),
                source,
            })?;
        let helpers = config
            .cred_helpers
            .iter()
            .map(|(registry, helper)| (normalize(registry), helper.clone()))
            .collect();
        let store = config.creds_store.filter(|store| !store.is_empty());
        let named = config
            .auths
            .keys()
            .chain(config.cred_helpers.keys())
            .map(|key| normalize(key))
            .collect();
        let mut by_registry = HashMap::new();
        for (key, entry) in config.auths {
            let credentials = match (&entry.auth, &entry.username, &entry.password) {
                _ if entry
                    .identitytoken
                    .as_ref()
                    .is_some_and(|token| !token.is_empty()) =>
                {
                    Login::IdentityToken(entry.identitytoken.clone().unwrap_or_default())
                }
                (Some(auth), _, _) if !auth.is_empty() => {
                    let decoded = STANDARD
                        .decode(auth.trim())
                        .ok()
                        .and_then(|bytes| String::from_utf8(bytes).ok())
                        .ok_or_else(|| CredentialsError::BadAuth(key.clone()))?;
                    let (username, password) = decoded
                        .split_once(':')
                        .ok_or_else(|| CredentialsError::BadAuth(key.clone()))?;
                    Login::Basic(BasicCredentials {
                        username: username.to_owned(),
                        password: password.to_owned(),
                    })
                }
                (_, Some(username), Some(password)) => Login::Basic(BasicCredentials {
                    username: username.clone(),
                    password: password.clone(),
                }),
                _ => continue,
            };
            by_registry.insert(normalize(&key), credentials);
        }
        Ok(Credentials {
            by_registry,
            helpers,
            store,
            asked: Mutex::default(),
            named,
        })
    }

    /// Whether the config names the registry at `authority`: the operator logged in to it.
    pub fn names(&self, authority: &str) -> bool {
        self.named.contains(&normalize(authority))
    }

    /// The credentials for the registry at `authority` (`host[:port]` of its API), as Docker finds them:
    /// from its helper (`credHelpers`, else `credsStore`) when the config names one, else from `auths`.
    /// A helper's failure is an error that says which helper and why.
    pub async fn for_registry(&self, authority: &str) -> HelperSaid {
        let registry = normalize(authority);
        let Some(helper) = self.helpers.get(&registry).or(self.store.as_ref()) else {
            return Ok(self.by_registry.get(&registry).cloned());
        };
        if let Some(kept) = self.kept(&registry) {
            return kept;
        }
        let asked = credential_helper::get(helper, &server_address(&registry))
            .await
            .map(|answer| {
                answer
                    .map(|answer| {
                        if answer.username == IDENTITY_TOKEN_USER {
                            Login::IdentityToken(answer.secret)
                        } else {
                            Login::Basic(BasicCredentials {
                                username: answer.username,
                                password: answer.secret,
                            })
                        }
                    })
                    .or_else(|| self.by_registry.get(&registry).cloned())
            });
        if let Ok(mut kept) = self.asked.lock() {
            if kept.len() >= MOST_REMEMBERED {
                kept.clear();
            }
            kept.insert(registry, (Instant::now(), asked.clone()));
        }
        asked
    }

    /// What the helper said for `registry`, while it is still fresh.
    fn kept(&self, registry: &str) -> Option<HelperSaid> {
        let kept = self.asked.lock().ok()?;
        let (at, asked) = kept.get(registry)?;
        let fresh_for = if asked.is_ok() {
            HELPER_ANSWER_KEPT
        } else {
            HELPER_FAILURE_KEPT
        };
        (at.elapsed() < fresh_for).then(|| asked.clone())
    }

    /// How many registries have credentials in `auths`.
    pub fn len(&self) -> usize {
        self.by_registry.len()
    }

    /// Whether the config gives no credentials at all: no `auths` entry and no helper.
    pub fn is_empty(&self) -> bool {
        self.by_registry.is_empty() && self.helpers.is_empty() && self.store.is_none()
    }

    /// The helpers the config names.
    pub fn helper_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .helpers
            .values()
            .chain(self.store.as_ref())
            .map(String::as_str)
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }
}

/// The address a helper is asked for, as Docker's config keys it: Docker Hub's legacy URL, else the
/// registry's `host[:port]`.
fn server_address(registry: &str) -> String {
    if registry == "docker.io" {
        "https://index.docker.io/v1/".to_owned()
    } else {
        registry.to_owned()
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
        // Every registry the config names was logged in to, the store's empty entries included.
        for (authority, named) in [
            ("registry-1.docker.io", true),
            ("quay.io", true),
            ("helper.example", true),
            ("127.0.0.1:5000", true),
            ("gcr.io", false),
        ] {
            assert_eq!(credentials.names(authority), named, "{authority}");
        }
        let hub = credentials
            .by_registry
            .get(&normalize("registry-1.docker.io"))
            .expect("Docker Hub");
        assert_eq!(
            hub.basic_header().expect("a header"),
            "Basic YWxpY2U6czNjcmV0"
        );
        let local = credentials
            .by_registry
            .get(&normalize("127.0.0.1:5000"))
            .expect("local");
        assert_eq!(
            local,
            &Login::Basic(BasicCredentials {
                username: "bob".into(),
                password: "pa:ss".into()
            })
        );
        let ghcr = credentials
            .by_registry
            .get(&normalize("GHCR.io"))
            .expect("ghcr");
        assert_eq!(
            ghcr.basic_header().expect("a header"),
            format!("Basic {}", STANDARD.encode("bob:token:with:colons"))
        );
        assert!(!credentials.by_registry.contains_key("127.0.0.1:5001"));
        assert!(!credentials.by_registry.contains_key("quay.io"));
        assert_eq!(credentials.helper_names(), ["desktop"]);
        assert!(
            !format!("{hub:?}").contains("s3cret"),
            "Debug hides passwords"
        );
    }

    #[tokio::test]
    async fn helpers_are_asked_before_auths_and_their_failures_said() {
        let config = br#"{
            "auths": {"127.0.0.1:5000": {"username": "bob", "password": "pw"}, "plain.io": {"auth": "YTpi"}},
            "credHelpers": {"127.0.0.1:5000": "strata-no-such-helper"},
            "credsStore": "strata-no-such-store"
        }"#;
        let credentials = Credentials::parse(config).expect("a config");
        assert_eq!(
            credentials.helper_names(),
            ["strata-no-such-helper", "strata-no-such-store"]
        );
        let failed = credentials
            .for_registry("127.0.0.1:5000")
            .await
            .expect_err("the helper is not on PATH");
        assert!(
            failed
                .to_string()
                .contains("docker-credential-strata-no-such-helper"),
            "{failed}"
        );
        assert_eq!(
            credentials.for_registry("127.0.0.1:5000").await,
            Err(failed),
            "a failure is remembered for a while, not run again at once"
        );
        assert!(
            credentials.for_registry("plain.io").await.is_err(),
            "credsStore answers for every registry credHelpers does not name"
        );
        let without_helpers =
            Credentials::parse(br#"{"auths": {"plain.io": {"auth": "YTpi"}}}"#).expect("a config");
        assert_eq!(
            without_helpers
                .for_registry("plain.io")
                .await
                .expect("no helper to fail")
                .and_then(|found| found.basic_header()),
            Some(HeaderValue::from_static("Basic YTpi"))
        );
        let token = Credentials::parse(br#"{"auths": {"r.io": {"identitytoken": "refresh"}}}"#)
            .expect("a config");
        let login = token
            .for_registry("r.io")
            .await
            .expect("no helper")
            .expect("a login");
        assert_eq!(login.identity_token(), Some("refresh"));
        assert_eq!(login.basic_header(), None);
        assert!(!format!("{login:?}").contains("refresh"), "Debug hides it");
        assert_eq!(server_address("docker.io"), "https://index.docker.io/v1/");
        assert_eq!(server_address("127.0.0.1:5000"), "127.0.0.1:5000");
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
