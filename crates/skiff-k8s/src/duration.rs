//! Durations as skiff writes them (`30s`, `2h`, `1h30m`, `500ms`, `1d`): Go's `time.ParseDuration`
//! syntax, plus `d` for a day of 24 hours.
//!
//! Durations are not Kubernetes schema values: skiff's `timeout` is one, compiled to the pod's
//! `activeDeadlineSeconds`. The rule with its message and fix is [`crate::rules::duration`].
//!
//! Syntax: an optional sign, then one or more `<number><unit>` pairs, where a number is digits with
//! an optional fraction (`1.5h`) and a unit is `ns`, `us` (or `µs`, `μs`), `ms`, `s`, `m`, `h` or
//! `d`. `0` alone is zero. Weeks, months and years are not units: their length is ambiguous.
//! Like Go, fractions below a nanosecond are truncated and a duration must fit in an `i64` of
//! nanoseconds (about 292 years).

use std::fmt;

/// A duration in nanoseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Duration {
    nanos: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DurationError {
    Empty,
    /// A number without a unit (`30`), or text that is not a number where one should be.
    MissingUnit,
    UnknownUnit(String),
    /// More than about 292 years.
    TooLong,
}

impl fmt::Display for DurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DurationError::Empty => write!(f, "a duration cannot be empty"),
            DurationError::MissingUnit => write!(f, "a duration is numbers with units, such as `30s` or `1h30m`"),
            DurationError::UnknownUnit(u) => {
                write!(f, "`{u}` is not a duration unit (use ns, us, ms, s, m, h or d)")
            }
            DurationError::TooLong => write!(f, "this duration is too long"),
        }
    }
}

const UNITS: &[(&str, i64)] = &[
    ("ns", 1),
    ("us", 1_000),
    ("µs", 1_000),
    ("μs", 1_000),
    ("ms", 1_000_000),
    ("s", 1_000_000_000),
    ("m", 60 * 1_000_000_000),
    ("h", 3_600 * 1_000_000_000),
    ("d", 86_400 * 1_000_000_000),
];

impl Duration {
    pub fn from_secs(secs: i64) -> Option<Duration> {
        secs.checked_mul(1_000_000_000).map(|nanos| Duration { nanos })
    }

    pub fn nanos(self) -> i64 {
        self.nanos
    }

    /// Whole seconds, rounded up: what `activeDeadlineSeconds` takes (`500ms` → 1).
    pub fn seconds_ceil(self) -> i64 {
        let secs = self.nanos.div_euclid(1_000_000_000);
        if self.nanos.rem_euclid(1_000_000_000) == 0 { secs } else { secs + 1 }
    }
}

/// Parses a Go-style duration, with `d` for days (see the module docs).
pub fn parse_duration(text: &str) -> Result<Duration, DurationError> {
    let (negative, mut rest) = match text.as_bytes().first() {
        None => return Err(DurationError::Empty),
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        Some(_) => (false, text),
    };
    if rest == "0" {
        return Ok(Duration { nanos: 0 });
    }
    if rest.is_empty() {
        return Err(DurationError::MissingUnit);
    }
    let mut total: i128 = 0;
    while !rest.is_empty() {
        let int_end = rest.bytes().position(|b| !b.is_ascii_digit()).unwrap_or(rest.len());
        let int_digits = &rest[..int_end];
        rest = &rest[int_end..];
        let mut frac_digits = "";
        if let Some(after_dot) = rest.strip_prefix('.') {
            let frac_end = after_dot.bytes().position(|b| !b.is_ascii_digit()).unwrap_or(after_dot.len());
            frac_digits = &after_dot[..frac_end];
            rest = &after_dot[frac_end..];
        }
        if int_digits.is_empty() && frac_digits.is_empty() {
            return Err(DurationError::MissingUnit);
        }
        let unit_end = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let unit = &rest[..unit_end];
        rest = &rest[unit_end..];
        if unit.is_empty() {
            return Err(DurationError::MissingUnit);
        }
        let scale = UNITS
            .iter()
            .find(|(name, _)| *name == unit)
            .map(|(_, scale)| i128::from(*scale))
            .ok_or_else(|| DurationError::UnknownUnit(unit.to_owned()))?;
        // Past 19 digits the value is too long whatever the unit.
        let whole: i128 = if int_digits.len() > 19 {
            return Err(DurationError::TooLong);
        } else {
            int_digits.parse::<i128>().unwrap_or(0)
        };
        // Go keeps the fraction to nanosecond precision and truncates the rest.
        let frac_kept = &frac_digits[..frac_digits.len().min(18)];
        let frac: i128 = frac_kept.parse::<i128>().unwrap_or(0);
        let frac_nanos = frac * scale / 10i128.pow(frac_kept.len() as u32);
        total += whole * scale + frac_nanos;
        if total > i128::from(i64::MAX) + i128::from(negative) {
            return Err(DurationError::TooLong);
        }
    }
    let nanos = if negative { -total } else { total };
    i64::try_from(nanos).map(|nanos| Duration { nanos }).map_err(|_| DurationError::TooLong)
}

