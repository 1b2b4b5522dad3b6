//! The agreement (调解协议书) as a PDF, written by hand: a few hundred lines instead of a PDF
//! library, because what we need is narrow and CJK is where general libraries are heavy (they
//! embed a font of several megabytes per document).
//!
//! The text is set in STSong-Light, one of the standard Chinese fonts every PDF reader supplies
//! (Adobe Reader, PDFium in Chrome, pdf.js in Firefox, Preview, poppler with poppler-data), with
//! the predefined CMap UniGB-UCS2-H: a character's code is its UCS-2 value, so no font is
//! embedded and the file stays a few kilobytes. A /ToUnicode CMap (the identity) lets readers
//! copy and search the text. Layout follows the official-document page (GB/T 9704): A4, a
//! 156 × 225 mm text block, 16 pt (三号) text, 26 lines a page, a 22 pt (二号) title; Chinese
//! characters are a full em wide, ASCII half; lines break anywhere but do not start with
//! closing punctuation; pages are numbered 第 n 页 共 m 页.

use crate::error::{AppError, AppResult};
use shared::calendar::SHANGHAI;
use shared::error::ErrorCode;
use shared::mediation::{AgreementDocument, ConfirmMethod, FileView};
use std::fmt::Write;

const MM: f64 = 72.0 / 25.4;
const PAGE_W: f64 = 210.0 * MM;
const PAGE_H: f64 = 297.0 * MM;
const LEFT: f64 = 28.0 * MM;
const TOP: f64 = 37.0 * MM;
const TEXT_W: f64 = 156.0 * MM;
const TEXT_H: f64 = 225.0 * MM;
const BODY: f64 = 16.0;
/// 26 lines a page (1.5 line spacing): an agreement of ordinary length fits one page.
const LINE: f64 = TEXT_H / 26.0;

/// How a block of text is set.
#[derive(Clone, Copy, PartialEq)]
enum Style {
    Title,
    /// Flush right (the file number).
    Right,
    /// A section heading in bold-ish black (the standard font has no bold: set plain).
    Heading,
    /// A paragraph with a two-character first-line indent.
    Para,
    /// A line with a hanging indent (numbered terms, signature lines).
    Plain,
    /// An empty line.
    Gap,
}

/// The advance widths (thousandths of an em) of STSong-Light's proportional Latin glyphs,
/// CIDs 1–95, which UniGB-UCS2-H gives to ASCII " " to "~": a hyphen 375, a colon 238, the
/// digits 462. Declared as they are (in `/W` and in the layout): a flat half em left a gap
/// after every narrow glyph ("调2026- 00001", "23: 00").
const LATIN_WIDTHS: [u16; 95] = [
    207, 270, 342, 467, 462, 797, 710, 239, 374, 374, 423, 605, 238, 375, 238,
    334, // ' '–'/'
    462, 462, 462, 462, 462, 462, 462, 462, 462, 462, // '0'–'9'
    238, 238, 605, 605, 605, 344, 748, // ':'–'@'
    684, 560, 695, 739, 563, 511, 729, 793, 318, 312, 666, 526, 896, 758, 772, 544, 772, 628, 465,
    607, 753, 711, 972, 647, 620, 607, // 'A'–'Z'
    374, 333, 374, 606, 500, 239, // '['–'`'
    417, 503, 427, 529, 415, 264, 444, 518, 241, 230, 495, 228, 793, 527, 524, 524, 504, 338, 336,
    277, 517, 450, 652, 466, 452, 407, // 'a'–'z'
    370, 258, 370, 605, // '{'–'~'
];

/// Width of a character in ems: ASCII by the font's proportional widths, everything else full.
fn em(c: char) -> f64 {
    match c {
        ' '..='~' => f64::from(LATIN_WIDTHS[c as usize - 0x20]) / 1000.0,
        _ => 1.0,
    }
}

