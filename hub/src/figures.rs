//! The district's operations figures (`../shared/references/operations-kpis.md`), computed from the sessions'
//! figures the terminals deliver, the cases and the clerks' decisions on them.
//!
//! The definitions (the same words are in docs/operations.md):
//! - **prefill rate** = fields filled from data the government holds and accepted unchanged ÷ fields shown,
//!   summed over the sessions of a group (a ratio of sums, so a form of 30 fields weighs 30 times a field);
//! - **first-time success** = cases not sent back for correction (补正) nor rejected ÷ cases submitted; a case
//!   nobody has decided on yet counts as not sent back (so far), an immediate (即办) case as accepted;
//! - **returned** / **returned twice** = cases sent back for correction at least once / again after their
//!   correction (a bundle's own row: bundles any of whose department cases was);
//!   **second-return rate** (二次及以上退回率) = returned twice ÷ returned, target under 10 %;
//! - **application time** = first touch of the item until submission, averaged over submitted sessions;
//! - **help first response** = a resident's request for a person (帮办 or 视频办) until a person answered,
//!   averaged over the answered ones; the **share within 1 minute** is over every request, so a request
//!   nobody answered counts against it ("021": a person within a minute);
//! - **ratings**: the sessions' 好差评 (count, average, 差评 = levels 1 and 2); every 差评 of a case is in
//!   the follow-up queue until a clerk records what was done.
//!
//! Every figure is computed from sums that add up (counts and totals), so one pass over a day's sessions
//! grouped by terminal, item and day gives every grouping: by terminal, street, community, item and day.

use crate::common::now_ms;
use crate::db::DbError;
use crate::platform::Platform;
use chrono::{FixedOffset, NaiveDate, Offset, TimeZone, Utc};
use kiosk_api::{Evaluation, Outcome, SessionFigures};
use serde::Serialize;
use sqlx::Row;
use std::collections::BTreeMap;

/// Help answered within this long counts toward "021".
pub const HELP_TARGET_MS: i64 = 60_000;

/// The site of a terminal never heard from.
pub const UNKNOWN_SITE: &str = "未登记";

/// Decisions a clerk records on a case.
pub const DECISIONS: [&str; 3] = ["accepted", "correction", "rejected"];

fn shanghai() -> FixedOffset {
    // China keeps UTC+8 all year; +8 h is in range, so the fallback is only formal.
    FixedOffset::east_opt(8 * 3600).unwrap_or(Utc.fix())
}

/// The Shanghai day of a moment (ms since the epoch).
pub fn day_of_ms(ms: i64) -> String {
    match shanghai().timestamp_millis_opt(ms).single() {
        Some(t) => t.format("%Y-%m-%d").to_string(),
        None => "1970-01-01".into(),
    }
}

/// The first millisecond of a Shanghai day, and of the day after `to`.
fn day_bounds(from: NaiveDate, to: NaiveDate) -> (i64, i64) {
    let start = |d: NaiveDate| {
        d.and_hms_opt(0, 0, 0)
            .and_then(|t| shanghai().from_local_datetime(&t).single())
            .map(|t| t.timestamp_millis())
            .unwrap_or(0)
    };
    (start(from), start(to.succ_opt().unwrap_or(to)))
}

/// The sums every figure is made of; they add up across groups.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Sums {
    pub sessions: i64,
    pub submitted: i64,
    pub fields_shown: i64,
    pub prefilled_unchanged: i64,
    pub application_ms: i64,
    pub applications: i64,
    pub help_asked: i64,
    pub help_answered: i64,
    pub help_first_ms: i64,
    pub help_within_minute: i64,
    pub ratings: i64,
    pub rating_total: i64,
    pub bad_ratings: i64,
    pub cases: i64,
    pub cases_sent_back: i64,
    /// Cases sent back for correction at least once, and twice or more (for a bundle: any of its
    /// department cases).
    pub cases_returned: i64,
    pub cases_returned_twice: i64,
}

