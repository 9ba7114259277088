//! UTC times as the site writes them (RFC 3339 with `Z`, or a date), as
//! seconds since the Unix epoch; and durations such as `30d`.

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since 1970-01-01T00:00:00Z.
pub(crate) type Timestamp = i64;

/// The current time.
pub(crate) fn now() -> Timestamp {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Days from 1970-01-01 to a proleptic Gregorian date.
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date of a day since 1970-01-01.
pub(crate) fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

const FORMAT: &str = "`2026-12-24T08:00:00Z` (UTC) or a date such as `2026-12-24`";

/// Parses `2026-12-24T08:00:00Z`, `2026-12-24T08:00Z` or `2026-12-24`.
pub(crate) fn parse(text: &str) -> Result<Timestamp, String> {
    let bad = || format!("`{text}` is not a UTC time: write {FORMAT}");
    let (date, time) = match text.split_once('T') {
        Some((d, t)) => (d, Some(t.strip_suffix('Z').ok_or_else(bad)?)),
        None => (text, None),
    };
    let num = |s: &str, len: usize| -> Result<i64, String> {
        if s.len() == len && s.bytes().all(|b| b.is_ascii_digit()) {
            s.parse().map_err(|_| bad())
        } else {
            Err(bad())
        }
    };
    let mut parts = date.split('-');
    let (Some(year), Some(month), Some(day), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    let (year, month, day) = (num(year, 4)?, num(month, 2)?, num(day, 2)?);
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days_in_month = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let last_day = days_in_month[usize::try_from(month - 1).unwrap_or(0) % 12];
    if !(1..=12).contains(&month) || day < 1 || day > last_day {
        return Err(bad());
    }
    let mut seconds = 0;
    if let Some(t) = time {
        let parts: Vec<&str> = t.split(':').collect();
        let (h, min, s) = match parts.as_slice() {
            [h, m] => (num(h, 2)?, num(m, 2)?, 0),
            [h, m, s] => (num(h, 2)?, num(m, 2)?, num(s, 2)?),
            _ => return Err(bad()),
        };
        if h > 23 || min > 59 || s > 59 {
            return Err(bad());
        }
        seconds = h * 3600 + min * 60 + s;
    }
    Ok(days_from_civil(year, month, day) * 86_400 + seconds)
}

/// `2026-12-24T08:00:00Z`.
pub(crate) fn format(t: Timestamp) -> String {
    let (year, month, day) = civil_from_days(t.div_euclid(86_400));
    let secs = t.rem_euclid(86_400);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// Parses a duration: a number followed by `s`, `m`, `h`, `d` or `w`.
pub(crate) fn parse_duration(text: &str) -> Result<i64, String> {
    let bad = || {
        format!(
            "`{text}` is not a duration: write a number and a unit, such as `30d`, `12h` or `2w`"
        )
    };
    let unit = text.chars().last().ok_or_else(bad)?;
    let factor = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3600,
        'd' => 86_400,
        'w' => 7 * 86_400,
        _ => return Err(bad()),
    };
    let n: i64 = text[..text.len() - 1].parse().map_err(|_| bad())?;
    if n < 0 {
        return Err(bad());
    }
    Ok(n * factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_round_trip() {
        for text in [
            "1970-01-01T00:00:00Z",
            "2000-02-29T23:59:59Z",
            "2026-12-24T08:00:00Z",
        ] {
            assert_eq!(format(parse(text).unwrap()), text);
        }
        assert_eq!(parse("1970-01-02").unwrap(), 86_400);
        assert_eq!(
            parse("2026-12-24T08:00Z").unwrap(),
            parse("2026-12-24T08:00:00Z").unwrap()
        );
        assert_eq!(parse("2026-12-01T00:00:00Z").unwrap(), 1_796_083_200);
    }

    #[test]
    fn bad_times_and_durations_say_what_is_valid() {
        for bad in [
            "2026-13-01",
            "2026-02-30",
            "2026-12-24T08:00:00",
            "24.12.2026",
            "2026-12-24T25:00Z",
            "",
        ] {
            assert!(
                parse(bad).unwrap_err().contains("2026-12-24T08:00:00Z"),
                "{bad}"
            );
        }
        assert_eq!(parse_duration("30d").unwrap(), 30 * 86_400);
        assert_eq!(parse_duration("2w").unwrap(), 14 * 86_400);
        assert!(parse_duration("30").is_err());
        assert!(parse_duration("d").is_err());
    }
}
