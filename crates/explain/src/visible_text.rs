//! Text from registries and images shown as what it is. A name, tag or path can carry characters that draw
//! nothing or reorder what follows (`U+202E` makes `gpj.exe` read `exe.jpg`); each is shown as a visible
//! escape like `\u{202E}` instead of being applied, so two names that differ never look the same.

use std::borrow::Cow;

/// Whether line breaks and tabs stay as they are (file contents, raw documents) or are escaped too (names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Breaks {
    /// One-line text: `\n`, `\r` and `\t` are escaped like every other control character.
    Escaped,
    /// Text shown as lines: `\n`, `\r` and `\t` are kept.
    Kept,
}

/// A run of text as it is shown: ordinary characters, or one character shown by its escape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Characters shown as they are.
    Text(&'a str),
    /// A character that draws nothing or reorders text.
    Hidden(char),
}

impl Piece<'_> {
    /// The piece as text: a hidden character becomes `\u{202E}`.
    pub fn shown(&self) -> Cow<'_, str> {
        match self {
            Piece::Text(text) => Cow::Borrowed(text),
            Piece::Hidden(hidden) => Cow::Owned(escape(*hidden)),
        }
    }
}

/// `\u{202E}`: a character by its code point, at least four hex digits.
pub fn escape(character: char) -> String {
    format!("\\u{{{:04X}}}", u32::from(character))
}

/// Whether a character draws nothing or changes how the text around it is ordered: controls (C0, DEL,
/// C1), bidirectional embeddings, overrides, isolates and marks, zero-width and other invisible format
/// characters, line and paragraph separators, and tag characters.
pub fn is_hidden(character: char) -> bool {
    matches!(
        character,
        '\u{0}'..='\u{1F}'
            | '\u{7F}'..='\u{9F}'
            | '\u{AD}'
            | '\u{34F}'
            | '\u{61C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{E0000}'..='\u{E007F}'
    )
}

fn is_shown_as_escape(character: char, breaks: Breaks) -> bool {
    let kept = breaks == Breaks::Kept && matches!(character, '\n' | '\r' | '\t');
    is_hidden(character) && !kept
}

/// The text as pieces, in order: runs of ordinary characters and the hidden characters between them.
pub fn pieces(text: &str, breaks: Breaks) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut run_start = 0;
    for (position, character) in text.char_indices() {
        if is_shown_as_escape(character, breaks) {
            if run_start < position {
                pieces.push(Piece::Text(&text[run_start..position]));
            }
            pieces.push(Piece::Hidden(character));
            run_start = position + character.len_utf8();
        }
    }
    if run_start < text.len() {
        pieces.push(Piece::Text(&text[run_start..]));
    }
    pieces
}

/// One-line text (a name, tag or path) with every hidden character escaped; borrowed when there is none.
pub fn visible(text: &str) -> Cow<'_, str> {
    shown(text, Breaks::Escaped)
}

/// Text shown as lines (a file, a raw document): like [`visible`], but line breaks and tabs are kept.
pub fn visible_lines(text: &str) -> Cow<'_, str> {
    shown(text, Breaks::Kept)
}