impl std::ops::AddAssign for Sums {
    fn add_assign(&mut self, o: Sums) {
        self.sessions += o.sessions;
        self.submitted += o.submitted;
        self.fields_shown += o.fields_shown;
        self.prefilled_unchanged += o.prefilled_unchanged;
        self.application_ms += o.application_ms;
        self.applications += o.applications;
        self.help_asked += o.help_asked;
        self.help_answered += o.help_answered;
        self.help_first_ms += o.help_first_ms;
        self.help_within_minute += o.help_within_minute;
        self.ratings += o.ratings;
        self.rating_total += o.rating_total;
        self.bad_ratings += o.bad_ratings;
        self.cases += o.cases;
        self.cases_sent_back += o.cases_sent_back;
        self.cases_returned += o.cases_returned;
        self.cases_returned_twice += o.cases_returned_twice;
    }
}

fn ratio(a: i64, b: i64) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

/// The figures of one group, as the district reads them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    pub sessions: i64,
    pub submitted: i64,
    /// 0–1; target above 0.7.
    pub prefill_rate: Option<f64>,
    pub cases: i64,
    /// 0–1; target above 0.9.
    pub first_time_success: Option<f64>,
    /// Seconds; target at most 20 minutes.
    pub avg_application_s: Option<f64>,
    pub help_requests: i64,
    pub avg_help_response_s: Option<f64>,
    /// 0–1 of every request.
    pub help_within_minute: Option<f64>,
    pub ratings: i64,
    pub avg_rating: Option<f64>,
    pub bad_ratings: i64,
    /// Cases sent back for correction (补正) at least once.
    pub returned: i64,
    pub returned_twice: i64,
    /// 二次及以上退回率: of the cases returned, the share returned again after their correction (the first
    /// return did not say everything); target below 0.1.
    pub second_return_rate: Option<f64>,
}

impl From<&Sums> for Figures {
    fn from(s: &Sums) -> Figures {
        Figures {
            sessions: s.sessions,
            submitted: s.submitted,
            prefill_rate: ratio(s.prefilled_unchanged, s.fields_shown),
            cases: s.cases,
            first_time_success: ratio(s.cases - s.cases_sent_back, s.cases),
            avg_application_s: ratio(s.application_ms, s.applications).map(|v| v / 1000.0),
            help_requests: s.help_asked,
            avg_help_response_s: ratio(s.help_first_ms, s.help_answered).map(|v| v / 1000.0),
            help_within_minute: ratio(s.help_within_minute, s.help_asked),
            ratings: s.ratings,
            avg_rating: ratio(s.rating_total, s.ratings),
            bad_ratings: s.bad_ratings,
            returned: s.cases_returned,
            returned_twice: s.cases_returned_twice,
            second_return_rate: ratio(s.cases_returned_twice, s.cases_returned),
        }
    }
}

/// The figures of a period by every grouping the district asks for.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub from: String,
    pub to: String,
    pub total: Sums,
    pub by_terminal: BTreeMap<String, Sums>,
    pub by_street: BTreeMap<String, Sums>,
    /// Keyed `street / community` (two streets may have communities of one name).
    pub by_community: BTreeMap<String, Sums>,
    pub by_item: BTreeMap<String, Sums>,
    pub by_day: BTreeMap<String, Sums>,
}

impl Report {
    fn add(&mut self, site: &(String, String), terminal: &str, item: &str, day: &str, s: Sums) {
        self.total += s;
        *self.by_terminal.entry(terminal.to_string()).or_default() += s;
        *self.by_street.entry(site.0.clone()).or_default() += s;
        *self
            .by_community
            .entry(format!("{} / {}", site.0, site.1))
            .or_default() += s;
        *self.by_item.entry(item.to_string()).or_default() += s;
        *self.by_day.entry(day.to_string()).or_default() += s;
    }

    /// Every group as (grouping, key, sums): the rows of the CSV and the tables.
    pub fn rows(&self) -> Vec<(&'static str, &str, &Sums)> {
        let mut out = vec![("total", "", &self.total)];
        for (grouping, map) in [
            ("terminal", &self.by_terminal),
            ("street", &self.by_street),
            ("community", &self.by_community),
            ("item", &self.by_item),
            ("day", &self.by_day),
        ] {
            out.extend(map.iter().map(|(k, s)| (grouping, k.as_str(), s)));
        }
        out
    }

