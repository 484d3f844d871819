//! A test token issuer for the distribution registry's `auth: token` mode: a self-signed RSA certificate made
//! with openssl, and RS256 JWTs whose `x5c` header carries it, signed with `openssl dgst`.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::json;

/// The issuer name the registry is configured to trust.
pub const ISSUER: &str = "strata-test-issuer";
/// The service name (the JWT audience).
pub const SERVICE: &str = "strata-test-registry";

/// A key and certificate in a temp directory.
#[derive(Debug)]
pub struct TokenIssuer {
    dir: PathBuf,
    certificate_der: Vec<u8>,
}

impl TokenIssuer {
    /// Makes a fresh RSA key and self-signed certificate.
    pub fn new() -> TokenIssuer {
        let openssl = crate::required_program("/usr/bin/openssl");
        let dir = std::env::temp_dir().join(format!(
            "strata-issuer-{}-{}",
            std::process::id(),
            crate::processes::free_port()
        ));
        std::fs::create_dir_all(&dir).expect("a temp dir");
        let status = Command::new(&openssl)
            .args([
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=strata-test-issuer",
            ])
            .arg("-keyout")
            .arg(dir.join("key.pem"))
            .arg("-out")
            .arg(dir.join("cert.pem"))
            .stderr(Stdio::null())
            .status()
            .expect("openssl runs");
        assert!(status.success(), "openssl made no certificate");
        let der = Command::new(&openssl)
            .args(["x509", "-outform", "der", "-in"])
            .arg(dir.join("cert.pem"))
            .output()
            .expect("openssl runs");
        assert!(
            der.status.success(),
            "openssl could not convert the certificate"
        );
        TokenIssuer {
            dir,
            certificate_der: der.stdout,
        }
    }

    /// The PEM bundle the registry's `rootcertbundle` points at.
    pub fn bundle(&self) -> PathBuf {
        self.dir.join("cert.pem")
    }

    /// A token granting `actions` on `repository`, valid for an hour.
    pub fn token(&self, repository: &str, actions: &[&str]) -> String {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("after 1970")
            .as_secs();
        let header = json!({ "alg": "RS256", "typ": "JWT", "x5c": [base64(&self.certificate_der, STANDARD)] });
        let claims = json!({
            "iss": ISSUER, "sub": "strata-test", "aud": SERVICE,
            "exp": now + 3600, "nbf": now - 60, "iat": now - 60, "jti": format!("{now}-{repository}"),
            "access": [{ "type": "repository", "name": repository, "actions": actions }],
        });
        let signing_input = format!(
            "{}.{}",
            base64(header.to_string().as_bytes(), URL_SAFE),
            base64(claims.to_string().as_bytes(), URL_SAFE)
        );
        let signature = sign(&self.dir.join("key.pem"), signing_input.as_bytes());
        format!("{signing_input}.{}", base64(&signature, URL_SAFE))
    }
}

impl Default for TokenIssuer {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for TokenIssuer {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn sign(key: &Path, input: &[u8]) -> Vec<u8> {
    let mut child = Command::new("/usr/bin/openssl")
        .args(["dgst", "-sha256", "-sign"])
        .arg(key)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("openssl runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input)
        .expect("openssl reads");
    let output = child.wait_with_output().expect("openssl signs");
    assert!(output.status.success(), "openssl could not sign");
    output.stdout
}

const STANDARD: (&[u8; 64], bool) = (
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
    true,
);
const URL_SAFE: (&[u8; 64], bool) = (
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
    false,
);

/// Base64 with the given alphabet; `padded` adds `=` (JWTs use the URL-safe alphabet without padding).
fn base64(bytes: &[u8], (alphabet, padded): (&[u8; 64], bool)) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(alphabet[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
        if padded {
            out.push_str(&"=".repeat(3 - chunk.len()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        for (input, standard, url) in [
            ("", "", ""),
            ("f", "Zg==", "Zg"),
            ("fo", "Zm8=", "Zm8"),
            ("foo", "Zm9v", "Zm9v"),
            ("foobar", "Zm9vYmFy", "Zm9vYmFy"),
            ("\u{ff}\u{fe}", "w7/Dvg==", "w7_Dvg"),
        ] {
            assert_eq!(base64(input.as_bytes(), STANDARD), standard);
            assert_eq!(base64(input.as_bytes(), URL_SAFE), url);
        }
    }
}