/// Characters that must not begin a line (they hang at the end of the previous one).
fn no_break_before(c: char) -> bool {
    "，。、；：！？）》」』”’,.;:!?)]".contains(c)
}

/// Break `text` into lines at most `width` ems wide (the first `first_indent` ems narrower).
fn wrap(text: &str, width: f64, first_indent: f64) -> Vec<String> {
    // Letters, digits and the marks inside numbers and dates: a word not to be broken.
    let wordy = |c: char| c.is_ascii_alphanumeric() || "-./:_@".contains(c);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = first_indent;
    for c in text.chars() {
        let w = em(c);
        if used + w > width + 1e-6 && !line.is_empty() && !no_break_before(c) {
            // A word of ASCII moves down whole, unless it fills the line by itself.
            let tail = if wordy(c) {
                line.char_indices()
                    .rev()
                    .take_while(|(_, x)| wordy(*x))
                    .last()
                    .map(|(i, _)| i)
                    .filter(|i| *i > 0)
            } else {
                None
            };
            let carried = tail.map(|i| line.split_off(i)).unwrap_or_default();
            lines.push(std::mem::take(&mut line));
            used = width_of(&carried);
            line = carried;
        }
        line.push(c);
        used += w;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Can the standard font's UCS-2 encoding carry this character? Not those outside the BMP
/// (e.g. the rare characters of some personal names, U+20000 and up).
fn settable(c: char) -> bool {
    let v = c as u32;
    v <= 0xFFFF && !(0xD800..=0xDFFF).contains(&v)
}

/// A character as the UniGB-UCS2-H code: its UCS-2 value. Outside the BMP: a question mark
/// (never reached for user text: `agreement` refuses it first).
fn ucs2(c: char) -> u16 {
    let v = c as u32;
    if v <= 0xFFFF && !(0xD800..=0xDFFF).contains(&v) {
        v as u16
    } else {
        b'?' as u16
    }
}

fn hex_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 4 + 2);
    out.push('<');
    for c in s.chars() {
        let _ = write!(out, "{:04X}", ucs2(c));
    }
    out.push('>');
    out
}

fn width_of(s: &str) -> f64 {
    s.chars().map(em).sum()
}

/// A document being laid out: pages of content-stream text.
struct Doc {
    pages: Vec<String>,
    /// Some text had characters the font's encoding cannot carry.
    unsettable: bool,
    /// Baseline of the next line on the current page, from the top of the text block.
    y: f64,
}

impl Doc {
    fn new() -> Doc {
        Doc {
            pages: vec![String::new()],
            unsettable: false,
            y: 0.0,
        }
    }

    fn need(&mut self, h: f64) {
        if self.y + h > TEXT_H + 1e-6 {
            self.pages.push(String::new());
            self.y = 0.0;
        }
    }

    /// Start a new page unless `lines` more body lines fit on this one (keeps a block together).
    fn keep(&mut self, lines: usize) {
        self.need(LINE * lines as f64);
    }

    fn text_at(&mut self, x: f64, size: f64, s: &str) {
        let baseline = PAGE_H - TOP - self.y + size * 0.12;
        let page = self.pages.last_mut().expect("a page");
        let _ = writeln!(
            page,
            "BT 0 g /F1 {size} Tf 1 0 0 1 {x:.2} {baseline:.2} Tm {} Tj ET",
            hex_text(s)
        );
    }

