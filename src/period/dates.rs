//! Dates written in a sentence: takes clean sentence text and gives back each date or date span
//! it states (`2023年8月`, `2023 年 8 月 18 日`, `2022年`, `2021~2024年`, `1990年代至2020年`,
//! `1990年代`, `80年代末`, `20 世纪 50 年代`, `21世纪初`, ISO `2025-06-20`, `2019年以来`) as a span
//! of days, so that the scheme can say which periods it falls in.

use std::ops::Range;
use std::sync::LazyLock;

use regex::{Captures, Regex};

use crate::model::PartialDate;

/// An inclusive span of days, counted from 1970-01-01.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct DaySpan {
    pub first: i64,
    pub last: i64,
}

impl DaySpan {
    /// Every day a partial date can mean: `2023` is the whole year.
    pub fn of(date: PartialDate) -> DaySpan {
        let (y, m, d) = date.first_day();
        let (y2, m2, d2) = date.last_day();
        DaySpan {
            first: days_from_civil(y, m, d),
            last: days_from_civil(y2, m2, d2),
        }
    }

    fn years(first: i32, last: i32) -> DaySpan {
        DaySpan {
            first: days_from_civil(first, 1, 1),
            last: days_from_civil(last, 12, 31),
        }
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
pub(crate) fn days_from_civil(year: i32, month: u8, day: u8) -> i64 {
    let (m, d) = (i64::from(month), i64::from(day));
    let y = i64::from(year) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A date stated in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct DateMention {
    /// Byte range of the date in the text.
    pub bytes: Range<usize>,
    pub span: DaySpan,
    /// `以来` / `至今` follows: the span runs on to the time of writing.
    pub until_now: bool,
}

const YEAR: &str = r"(?:1[89]|20)\d{2}";

static DATE: LazyLock<Regex> = LazyLock::new(|| {
    let y = YEAR;
    let pattern = format!(
        r"(?x)
        (?P<iso>(?P<iso_y>{y})-(?P<iso_m>\d{{2}})-(?P<iso_d>\d{{2}}))
      | (?P<yr>(?P<yr_a>{y})\s*(?:年\s*)?[~～\-–—]\s*(?P<yr_b>{y})\s*年(?P<yr_dec>代)?)
      | (?P<cen>(?P<cen_n>\d{{2}}|二十一|二十|上)\s*世纪\s*
            (?:(?P<cen_dec>[1-9]0|[一二三四五六七八九]十)\s*年代)?\s*
            (?P<cen_part>初期|初|中期|中叶|末期|末|后期)?)
      | (?P<dec>(?P<dec_y>(?:1[89]|20)\d0)\s*年代\s*(?P<dec_part>初期|初|中期|末期|末|后期)?)
      | (?P<ymd>(?P<ymd_y>{y})\s*年\s*(?P<ymd_m>\d{{1,2}})\s*月\s*(?P<ymd_d>\d{{1,2}})\s*[日号])
      | (?P<ym>(?P<ym_y>{y})\s*年\s*(?P<ym_m>\d{{1,2}})\s*月)
      | (?P<sdec>(?P<sdec_d>[1-9]0)\s*年代\s*(?P<sdec_part>初期|初|中期|末期|末|后期)?)
      | (?P<y>(?P<y_y>{y})\s*年)"
    );
    Regex::new(&pattern).expect("the date pattern is a valid regex")
});

/// A journal issue or page after a year: `2023年第6期`, `2025 年第 3 期`, `2019年第12卷`.
static ISSUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*第\s*\d+\s*[期卷号辑]").expect("the issue pattern is a valid regex")
});

/// A range connector between two dates: `1990年代至2020年`, `2019年到2021年`.
static CONNECTOR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:至|到|~|～|-|–|—|—)\s*$").expect("valid regex"));

static UNTIL_NOW: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:以来|至今)").expect("valid regex"));

