//! Parse, don't validate: newtypes that can only hold acceptable values. Every write path
//! on the server builds these from the request; the browser uses the same parsers to show
//! errors before a round trip.

use crate::error::FieldErrorCode;

/// The text rule, one for every piece of text the API accepts (JSON strings and object keys,
/// query parameters, form fields, CSV cells): no control characters. They are invisible on
/// screen, break exports and printouts, and PostgreSQL refuses NUL outright. Tab, line feed
/// and carriage return are allowed only in fields that hold multi-line text
/// (`is_multi_line_field`). The server applies it once, where requests are read
/// (`server::http`), so no handler can forget it; the browser uses it to explain the refusal.
pub fn check_text(s: &str, multi_line: bool) -> Result<(), FieldErrorCode> {
    let allowed = |c: char| multi_line && matches!(c, '\t' | '\n' | '\r');
    if s.chars().any(|c| c.is_control() && !allowed(c)) {
        Err(FieldErrorCode::InvalidText)
    } else {
        Ok(())
    }
}

/// JSON fields (by name, wherever they appear in a request) that hold multi-line text: the
/// ones the app edits in a `<textarea>`. Every other text is one line.
pub const MULTI_LINE_FIELDS: &[&str] = &[
    "answer",
    "body",
    "consent_note",
    "contact_schedule",
    "description",
    "detail",
    "dishes",
    "end_reason",
    "facts",
    "groups_purpose_note",
    "hidden_reason",
    "interests",
    "minutes",
    "needs",
    "note",
    "notes",
    "observations",
    "outcome_note",
    "proof",
    "proposal",
    "purpose",
    "purpose_note",
    "reason",
    "statement",
    "strategy_note",
    "text",
];

pub fn is_multi_line_field(name: &str) -> bool {
    MULTI_LINE_FIELDS.contains(&name)
}

/// Whether a spreadsheet (Excel, WPS, LibreOffice) could take this exported cell for a
/// formula: it begins with `=`, `+`, `-`, `@` or their full-width forms `＝＋－＠` (Chinese
/// input methods type those), possibly after spaces or separators (`;=`, ` =`, `,+`), or
/// with a tab or carriage return.
pub fn needs_spreadsheet_guard(cell: &str) -> bool {
    const LEADS: [char; 8] = ['=', '+', '-', '@', '＝', '＋', '－', '＠'];
    const SKIPPED: [char; 7] = [' ', '\u{3000}', ';', ',', '；', '，', '\n'];
    cell.starts_with(['\t', '\r'])
        || cell
            .trim_start_matches(SKIPPED)
            .trim_start_matches(['\t', '\r'])
            .starts_with(LEADS)
}

/// A cell as every export writes it: guarded with a leading apostrophe when a spreadsheet
/// could run it as a formula (CSV injection). The one function for all exports.
pub fn spreadsheet_safe(cell: &str) -> String {
    if needs_spreadsheet_guard(cell) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// The inverse for imports, so an export read back keeps its values as they were.
pub fn spreadsheet_unguard(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_spreadsheet_guard(rest) => rest,
        _ => cell,
    }
}

fn trimmed_len_between(s: &str, min: usize, max: usize) -> Result<String, FieldErrorCode> {
    let t = s.trim();
    let n = t.chars().count();
    if n == 0 {
        Err(FieldErrorCode::Required)
    } else if n < min {
        Err(FieldErrorCode::TooShort)
    } else if n > max {
        Err(FieldErrorCode::TooLong)
    } else if t.chars().any(char::is_control) {
        Err(FieldErrorCode::InvalidFormat)
    } else {
        Ok(t.to_string())
    }
}

/// A login name: 3–32 lowercase letters, digits, `.`, `_` or `-`; stored lowercased.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Username(String);

