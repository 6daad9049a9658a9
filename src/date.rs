//! Calendar dates, the one place gongkai does date arithmetic: parsing `YYYY-MM-DD` from the
//! content, printing it for pages (`2023年11月30日`), feeds (Atom time) and archives (ZIP's DOS
//! date, tar's Unix time), and today's date in Beijing time for a correction made without
//! `--date`. Dates come from the content, never from the build clock, so builds repeat.

use serde::{Deserialize, Deserializer};
use std::fmt;

/// A calendar date written `YYYY-MM-DD` in the content; never taken from the build clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    pub fn parse(s: &str) -> Option<Date> {
        let mut it = s.trim().splitn(3, '-');
        let year: i32 = it.next()?.parse().ok()?;
        let month: u32 = it.next()?.parse().ok()?;
        let day: u32 = it.next()?.parse().ok()?;
        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
            2 => 28,
            _ => return None,
        };
        (1000..=9999).contains(&year).then_some(())?;
        (1..=days_in_month).contains(&day).then_some(())?;
        Some(Date { year, month, day })
    }

    /// `2023年11月30日`, as running text writes it (no zero padding).
    pub fn chinese(&self) -> String {
        format!("{}年{}月{}日", self.year, self.month, self.day)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = String::deserialize(d)?;
        Date::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "invalid date `{s}`: write a real date as YYYY-MM-DD, e.g. 2023-12-20"
            ))
        })
    }
}

/// Seconds in a day, and Beijing's offset from UTC: dates are Beijing calendar days.
const DAY: i64 = 86_400;
const BEIJING: i64 = 8 * 3600;

impl Date {
    /// Days since 1970-01-01 (H. Hinnant's `days_from_civil`).
    pub fn days_since_epoch(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after 1970-01-01 (H. Hinnant's `civil_from_days`).
    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// Today in Beijing time: the date of an act done now (a correction without `--date`).
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Date::from_days_since_epoch((secs as i64 + BEIJING).div_euclid(DAY))
    }

    /// Midnight Beijing time of the date, as seconds since the Unix epoch (tar entries).
    pub fn epoch_seconds(self) -> u64 {
        u64::try_from(self.days_since_epoch() * DAY - BEIJING).unwrap_or(0)
    }

    /// Midnight Beijing time as Atom wants it: dates are days, Atom wants a time.
    pub fn atom_time(self) -> String {
        format!("{self}T00:00:00+08:00")
    }

    /// The date as a ZIP entry's DOS date (years 1980–2107).
    pub fn dos_date(self) -> u16 {
        (((self.year - 1980).clamp(0, 127) as u16) << 9)
            | ((self.month as u16) << 5)
            | self.day as u16
    }
}

#[cfg(test)]
mod tests {
    use super::Date;
    use proptest::prelude::*;

    #[test]
    fn days_since_epoch_at_known_dates() {
        assert_eq!(Date::from_days_since_epoch(0).to_string(), "1970-01-01");
        assert_eq!(
            Date::from_days_since_epoch(19_723).to_string(),
            "2024-01-01"
        );
        assert_eq!(
            Date::from_days_since_epoch(19_782).to_string(),
            "2024-02-29"
        );
        assert_eq!(
            Date::parse("2024-02-29").unwrap().days_since_epoch(),
            19_782
        );
        assert!(Date::parse("2023-02-29").is_none());
        assert_eq!(
            Date::parse("2024-01-01").unwrap().epoch_seconds(),
            1_704_038_400
        );
        assert_eq!(
            Date::parse("2023-12-20").unwrap().atom_time(),
            "2023-12-20T00:00:00+08:00"
        );
    }

    proptest! {
        // Every day from year 1000 to 9999 survives days → date → text → date → days.
        #[test]
        fn a_date_round_trips_through_days_and_text(days in -354_285i64..=2_932_896) {
            let date = Date::from_days_since_epoch(days);
            prop_assert_eq!(Date::parse(&date.to_string()), Some(date));
            prop_assert_eq!(date.days_since_epoch(), days);
        }
    }
}