/// A corrected spelling for a common mistake (`30sec` → `30s`, `2 hours` → `2h`, `5min` → `5m`,
/// `1H` → `1h`, `2days` → `2d`), if the text is one.
pub fn suggest_duration(text: &str) -> Option<String> {
    if parse_duration(text).is_ok() {
        return None;
    }
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let mut out = String::new();
    let mut rest = compact.as_str();
    if let Some(sign) = rest.strip_prefix(['+', '-']) {
        out.push_str(&compact[..1]);
        rest = sign;
    }
    while !rest.is_empty() {
        let number_end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        let (number, after) = rest.split_at(number_end);
        let unit_end = after.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(after.len());
        let (unit, after) = after.split_at(unit_end);
        out.push_str(number);
        out.push_str(canonical_unit(unit)?);
        rest = after;
    }
    (out != text && parse_duration(&out).is_ok()).then_some(out)
}

fn canonical_unit(unit: &str) -> Option<&'static str> {
    let lower = unit.to_lowercase();
    Some(match lower.as_str() {
        "ns" | "nsec" | "nsecs" | "nanosecond" | "nanoseconds" => "ns",
        "us" | "µs" | "μs" | "usec" | "usecs" | "microsecond" | "microseconds" => "us",
        "ms" | "msec" | "msecs" | "millisecond" | "milliseconds" => "ms",
        "s" | "sec" | "secs" | "second" | "seconds" => "s",
        "min" | "mins" | "minute" | "minutes" => "m",
        // `M` could be a month or a minute; only the lower case is sure.
        "m" if unit == "m" => "m",
        "h" | "hr" | "hrs" | "hour" | "hours" => "h",
        "d" | "day" | "days" => "d",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: i64 = 1_000_000_000;

    #[test]
    fn go_durations_and_days() {
        let cases: &[(&str, i64)] = &[
            ("0", 0),
            ("30s", 30 * S),
            ("2h", 7_200 * S),
            ("1h30m", 5_400 * S),
            ("500ms", S / 2),
            ("1.5h", 5_400 * S),
            ("1d", 86_400 * S),
            ("1d12h", 129_600 * S),
            ("-1m", -60 * S),
            ("+5s", 5 * S),
            ("1ns", 1),
            ("2us", 2_000),
            ("2µs", 2_000),
            (".5s", S / 2),
            ("1.s", S),
            ("1.0000000009s", S), // sub-nanosecond fractions are truncated, as in Go
            ("2562047h", 2_562_047 * 3_600 * S),
        ];
        for (text, nanos) in cases {
            assert_eq!(parse_duration(text).map(Duration::nanos), Ok(*nanos), "{text}");
        }
    }

    #[test]
    fn invalid_durations_say_why() {
        let cases: &[(&str, DurationError)] = &[
            ("", DurationError::Empty),
            ("30", DurationError::MissingUnit),
            ("-", DurationError::MissingUnit),
            ("s", DurationError::MissingUnit),
            (".s", DurationError::MissingUnit),
            ("1h30", DurationError::MissingUnit),
            ("30sec", DurationError::UnknownUnit("sec".into())),
            ("1w", DurationError::UnknownUnit("w".into())),
            ("1H", DurationError::UnknownUnit("H".into())),
            ("2 h", DurationError::UnknownUnit(" h".into())),
            ("300000000000000000000h", DurationError::TooLong),
            ("2562048h", DurationError::TooLong),
            ("106752d", DurationError::TooLong),
        ];
        for (text, error) in cases {
            assert_eq!(parse_duration(text).as_ref(), Err(error), "{text}");
        }
    }

    #[test]
    fn seconds_round_up() {
        let secs = |t: &str| parse_duration(t).unwrap().seconds_ceil();
        assert_eq!(secs("500ms"), 1);
        assert_eq!(secs("2h"), 7_200);
        assert_eq!(secs("1s"), 1);
        assert_eq!(secs("1001ms"), 2);
        assert_eq!(secs("-1500ms"), -1);
        assert_eq!(Duration::from_secs(90), parse_duration("1m30s").ok());
    }

    #[test]
    fn common_mistakes_get_a_suggestion() {
        let cases: &[(&str, Option<&str>)] = &[
            ("30sec", Some("30s")),
            ("2 hours", Some("2h")),
            ("5min", Some("5m")),
            ("1H", Some("1h")),
            ("2days", Some("2d")),
            ("1hr30min", Some("1h30m")),
            ("500 msec", Some("500ms")),
            ("1M", None),
            ("1w", None),
            ("30s", None),
            ("soon", None),
        ];
        for (text, expected) in cases {
            assert_eq!(suggest_duration(text).as_deref(), *expected, "{text}");
        }
    }
}
