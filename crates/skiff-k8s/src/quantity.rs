//! Kubernetes resource quantities (`500m`, `8Gi`, `1e3`), parsed exactly as the API server reads
//! them, and compared exactly.
//!
//! The grammar is apimachinery's:
//! ```text
//! <quantity>        ::= <signedNumber><suffix>
//! <signedNumber>    ::= <number> | <sign><number>
//! <number>          ::= <digits> | <digits>.<digits> | <digits>. | .<digits>
//! <suffix>          ::= <binarySI> | <decimalExponent> | <decimalSI>
//! <binarySI>        ::= Ki | Mi | Gi | Ti | Pi | Ei
//! <decimalSI>       ::= n | u | m | "" | k | M | G | T | P | E
//! <decimalExponent> ::= "e" <signedInteger> | "E" <signedInteger>
//! ```
//! No whitespace is allowed anywhere (the API server trims it around a JSON string, skiff asks for
//! it to be removed). A lone sign or a lone `.` is not a number here, though Go's parser reads it
//! as zero.
//!
//! The value kept is the one the API server keeps: rounded up (away from zero) to a whole number
//! of nano-units, and capped at 2^63-1 units in magnitude. That fits an `i128` of nano-units, so
//! no big-decimal arithmetic is needed: a quantity is an `i128`, and comparison is integer
//! comparison. The only arbitrary-length work is on the digit string while parsing (a binary
//! suffix multiplies it by at most 2^60), which is linear in the length of the text.

use std::cmp::Ordering;
use std::fmt;

/// A parsed quantity: the exact value the API server would keep, in units of 10^-9.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Quantity {
    nanos: i128,
}

/// Why a text is not a quantity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QuantityError {
    Empty,
    /// No digits where the number should be (`Gi`, `+`, `.`, `x1`).
    NoNumber,
    /// Whitespace inside or around the quantity (`2 Gi`).
    Whitespace,
    /// The text after the number is not a suffix (`8Gb`, `1ki`, `2e`).
    BadSuffix(String),
}

impl fmt::Display for QuantityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QuantityError::Empty => write!(f, "a quantity cannot be empty"),
            QuantityError::NoNumber => write!(f, "a quantity starts with a number"),
            QuantityError::Whitespace => write!(f, "a quantity has no spaces"),
            QuantityError::BadSuffix(s) => write!(f, "`{s}` is not a quantity suffix"),
        }
    }
}

/// 10^9: nano-units per unit.
const NANO: i128 = 1_000_000_000;
/// The largest magnitude the API server keeps: 2^63-1 units.
const MAX_NANOS: i128 = (i64::MAX as i128) * NANO;
/// A magnitude with at least this many integer digits is above `MAX_NANOS` (about 9.2e27).
const CAP_DIGITS: usize = 29;

/// The suffixes of quantities, for messages and completion.
pub const SUFFIXES: &[&str] = &["n", "u", "m", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];

impl Quantity {
    pub const ZERO: Quantity = Quantity { nanos: 0 };

    /// The value in nano-units (`1` is 10^-9; `1Ki` is 1024 * 10^9).
    pub fn nanos(self) -> i128 {
        self.nanos
    }

    pub fn from_int(n: i64) -> Quantity {
        Quantity { nanos: i128::from(n) * NANO }
    }

    /// A float as skiff writes it (`0.5`), read through its shortest decimal form; `None` for NaN
    /// and infinities.
    pub fn from_f64(x: f64) -> Option<Quantity> {
        if !x.is_finite() {
            return None;
        }
        parse_quantity(&format!("{x}")).ok()
    }

    /// Whether the value is a whole number of units (`1.5` and `500m` are not).
    pub fn is_integer(self) -> bool {
        self.nanos % NANO == 0
    }

    /// Exact comparison (the same as `Ord`).
    pub fn compare(self, other: Quantity) -> Ordering {
        self.nanos.cmp(&other.nanos)
    }
}