    fn block(&mut self, style: Style, text: &str) {
        self.unsettable |= !text.chars().all(settable);
        let (size, line_h) = match style {
            Style::Title => (22.0, LINE * 2.0),
            _ => (BODY, LINE),
        };
        if style == Style::Gap {
            self.need(LINE);
            self.y += LINE;
            return;
        }
        let width = TEXT_W / size;
        for para in text.split('\n') {
            let indent = match style {
                Style::Para => 2.0,
                _ => 0.0,
            };
            let hang = match style {
                // Continuation lines of a numbered term line up after the number.
                Style::Plain => para
                    .find(['．', '、'])
                    .map(|i| width_of(&para[..i]) + 1.0)
                    .filter(|h| *h < 4.0)
                    .unwrap_or(0.0),
                _ => 0.0,
            };
            let first = wrap(para, width, indent);
            // Re-wrap the continuation with the hang taken off the width.
            let mut lines = Vec::new();
            if hang > 0.0 && first.len() > 1 {
                let head = first[0].clone();
                let rest: String = para.chars().skip(head.chars().count()).collect();
                lines.push((head, indent));
                for l in wrap(&rest, width - hang, 0.0) {
                    lines.push((l, hang));
                }
            } else {
                for (i, l) in first.into_iter().enumerate() {
                    lines.push((l, if i == 0 { indent } else { 0.0 }));
                }
            }
            for (l, ind) in lines {
                self.need(line_h);
                self.y += line_h;
                let w = width_of(&l) * size;
                let x = match style {
                    Style::Title => LEFT + (TEXT_W - w).max(0.0) / 2.0,
                    Style::Right => LEFT + (TEXT_W - w).max(0.0),
                    _ => LEFT + ind * size,
                };
                self.text_at(x, size, &l);
            }
        }
    }

    /// The finished file: catalogue, pages, the font, and the cross-reference table.
    fn finish(mut self, title: &str) -> Vec<u8> {
        let total = self.pages.len();
        for (i, page) in self.pages.iter_mut().enumerate() {
            let foot = format!("第 {} 页　共 {} 页", i + 1, total);
            let w = width_of(&foot) * 10.5;
            let _ = writeln!(
                page,
                "BT 0 g /F1 10.5 Tf 1 0 0 1 {:.2} {:.2} Tm {} Tj ET",
                (PAGE_W - w) / 2.0,
                PAGE_H - TOP - TEXT_H - 14.0 * MM,
                hex_text(&foot)
            );
        }
        // Objects: 1 catalogue, 2 page tree, 3 font, 4 CID font, 5 descriptor, 6 ToUnicode,
        // 7 info, then a page and its content per page.
        const FIRST_PAGE: usize = 8;
        let mut objs: Vec<Vec<u8>> = Vec::new();
        let kids: Vec<String> = (0..total)
            .map(|i| format!("{} 0 R", FIRST_PAGE + 2 * i))
            .collect();
        objs.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
        objs.push(
            format!(
                "<< /Type /Pages /Kids [{}] /Count {total} >>",
                kids.join(" ")
            )
            .into_bytes(),
        );
        objs.push(
            b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [4 0 R] /ToUnicode 6 0 R >>"
                .to_vec(),
        );
        objs.push(
            format!(
                "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /FontDescriptor 5 0 R /DW 1000 /W [1 [{}]] >>",
                LATIN_WIDTHS.map(|w| w.to_string()).join(" ")
            )
            .into_bytes(),
        );
        objs.push(
            b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>"
                .to_vec(),
        );
        objs.push(stream(&to_unicode()));
        objs.push(format!("<< /Title {} /Producer (Linju) >>", utf16_text(title)).into_bytes());
        for (i, page) in self.pages.iter().enumerate() {
            objs.push(
                format!(
                    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_W:.2} {PAGE_H:.2}] /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
                    FIRST_PAGE + 1 + 2 * i
                )
                .into_bytes(),
            );
            objs.push(stream(page));
        }
        let mut out: Vec<u8> = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
        let mut offsets = Vec::new();
        for (i, o) in objs.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
            out.extend_from_slice(o);
            out.extend_from_slice(b"\nendobj\n");
        }
        let xref = out.len();
        let mut x = format!("xref\n0 {}\n0000000000 65535 f \n", objs.len() + 1);
        for o in offsets {
            let _ = writeln!(x, "{o:010} 00000 n ");
        }
        let _ = write!(
            x,
            "trailer\n<< /Size {} /Root 1 0 R /Info 7 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objs.len() + 1
        );
        out.extend_from_slice(x.as_bytes());
        out
    }
}