fn shown(text: &str, breaks: Breaks) -> Cow<'_, str> {
    if !text
        .chars()
        .any(|character| is_shown_as_escape(character, breaks))
    {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        pieces(text, breaks)
            .iter()
            .map(|piece| piece.shown())
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_characters_are_shown_as_escapes_and_other_text_is_left_alone() {
        let cases = [
            ("nginx", "nginx"),
            ("1.25-alpine", "1.25-alpine"),
            ("/usr/lib/libc.so.6", "/usr/lib/libc.so.6"),
            (
                "évidence/日本語/中文/עברית/العربية",
                "évidence/日本語/中文/עברית/العربية",
            ),
            ("🐳 whale 🚀", "🐳 whale 🚀"),
            ("a b\u{A0}c", "a b\u{A0}c"),
            ("invoice\u{202E}fdp.exe", "invoice\\u{202E}fdp.exe"),
            (
                "\u{202A}\u{202B}\u{202C}\u{202D}",
                "\\u{202A}\\u{202B}\\u{202C}\\u{202D}",
            ),
            ("\u{2066}x\u{2069}", "\\u{2066}x\\u{2069}"),
            ("\u{2067}\u{2068}", "\\u{2067}\\u{2068}"),
            (
                "a\u{200E}b\u{200F}c\u{061C}",
                "a\\u{200E}b\\u{200F}c\\u{061C}",
            ),
            (
                "zero\u{200B}width\u{200C}\u{200D}",
                "zero\\u{200B}width\\u{200C}\\u{200D}",
            ),
            ("word\u{2060}joiner\u{FEFF}", "word\\u{2060}joiner\\u{FEFF}"),
            ("soft\u{AD}hyphen", "soft\\u{00AD}hyphen"),
            ("tab\there", "tab\\u{0009}here"),
            ("line\nbreak\r", "line\\u{000A}break\\u{000D}"),
            ("nul\u{0}", "nul\\u{0000}"),
            ("\u{1B}[31mred", "\\u{001B}[31mred"),
            ("del\u{7F}", "del\\u{007F}"),
            ("c1\u{85}\u{9B}", "c1\\u{0085}\\u{009B}"),
            ("line\u{2028}para\u{2029}", "line\\u{2028}para\\u{2029}"),
            ("tag\u{E0041}\u{E007F}", "tag\\u{E0041}\\u{E007F}"),
            ("", ""),
        ];
        for (text, expected) in cases {
            assert_eq!(visible(text), expected, "{text:?}");
        }
    }

    #[test]
    fn text_shown_as_lines_keeps_its_breaks_and_tabs() {
        let cases = [
            ("#!/bin/sh\n\techo hi\r\n", "#!/bin/sh\n\techo hi\r\n"),
            (
                "access = \"user\u{202E} \u{2066}// admin\u{2069}\"\n",
                "access = \"user\\u{202E} \\u{2066}// admin\\u{2069}\"\n",
            ),
            ("\u{1B}[0m\n", "\\u{001B}[0m\n"),
        ];
        for (text, expected) in cases {
            assert_eq!(visible_lines(text), expected, "{text:?}");
        }
    }

    #[test]
    fn pieces_split_ordinary_runs_from_hidden_characters() {
        let cases: [(&str, Breaks, Vec<Piece>); 5] = [
            ("plain", Breaks::Escaped, vec![Piece::Text("plain")]),
            (
                "a\u{202E}bc",
                Breaks::Escaped,
                vec![
                    Piece::Text("a"),
                    Piece::Hidden('\u{202E}'),
                    Piece::Text("bc"),
                ],
            ),
            (
                "\u{200B}\u{200B}",
                Breaks::Escaped,
                vec![Piece::Hidden('\u{200B}'), Piece::Hidden('\u{200B}')],
            ),
            (
                "a\nb",
                Breaks::Escaped,
                vec![Piece::Text("a"), Piece::Hidden('\n'), Piece::Text("b")],
            ),
            ("a\nb", Breaks::Kept, vec![Piece::Text("a\nb")]),
        ];
        for (text, breaks, expected) in cases {
            assert_eq!(pieces(text, breaks), expected, "{text:?}");
        }
    }

    #[test]
    fn text_without_hidden_characters_is_not_copied() {
        assert!(matches!(visible("alpine:3.20"), Cow::Borrowed(_)));
        assert!(matches!(visible_lines("a\nb"), Cow::Borrowed(_)));
        assert!(matches!(visible("a\u{202E}"), Cow::Owned(_)));
    }

    #[test]
    fn every_hidden_character_is_escaped_and_nothing_hidden_survives() {
        let every: String = (0..=0x10FFFF).filter_map(char::from_u32).collect();
        let shown = visible(&every);
        assert!(!shown.chars().any(is_hidden));
        assert!(
            shown.contains("\\u{202E}") && shown.contains("\\u{E0001}"),
            "escapes are in the text"
        );
    }
}
