//! Notes and reference entries, in and out: recognises the start of a note entry in a raw line
//! (`[12] …`, `- [75] …`, `① …`, `^① …`, `<sup>①</sup> …`, `^{*} …`, `[^3]: …`) and gives back its
//! label and the rest of the line; finds the dates printed in a note's clean text.
//!
//! Dates: `2025-06-20`, `2025-6-30`, `(2023-04)`, `2023年3月6日`, `2023 年 8 月 18 日`, `2023年8月`,
//! `2023年` (year only), `2023. 8. 9`, `2022.9.9`, `March 24, 2021`, `24 March 2021`,
//! `March 2021`, and years of citations (`当代世界, 2023(11): 45`, `Press, 1987.`). A date in a
//! URL path (`/2022/02/18/`, `/2016/08/`) counts only when the note prints no date of its own: it
//! then is the best evidence of when the source was published. Left out on purpose: GB/T 7714
//! access dates in square brackets right after a date
//! (`2023-08-18[2025-06-22]`), which say when the author read the page, not when it was written.

use std::sync::LazyLock;

use regex::Regex;

use super::markup::CIRCLED;
use crate::model::PartialDate;

/// The label of a note entry and the raw text after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryStart<'a> {
    pub label: String,
    pub rest: &'a str,
}

static ENTRY: LazyLock<Regex> = LazyLock::new(|| {
    let c = CIRCLED;
    Regex::new(&format!(
        concat!(
            r"^(?:[-+*]\s+)?(?:",
            r"<sup>\s*\\?\[?\s*(?P<l1>\d{{1,3}}|[{c}]|\\?\*)\s*\]?\s*</sup>",
            r"|\^\{{\s*(?P<l2>\\?\*|\d{{1,3}}|[{c}])\s*\}}",
            r"|\^\[(?P<l3>\d{{1,3}})\]",
            r"|\^(?P<l4>[{c}]|\*)",
            r"|\[\^(?P<l5>[^\]\s]{{1,8}})\]:",
            r"|\[(?P<l6>\d{{1,3}})\](?:\s|$)",
            r"|(?P<l7>[{c}])",
            r")\s*(?P<rest>.*)$"
        ),
        c = c
    ))
    .expect("the note entry pattern is valid")
});

/// Words and signs of a citation, used to tell a bare `① …` footnote from an enumeration.
static CITATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"《|“|\x22|http|第\s*\d+\s*[页期版]|[Pp]p?\.\s*\d|Vol\.|No\.|\d{4}|Ibid|参见|同上|出版社",
    )
    .expect("the citation pattern is valid")
});

/// The note label and text if `raw` (one trimmed line) starts a note entry.
pub fn entry_start(raw: &str) -> Option<EntryStart<'_>> {
    let caps = ENTRY.captures(raw)?;
    let rest = caps.name("rest").map_or("", |m| m.as_str());
    let label = ["l1", "l2", "l3", "l4", "l5", "l6"]
        .iter()
        .find_map(|g| caps.name(g))
        .map(|m| m.as_str().trim_start_matches('\\').to_string());
    if let Some(label) = label {
        if rest.trim().is_empty() {
            return None;
        }
        return Some(EntryStart { label, rest });
    }
    // A bare circled number opens a footnote only when a space follows it or the text reads as a
    // citation; `①加强合作；②……` in running text is an enumeration.
    let bare = caps.name("l7")?;
    let after = &raw[bare.end()..];
    let spaced = after.starts_with(char::is_whitespace);
    if rest.trim().is_empty() || !(spaced || CITATION.is_match(rest)) {
        return None;
    }
    Some(EntryStart {
        label: bare.as_str().to_string(),
        rest,
    })
}

/// A bare list item (`- 2020, 26(4): 380.`) without a label: inside a notes list it continues the
/// entry before it.
pub fn is_unlabelled_list_item(raw: &str) -> bool {
    (raw.starts_with("- ") || raw.starts_with("+ ")) && entry_start(raw).is_none()
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

fn month_number(name: &str) -> Option<u8> {
    let lower = name.to_ascii_lowercase();
    MONTHS
        .iter()
        .position(|m| lower.starts_with(m))
        .map(|i| i as u8 + 1)
}

static URL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:https?://|www\.)\S+").expect("the URL pattern is valid"));

static URL_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"/(?P<y>(?:19|20)\d\d)/(?P<m>\d{1,2})/(?:(?P<d>\d{1,2})/)?")
        .expect("the URL date pattern is valid")
});

static ACCESS_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\d|\))\s*\[\d{4}-\d{1,2}(?:-\d{1,2})?\]")
        .expect("the access date pattern is valid")
});