    /// The report as CSV: one row per group, figures as the district reads them (rates 0–1, times in
    /// seconds), empty where there is nothing to divide by.
    pub fn csv(&self) -> Result<String, csv::Error> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record([
            "grouping",
            "key",
            "sessions",
            "submitted",
            "prefill_rate",
            "cases",
            "first_time_success",
            "avg_application_s",
            "help_requests",
            "avg_help_response_s",
            "help_within_1_min",
            "ratings",
            "avg_rating",
            "bad_ratings",
            "returned",
            "returned_twice",
            "second_return_rate",
        ])?;
        let opt = |v: Option<f64>| v.map(|v| format!("{v:.4}")).unwrap_or_default();
        for (grouping, key, s) in self.rows() {
            let f = Figures::from(s);
            w.write_record([
                grouping.to_string(),
                key.to_string(),
                f.sessions.to_string(),
                f.submitted.to_string(),
                opt(f.prefill_rate),
                f.cases.to_string(),
                opt(f.first_time_success),
                opt(f.avg_application_s),
                f.help_requests.to_string(),
                opt(f.avg_help_response_s),
                opt(f.help_within_minute),
                f.ratings.to_string(),
                opt(f.avg_rating),
                f.bad_ratings.to_string(),
                f.returned.to_string(),
                f.returned_twice.to_string(),
                opt(f.second_return_rate),
            ])?;
        }
        let bytes = w.into_inner().map_err(|e| e.into_error())?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }
}

/// One session's row of the `sessions` table.
pub struct SessionRow {
    pub day: String,
    pub item_code: String,
    pub outcome: &'static str,
    pub fields_shown: i64,
    pub prefilled_unchanged: i64,
    pub application_ms: Option<i64>,
    pub help_asked: bool,
    pub help_first_ms: Option<i64>,
    pub rating: Option<i64>,
}

fn outcome_name(o: Outcome) -> &'static str {
    match o {
        Outcome::Submitted => "submitted",
        Outcome::Abandoned => "abandoned",
        Outcome::TimedOut => "timed-out",
        Outcome::NotDone => "not-done",
        Outcome::Browsed => "browsed",
    }
}

impl SessionRow {
    /// The row of a session's figures, received at `received_ms` (its day when the terminal did not say).
    pub fn of(f: &SessionFigures, received_ms: i64) -> SessionRow {
        let day = f
            .ended_at
            .as_deref()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.with_timezone(&shanghai()).format("%Y-%m-%d").to_string())
            .unwrap_or_else(|| day_of_ms(received_ms));
        let ms = |s: f64| (s.is_finite() && s >= 0.0).then(|| (s * 1000.0).round() as i64);
        // The first person to answer: on-site help or a clerk of the remote window, whichever came first.
        let first = [f.help_response_s, f.call_wait_s]
            .into_iter()
            .flatten()
            .filter_map(ms)
            .min();
        let submitted = f.outcome == Outcome::Submitted;
        SessionRow {
            day,
            item_code: f.item_code.clone().unwrap_or_default(),
            outcome: outcome_name(f.outcome),
            fields_shown: f.fields_shown.into(),
            prefilled_unchanged: f.prefilled_unchanged.into(),
            application_ms: f.application_s.filter(|_| submitted).and_then(ms),
            help_asked: f.help_used || f.call_outcome.is_some(),
            help_first_ms: first,
            rating: f.rating.map(i64::from),
        }
    }
}

/// A 差评 waiting for (or with) its follow-up.
#[derive(Debug, Clone, Serialize)]
pub struct BadRating {
    pub key: String,
    pub terminal_id: String,
    pub case_number: String,
    pub item_code: String,
    pub level: u8,
    pub reasons: Vec<String>,
    pub comment: Option<String>,
    pub received_ms: i64,
    /// (clerk, note, when) once followed up.
    pub follow_up: Option<(String, String, i64)>,
}

