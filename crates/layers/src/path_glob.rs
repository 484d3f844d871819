//! Searching paths the way people type searches: a plain substring, or a glob when the text has `*` or `?`
//! (`*` stays within one path component, `**` crosses them).

/// Whether `path` matches what the reader typed.
pub fn matches(query: &str, path: &str) -> bool {
    let query = query.trim();
    if query.is_empty() {
        return true;
    }
    if !query.contains(['*', '?']) {
        return path.contains(query);
    }
    let pattern: Vec<char> = query.chars().collect();
    let text: Vec<char> = path.chars().collect();
    // A glob without a leading `/` may match from any component, like a search box should.
    if query.starts_with('/') {
        glob(&pattern, &text)
    } else {
        (0..text.len())
            .filter(|&i| i == 0 || text[i - 1] == '/')
            .any(|i| glob(&pattern, &text[i..]))
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Token {
    /// `*`: any run within one component.
    Star,
    /// `**`: any run, across components.
    DoubleStar,
    /// `?`: one character, not `/`.
    One,
    Literal(char),
}

fn tokens(pattern: &[char]) -> Vec<Token> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < pattern.len() {
        match pattern[i] {
            '*' if pattern.get(i + 1) == Some(&'*') => {
                out.push(Token::DoubleStar);
                i += 2;
                while pattern.get(i) == Some(&'*') {
                    i += 1;
                }
                continue;
            }
            '*' => out.push(Token::Star),
            '?' => out.push(Token::One),
            c => out.push(Token::Literal(c)),
        }
        i += 1;
    }
    out
}

/// Glob matching by dynamic programming over (token, character): no recursion, no exponential cases.
fn glob(pattern: &[char], text: &[char]) -> bool {
    let tokens = tokens(pattern);
    // row[j]: tokens[i..] match text[j..], computed from the last token back.
    let mut next = vec![false; text.len() + 1];
    next[text.len()] = true;
    for token in tokens.iter().rev() {
        let mut row = vec![false; text.len() + 1];
        for j in (0..=text.len()).rev() {
            row[j] = match token {
                Token::Star => next[j] || (j < text.len() && text[j] != '/' && row[j + 1]),
                Token::DoubleStar => next[j] || (j < text.len() && row[j + 1]),
                Token::One => j < text.len() && text[j] != '/' && next[j + 1],
                Token::Literal(c) => j < text.len() && text[j] == *c && next[j + 1],
            };
        }
        next = row;
    }
    next[0]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substrings_and_globs() {
        let cases = [
            ("", "/etc/os-release", true),
            ("os-rel", "/etc/os-release", true),
            ("passwd", "/etc/os-release", false),
            ("*.conf", "/etc/greet.conf", true),
            ("*.conf", "/etc/greet.conf.d/x", false),
            ("/etc/*", "/etc/hostname", true),
            ("/etc/*", "/etc/ssl/certs", false),
            ("/etc/**", "/etc/ssl/certs", true),
            ("/usr/**/*.so", "/usr/lib/x86_64/libc.so", true),
            ("lib?emo.so", "/usr/lib/libdemo.so", true),
            ("?", "/a", true),
            ("/bin/sh*", "/bin/sh.static", true),
            ("zoneinfo/*/*", "/usr/share/zoneinfo/Europe/Paris", true),
            ("***", "/", true),
        ];
        for (query, path, expected) in cases {
            assert_eq!(matches(query, path), expected, "{query} ~ {path}");
        }
    }
}