impl Username {
    pub fn parse(s: &str) -> Result<Self, FieldErrorCode> {
        let t = trimmed_len_between(s, 3, 32)?.to_lowercase();
        if t.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
        {
            Ok(Username(t))
        } else {
            Err(FieldErrorCode::InvalidFormat)
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password: 10–128 characters (NIST SP 800-63B: length over composition rules).
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN: usize = 10;
    pub const MAX: usize = 128;
    pub fn parse(s: &str) -> Result<Self, FieldErrorCode> {
        let n = s.chars().count();
        if n == 0 {
            Err(FieldErrorCode::Required)
        } else if n < Self::MIN {
            Err(FieldErrorCode::TooShort)
        } else if n > Self::MAX {
            Err(FieldErrorCode::TooLong)
        } else {
            Ok(NewPassword(s.to_string()))
        }
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

/// A human-readable name (person, place): 1–64 characters, trimmed.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Name(String);

impl Name {
    pub fn parse(s: &str) -> Result<Self, FieldErrorCode> {
        trimmed_len_between(s, 1, 64).map(Name)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn into_string(self) -> String {
        self.0
    }
}

/// Required free text: trimmed, 1–`max` characters (a reason, a note on proof seen).
pub fn required_text(s: &str, max: usize) -> Result<String, FieldErrorCode> {
    trimmed_len_between(s, 1, max)
}

/// Optional free text such as an address line: up to `max` characters, empty becomes `None`.
pub fn optional_text(s: Option<&str>, max: usize) -> Result<Option<String>, FieldErrorCode> {
    match s.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) if t.chars().count() > max => Err(FieldErrorCode::TooLong),
        Some(t) => Ok(Some(t.to_string())),
    }
}

/// An administrative code such as `XF-G01`: 1–32 ASCII letters, digits or `-`, stored uppercase.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Code(String);

impl Code {
    pub fn parse(s: &str) -> Result<Self, FieldErrorCode> {
        let t = trimmed_len_between(s, 1, 32)?.to_ascii_uppercase();
        if t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            Ok(Code(t))
        } else {
            Err(FieldErrorCode::InvalidFormat)
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn into_string(self) -> String {
        self.0
    }
}

/// A resident identity card number (GB 11643-1999): 17 digits and a check character.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdCardNumber(String);

impl IdCardNumber {
    pub fn parse(s: &str) -> Result<Self, FieldErrorCode> {
        let t = s.trim().to_ascii_uppercase();
        if t.is_empty() {
            return Err(FieldErrorCode::Required);
        }
        let bytes = t.as_bytes();
        if bytes.len() != 18
            || !bytes[..17].iter().all(u8::is_ascii_digit)
            || !(bytes[17].is_ascii_digit() || bytes[17] == b'X')
        {
            return Err(FieldErrorCode::InvalidFormat);
        }
        let month = (bytes[10] - b'0') * 10 + (bytes[11] - b'0');
        let day = (bytes[12] - b'0') * 10 + (bytes[13] - b'0');
        if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
            return Err(FieldErrorCode::InvalidFormat);
        }
        if Self::check_char(&t[..17]) != bytes[17] as char {
            return Err(FieldErrorCode::InvalidChecksum);
        }
        Ok(IdCardNumber(t))
    }

    /// The ISO 7064 MOD 11-2 check character for the first 17 digits.
    pub fn check_char(first17: &str) -> char {
        const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
        let sum: u32 = first17
            .bytes()
            .zip(WEIGHTS)
            .map(|(b, w)| u32::from(b - b'0') * w)
            .sum();
        CHECK[(sum % 11) as usize]
    }

    pub fn birth_year(&self) -> u16 {
        self.0[6..10].parse().unwrap_or(0)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for IdCardNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IdCardNumber({})", mask_id_number(&self.0))
    }
}

/// A phone number: a mainland mobile (11 digits, 1[3-9]…) or a landline with area code
/// (`021-12345678`), since many elderly residents only have a landline.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Phone(String);

impl Phone {
    pub fn parse(s: &str) -> Result<Self, FieldErrorCode> {
        let t: String = s.trim().chars().filter(|c| *c != ' ').collect();
        if t.is_empty() {
            return Err(FieldErrorCode::Required);
        }
        let b = t.as_bytes();
        let mobile = b.len() == 11
            && b[0] == b'1'
            && (b'3'..=b'9').contains(&b[1])
            && b.iter().all(u8::is_ascii_digit);
        let landline = match t.split_once('-') {
            Some((area, local)) => {
                area.starts_with('0')
                    && (3..=4).contains(&area.len())
                    && (7..=8).contains(&local.len())
                    && area
                        .bytes()
                        .chain(local.bytes())
                        .all(|c| c.is_ascii_digit())
            }
            None => false,
        };
        if mobile || landline {
            Ok(Phone(t))
        } else {
            Err(FieldErrorCode::InvalidFormat)
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for IdCardNumber {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Phone {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Keep the first `head` and last `tail` characters, star the rest.
fn mask_middle(s: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= head + tail {
        return "*".repeat(chars.len());
    }
    let mut out: String = chars[..head].iter().collect();
    out.extend(std::iter::repeat_n('*', chars.len() - head - tail));
    out.extend(&chars[chars.len() - tail..]);
    out
}

/// `110105194912310021` → `110***********0021`: enough to tell two people apart, not to
/// learn where or when someone was born.
pub fn mask_id_number(s: &str) -> String {
    mask_middle(s, 3, 4)
}

/// `13812345678` → `138****5678`, the form people are used to.
pub fn mask_phone(s: &str) -> String {
    mask_middle(s, 3, 4)
}

/// `张秀兰` → `张*兰`, `李明` → `李*`: a person in a list others read (an export, a ranking)
/// recognisable to whoever knows them, not findable by whoever does not.
pub fn mask_name(s: &str) -> String {
    let chars: Vec<char> = s.trim().chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "*".to_string(),
        2 => format!("{}*", chars[0]),
        _ => mask_middle(s.trim(), 1, 1),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_are_masked_in_the_middle() {
        use super::mask_name;
        assert_eq!(mask_name("张秀兰"), "张*兰");
        assert_eq!(mask_name("欧阳娜娜"), "欧**娜");
        assert_eq!(mask_name("李明"), "李*");
        assert_eq!(mask_name("王"), "*");
        assert_eq!(mask_name(" "), "");
    }

    #[test]
    fn text_rule() {
        use super::check_text;
        assert!(check_text("普通文字 plain", false).is_ok());
        for bad in [
            "a\u{0}b",
            "esc\u{1b}",
            "del\u{7f}",
            "c1\u{85}",
            "tab\there",
            "new\nline",
            "cr\r",
        ] {
            assert!(check_text(bad, false).is_err(), "{bad:?}");
        }
        assert!(check_text("line one\r\nline two\tx", true).is_ok());
        assert!(check_text("still no \u{0}", true).is_err());
        assert!(super::is_multi_line_field("description"));
        assert!(!super::is_multi_line_field("title"));
    }

    #[test]
    fn spreadsheet_guard_covers_wide_and_separated_leads() {
        use super::{spreadsheet_safe, spreadsheet_unguard};
        for formula in [
            "=1+1",
            "+1",
            "-1",
            "@SUM(A1)",
            "＝1+1",
            "＋1",
            "－1",
            "＠SUM(A1)",
            ";=1+1",
            " =1",
            "，＝1",
            "\t=1",
            "\rx",
            "\tplain",
        ] {
            let safe = spreadsheet_safe(formula);
            assert_eq!(safe, format!("'{formula}"), "{formula:?}");
            assert_eq!(spreadsheet_unguard(&safe), formula);
        }
        for text in ["张三", "1=1", "a;b", "'quoted", ""] {
            assert_eq!(spreadsheet_safe(text), text);
            assert_eq!(spreadsheet_unguard(text), text);
        }
    }

    use super::*;

    #[test]
    fn id_card_checksum() {
        // Example number from GB 11643 with its published check digit.
        assert!(IdCardNumber::parse("11010519491231002X").is_ok());
        assert_eq!(
            IdCardNumber::parse("110105194912310021"),
            Err(FieldErrorCode::InvalidChecksum)
        );
        assert_eq!(
            IdCardNumber::parse("11010519491331002X"),
            Err(FieldErrorCode::InvalidFormat),
            "month 13"
        );
        assert_eq!(
            IdCardNumber::parse("1101051949"),
            Err(FieldErrorCode::InvalidFormat)
        );
        assert_eq!(IdCardNumber::parse("  "), Err(FieldErrorCode::Required));
        assert_eq!(
            IdCardNumber::parse(" 11010519491231002x ")
                .unwrap()
                .as_str(),
            "11010519491231002X"
        );
        assert_eq!(
            IdCardNumber::parse("11010519491231002X")
                .unwrap()
                .birth_year(),
            1949
        );
    }

    #[test]
    fn phones_mobile_and_landline() {
        assert!(Phone::parse("13812345678").is_ok());
        assert!(Phone::parse("138 1234 5678").is_ok());
        assert!(Phone::parse("021-62345678").is_ok());
        assert_eq!(
            Phone::parse("12812345678"),
            Err(FieldErrorCode::InvalidFormat)
        );
        assert_eq!(
            Phone::parse("1381234567"),
            Err(FieldErrorCode::InvalidFormat)
        );
        assert_eq!(
            Phone::parse("21-62345678"),
            Err(FieldErrorCode::InvalidFormat)
        );
    }

    #[test]
    fn masks_hide_the_middle() {
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_id_number("11010519491231002X"), "110***********002X");
        assert_eq!(mask_phone("123"), "***");
        let id = IdCardNumber::parse("11010519491231002X").unwrap();
        assert!(
            !format!("{id:?}").contains("19491231"),
            "debug output must not leak"
        );
    }

    #[test]
    fn usernames_codes_names() {
        assert_eq!(
            Username::parse(" GridWorker ").unwrap().as_str(),
            "gridworker"
        );
        assert_eq!(Username::parse("ab"), Err(FieldErrorCode::TooShort));
        assert_eq!(
            Username::parse("张三丰"),
            Err(FieldErrorCode::InvalidFormat)
        );
        assert_eq!(Code::parse("xf-g01").unwrap().as_str(), "XF-G01");
        assert_eq!(Code::parse("a b"), Err(FieldErrorCode::InvalidFormat));
        assert_eq!(Name::parse("  幸福社区 ").unwrap().as_str(), "幸福社区");
        assert_eq!(Name::parse(&"长".repeat(65)), Err(FieldErrorCode::TooLong));
        assert_eq!(Name::parse("a\u{7}"), Err(FieldErrorCode::InvalidFormat));
        assert_eq!(NewPassword::parse("short"), Err(FieldErrorCode::TooShort));
        assert!(NewPassword::parse("linju-demo").is_ok());
        assert_eq!(optional_text(Some("  "), 5), Ok(None));
        assert_eq!(
            optional_text(Some("123456"), 5),
            Err(FieldErrorCode::TooLong)
        );
    }
}
