//! Bytes that are not text, shown as `xxd` and `hexdump -C` do: offset, sixteen bytes in hex, and the
//! printable ones as characters.

use std::fmt::Write as _;

/// At most this many bytes are dumped; the rest is counted.
pub const HEX_DUMP_LIMIT: usize = 16 * 1024;

/// `00000000  7f 45 4c 46 …  .ELF…`, one line per sixteen bytes, up to [`HEX_DUMP_LIMIT`] bytes.
pub fn hex_dump(bytes: &[u8]) -> String {
    let mut out = String::new();
    for (line, chunk) in bytes.chunks(16).take(HEX_DUMP_LIMIT / 16).enumerate() {
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
    if bytes.len() > HEX_DUMP_LIMIT {
        let _ = writeln!(out, "… {} more bytes", bytes.len() - HEX_DUMP_LIMIT);
    }
    out
}

#[cfg(test)]
mod tests {
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
