//! Docker credential helpers (`docker-credential-<name> get`), as the Docker CLI runs them for
//! `credsStore` and `credHelpers`: the server address on stdin, `{"Username","Secret"}` on stdout. Looked
//! up on PATH and run directly, never through a shell, within a time and an output limit.

use std::process::Stdio;
use std::time::Duration;

use serde::Deserialize;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// The longest a helper may take (Docker Desktop's keychain answers in well under a second).
const HELPER_TIME_LIMIT: Duration = Duration::from_secs(5);
/// The most a helper's answer may be.
const HELPER_OUTPUT_LIMIT: u64 = 64 * 1024;
/// The user name a helper gives for an identity token (an OAuth2 refresh token), Docker's convention.
pub const IDENTITY_TOKEN_USER: &str = "<token>";

/// Why a helper gave nothing usable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HelperError {
    /// The name has characters a program name should not.
    #[error("the credential helper name {0:?} is not a plain program name")]
    BadName(String),
    /// It could not be started (not on PATH, not executable).
    #[error("docker-credential-{name} could not be run: {reason}")]
    NotRun {
        /// The helper's name.
        name: String,
        /// Why.
        reason: String,
    },
    /// It took longer than [`HELPER_TIME_LIMIT`].
    #[error("docker-credential-{0} took longer than 5 s and was stopped")]
    TooSlow(String),
    /// It failed for another reason than having no credentials for the registry.
    #[error("docker-credential-{name} failed: {said}")]
    Failed {
        /// The helper's name.
        name: String,
        /// The first line it wrote, cut short.
        said: String,
    },
    /// Its answer is not Docker's JSON.
    #[error("docker-credential-{0} answered something that is not a credential")]
    BadAnswer(String),
}

/// What a helper holds for a registry.
#[derive(Clone, PartialEq, Eq)]
pub struct HelperAnswer {
    /// The user name, or [`IDENTITY_TOKEN_USER`].
    pub username: String,
    /// The password, or the identity token.
    pub secret: String,
}

impl std::fmt::Debug for HelperAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HelperAnswer")
            .field("username", &self.username)
            .field("secret", &"<redacted>")
            .finish()
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct HelperJson {
    #[serde(default)]
    username: String,
    #[serde(default)]
    secret: String,
}

/// Reads a helper's stdout: `None` when it holds nothing for the registry (an empty secret).
pub fn parse_answer(name: &str, stdout: &[u8]) -> Result<Option<HelperAnswer>, HelperError> {
    let json: HelperJson =
        serde_json::from_slice(stdout).map_err(|_| HelperError::BadAnswer(name.to_owned()))?;
    Ok((!json.secret.is_empty()).then_some(HelperAnswer {
        username: json.username,
        secret: json.secret,
    }))
}

/// Whether a helper's failure only says it has no credentials for the registry (the helpers' own
/// message, which Docker treats as "not logged in").
fn says_not_found(output: &str) -> bool {
    output.contains("credentials not found")
}

fn plain_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.'))
        && !name.starts_with('.')
}

/// Runs `docker-credential-<name> get` for `server` (the address as Docker's config keys it).
pub async fn get(name: &str, server: &str) -> Result<Option<HelperAnswer>, HelperError> {
    if !plain_name(name) {
        return Err(HelperError::BadName(name.to_owned()));
    }
    let program = format!("docker-credential-{name}");
    let mut child = tokio::process::Command::new(&program)
        .arg("get")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .map_err(|error| HelperError::NotRun {
            name: name.to_owned(),
            reason: error.to_string(),
        })?;
    let run = async {
        if let Some(mut stdin) = child.stdin.take() {
            // A helper that exits without reading its input is not an error here.
            let _ = stdin.write_all(server.as_bytes()).await;
        }
        let mut stdout = Vec::new();
        if let Some(out) = child.stdout.take() {
            out.take(HELPER_OUTPUT_LIMIT)
                .read_to_end(&mut stdout)
                .await
                .map_err(|_| HelperError::BadAnswer(name.to_owned()))?;
        }
        let status = child.wait().await.map_err(|error| HelperError::NotRun {
            name: name.to_owned(),
            reason: error.to_string(),
        })?;
        Ok::<_, HelperError>((status, stdout))
    };
    let (status, stdout) = tokio::time::timeout(HELPER_TIME_LIMIT, run)
        .await
        .map_err(|_| HelperError::TooSlow(name.to_owned()))??;
    if status.success() {
        return parse_answer(name, &stdout);
    }
    let said = String::from_utf8_lossy(&stdout);
    if says_not_found(&said) {
        return Ok(None);
    }
    Err(HelperError::Failed {
        name: name.to_owned(),
        said: shown_failure(&said),
    })
}

