//! Re-indents JSON for reading without re-serializing it: key order, number spelling and string escapes stay
//! exactly as the registry sent them, so the pretty view never disagrees with the verified bytes.

/// Indents a JSON text by two spaces per level. Returns `None` if the bytes are not UTF-8 JSON-like text.
pub fn indent_json(bytes: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(bytes).ok()?;
    serde_json::from_str::<serde::de::IgnoredAny>(text).ok()?;
    let mut out = String::with_capacity(text.len() * 2);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                skip_whitespace(&mut chars);
                if matches!(chars.peek(), Some('}' | ']')) {
                    if let Some(close) = chars.next() {
                        out.push(close);
                    }
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    Some(out)
}

fn skip_whitespace(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while chars.peek().is_some_and(|c| c.is_whitespace()) {
        chars.next();
    }
}

fn newline(out: &mut String, depth: usize) {
    out.push('\n');
    for _ in 0..depth {
        out.push_str("  ");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indents_and_keeps_order_and_spelling() {
        let cases = [
            ("{}", "{}"),
            ("[ ]", "[]"),
            (
                r#"{"b":1,"a":[1.50,2]}"#,
                "{\n  \"b\": 1,\n  \"a\": [\n    1.50,\n    2\n  ]\n}",
            ),
            (
                r#"{"s":"a,{b}:\"c\""}"#,
                "{\n  \"s\": \"a,{b}:\\\"c\\\"\"\n}",
            ),
            (r#"{"e":{}}"#, "{\n  \"e\": {}\n}"),
        ];
        for (input, expected) in cases {
            assert_eq!(
                indent_json(input.as_bytes()).as_deref(),
                Some(expected),
                "{input}"
            );
        }
    }

    #[test]
    fn refuses_what_is_not_json() {
        for input in [&b"{"[..], b"\xff\xfe", b"not json", b""] {
            assert_eq!(indent_json(input), None);
        }
    }
}
