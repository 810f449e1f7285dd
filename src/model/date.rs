//! Calendar dates without time of day.
//!
//! A [`Date`] is a day number counted from 1970-01-01 in the proleptic Gregorian
//! calendar. Keeping one integer makes comparison, ordering and day arithmetic
//! trivial and keeps the storage encoding small; the year/month/day view is
//! computed on demand with the classic "days from civil" algorithm.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A calendar date (no time of day, no time zone).
///
/// ```
/// use attest::model::Date;
/// let d = Date::parse("2016-06-16").unwrap();
/// assert_eq!(d.to_string(), "2016-06-16");
/// assert_eq!(d.weekday_name(), "Thursday");
/// assert!(d < Date::from_ymd(2016, 6, 18).unwrap());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Date {
    days: i32,
}

impl Date {
    /// The date `days` days after 1970-01-01 (negative: before).
    pub fn from_days(days: i32) -> Date {
        Date { days }
    }

    /// Days since 1970-01-01.
    pub fn days(self) -> i32 {
        self.days
    }

    /// Builds a date from its parts; `None` when the day does not exist.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        if !(-9999..=9999).contains(&year) {
            return None;
        }
        Some(Date {
            days: days_from_civil(year, month, day),
        })
    }

    /// Parses `YYYY-MM-DD` (ISO 8601 calendar date, year 0000..9999).
    pub fn parse(text: &str) -> Option<Date> {
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        let digits = |range: std::ops::Range<usize>| -> Option<u32> {
            let part = &text[range];
            if part.bytes().all(|b| b.is_ascii_digit()) {
                part.parse().ok()
            } else {
                None
            }
        };
        let year = digits(0..4)? as i32;
        Date::from_ymd(year, digits(5..7)?, digits(8..10)?)
    }

    /// The (year, month, day) of this date.
    pub fn ymd(self) -> (i32, u32, u32) {
        civil_from_days(self.days)
    }

    /// Day of the week, Monday = 1 … Sunday = 7 (ISO 8601).
    pub fn weekday(self) -> u32 {
        // 1970-01-01 was a Thursday (4).
        ((self.days as i64 + 3).rem_euclid(7) + 1) as u32
    }

    /// English name of the day of the week, as news text writes it.
    pub fn weekday_name(self) -> &'static str {
        const NAMES: [&str; 7] = [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        ];
        NAMES[(self.weekday() - 1) as usize]
    }

    /// The date `n` days later (earlier when negative); `None` on overflow.
    pub fn add_days(self, n: i64) -> Option<Date> {
        let days = i32::try_from(self.days as i64 + n).ok()?;
        let date = Date { days };
        let (year, _, _) = date.ymd();
        (-9999..=9999).contains(&year).then_some(date)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        if y < 0 {
            write!(f, "-{:04}-{:02}-{:02}", -y, m, d)
        } else {
            write!(f, "{y:04}-{m:02}-{d:02}")
        }
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

// Howard Hinnant's days_from_civil: exact for the whole proleptic Gregorian range.
fn days_from_civil(year: i32, month: u32, day: u32) -> i32 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400) as u32;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe as i32 - 719_468
}

// Computed in i64 so that any i32 day number converts without overflow.
fn civil_from_days(days: i32) -> (i32, u32, u32) {
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + if month <= 2 { 1 } else { 0 };
    (year as i32, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_day_of_four_centuries() {
        let start = Date::from_ymd(1800, 1, 1).unwrap().days();
        for days in start..start + 146_097 {
            let (y, m, d) = Date::from_days(days).ymd();
            assert_eq!(Date::from_ymd(y, m, d).unwrap().days(), days);
        }
    }

    #[test]
    fn parses_and_rejects() {
        assert_eq!(Date::parse("1970-01-01").unwrap().days(), 0);
        assert_eq!(Date::parse("2016-02-29").unwrap().to_string(), "2016-02-29");
        for bad in [
            "2015-02-29",
            "2016-13-01",
            "2016-6-1",
            "20160616",
            "abcd-ef-gh",
            "",
        ] {
            assert!(Date::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn extreme_day_numbers_do_not_overflow() {
        for days in [i32::MIN, i32::MAX, -1, 0] {
            let _ = Date::from_days(days).to_string();
            assert!(Date::from_days(days).weekday() <= 7);
        }
    }

    #[test]
    fn weekdays_match_the_calendar() {
        assert_eq!(Date::parse("2016-06-18").unwrap().weekday_name(), "Saturday");
        assert_eq!(Date::parse("1970-01-01").unwrap().weekday(), 4);
        assert_eq!(Date::parse("1969-12-29").unwrap().weekday(), 1);
    }
}
