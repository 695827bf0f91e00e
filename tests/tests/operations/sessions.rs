//! The hand-checked set of sessions and the figures expected of them.

use super::*;

/// One session of the hand-checked set.
pub(crate) struct S {
    pub(crate) terminal: &'static str,
    pub(crate) item: Option<&'static str>,
    pub(crate) outcome: Outcome,
    pub(crate) shown: u32,
    pub(crate) unchanged: u32,
    pub(crate) application_s: Option<f64>,
    pub(crate) help: bool,
    pub(crate) help_response_s: Option<f64>,
    pub(crate) call_wait_s: Option<f64>,
    pub(crate) call: bool,
    pub(crate) rating: Option<u8>,
    pub(crate) ended_at: &'static str,
}

pub(crate) fn figures_of(s: &S) -> SessionFigures {
    SessionFigures {
        terminal_id: s.terminal.into(),
        item_code: s.item.map(Into::into),
        outcome: s.outcome,
        identified: true,
        elder_mode: false,
        steps: vec![],
        session_s: 200.0,
        application_s: s.application_s,
        fields_shown: s.shown,
        fields_prefilled: s.unchanged,
        prefilled_unchanged: s.unchanged,
        corrections: 0,
        help_used: s.help,
        help_response_s: s.help_response_s,
        rating: s.rating,
        timeout_extensions: 0,
        call_wait_s: s.call_wait_s,
        call_s: s.call_wait_s.map(|_| 120.0),
        call_outcome: s.call.then(|| "done".into()),
        call_rating: None,
        ended_at: Some(s.ended_at.into()),
    }
}

pub(crate) const T1: &str = "YP-YH-0001";
pub(crate) const T2: &str = "YP-WJC-0001";

/// The data set. Sessions 1–6 fall on 27 and 28 November (Shanghai); the 7th ended on the 26th and is outside
/// the period. Session 6 ended at 16:30 UTC on the 27th, which is 00:30 on the 28th in Shanghai.
pub(crate) fn sessions() -> Vec<S> {
    use Outcome::*;
    let s =
        |terminal, item, outcome, shown, unchanged, app, help, help_r, call_w, call, rating, at| {
            S {
                terminal,
                item,
                outcome,
                shown,
                unchanged,
                application_s: app,
                help,
                help_response_s: help_r,
                call_wait_s: call_w,
                call,
                rating,
                ended_at: at,
            }
        };
    vec![
        s(
            T1,
            Some("SB-001"),
            Submitted,
            10,
            8,
            Some(60.0),
            false,
            None,
            None,
            false,
            Some(5),
            "2026-11-27T09:00:00+08:00",
        ),
        s(
            T1,
            Some("SB-001"),
            Submitted,
            10,
            6,
            Some(120.0),
            true,
            Some(30.0),
            None,
            false,
            Some(4),
            "2026-11-27T10:00:00+08:00",
        ),
        s(
            T1,
            Some("YB-003"),
            Abandoned,
            8,
            8,
            None,
            true,
            None,
            None,
            false,
            None,
            "2026-11-27T11:00:00+08:00",
        ),
        s(
            T2,
            Some("YB-003"),
            Submitted,
            8,
            4,
            Some(300.0),
            false,
            None,
            Some(90.0),
            true,
            Some(2),
            "2026-11-28T09:00:00+08:00",
        ),
        s(
            T2,
            Some("SB-001"),
            Browsed,
            0,
            0,
            None,
            false,
            None,
            None,
            false,
            None,
            "2026-11-28T10:00:00+08:00",
        ),
        s(
            T1,
            Some("SB-001"),
            Submitted,
            10,
            10,
            Some(30.0),
            true,
            Some(50.0),
            Some(20.0),
            true,
            Some(1),
            "2026-11-27T16:30:00Z",
        ),
        s(
            T2,
            Some("SB-001"),
            Submitted,
            10,
            0,
            Some(999.0),
            false,
            None,
            None,
            false,
            Some(1),
            "2026-11-26T23:59:00+08:00",
        ),
    ]
}

/// The expected figures, worked out by hand from the table above (see each comment).
pub(crate) struct Expect {
    pub(crate) key: &'static str,
    pub(crate) grouping: &'static str,
    pub(crate) sessions: i64,
    pub(crate) submitted: i64,
    pub(crate) prefill_rate: Option<f64>,
    pub(crate) cases: i64,
    pub(crate) first_time_success: Option<f64>,
    pub(crate) avg_application_s: Option<f64>,
    pub(crate) help_requests: i64,
    pub(crate) avg_help_response_s: Option<f64>,
    pub(crate) help_within_minute: Option<f64>,
    pub(crate) ratings: i64,
    pub(crate) avg_rating: Option<f64>,
    pub(crate) bad_ratings: i64,
}