/// The plain decimal value, without a suffix: `0.512`, `8589934592`, `-1.5`.
impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.nanos < 0 { "-" } else { "" };
        let magnitude = self.nanos.unsigned_abs();
        let (whole, frac) = (magnitude / NANO as u128, magnitude % NANO as u128);
        if frac == 0 {
            write!(f, "{sign}{whole}")
        } else {
            let frac = format!("{frac:09}");
            write!(f, "{sign}{whole}.{}", frac.trim_end_matches('0'))
        }
    }
}

impl std::str::FromStr for Quantity {
    type Err = QuantityError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_quantity(s)
    }
}

/// Parses a quantity exactly per apimachinery's grammar (see the module docs).
pub fn parse_quantity(text: &str) -> Result<Quantity, QuantityError> {
    if text.is_empty() {
        return Err(QuantityError::Empty);
    }
    if text.chars().any(char::is_whitespace) {
        return Err(QuantityError::Whitespace);
    }
    let bytes = text.as_bytes();
    let mut pos = 0;
    let negative = match bytes[0] {
        b'-' => {
            pos = 1;
            true
        }
        b'+' => {
            pos = 1;
            false
        }
        _ => false,
    };
    let int_start = pos;
    while pos < bytes.len() && bytes[pos].is_ascii_digit() {
        pos += 1;
    }
    let int_digits = &text[int_start..pos];
    let mut frac_digits = "";
    if pos < bytes.len() && bytes[pos] == b'.' {
        pos += 1;
        let frac_start = pos;
        while pos < bytes.len() && bytes[pos].is_ascii_digit() {
            pos += 1;
        }
        frac_digits = &text[frac_start..pos];
    }
    if int_digits.is_empty() && frac_digits.is_empty() {
        return Err(QuantityError::NoNumber);
    }
    let suffix = &text[pos..];
    let (pow2, pow10) = suffix_powers(suffix).ok_or_else(|| QuantityError::BadSuffix(suffix.to_owned()))?;

    // value = digits * 10^(pow10 - frac_len) * 2^pow2; in nano-units, 10^(pow10 - frac_len + 9).
    let mut digits: Vec<u8> = int_digits.bytes().chain(frac_digits.bytes()).map(|b| b - b'0').collect();
    let first_nonzero = digits.iter().position(|d| *d != 0);
    let Some(first_nonzero) = first_nonzero else { return Ok(Quantity::ZERO) };
    digits.drain(..first_nonzero);
    multiply_by_pow2(&mut digits, pow2);
    let scale = i128::from(pow10) - frac_digits.len() as i128 + 9;
    let magnitude = if scale >= 0 {
        if digits.len() as i128 + scale >= CAP_DIGITS as i128 {
            MAX_NANOS
        } else {
            to_i128(&digits) * 10i128.pow(scale as u32)
        }
    } else {
        let drop = usize::try_from(-scale).unwrap_or(usize::MAX);
        if drop >= digits.len() {
            1 // a non-zero amount smaller than a nano-unit rounds up to one
        } else {
            let (whole, rest) = digits.split_at(digits.len() - drop);
            if whole.len() >= CAP_DIGITS {
                MAX_NANOS
            } else {
                to_i128(whole) + i128::from(rest.iter().any(|d| *d != 0))
            }
        }
    };
    let magnitude = magnitude.min(MAX_NANOS);
    Ok(Quantity { nanos: if negative { -magnitude } else { magnitude } })
}

/// `(power of two, power of ten)` of a suffix.
fn suffix_powers(suffix: &str) -> Option<(u32, i64)> {
    Some(match suffix {
        "" => (0, 0),
        "n" => (0, -9),
        "u" => (0, -6),
        "m" => (0, -3),
        "k" => (0, 3),
        "M" => (0, 6),
        "G" => (0, 9),
        "T" => (0, 12),
        "P" => (0, 15),
        "E" => (0, 18),
        "Ki" => (10, 0),
        "Mi" => (20, 0),
        "Gi" => (30, 0),
        "Ti" => (40, 0),
        "Pi" => (50, 0),
        "Ei" => (60, 0),
        _ => {
            let exponent = suffix.strip_prefix(['e', 'E'])?;
            let unsigned = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
            if unsigned.is_empty() || !unsigned.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            // Go reads the exponent as an int64; a longer one is an error there too.
            (0, exponent.parse::<i64>().ok()?)
        }
    })
}

