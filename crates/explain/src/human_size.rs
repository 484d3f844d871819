//! Sizes and shares as a reader reads them: decimal units with one decimal (`2.1 MB`), as registries
//! and `docker images` show them, and a part of a whole in tenths of a percent, written without float
//! formatting.

/// `bytes` in decimal units: `512 B`, `1.5 kB`, `2.1 MB`, up to TB, rounded half up to one decimal.
pub fn decimal(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["kB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let (mut divisor, mut unit) = (1000u64, 0);
    while bytes / divisor >= 1000 && unit + 1 < UNITS.len() {
        divisor *= 1000;
        unit += 1;
    }
    // In u64 throughout (128-bit division would grow the page's wasm): the remainder times ten fits.
    let (mut whole, remainder) = (bytes / divisor, bytes % divisor);
    let mut tenths = (remainder * 10 + divisor / 2) / divisor;
    if tenths == 10 {
        whole += 1;
        tenths = 0;
    }
    format!("{whole}.{tenths} {}", UNITS[unit])
}

/// `part` of `whole` as a percentage with one decimal (`37.5%`), at most `100.0%`; an empty whole counts
/// as one byte.
pub fn percent(part: u64, whole: u64) -> String {
    let share = part.min(whole.max(1)) as f64 / whole.max(1) as f64;
    let tenths = (share * 1000.0).round() as u64;
    format!("{}.{}%", tenths / 10, tenths % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_registries_show_them() {
        let cases = [
            (0, "0 B"),
            (999, "999 B"),
            (1000, "1.0 kB"),
            (1049, "1.0 kB"),
            (1050, "1.1 kB"),
            (2_123_456, "2.1 MB"),
            (999_949, "999.9 kB"),
            (999_950, "1000.0 kB"),
            (1_000_000, "1.0 MB"),
            (206_000_000, "206.0 MB"),
            (5_000_000_000_000, "5.0 TB"),
            (5_000_000_000_000_000, "5000.0 TB"),
            (u64::MAX, "18446744.1 TB"),
        ];
        for (bytes, expected) in cases {
            assert_eq!(decimal(bytes), expected, "{bytes} bytes");
        }
    }

    #[test]
    fn shares_are_tenths_of_a_percent() {
        let cases = [
            (0, 0, "0.0%"),
            (1, 3, "33.3%"),
            (2, 3, "66.7%"),
            (5, 5, "100.0%"),
            (7, 5, "100.0%"),
            (5, 0, "100.0%"),
            (u64::MAX, u64::MAX, "100.0%"),
        ];
        for (part, whole, expected) in cases {
            assert_eq!(percent(part, whole), expected, "{part} of {whole}");
        }
    }
}