/// What a failed helper said, as the trace may show it: its first line, cut short, unless it looks like a
/// credential (a helper that printed its JSON and then failed must not put a secret in the page).
fn shown_failure(said: &str) -> String {
    let first: String = said
        .lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(200)
        .collect();
    if first.contains('{') || first.to_ascii_lowercase().contains("secret") {
        "(its output is not shown: it may hold a credential)".to_owned()
    } else {
        first
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_read_as_docker_writes_them() {
        type Read<'a> = Result<Option<(&'a str, &'a str)>, ()>;
        let cases: [(&[u8], Read); 5] = [
            (
                br#"{"ServerURL":"r.io","Username":"alice","Secret":"s3cret"}"#,
                Ok(Some(("alice", "s3cret"))),
            ),
            (
                br#"{"Username":"<token>","Secret":"refresh"}"#,
                Ok(Some((IDENTITY_TOKEN_USER, "refresh"))),
            ),
            (br#"{"Username":"alice","Secret":""}"#, Ok(None)),
            (b"credentials not found in native keychain", Err(())),
            (b"", Err(())),
        ];
        for (stdout, expected) in cases {
            let read = parse_answer("desktop", stdout);
            let read = read
                .as_ref()
                .map(|answer| {
                    answer
                        .as_ref()
                        .map(|answer| (answer.username.as_str(), answer.secret.as_str()))
                })
                .map_err(|_| ());
            assert_eq!(read, expected, "{}", String::from_utf8_lossy(stdout));
        }
        let answer = parse_answer("x", br#"{"Username":"a","Secret":"hidden"}"#)
            .expect("read")
            .expect("an answer");
        assert!(
            !format!("{answer:?}").contains("hidden"),
            "Debug hides the secret"
        );
    }

    #[test]
    fn a_failure_shows_what_the_helper_said_but_never_a_credential() {
        let cases = [
            (
                "error: the keychain is locked\nmore",
                "error: the keychain is locked",
            ),
            (
                r#"{"Username":"a","Secret":"hidden"}"#,
                "(its output is not shown: it may hold a credential)",
            ),
            (
                "secret=hidden",
                "(its output is not shown: it may hold a credential)",
            ),
            ("", ""),
        ];
        for (said, shown) in cases {
            assert_eq!(shown_failure(said), shown, "{said:?}");
        }
        assert_eq!(shown_failure(&"x".repeat(500)).len(), 200);
    }

    #[test]
    fn only_plain_program_names_are_run() {
        for (name, plain) in [
            ("desktop", true),
            ("ecr-login", true),
            ("gcloud", true),
            ("pass.v2", true),
            ("", false),
            ("../evil", false),
            ("a b", false),
            ("a;rm", false),
            (".hidden", false),
        ] {
            assert_eq!(plain_name(name), plain, "{name:?}");
        }
    }

    #[tokio::test]
    async fn a_missing_helper_is_a_clear_error() {
        let error = get("strata-no-such-helper", "r.io")
            .await
            .expect_err("not on PATH");
        assert!(
            error
                .to_string()
                .starts_with("docker-credential-strata-no-such-helper could not be run"),
            "{error}"
        );
        assert_eq!(
            get("../x", "r.io").await,
            Err(HelperError::BadName("../x".to_owned()))
        );
    }
}