/// Multiplies a big-endian decimal digit string (no leading zeros) by 2^pow2 in place.
fn multiply_by_pow2(digits: &mut Vec<u8>, mut pow2: u32) {
    while pow2 > 0 {
        let step = pow2.min(20);
        pow2 -= step;
        let factor = 1u64 << step;
        let mut carry = 0u64;
        for d in digits.iter_mut().rev() {
            let v = u64::from(*d) * factor + carry;
            *d = (v % 10) as u8;
            carry = v / 10;
        }
        while carry > 0 {
            digits.insert(0, (carry % 10) as u8);
            carry /= 10;
        }
    }
}

/// A digit string of fewer than `CAP_DIGITS` digits as a number.
fn to_i128(digits: &[u8]) -> i128 {
    digits.iter().fold(0i128, |acc, d| acc * 10 + i128::from(*d))
}

/// A corrected spelling for a common mistake, if the text is one (`8Gb` → `8Gi`).
///
/// What a unit means, as skiff reads it:
/// - an SI prefix with a capital `B` is the SI unit: `8GB` → `8G` (10^9 bytes) and `8kB`/`8KB` →
///   `8k`; the help text points at `8Gi` for the binary size;
/// - any other spelling (`8Gb`, `8gb`, `8g`, `512mb`, `8GiB`, `8gi`) is the Docker and JVM habit,
///   where units are binary: `8Gi`, `512Mi`;
/// - spaces are dropped: `2 Gi` → `2Gi`.
///
/// A valid quantity gets no suggestion, even `512m` (half a byte of memory: see
/// [`memory_hint`]).
pub fn suggest_quantity(text: &str) -> Option<String> {
    if parse_quantity(text).is_ok() {
        return None;
    }
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let candidate = if parse_quantity(&compact).is_ok() {
        compact
    } else {
        let number_end = compact
            .char_indices()
            .find(|(i, c)| !(c.is_ascii_digit() || *c == '.' || (*i == 0 && (*c == '-' || *c == '+'))))
            .map_or(compact.len(), |(i, _)| i);
        let (number, suffix) = compact.split_at(number_end);
        format!("{number}{}", fix_suffix(suffix)?)
    };
    parse_quantity(&candidate).is_ok().then_some(candidate)
}

fn fix_suffix(suffix: &str) -> Option<String> {
    let chars: Vec<char> = suffix.chars().collect();
    let binary = |p: char| {
        let upper = p.to_ascii_uppercase();
        "KMGTPE".contains(upper).then(|| format!("{upper}i"))
    };
    match chars.as_slice() {
        // SI: a decimal prefix and a capital B.
        ['k' | 'K', 'B'] => Some("k".to_owned()),
        [p @ ('M' | 'G' | 'T' | 'P' | 'E'), 'B'] => Some(p.to_string()),
        // Docker and JVM spellings: binary.
        [p, 'b' | 'B'] | [p, 'i' | 'I'] | [p, 'i' | 'I', 'b' | 'B'] => binary(*p),
        [p] if *p != 'e' => binary(*p),
        _ => None,
    }
}