impl Platform {
    /// Keeps one session's figures for the district's figures (once per key: a retry changes nothing).
    pub async fn add_session(
        &self,
        key: &str,
        terminal: &str,
        r: &SessionRow,
    ) -> Result<(), DbError> {
        sqlx::query(
            "INSERT INTO sessions (idempotency_key, terminal_id, day, item_code, outcome, fields_shown, \
             prefilled_unchanged, application_ms, help_asked, help_first_ms, rating) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (idempotency_key) DO NOTHING",
        )
        .bind(key)
        .bind(terminal)
        .bind(&r.day)
        .bind(&r.item_code)
        .bind(r.outcome)
        .bind(r.fields_shown)
        .bind(r.prefilled_unchanged)
        .bind(r.application_ms)
        .bind(i64::from(r.help_asked))
        .bind(r.help_first_ms)
        .bind(r.rating)
        .execute(self.db.pool())
        .await?;
        Ok(())
    }

    /// Many sessions' rows at once, in one transaction (imports, the benchmark): (key, terminal, row).
    pub async fn add_sessions(&self, rows: &[(String, String, SessionRow)]) -> Result<(), DbError> {
        // 11 parameters a row; 500 rows stay well under SQLite's and PostgreSQL's limits.
        let mut tx = self.db.pool().begin().await?;
        for chunk in rows.chunks(500) {
            let mut sql = String::from(
                "INSERT INTO sessions (idempotency_key, terminal_id, day, item_code, outcome, fields_shown, \
                 prefilled_unchanged, application_ms, help_asked, help_first_ms, rating) VALUES ",
            );
            for i in 0..chunk.len() {
                let b = i * 11;
                if i > 0 {
                    sql.push(',');
                }
                sql.push('(');
                sql.push_str(
                    &(1..=11)
                        .map(|k| format!("${}", b + k))
                        .collect::<Vec<_>>()
                        .join(","),
                );
                sql.push(')');
            }
            sql.push_str(" ON CONFLICT (idempotency_key) DO NOTHING");
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (key, terminal, r) in chunk {
                q = q
                    .bind(key)
                    .bind(terminal)
                    .bind(&r.day)
                    .bind(&r.item_code)
                    .bind(r.outcome)
                    .bind(r.fields_shown)
                    .bind(r.prefilled_unchanged)
                    .bind(r.application_ms)
                    .bind(i64::from(r.help_asked))
                    .bind(r.help_first_ms)
                    .bind(r.rating);
            }
            q.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The figures of the Shanghai days `from` to `to` (inclusive).
    pub async fn figures(&self, from: NaiveDate, to: NaiveDate) -> Result<Report, DbError> {
        let pool = self.db.pool();
        let sites: BTreeMap<String, (String, String)> =
            sqlx::query("SELECT terminal_id, street, community FROM heartbeats")
                .fetch_all(pool)
                .await?
                .iter()
                .map(|r| Ok((r.try_get(0)?, (r.try_get(1)?, r.try_get(2)?))))
                .collect::<Result<_, sqlx::Error>>()?;
        let unknown = (UNKNOWN_SITE.to_string(), UNKNOWN_SITE.to_string());
        let site = |t: &str| sites.get(t).unwrap_or(&unknown).clone();
        let (from_s, to_s) = (
            from.format("%Y-%m-%d").to_string(),
            to.format("%Y-%m-%d").to_string(),
        );
        let mut report = Report {
            from: from_s.clone(),
            to: to_s.clone(),
            ..Report::default()
        };
        // PostgreSQL sums BIGINTs as NUMERIC, which the Any driver cannot read: every sum is cast back.
        let rows = sqlx::query(
            "SELECT terminal_id, item_code, day, COUNT(*), \
             CAST(COALESCE(SUM(CASE WHEN outcome = 'submitted' THEN 1 ELSE 0 END), 0) AS BIGINT), \
             CAST(COALESCE(SUM(fields_shown), 0) AS BIGINT), \
             CAST(COALESCE(SUM(prefilled_unchanged), 0) AS BIGINT), \
             CAST(COALESCE(SUM(application_ms), 0) AS BIGINT), COUNT(application_ms), \
             CAST(COALESCE(SUM(help_asked), 0) AS BIGINT), COUNT(help_first_ms), \
             CAST(COALESCE(SUM(help_first_ms), 0) AS BIGINT), \
             CAST(COALESCE(SUM(CASE WHEN help_first_ms <= $1 THEN 1 ELSE 0 END), 0) AS BIGINT), \
             COUNT(rating), CAST(COALESCE(SUM(rating), 0) AS BIGINT), \
             CAST(COALESCE(SUM(CASE WHEN rating <= 2 THEN 1 ELSE 0 END), 0) AS BIGINT) \
             FROM sessions WHERE day >= $2 AND day <= $3 GROUP BY terminal_id, item_code, day",
        )
        .bind(HELP_TARGET_MS)
        .bind(&from_s)
        .bind(&to_s)
        .fetch_all(pool)
        .await?;
        for r in &rows {
            let terminal: String = r.try_get(0)?;
            let item: String = r.try_get(1)?;
            let day: String = r.try_get(2)?;
            let s = Sums {
                sessions: r.try_get(3)?,
                submitted: r.try_get(4)?,
                fields_shown: r.try_get(5)?,
                prefilled_unchanged: r.try_get(6)?,
                application_ms: r.try_get(7)?,
                applications: r.try_get(8)?,
                help_asked: r.try_get(9)?,
                help_answered: r.try_get(10)?,
                help_first_ms: r.try_get(11)?,
                help_within_minute: r.try_get(12)?,
                ratings: r.try_get(13)?,
                rating_total: r.try_get(14)?,
                bad_ratings: r.try_get(15)?,
                cases: 0,
                cases_sent_back: 0,
                cases_returned: 0,
                cases_returned_twice: 0,
            };
            report.add(&site(&terminal), &terminal, &item, &day, s);
        }
        // Cases count on the day the platform received them.
        let (start, end) = day_bounds(from, to);
        let cases = sqlx::query(
            "SELECT c.terminal_id, c.item_code, c.received_ms, d.decision, c.idempotency_key, \
             CAST((SELECT COUNT(*) FROM case_returns r WHERE r.case_number = c.case_number) AS BIGINT) \
             FROM cases c LEFT JOIN case_decisions d ON d.case_number = c.case_number \
             WHERE c.received_ms >= $1 AND c.received_ms < $2",
        )
        .bind(start)
        .bind(end)
        .fetch_all(pool)
        .await?;
        // A bundle's returns are those of its department cases (keyed `<bundle key>/<part>`): by bundle key,
        // whether any was returned, and returned twice.
        let mut bundles: BTreeMap<String, String> = BTreeMap::new();
        let mut bundle_returns: BTreeMap<String, (bool, bool)> = BTreeMap::new();
        for r in &cases {
            let terminal: String = r.try_get(0)?;
            let item: String = r.try_get(1)?;
            let received: i64 = r.try_get(2)?;
            let decision: Option<String> = r.try_get(3)?;
            let key: String = r.try_get(4)?;
            let rounds: i64 = r.try_get(5)?;
            let s = Sums {
                cases: 1,
                // A case corrected and waiting again was still sent back once.
                cases_sent_back: i64::from(
                    rounds > 0 || matches!(decision.as_deref(), Some("correction" | "rejected")),
                ),
                cases_returned: i64::from(rounds >= 1),
                cases_returned_twice: i64::from(rounds >= 2),
                ..Sums::default()
            };
            report.add(&site(&terminal), &terminal, &item, &day_of_ms(received), s);
            match key.split_once('/') {
                Some((bundle, _)) => {
                    let b = bundle_returns.entry(bundle.to_string()).or_default();
                    b.0 |= rounds >= 1;
                    b.1 |= rounds >= 2;
                }
                None => {
                    bundles.insert(key, item);
                }
            }
        }
        // On the bundle's own row only: the other groupings count the department cases already.
        for (key, (once, twice)) in bundle_returns {
            if let Some(item) = bundles.get(&key) {
                let b = report.by_item.entry(item.clone()).or_default();
                b.cases_returned += i64::from(once);
                b.cases_returned_twice += i64::from(twice);
            }
        }
        Ok(report)
    }

    /// Records a clerk's decision on a case (a later decision replaces an earlier one). False: no such case.
    pub async fn decide(
        &self,
        case_number: &str,
        decision: &str,
        clerk: &str,
    ) -> Result<bool, DbError> {
        let known = sqlx::query("SELECT 1 FROM cases WHERE case_number = $1")
            .bind(case_number)
            .fetch_optional(self.db.pool())
            .await?
            .is_some();
        if !known {
            return Ok(false);
        }
        self.by_clerk(
            "INSERT INTO case_decisions (case_number, decision, clerk, decided_ms) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (case_number) DO UPDATE SET decision = excluded.decision, clerk = excluded.clerk, \
             decided_ms = excluded.decided_ms",
            case_number,
            decision,
            clerk,
        )
        .await?;
        Ok(true)
    }

    /// A clerk's word on something (a decision, a follow-up) under its key, replacing an earlier one: the
    /// statement binds the key, the word, the clerk and the time, in that order.
    async fn by_clerk(
        &self,
        sql: &'static str,
        key: &str,
        word: &str,
        clerk: &str,
    ) -> Result<(), DbError> {
        sqlx::query(sql)
            .bind(key)
            .bind(word)
            .bind(clerk)
            .bind(now_ms())
            .execute(self.db.pool())
            .await?;
        Ok(())
    }

    /// Every 差评 (levels 1 and 2), those not followed up first, then the newest.
    pub async fn bad_ratings(&self) -> Result<Vec<BadRating>, DbError> {
        let rows = sqlx::query(
            "SELECT r.idempotency_key, r.body, r.received_ms, f.clerk, f.note, f.done_ms FROM records r \
             LEFT JOIN follow_ups f ON f.rating_key = r.idempotency_key \
             WHERE r.kind = 'evaluation' ORDER BY r.received_ms DESC, r.idempotency_key",
        )
        .fetch_all(self.db.pool())
        .await?;
        let mut out = Vec::new();
        for r in &rows {
            let body: String = r.try_get(1)?;
            let Ok(e) = serde_json::from_str::<Evaluation>(&body) else {
                continue;
            };
            if e.level > 2 {
                continue;
            }
            let clerk: Option<String> = r.try_get(3)?;
            let follow_up = match clerk {
                Some(c) => Some((c, r.try_get(4)?, r.try_get(5)?)),
                None => None,
            };
            out.push(BadRating {
                key: r.try_get(0)?,
                terminal_id: e.terminal_id,
                case_number: e.case_number,
                item_code: e.item_code,
                level: e.level,
                reasons: e.reasons,
                comment: e.comment,
                received_ms: r.try_get(2)?,
                follow_up,
            });
        }
        out.sort_by_key(|b| b.follow_up.is_some());
        Ok(out)
    }

    /// Records the follow-up of a 差评. False: no bad rating under this key.
    pub async fn follow_up(&self, key: &str, clerk: &str, note: &str) -> Result<bool, DbError> {
        // Only this rating is read: a 差评 is an evaluation of level 1 or 2.
        let body: Option<String> = sqlx::query(
            "SELECT body FROM records WHERE kind = 'evaluation' AND idempotency_key = $1",
        )
        .bind(key)
        .fetch_optional(self.db.pool())
        .await?
        .map(|r| r.try_get(0))
        .transpose()?;
        let bad = body
            .and_then(|b| serde_json::from_str::<Evaluation>(&b).ok())
            .is_some_and(|e| e.level <= 2);
        if !bad {
            return Ok(false);
        }
        self.by_clerk(
            "INSERT INTO follow_ups (rating_key, note, clerk, done_ms) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (rating_key) DO UPDATE SET clerk = excluded.clerk, note = excluded.note, \
             done_ms = excluded.done_ms",
            key,
            note,
            clerk,
        )
        .await?;
        Ok(true)
    }
}
