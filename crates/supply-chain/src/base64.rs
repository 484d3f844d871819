//! Base64 as DSSE envelopes and Sigstore bundles write it: the standard alphabet or the URL-safe one,
//! padded or not (RFC 4648 §4, §5).

/// Why text is not base64.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Base64Error {
    /// A character outside both alphabets.
    #[error("not base64: {0:?} at byte {1}")]
    Character(char, usize),
    /// A length no encoding produces, or padding in the middle.
    #[error("not base64: its length or padding is wrong")]
    Length,
}

/// Decodes standard or URL-safe base64, with or without `=` padding.
pub fn decode(text: &str) -> Result<Vec<u8>, Base64Error> {
    let body = text.trim_end_matches('=');
    if text.len() - body.len() > 2 || body.len() % 4 == 1 {
        return Err(Base64Error::Length);
    }
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    let mut buffer = 0u32;
    let mut bits = 0u32;
    for (at, character) in body.char_indices() {
        let value = match character {
            'A'..='Z' => character as u32 - 'A' as u32,
            'a'..='z' => character as u32 - 'a' as u32 + 26,
            '0'..='9' => character as u32 - '0' as u32 + 52,
            '+' | '-' => 62,
            '/' | '_' => 63,
            _ => return Err(Base64Error::Character(character, at)),
        };
        buffer = (buffer << 6) | value;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Ok(out)
}

/// Encodes as standard base64 with padding (what DSSE envelopes hold), or, `url_safe`, as unpadded
/// URL-safe base64 (what a page address holds).
pub fn encode(bytes: &[u8], url_safe: bool) -> String {
    let alphabet: &[u8; 64] = if url_safe {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    } else {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    };
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(alphabet[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
        if !url_safe {
            out.push_str(&"=="[..3 - chunk.len()]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_both_alphabets_padded_or_not() {
        for (text, expected) in [
            ("", Some(&b""[..])),
            ("Zg==", Some(b"f")),
            ("Zg", Some(b"f")),
            ("Zm8=", Some(b"fo")),
            ("Zm9v", Some(b"foo")),
            ("Zm9vYmFy", Some(b"foobar")),
            ("-_8", Some(&[0xfb, 0xff][..])),
            ("+/8=", Some(&[0xfb, 0xff][..])),
            ("Zm9v!", None),
            ("Z", None),
            ("Zg===", None),
            ("Z=g=", None),
        ] {
            assert_eq!(decode(text).ok().as_deref(), expected, "{text:?}");
        }
        for bytes in [&b""[..], b"f", b"fo", b"foo", b"\xff\x00\x10\x80"] {
            for url_safe in [false, true] {
                assert_eq!(decode(&encode(bytes, url_safe)).as_deref(), Ok(bytes));
            }
        }
        assert_eq!(encode(b"fo", false), "Zm8=");
        assert_eq!(encode(&[0xfb, 0xff], true), "-_8");
    }
}