static DATE: LazyLock<Regex> = LazyLock::new(|| {
    const M: &str = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?";
    Regex::new(&format!(
        concat!(
            r"(?P<iy>(?:19|20)\d\d)-(?P<im>\d{{1,2}})(?:-(?P<id>\d{{1,2}}))?(?:[^\d-]|$)",
            r"|(?P<cy>(?:19|20)\d\d)\s*年\s*(?:(?P<cm>\d{{1,2}})\s*月\s*(?:(?P<cd>\d{{1,2}})\s*日)?)?",
            r"|(?P<dy>(?:19|20)\d\d)\.\s?(?P<dm>\d{{1,2}})\.\s?(?P<dd>\d{{1,2}})(?:\D|$)",
            r"|(?P<em>{m})\s+(?P<ed>\d{{1,2}}),?\s+(?P<ey>(?:19|20)\d\d)",
            r"|(?P<fd>\d{{1,2}})\s+(?P<fm>{m})\s+(?P<fy>(?:19|20)\d\d)",
            r"|(?P<gm>{m})\s+(?P<gy>(?:19|20)\d\d)",
            r"|\b(?P<by>(?:19|20)\d\d)\s*(?:\(|[,:;，。]|\.\s*(?:[^\d\s]|$)|$)",
        ),
        m = M
    ))
    .expect("the date pattern is valid")
});

/// The dates printed in a note, in order of appearance, without repeats.
pub fn dates_in(text: &str) -> Vec<PartialDate> {
    // Blank out URLs and access dates (same length, so nothing else moves).
    let mut masked = URL
        .replace_all(text, |c: &regex::Captures| " ".repeat(c[0].len()))
        .into_owned();
    masked = ACCESS_DATE
        .replace_all(&masked, |c: &regex::Captures| {
            // keep the leading digit or `)` that ends the publication date
            let whole = &c[0];
            let first = whole.chars().next().expect("the match is not empty");
            format!("{first}{}", " ".repeat(whole.len() - first.len_utf8()))
        })
        .into_owned();
    let mut dates: Vec<PartialDate> = Vec::new();
    for caps in DATE.captures_iter(&masked) {
        let num = |g: &str| caps.name(g).and_then(|m| m.as_str().parse::<i64>().ok());
        let date = if let Some(y) = num("iy") {
            make(y, num("im"), num("id"))
        } else if let Some(y) = num("cy") {
            make(y, num("cm"), num("cd"))
        } else if let Some(y) = num("dy") {
            make(y, num("dm"), num("dd"))
        } else if let Some(y) = num("ey") {
            make(
                y,
                caps.name("em")
                    .and_then(|m| month_number(m.as_str()))
                    .map(i64::from),
                num("ed"),
            )
        } else if let Some(y) = num("fy") {
            make(
                y,
                caps.name("fm")
                    .and_then(|m| month_number(m.as_str()))
                    .map(i64::from),
                num("fd"),
            )
        } else if let Some(y) = num("by") {
            make(y, None, None)
        } else if let Some(y) = num("gy") {
            make(
                y,
                caps.name("gm")
                    .and_then(|m| month_number(m.as_str()))
                    .map(i64::from),
                None,
            )
        } else {
            None
        };
        if let Some(d) = date
            && !dates.contains(&d)
        {
            dates.push(d);
        }
    }
    // A bare year or month that a fuller date of the same note already covers adds nothing.
    let covered = |d: &PartialDate| {
        dates.iter().any(|o| {
            o != d
                && o.year == d.year
                && (d.month.is_none() || o.month == d.month)
                && d.day.is_none()
        })
    };
    let keep: Vec<bool> = dates.iter().map(|d| !covered(d)).collect();
    let dates: Vec<PartialDate> = dates
        .into_iter()
        .zip(keep)
        .filter_map(|(d, k)| k.then_some(d))
        .collect();
    if !dates.is_empty() {
        return dates;
    }
    let mut from_urls = Vec::new();
    for caps in URL_DATE.captures_iter(text) {
        let num = |g: &str| caps.name(g).and_then(|m| m.as_str().parse::<i64>().ok());
        if let Some(y) = num("y")
            && let Some(d) = make(y, num("m"), num("d"))
            && !from_urls.contains(&d)
        {
            from_urls.push(d);
        }
    }
    from_urls
}