/// Every date stated in `text`, in order. Publication data (`2023年第6期`) is skipped, and so is
/// the access date of a web reference (`2023-08-19[2025-06-05]`: the bracketed date right after
/// another date says when the source was read, not what it speaks of).
pub(crate) fn find_dates(text: &str) -> Vec<DateMention> {
    let mut found: Vec<DateMention> = Vec::new();
    // Every form of `DATE` holds an ASCII digit 1-9 (a year, a decade) or 世纪: most sentences
    // hold neither and need no search.
    if !text.bytes().any(|b| matches!(b, b'1'..=b'9')) && !text.contains("世纪") {
        return found;
    }
    for caps in DATE.captures_iter(text) {
        let whole = caps.get(0).expect("group 0 always matches");
        // A digit just before means we are inside a longer number (`12023年`).
        if text[..whole.start()]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_digit())
        {
            continue;
        }
        let rest = &text[whole.end()..];
        if caps.name("y").is_some() && ISSUE.is_match(rest) {
            continue;
        }
        if text[..whole.start()].ends_with('[')
            && rest.starts_with(']')
            && found
                .last()
                .is_some_and(|prev| prev.bytes.end + 1 == whole.start())
        {
            continue;
        }
        let until_now = UNTIL_NOW.is_match(rest);
        let span = match span_of(&caps) {
            Some(span) => span,
            // `21世纪以来`: the century so far.
            None if until_now && caps.name("cen").is_some() => {
                let Some(century) = caps.name("cen_n").and_then(|n| match n.as_str() {
                    "二十一" => Some(21),
                    n => n.parse::<i32>().ok(),
                }) else {
                    continue;
                };
                let start = (century - 1) * 100 + 1;
                DaySpan::years(start, start + 98)
            }
            None => continue,
        };
        let mention = DateMention {
            bytes: whole.range(),
            span,
            until_now,
        };
        // Join `A 至 B` into one span.
        if let Some(prev) = found.last_mut()
            && CONNECTOR.is_match(&text[prev.bytes.end..mention.bytes.start])
            && mention.span.last >= prev.span.first
        {
            prev.bytes.end = mention.bytes.end;
            prev.span.last = mention.span.last;
            prev.until_now = mention.until_now;
            continue;
        }
        found.push(mention);
    }
    found
}

fn num(caps: &Captures<'_>, name: &str) -> Option<i32> {
    caps.name(name)?.as_str().parse().ok()
}

fn ymd_span(year: i32, month: Option<i32>, day: Option<i32>) -> Option<DaySpan> {
    let text = match (month, day) {
        (Some(m), Some(d)) => format!("{year:04}-{m:02}-{d:02}"),
        (Some(m), None) => format!("{year:04}-{m:02}"),
        _ => format!("{year:04}"),
    };
    text.parse::<PartialDate>().ok().map(DaySpan::of)
}

/// Years of a decade, narrowed by 初/中期/末.
fn decade(start: i32, part: Option<&str>) -> DaySpan {
    match part {
        Some("初" | "初期") => DaySpan::years(start, start + 3),
        Some("中期") => DaySpan::years(start + 3, start + 6),
        Some("末" | "末期" | "后期") => DaySpan::years(start + 7, start + 9),
        _ => DaySpan::years(start, start + 9),
    }
}

fn chinese_tens(text: &str) -> Option<i32> {
    let digit = |c: char| "一二三四五六七八九".chars().position(|d| d == c);
    let mut chars = text.chars();
    match (chars.next(), chars.next(), chars.next()) {
        (Some(d), Some('十'), None) => digit(d).map(|i| (i as i32 + 1) * 10),
        _ => text.parse().ok(),
    }
}

fn span_of(caps: &Captures<'_>) -> Option<DaySpan> {
    if caps.name("iso").is_some() {
        return ymd_span(
            num(caps, "iso_y")?,
            Some(num(caps, "iso_m")?),
            Some(num(caps, "iso_d")?),
        );
    }
    if caps.name("yr").is_some() {
        let (a, b) = (num(caps, "yr_a")?, num(caps, "yr_b")?);
        let b_last = if caps.name("yr_dec").is_some() {
            b + 9
        } else {
            b
        };
        return (b >= a).then(|| DaySpan::years(a, b_last));
    }
    if caps.name("cen").is_some() {
        let century = match caps.name("cen_n")?.as_str() {
            "上" | "二十" => 20,
            "二十一" => 21,
            n => n.parse().ok()?,
        };
        let start = (century - 1) * 100;
        let part = caps.name("cen_part").map(|m| m.as_str());
        if let Some(dec) = caps.name("cen_dec") {
            return Some(decade(start + chinese_tens(dec.as_str())?, part));
        }
        return match part {
            Some("初" | "初期") => Some(DaySpan::years(start, start + 9)),
            Some("中期" | "中叶") => Some(DaySpan::years(start + 40, start + 60)),
            Some("末" | "末期" | "后期") => Some(DaySpan::years(start + 90, start + 99)),
            // A whole century is evidence only when it is over: `20世纪`, not `21世纪`.
            _ => (century <= 20).then(|| DaySpan::years(start, start + 99)),
        };
    }
    if caps.name("dec").is_some() {
        return Some(decade(
            num(caps, "dec_y")?,
            caps.name("dec_part").map(|m| m.as_str()),
        ));
    }
    if caps.name("ymd").is_some() {
        return ymd_span(
            num(caps, "ymd_y")?,
            Some(num(caps, "ymd_m")?),
            Some(num(caps, "ymd_d")?),
        );
    }
    if caps.name("ym").is_some() {
        return ymd_span(num(caps, "ym_y")?, Some(num(caps, "ym_m")?), None);
    }
    if caps.name("sdec").is_some() {
        return Some(decade(
            1900 + num(caps, "sdec_d")?,
            caps.name("sdec_part").map(|m| m.as_str()),
        ));
    }
    ymd_span(num(caps, "y_y")?, None, None)
}
