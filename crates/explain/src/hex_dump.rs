//! Bytes that are not text, shown as `xxd` and `hexdump -C` do: offset, sixteen bytes in hex, and the
//! printable ones as characters.

use std::fmt::Write as _;

/// At most this many bytes are dumped; the rest is counted.
pub const HEX_DUMP_LIMIT: usize = 16 * 1024;

/// The bytes as text, when they are text: UTF-8 (a character cut at the very end, as the first bytes of
/// a longer file may be, left out) with no NUL byte, which text files do not have and binaries do.
pub fn as_text(bytes: &[u8]) -> Option<&str> {
    if bytes.contains(&0) {
        return None;
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Some(text),
        Err(error) if error.error_len().is_none() => {
            std::str::from_utf8(&bytes[..error.valid_up_to()]).ok()
        }
        Err(_) => None,
    }
}

/// `00000000  7f 45 4c 46 …  .ELF…`, one line per sixteen bytes, up to [`HEX_DUMP_LIMIT`] bytes.
pub fn hex_dump(bytes: &[u8]) -> String {
    hex_dump_first(bytes, HEX_DUMP_LIMIT)
}

/// The same, up to `limit` bytes (a file preview shows more than a document's dump).
pub fn hex_dump_first(bytes: &[u8], limit: usize) -> String {
    let mut out = String::new();
    for (line, chunk) in bytes.chunks(16).take(limit.div_ceil(16)).enumerate() {
        let hex: Vec<String> = chunk.iter().map(|byte| format!("{byte:02x}")).collect();
        let text: String = chunk
            .iter()
            .map(|&byte| {
                if byte.is_ascii_graphic() || byte == b' ' {
                    char::from(byte)
                } else {
                    '.'
                }
            })
            .collect();
        // Writing to a String cannot fail.
        let _ = writeln!(out, "{:08x}  {:<48} {text}", line * 16, hex.join(" "));
    }
    if bytes.len() > limit {
        let _ = writeln!(out, "… {} more bytes", bytes.len() - limit);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn text_is_told_from_binary() {
        let cases: [(&[u8], Option<&str>); 6] = [
            (b"ID=alpine\n", Some("ID=alpine\n")),
            (b"", Some("")),
            ("caf\u{e9}".as_bytes(), Some("caf\u{e9}")),
            (&"caf\u{e9}".as_bytes()[..4], Some("caf")),
            (b"\x7fELF\x02\x01\x01\x00", None),
            (&[0xff, 0xfe, b'a', b'b'], None),
        ];
        for (bytes, expected) in cases {
            assert_eq!(as_text(bytes), expected, "{bytes:?}");
        }
    }

    use super::*;

    #[test]
    fn dumps_lines_of_sixteen_bytes() {
        let cases: [(&[u8], &str); 3] = [
            (b"", ""),
            (
                b"\x7fELF\x02\x01\x01\x00",
                "00000000  7f 45 4c 46 02 01 01 00                          .ELF....\n",
            ),
            (
                b"0123456789abcdefXY",
                "00000000  30 31 32 33 34 35 36 37 38 39 61 62 63 64 65 66  0123456789abcdef\n\
                 00000010  58 59                                            XY\n",
            ),
        ];
        for (bytes, expected) in cases {
            assert_eq!(hex_dump(bytes), expected);
        }
    }

    #[test]
    fn counts_what_it_leaves_out() {
        let dump = hex_dump(&vec![0u8; HEX_DUMP_LIMIT + 5]);
        assert_eq!(dump.lines().count(), HEX_DUMP_LIMIT / 16 + 1);
        assert!(dump.ends_with("… 5 more bytes\n"), "{dump}");
    }
}