fn stream(data: &str) -> Vec<u8> {
    let mut o = format!("<< /Length {} >>\nstream\n", data.len()).into_bytes();
    o.extend_from_slice(data.as_bytes());
    o.extend_from_slice(b"\nendstream");
    o
}

/// A text string in UTF-16BE with its byte-order mark (for the document information).
fn utf16_text(s: &str) -> String {
    let mut out = String::from("<FEFF");
    for u in s.encode_utf16() {
        let _ = write!(out, "{u:04X}");
    }
    out.push('>');
    out
}

/// The identity from UCS-2 codes to Unicode, as ranges that differ only in the last byte.
fn to_unicode() -> String {
    let mut ranges = Vec::new();
    for hi in 0u32..=0xFF {
        if (0xD8..=0xDF).contains(&hi) {
            continue;
        }
        ranges.push(format!("<{hi:02X}00> <{hi:02X}FF> <{hi:02X}00>", hi = hi));
    }
    let mut s = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n/CMapName /Linju-UCS2-Identity def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    for chunk in ranges.chunks(100) {
        let _ = writeln!(s, "{} beginbfrange", chunk.len());
        for r in chunk {
            s.push_str(r);
            s.push('\n');
        }
        s.push_str("endbfrange\n");
    }
    s.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend");
    s
}

fn zh_date(d: time::Date) -> String {
    format!("{}年{}月{}日", d.year(), u8::from(d.month()), d.day())
}

fn side(p: &shared::mediation::PartyView) -> &'static str {
    p.side.text().zh
}