/// A checked date; `None` when the month or day cannot exist (page ranges such as `1950-1953`).
fn make(year: i64, month: Option<i64>, day: Option<i64>) -> Option<PartialDate> {
    let year = i32::try_from(year).ok()?;
    let text = match (month, day) {
        (Some(m), Some(d)) => format!("{year:04}-{m:02}-{d:02}"),
        (Some(m), None) => format!("{year:04}-{m:02}"),
        _ => format!("{year:04}"),
    };
    if month.is_some_and(|m| !(1..=12).contains(&m)) || day.is_some_and(|d| !(1..=31).contains(&d))
    {
        return None;
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> PartialDate {
        s.parse().unwrap()
    }

    #[test]
    fn entry_labels_in_every_form() {
        let cases = [
            ("[12] 高程. 美国对华战略", "12"),
            ("- [75] Reuters. Japan scraps", "75"),
            ("① Stephen M. Walt, The Origins", "①"),
            ("^① Antony J. Blinken, “Reaffirming”", "①"),
            ("<sup>②</sup> “The Geopolitical Therapist”", "②"),
            ("<sup>\\*</sup> 本文系中国人民大学科学研究基金", "*"),
            ("^{*} 本文系中国社会科学院重大创新项目", "*"),
            ("[^3]: A markdown footnote.", "3"),
        ];
        for (raw, label) in cases {
            let e = entry_start(raw).unwrap_or_else(|| panic!("{raw}"));
            assert_eq!(e.label, label, "{raw}");
            assert!(!e.rest.is_empty());
        }
    }

    #[test]
    fn enumerations_and_body_text_are_not_entries() {
        assert!(entry_start("①加强合作；②扩大交流").is_none());
        assert!(entry_start("[本文为2024年国家社会科学基金年度青年项目]").is_none());
        assert!(entry_start("第一，美日同盟").is_none());
        assert!(entry_start("- 2020, 26(4): 380.").is_none());
        assert!(is_unlabelled_list_item("- 2020, 26(4): 380."));
    }

    #[test]
    fn iso_and_chinese_dates() {
        assert_eq!(
            dates_in("2025-06-20[2025-06-28]. <https://www.reuters.com/2025-06-20/>."),
            vec![d("2025-06-20")]
        );
        assert_eq!(
            dates_in("韩联社，2023 年 2 月 14 日，<https://cn.yna.co.kr/x>。"),
            vec![d("2023-02-14")]
        );
        assert_eq!(dates_in("环球网，2019年3月25日"), vec![d("2019-03-25")]);
        assert_eq!(dates_in("载《国际政治科学》2022年第1期"), vec![d("2022")]);
        assert_eq!(dates_in("(2023-04)[2025-04-01]."), vec![d("2023-04")]);
        assert_eq!(
            dates_in("TIME, 2025-06-04[2025-6-30]."),
            vec![d("2025-06-04")]
        );
        assert_eq!(dates_in("1950-1953 年朝鲜战争"), vec![d("1953")]);
    }

    #[test]
    fn western_and_dotted_dates() {
        assert_eq!(
            dates_in("U.S. Department of State, March 24, 2021, <https://x>."),
            vec![d("2021-03-24")]
        );
        assert_eq!(dates_in("published 24 March 2021."), vec![d("2021-03-24")]);
        assert_eq!(dates_in("Nikkei Asia, November 2018."), vec![d("2018-11")]);
        assert_eq!(
            dates_in("The New York Times*, 1984. 9. 9."),
            vec![d("1984-09-09")]
        );
        assert_eq!(
            dates_in("UNCTAD, 2025.4.15, <https://u.org>"),
            vec![d("2025-04-15")]
        );
        assert_eq!(
            dates_in("Vol. 36, No. 4, 1984, pp. 461-495."),
            vec![d("1984")]
        );
        assert_eq!(
            dates_in("Vol. 43, No. 4, 2019, pp. 1067-1089."),
            vec![d("2019")]
        );
    }

    #[test]
    fn url_dates_only_when_nothing_is_printed() {
        assert_eq!(
            dates_in(
                "Kroenig, “Washington Must Prepare,” https://foreignpolicy.com/2022/02/18/us-russia/."
            ),
            vec![d("2022-02-18")]
        );
        assert_eq!(
            dates_in("“Therapist,” https://www.theatlantic.com/archive/2016/08/joe-biden/."),
            vec![d("2016-08")]
        );
        assert_eq!(
            dates_in("White House, August 18, 2023, https://x.gov/2023/08/17/a/."),
            vec![d("2023-08-18")]
        );
    }

    #[test]
    fn citation_years_and_covered_years() {
        assert_eq!(
            dates_in("高程. 美国对华战略竞争[J]. 当代世界, 2023(11): 45."),
            vec![d("2023")]
        );
        assert_eq!(dates_in("Cornell University Press, 1987."), vec![d("1987")]);
        assert_eq!(
            dates_in("第11~17页，2019年3月25日，2019."),
            vec![d("2019-03-25")]
        );
        assert_eq!(dates_in("项目编号：2023YZD025"), Vec::<PartialDate>::new());
    }
}
