//! A config's `created` (RFC 3339, any offset, any fraction) as one instant, so tags sort by build time
//! whatever form each config wrote it in.

/// Seconds since 1970 (UTC) and nanoseconds of `created`, or `None` when it is not RFC 3339.
pub fn created_seconds(created: &str) -> Option<(i64, u32)> {
    let bytes = created.as_bytes();
    let number = |from: usize, len: usize| -> Option<i64> {
        let part = created.get(from..from + len)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let separator = |at: usize, allowed: &[u8]| bytes.get(at).is_some_and(|b| allowed.contains(b));
    let separators = [
        (4, &b"-"[..]),
        (7, b"-"),
        (10, b"Tt "),
        (13, b":"),
        (16, b":"),
    ];
    if !separators
        .iter()
        .all(|(at, allowed)| separator(*at, allowed))
    {
        return None;
    }
    let (year, month, day) = (number(0, 4)?, number(5, 2)?, number(8, 2)?);
    let (hour, minute, second) = (number(11, 2)?, number(14, 2)?, number(17, 2)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut rest = &created[19..];
    let mut nanos = 0u32;
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        for (place, digit) in fraction[..digits.min(9)].bytes().enumerate() {
            nanos += u32::from(digit - b'0') * 10u32.pow(8 - place as u32);
        }
        rest = &fraction[digits..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first() {
                Some(b'+') => 1,
                Some(b'-') => -1,
                _ => return None,
            };
            let (hours, minutes) = rest[1..].split_once(':')?;
            if hours.len() != 2 || minutes.len() != 2 {
                return None;
            }
            let hours: i64 = hours.parse().ok()?;
            let minutes: i64 = minutes.parse().ok()?;
            sign * (hours * 3600 + minutes * 60)
        }
    };
    let days = days_from_civil(year, month, day);
    Some((
        days * 86_400 + hour * 3600 + minute * 60 + second - offset,
        nanos,
    ))
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_configs_write_reads_as_one_instant() {
        for (created, expected) in [
            ("1970-01-01T00:00:00Z", Some((0, 0))),
            ("2024-05-01T10:00:00Z", Some((1_714_557_600, 0))),
            ("2024-05-01T12:00:00+02:00", Some((1_714_557_600, 0))),
            ("2024-05-01T09:30:00-00:30", Some((1_714_557_600, 0))),
            ("2024-05-01T10:00:00.5Z", Some((1_714_557_600, 500_000_000))),
            (
                "2024-05-01T10:00:00.123456789123Z",
                Some((1_714_557_600, 123_456_789)),
            ),
            ("2000-02-29T00:00:00Z", Some((951_782_400, 0))),
            ("1969-12-31T23:59:59Z", Some((-1, 0))),
            ("0001-01-01T00:00:00Z", Some((-62_135_596_800, 0))),
            ("2024-05-01", None),
            ("2024-13-01T00:00:00Z", None),
            ("2024-05-01T10:00:00", None),
            ("2024-05-01T10:00:00.Z", None),
            ("2024-05-01T10:00:00+0200", None),
            ("yesterday", None),
            ("2024-05-01T10:00:00Zextra", None),
            ("２０２４-05-01T10:00:00Z", None),
        ] {
            assert_eq!(created_seconds(created), expected, "{created}");
        }
    }
}
