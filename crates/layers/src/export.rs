//! File lists exported as text: CSV (RFC 4180, with any cell a spreadsheet would run as a formula defused)
//! and JSON, one record per row, with the same columns.

use serde_json::{Value, json};

use crate::entry::{EntryKind, FileEntry};
use crate::file_list::FileRow;

/// The files view's columns, in order.
pub const FILE_COLUMNS: [&str; 11] = [
    "path",
    "change",
    "kind",
    "size",
    "mode",
    "uid",
    "gid",
    "mtime",
    "layer",
    "link_target",
    "sha256",
];

/// One CSV line (ending in CRLF) of `cells`, each quoted when it must be; text from a registry goes
/// through [`defused`] first.
pub fn csv_line<S: AsRef<str>>(cells: &[S]) -> String {
    let mut line = cells
        .iter()
        .map(|cell| csv_cell(cell.as_ref()))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

fn csv_cell(cell: &str) -> String {
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_owned()
    }
}

/// Text a registry wrote (a path, a link target), made safe for a spreadsheet: one that starts as a
/// formula would (`=`, `+`, `-`, `@`, tab, CR) gets a leading `'`, so it shows as text instead of running.
pub fn defused(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// Where a symlink or hardlink points, or nothing.
pub fn link_target(entry: &FileEntry) -> &str {
    match &entry.kind {
        EntryKind::Symlink { target } | EntryKind::Hardlink { target } => target,
        _ => "",
    }
}

fn cells(row: &FileRow) -> [String; 11] {
    let entry = &row.entry;
    [
        defused(&entry.path),
        row.change.as_str().to_owned(),
        entry.kind.as_str().to_owned(),
        entry.size.to_string(),
        entry.mode_string(),
        entry.uid.to_string(),
        entry.gid.to_string(),
        entry.mtime.to_string(),
        (row.layer + 1).to_string(),
        defused(link_target(entry)),
        entry
            .content_digest
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
    ]
}

/// The rows as CSV, a header line first; `layer` counts from 1, as the page shows layers.
pub fn file_rows_csv(rows: &[FileRow]) -> String {
    let mut csv = csv_line(&FILE_COLUMNS);
    for row in rows {
        csv.push_str(&csv_line(&cells(row)));
    }
    csv
}

/// The rows as a JSON array of objects with [`FILE_COLUMNS`] as keys (numbers as numbers, an empty cell
/// as `null`).
pub fn file_rows_json(rows: &[FileRow]) -> String {
    let records: Vec<Value> = rows
        .iter()
        .map(|row| {
            let entry = &row.entry;
            let text = |value: &str| (!value.is_empty()).then(|| value.to_owned());
            json!({
                "path": entry.path,
                "change": row.change.as_str(),
                "kind": entry.kind.as_str(),
                "size": entry.size,
                "mode": entry.mode_string(),
                "uid": entry.uid,
                "gid": entry.gid,
                "mtime": entry.mtime,
                "layer": row.layer + 1,
                "link_target": text(link_target(entry)),
                "sha256": entry.content_digest.as_ref().map(ToString::to_string),
            })
        })
        .collect();
    serde_json::to_string_pretty(&records).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filesystem::Change;
    use crate::test_entries::{file, symlink};

    #[test]
    fn cells_are_quoted_and_registry_text_defused() {
        let cases = [
            ("/etc/hosts", "/etc/hosts"),
            ("/a,b", "\"/a,b\""),
            ("/say \"hi\"", "\"/say \"\"hi\"\"\""),
            ("/two\nlines", "\"/two\nlines\""),
            ("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\""),
            ("+1", "'+1"),
            ("-1+2", "'-1+2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("", ""),
        ];
        for (text, expected) in cases {
            assert_eq!(csv_cell(&defused(text)), expected, "{text:?}");
        }
        assert_eq!(
            csv_line(&["a", "b,c", "-rw-r--r--"]),
            "a,\"b,c\",-rw-r--r--\r\n"
        );
    }

    #[test]
    fn rows_export_with_the_same_columns_in_both_formats() {
        let rows = [
            FileRow {
                entry: file("/etc/hosts", 20),
                change: Change::Added,
                layer: 0,
            },
            FileRow {
                entry: symlink("/bin/sh"),
                change: Change::Modified,
                layer: 2,
            },
        ];
        assert_eq!(
            file_rows_csv(&rows),
            "path,change,kind,size,mode,uid,gid,mtime,layer,link_target,sha256\r\n\
             /etc/hosts,added,file,20,-rw-r--r--,0,0,0,1,,\r\n\
             /bin/sh,modified,symlink,0,lrw-r--r--,0,0,0,3,/elsewhere,\r\n"
        );
        let json: Value = serde_json::from_str(&file_rows_json(&rows)).expect("JSON");
        assert_eq!(json[0]["path"], "/etc/hosts");
        assert_eq!(json[0]["size"], 20);
        assert_eq!(json[0]["link_target"], Value::Null);
        assert_eq!(json[1]["layer"], 3);
        assert_eq!(json[1]["link_target"], "/elsewhere");
        let keys: Vec<&str> = json[1]
            .as_object()
            .expect("an object")
            .keys()
            .map(String::as_str)
            .collect();
        let mut columns = FILE_COLUMNS.to_vec();
        columns.sort_unstable();
        assert_eq!(keys, columns, "serde_json keeps keys sorted");
    }
}
