//! `WWW-Authenticate` challenges, read tolerantly: quoted commas, unquoted values, several schemes on one
//! line. The header is written by whatever server the proxy reached, so every input must read without a
//! panic (fuzzed by `cargo xtask fuzz auth`).

use std::collections::BTreeMap;

/// One challenge: its scheme and parameters (keys lowercased).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// `bearer` or `basic`, lowercased.
    pub scheme: String,
    /// Parameters such as `realm`, `service`, `scope`.
    pub params: BTreeMap<String, String>,
}

impl Challenge {
    /// A parameter's value.
    pub fn param(&self, key: &str) -> Option<&str> {
        self.params.get(key).map(String::as_str)
    }
}

/// Reads the challenges in one header value. A new challenge starts where a bare token is followed by a
/// space instead of `=` (quay sends `Basic realm="…", Bearer realm="…"` on one line).
pub fn parse(header: &str) -> Vec<Challenge> {
    let mut challenges: Vec<Challenge> = Vec::new();
    let mut rest = header.trim();
    while !rest.is_empty() {
        let token_end = rest
            .find(|c: char| c == '=' || c == ',' || c.is_whitespace())
            .unwrap_or(rest.len());
        let token = &rest[..token_end];
        let after = rest[token_end..].trim_start();
        if let Some(value_part) = after.strip_prefix('=') {
            let (value, remaining) = read_value(value_part.trim_start());
            if let Some(challenge) = challenges.last_mut() {
                challenge.params.insert(token.to_ascii_lowercase(), value);
            }
            rest = remaining.trim_start().trim_start_matches(',').trim_start();
        } else {
            if !token.is_empty() {
                challenges.push(Challenge {
                    scheme: token.to_ascii_lowercase(),
                    params: BTreeMap::new(),
                });
            }
            rest = after.trim_start_matches(',').trim_start();
            if token.is_empty() && !rest.is_empty() && rest.len() == after.len() {
                rest = &rest[rest.chars().next().map_or(0, char::len_utf8)..];
            }
        }
    }
    challenges
}

fn read_value(input: &str) -> (String, &str) {
    if let Some(quoted) = input.strip_prefix('"') {
        let mut value = String::new();
        let mut chars = quoted.char_indices();
        while let Some((index, c)) = chars.next() {
            match c {
                '\\' => {
                    if let Some((_, escaped)) = chars.next() {
                        value.push(escaped);
                    }
                }
                '"' => return (value, &quoted[index + 1..]),
                c => value.push(c),
            }
        }
        (value, "")
    } else {
        let end = input
            .find(|c: char| c == ',' || c.is_whitespace())
            .unwrap_or(input.len());
        (input[..end].to_owned(), &input[end..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Schemes with their parameters, in order.
    type ExpectedChallenges = &'static [(&'static str, &'static [(&'static str, &'static str)])];

    #[test]
    fn reads_challenges() {
        let cases: [(&str, ExpectedChallenges); 5] = [
            (
                r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push""#,
                &[(
                    "bearer",
                    &[
                        ("realm", "https://auth.docker.io/token"),
                        ("scope", "repository:samalba/my-app:pull,push"),
                        ("service", "registry.docker.io"),
                    ],
                )],
            ),
            (
                r#"Bearer realm="https://gcr.io/v2/token",service=gcr.io,scope="repository:a/b:pull""#,
                &[(
                    "bearer",
                    &[
                        ("realm", "https://gcr.io/v2/token"),
                        ("scope", "repository:a/b:pull"),
                        ("service", "gcr.io"),
                    ],
                )],
            ),
            (
                r#"Basic realm="quay.io", Bearer realm="https://quay.io/v2/auth",service="quay.io""#,
                &[
                    ("basic", &[("realm", "quay.io")]),
                    (
                        "bearer",
                        &[("realm", "https://quay.io/v2/auth"), ("service", "quay.io")],
                    ),
                ],
            ),
            (
                r#"Basic realm="basic-realm""#,
                &[("basic", &[("realm", "basic-realm")])],
            ),
            (
                r#"bearer REALM="a\"b",empty="""#,
                &[("bearer", &[("empty", ""), ("realm", "a\"b")])],
            ),
        ];
        for (header, expected) in cases {
            let challenges = parse(header);
            let got: Vec<(String, Vec<(String, String)>)> = challenges
                .iter()
                .map(|c| {
                    (
                        c.scheme.clone(),
                        c.params
                            .iter()
                            .map(|(k, v)| (k.clone(), v.clone()))
                            .collect(),
                    )
                })
                .collect();
            let want: Vec<(String, Vec<(String, String)>)> = expected
                .iter()
                .map(|(s, ps)| {
                    (
                        s.to_string(),
                        ps.iter()
                            .map(|(k, v)| (k.to_string(), v.to_string()))
                            .collect(),
                    )
                })
                .collect();
            assert_eq!(got, want, "{header}");
        }
    }

    #[test]
    fn never_loops_on_garbage() {
        for header in ["", ",,,", "=", "\"", "Bearer ,=,", "a=\"unterminated"] {
            let _ = parse(header);
        }
    }
}