/// 人民调解协议书, the same content as the printable page (`print::agreement`): the parties,
/// facts and responsibility, the terms with their deadlines, the manner of performance, the
/// reminder of judicial confirmation (Art. 33), and the signature lines.
///
/// A name or term the standard font cannot carry is refused (422) rather than printed wrong
/// on a legal document: the printable web page shows every character.
pub fn agreement(v: &FileView, doc: &AgreementDocument) -> AppResult<Option<Vec<u8>>> {
    let Some(a) = v.agreement.as_ref() else {
        return Ok(None);
    };
    let mut d = Doc::new();
    d.block(Style::Title, "人民调解协议书");
    d.block(
        Style::Right,
        &format!("{}　编号：{}", doc.committee, v.summary.number),
    );
    for p in &v.parties {
        d.block(Style::Para, &super::print::party_line(p, doc).join("，"));
    }
    d.block(Style::Heading, "纠纷主要事实、争议事项及各方当事人的责任：");
    d.block(Style::Para, &a.facts);
    d.block(Style::Heading, "经调解，自愿达成如下协议：");
    for (i, t) in a.terms.iter().enumerate() {
        d.block(
            Style::Plain,
            &format!("{}．{}（履行期限：{}）", i + 1, t.text, zh_date(t.due)),
        );
    }
    d.block(
        Style::Para,
        "履行方式、时限：按上列各条约定履行。本协议经各方当事人签名（盖章或按指印）、人民调解员签名并加盖人民调解委员会印章之日起生效。本协议一式三份，双方当事人、人民调解委员会各执一份。",
    );
    if a.oral {
        d.block(Style::Para, "本协议为口头协议，由人民调解员记录在案。");
    }
    d.block(
        Style::Para,
        "经人民调解委员会调解达成调解协议后，双方当事人认为有必要的，可以自调解协议生效之日起三十日内共同向人民法院申请司法确认。",
    );
    d.block(Style::Gap, "");
    // The signatures stay together, on the page after the text if need be.
    d.keep(v.parties.len() + 2);
    for p in &v.parties {
        let mark = match p.confirmed_by {
            Some(ConfirmMethod::Signature) => "（已签名）",
            Some(ConfirmMethod::Thumbprint) => "（已按手印）",
            Some(ConfirmMethod::Oral) => "（口头确认）",
            None => "",
        };
        let who = if p.confirmed_at.is_some() {
            p.name.clone()
        } else {
            "＿＿＿＿＿＿".into()
        };
        let when = p
            .confirmed_at
            .map(|t| zh_date(t.to_offset(SHANGHAI).date()))
            .unwrap_or_else(|| "　　　　年　　月　　日".into());
        d.block(
            Style::Plain,
            &format!("{}（签名）：{who}{mark}　{when}", side(p)),
        );
    }
    d.block(
        Style::Plain,
        &format!(
            "人民调解员（签名）：{}",
            v.summary.mediator_names.join("、")
        ),
    );
    d.block(Style::Plain, &format!("{}（印章）", doc.committee));
    if d.unsettable {
        return Err(AppError::Code(ErrorCode::PdfUnsupportedText));
    }
    Ok(Some(
        d.finish(&format!("人民调解协议书 {}", v.summary.number)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn characters_the_font_cannot_carry_are_noticed() {
        let mut d = Doc::new();
        d.block(Style::Plain, "申请人：王吉");
        assert!(!d.unsettable, "common characters are fine");
        d.block(Style::Plain, "被申请人：𠮷田");
        assert!(
            d.unsettable,
            "a character beyond the BMP is not printed as '?'"
        );
    }

    #[test]
    fn wraps_by_width_and_keeps_punctuation_on_the_line() {
        assert_eq!(wrap("一二三四", 2.0, 0.0), vec!["一二", "三四"]);
        // ASCII is half width: four letters fit where two characters do.
        assert_eq!(wrap("abcd一", 2.0, 0.0), vec!["abcd", "一"]);
        // A comma does not start a line: it hangs.
        assert_eq!(wrap("一二，三", 2.0, 0.0), vec!["一二，", "三"]);
        // The first-line indent takes its room.
        assert_eq!(wrap("一二三", 3.0, 2.0), vec!["一", "二三"]);
        assert_eq!(wrap("", 3.0, 0.0), vec![""]);
        // Dates and numbers move down whole.
        assert_eq!(wrap("期限2026-12", 5.0, 0.0), vec!["期限", "2026-12"]);
        // A word longer than the line is broken after all.
        assert_eq!(wrap("abcdefgh", 2.0, 0.0), vec!["abcd", "efgh"]);
    }

    #[test]
    fn ascii_advances_by_the_fonts_own_widths() {
        assert_eq!(em('-'), 0.375);
        assert_eq!(em(':'), 0.238);
        assert_eq!(em('0'), 0.462);
        assert_eq!(em('王'), 1.0);
        assert_eq!(LATIN_WIDTHS.len(), '~' as usize - ' ' as usize + 1);
    }

    #[test]
    fn text_is_ucs2_hex() {
        assert_eq!(hex_text("王a"), "<738B0061>");
        assert_eq!(hex_text("😀"), "<003F>", "outside the BMP");
    }

    #[test]
    fn long_text_runs_onto_more_pages_and_the_xref_points_at_objects() {
        let mut d = Doc::new();
        for _ in 0..70 {
            d.block(Style::Para, "调解");
        }
        assert_eq!(d.pages.len(), 3, "26 lines a page");
        let pdf = d.finish("t");
        let find = |needle: &[u8]| pdf.windows(needle.len()).rposition(|w| w == needle);
        let at = find(b"startxref\n").unwrap() + 10;
        let start: usize = std::str::from_utf8(&pdf[at..])
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(pdf[start..].starts_with(b"xref"));
        // Every object offset lands on "n 0 obj".
        let table = std::str::from_utf8(&pdf[start..]).unwrap();
        for (i, line) in table.lines().skip(3).take(7).enumerate() {
            let off: usize = line[..10].parse().unwrap();
            assert!(
                pdf[off..].starts_with(format!("{} 0 obj", i + 1).as_bytes()),
                "object {}",
                i + 1
            );
        }
        assert!(find(hex_text("第 3 页").trim_matches(['<', '>']).as_bytes()).is_some());
    }
}