pub(crate) fn expected() -> Vec<Expect> {
    vec![
        // Sessions 1–6: fields 46, unchanged 36; applications 60+120+300+30 = 510 s over 4; help asked in
        // 2, 3, 4, 6, answered in 2 (30 s), 4 (90 s), 6 (20 s: the clerk before the on-site helper's 50 s),
        // within a minute 2 of 4; ratings 5, 4, 2, 1; cases: 4, one sent back for correction, one rejected.
        Expect {
            key: "",
            grouping: "total",
            sessions: 6,
            submitted: 4,
            prefill_rate: Some(36.0 / 46.0),
            cases: 4,
            first_time_success: Some(0.5),
            avg_application_s: Some(127.5),
            help_requests: 4,
            avg_help_response_s: Some(140.0 / 3.0),
            help_within_minute: Some(0.5),
            ratings: 4,
            avg_rating: Some(3.0),
            bad_ratings: 2,
        },
        // 殷行街道 = T1: sessions 1, 2, 3, 6; fields 38, unchanged 32; 3 cases, one sent back.
        Expect {
            key: "殷行街道",
            grouping: "street",
            sessions: 4,
            submitted: 3,
            prefill_rate: Some(32.0 / 38.0),
            cases: 3,
            first_time_success: Some(2.0 / 3.0),
            avg_application_s: Some(70.0),
            help_requests: 3,
            avg_help_response_s: Some(25.0),
            help_within_minute: Some(2.0 / 3.0),
            ratings: 3,
            avg_rating: Some(10.0 / 3.0),
            bad_ratings: 1,
        },
        // 五角场街道 = T2: sessions 4, 5; the clerk answered after 90 s; its one case rejected.
        Expect {
            key: "五角场街道",
            grouping: "street",
            sessions: 2,
            submitted: 1,
            prefill_rate: Some(0.5),
            cases: 1,
            first_time_success: Some(0.0),
            avg_application_s: Some(300.0),
            help_requests: 1,
            avg_help_response_s: Some(90.0),
            help_within_minute: Some(0.0),
            ratings: 1,
            avg_rating: Some(2.0),
            bad_ratings: 1,
        },
        // 27 November: sessions 1, 2, 3.
        Expect {
            key: "2026-11-27",
            grouping: "day",
            sessions: 3,
            submitted: 2,
            prefill_rate: Some(22.0 / 28.0),
            cases: 0,
            first_time_success: None,
            avg_application_s: Some(90.0),
            help_requests: 2,
            avg_help_response_s: Some(30.0),
            help_within_minute: Some(0.5),
            ratings: 2,
            avg_rating: Some(4.5),
            bad_ratings: 0,
        },
        // 28 November: sessions 4, 5, 6.
        Expect {
            key: "2026-11-28",
            grouping: "day",
            sessions: 3,
            submitted: 2,
            prefill_rate: Some(14.0 / 18.0),
            cases: 0,
            first_time_success: None,
            avg_application_s: Some(165.0),
            help_requests: 2,
            avg_help_response_s: Some(55.0),
            help_within_minute: Some(0.5),
            ratings: 2,
            avg_rating: Some(1.5),
            bad_ratings: 2,
        },
        // SB-001: sessions 1, 2, 5, 6 and the three cases of T1 (the data set's cases are all SB-001 from T1
        // and YB-003 from T2).
        Expect {
            key: "SB-001",
            grouping: "item",
            sessions: 4,
            submitted: 3,
            prefill_rate: Some(24.0 / 30.0),
            cases: 3,
            first_time_success: Some(2.0 / 3.0),
            avg_application_s: Some(70.0),
            help_requests: 2,
            avg_help_response_s: Some(25.0),
            help_within_minute: Some(1.0),
            ratings: 3,
            avg_rating: Some(10.0 / 3.0),
            bad_ratings: 1,
        },
    ]
}

pub(crate) fn close(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => (a - b).abs() < 1e-9,
        _ => false,
    }
}

pub(crate) fn check(rows: &[Value], e: &Expect) {
    let row = rows
        .iter()
        .find(|r| r["grouping"] == e.grouping && r["key"] == e.key)
        .unwrap_or_else(|| panic!("no {} row {:?} in {rows:#?}", e.grouping, e.key));
    let f = &row["figures"];
    let int = |k: &str| f[k].as_i64().unwrap_or(-1);
    let num = |k: &str| f[k].as_f64();
    let what = format!("{} {:?}: {f}", e.grouping, e.key);
    assert_eq!(int("sessions"), e.sessions, "sessions of {what}");
    assert_eq!(int("submitted"), e.submitted, "submitted of {what}");
    assert!(
        close(num("prefill_rate"), e.prefill_rate),
        "prefill rate of {what}"
    );
    assert_eq!(int("cases"), e.cases, "cases of {what}");
    assert!(
        close(num("first_time_success"), e.first_time_success),
        "first-time success of {what}"
    );
    assert!(
        close(num("avg_application_s"), e.avg_application_s),
        "application time of {what}"
    );
    assert_eq!(
        int("help_requests"),
        e.help_requests,
        "help requests of {what}"
    );
    assert!(
        close(num("avg_help_response_s"), e.avg_help_response_s),
        "help response of {what}"
    );
    assert!(
        close(num("help_within_minute"), e.help_within_minute),
        "help within a minute of {what}"
    );
    assert_eq!(int("ratings"), e.ratings, "ratings of {what}");
    assert!(
        close(num("avg_rating"), e.avg_rating),
        "average rating of {what}"
    );
    assert_eq!(int("bad_ratings"), e.bad_ratings, "bad ratings of {what}");
}