/// A warning for a quantity of bytes that is almost certainly a mistake: `512m` is 0.512 bytes
/// (`m` is milli), and memory comes in whole bytes. Returns the message and, for `m`, the
/// binary spelling the author most likely meant (`512Mi`).
pub fn memory_hint(text: &str) -> Option<(String, Option<String>)> {
    let quantity = parse_quantity(text).ok()?;
    if quantity.is_integer() {
        return None;
    }
    let replacement = text.strip_suffix('m').map(|number| format!("{number}Mi"));
    let message = if replacement.is_some() {
        format!("`{text}` is {quantity} bytes: `m` means milli, not mega")
    } else {
        format!("`{text}` is {quantity} bytes, not a whole number of bytes")
    };
    Some((message, replacement.filter(|r| parse_quantity(r).is_ok())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nanos(text: &str) -> i128 {
        parse_quantity(text).unwrap_or_else(|e| panic!("{text}: {e}")).nanos()
    }

    #[test]
    fn valid_quantities_have_their_exact_values() {
        let cases: &[(&str, i128)] = &[
            ("0", 0),
            ("1", NANO),
            ("2", 2 * NANO),
            ("-2", -2 * NANO),
            ("+2", 2 * NANO),
            ("500m", NANO / 2),
            ("0.5", NANO / 2),
            (".5", NANO / 2),
            ("5.", 5 * NANO),
            ("1.5", 3 * NANO / 2),
            ("1n", 1),
            ("1u", 1_000),
            ("1k", 1_000 * NANO),
            ("1M", 1_000_000 * NANO),
            ("8G", 8_000_000_000 * NANO),
            ("1T", 1_000_000_000_000 * NANO),
            ("1P", 10i128.pow(15) * NANO),
            ("1E", 10i128.pow(18) * NANO),
            ("1Ki", 1024 * NANO),
            ("1Mi", 1024 * 1024 * NANO),
            ("8Gi", 8 * (1 << 30) * NANO),
            ("1.5Gi", 3 * (1 << 29) * NANO),
            ("1Ti", (1 << 40) * NANO),
            ("1Pi", (1 << 50) * NANO),
            ("1Ei", (1 << 60) * NANO),
            ("1e3", 1_000 * NANO),
            ("1E3", 1_000 * NANO),
            ("1e+3", 1_000 * NANO),
            ("1e-3", NANO / 1_000),
            ("12e-1", 12 * NANO / 10),
            ("007", 7 * NANO),
            ("0.000", 0),
            ("-0", 0),
        ];
        for (text, expected) in cases {
            assert_eq!(nanos(text), *expected, "{text}");
        }
    }

    #[test]
    fn tiny_amounts_round_up_to_one_nano_unit() {
        assert_eq!(nanos("0.1n"), 1);
        assert_eq!(nanos("1e-30"), 1);
        assert_eq!(nanos("-1e-30"), -1);
        assert_eq!(nanos("1.0000000001"), NANO + 1);
        assert_eq!(nanos("1.5n"), 2);
        // A fraction of a binary unit: 1e-10 * 1024 = 102.4 nano-units, rounded up.
        assert_eq!(nanos("0.0000000001Ki"), 103);
        assert_eq!(nanos("1e-999999999999"), 1);
    }

    #[test]
    fn huge_amounts_are_capped_as_the_api_server_caps_them() {
        assert_eq!(nanos("9223372036854775807"), MAX_NANOS);
        assert_eq!(nanos("9223372036854775808"), MAX_NANOS);
        assert_eq!(nanos("1e999999999999"), MAX_NANOS);
        assert_eq!(nanos("-100000000000Ei"), -MAX_NANOS);
        assert_eq!(nanos(&"9".repeat(10_000)), MAX_NANOS);
        // 8Ei is 2^63, one more than the cap.
        assert_eq!(nanos("8Ei"), MAX_NANOS);
        assert_eq!(nanos("7Ei"), 7 * (1i128 << 60) * NANO);
        assert_eq!(nanos(&format!("0.{}1", "0".repeat(5_000))), 1);
    }

    #[test]
    fn invalid_quantities_say_why() {
        let cases: &[(&str, QuantityError)] = &[
            ("", QuantityError::Empty),
            ("Gi", QuantityError::NoNumber),
            ("+", QuantityError::NoNumber),
            (".", QuantityError::NoNumber),
            ("-.Gi", QuantityError::NoNumber),
            ("2 Gi", QuantityError::Whitespace),
            (" 2Gi", QuantityError::Whitespace),
            ("8Gb", QuantityError::BadSuffix("Gb".into())),
            ("1ki", QuantityError::BadSuffix("ki".into())),
            ("1K", QuantityError::BadSuffix("K".into())),
            ("2e", QuantityError::BadSuffix("e".into())),
            ("2e+", QuantityError::BadSuffix("e+".into())),
            ("1e3e", QuantityError::BadSuffix("e3e".into())),
            ("1Ki3", QuantityError::BadSuffix("Ki3".into())),
            ("1..2", QuantityError::BadSuffix(".2".into())),
            ("1e99999999999999999999", QuantityError::BadSuffix("e99999999999999999999".into())),
            ("½", QuantityError::NoNumber),
            ("1µ", QuantityError::BadSuffix("µ".into())),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_quantity(text).as_ref(), Err(expected), "{text}");
        }
    }

    #[test]
    fn comparison_is_exact_across_suffixes() {
        let q = |t: &str| parse_quantity(t).unwrap();
        assert_eq!(q("1Gi").compare(q("1073741824")), Ordering::Equal);
        assert_eq!(q("1G").compare(q("1Gi")), Ordering::Less);
        assert_eq!(q("1024Mi").compare(q("1Gi")), Ordering::Equal);
        assert_eq!(q("1025Mi").compare(q("1Gi")), Ordering::Greater);
        assert_eq!(q("500m").compare(q("0.5")), Ordering::Equal);
        assert_eq!(q("1.0000000001").compare(q("1.000000001")), Ordering::Equal, "both round up to 1 + 1n");
        assert!(q("2") > q("1999m"));
        assert!(q("-1") < q("0"));
        assert_eq!(Quantity::from_int(3), q("3"));
        assert_eq!(Quantity::from_f64(0.25), Some(q("250m")));
        assert_eq!(Quantity::from_f64(1e-7), Some(q("100n")));
        assert_eq!(Quantity::from_f64(f64::NAN), None);
    }

    #[test]
    fn common_mistakes_get_a_suggestion() {
        let cases: &[(&str, Option<&str>)] = &[
            ("8Gb", Some("8Gi")),
            ("8gb", Some("8Gi")),
            ("8g", Some("8Gi")),
            ("8GiB", Some("8Gi")),
            ("8gi", Some("8Gi")),
            ("512mb", Some("512Mi")),
            ("512MB", Some("512M")),
            ("8GB", Some("8G")),
            ("1.5GB", Some("1.5G")),
            ("100KB", Some("100k")),
            ("100kB", Some("100k")),
            ("100K", Some("100Ki")),
            ("100kb", Some("100Ki")),
            ("2 Gi", Some("2Gi")),
            (" 500m ", Some("500m")),
            ("2 gb", Some("2Gi")),
            ("8Gi", None),
            ("512m", None),
            ("2e", None),
            ("lots", None),
            ("", None),
            ("GB", None),
        ];
        for (text, expected) in cases {
            assert_eq!(suggest_quantity(text).as_deref(), *expected, "{text}");
        }
    }

    #[test]
    fn display_is_the_plain_decimal_value() {
        let show = |t: &str| parse_quantity(t).unwrap().to_string();
        assert_eq!(show("512m"), "0.512");
        assert_eq!(show("8Gi"), "8589934592");
        assert_eq!(show("-1.5"), "-1.5");
        assert_eq!(show("1n"), "0.000000001");
        assert_eq!(show("0"), "0");
    }

    #[test]
    fn memory_in_milli_units_is_flagged() {
        let (message, fix) = memory_hint("512m").unwrap();
        assert_eq!(message, "`512m` is 0.512 bytes: `m` means milli, not mega");
        assert_eq!(fix.as_deref(), Some("512Mi"));
        let (_, fix) = memory_hint("0.5").unwrap();
        assert_eq!(fix, None);
        assert_eq!(memory_hint("512Mi"), None);
        assert_eq!(memory_hint("1000m"), None, "a whole byte");
        assert_eq!(memory_hint("8Gb"), None, "not a quantity at all");
    }
}
