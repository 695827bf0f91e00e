//! The wall clock of the terminal: Shanghai time, the date and the clock on the screen. The only place the
//! firmware reads the calendar; the core is given what it needs of it.

use chrono::{Datelike, FixedOffset, Offset, Utc};
use kiosk_drivers::Date;

/// Shanghai time. China keeps UTC+8 all year, so a fixed offset is exact and needs no time-zone database.
pub fn local_now() -> chrono::DateTime<FixedOffset> {
    // +8 h is well inside FixedOffset's range; UTC is only a formal fallback.
    let cst = FixedOffset::east_opt(8 * 3600).unwrap_or(Utc.fix());
    Utc::now().with_timezone(&cst)
}

/// The calendar date in Shanghai (a card's validity is checked against it).
pub fn today() -> Date {
    let now = local_now();
    Date::new(
        now.year().clamp(1900, 9999) as u16,
        now.month() as u8,
        now.day() as u8,
    )
    .unwrap_or(Date {
        year: 2026,
        month: 1,
        day: 1,
    })
}

/// The clock on the screen.
pub fn clock() -> String {
    local_now().format("%H:%M").to_string()
}
