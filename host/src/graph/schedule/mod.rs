//! Time rules the engine applies: durations, business hours, quiet hours and
//! cron schedules, all evaluated in an IANA time zone and correct across
//! daylight-saving changes.

mod business_hours;
mod cron;
mod duration;
mod local_time;
mod quiet_hours;
mod time_of_day;

pub use business_hours::{
    BUSINESS_HOURS_SEARCH_DAYS, TimeWindow, WeeklyHours, WindowError, next_business_time,
};
pub use cron::CronSchedule;
pub use duration::{MAX_DURATION, MIN_DURATION, parse_duration, parse_offset};
pub use quiet_hours::{QuietHours, end_of_quiet_hours, in_quiet_hours};
pub use time_of_day::TimeOfDay;
