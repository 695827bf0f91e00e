//! A4 document printer over IPP (a CUPS queue or an IPP Everywhere printer). What the printer says in IPP
//! attributes is read here, without I/O: its state, its `printer-state-reasons` as [`Condition`]s, a job's state.
//! `driver` talks IPP over HTTP with the `ipp` crate, `service` keeps watch and runs jobs one at a time, `sim`
//! is a small IPP printer on loopback for the simulated terminal.

#[cfg(feature = "io")]
pub mod driver;
#[cfg(feature = "io")]
pub mod ippeve;
#[cfg(feature = "io")]
pub mod service;
#[cfg(feature = "io")]
pub mod sim;

use crate::device::Health;
use crate::device::PaperState;
use ipp::prelude::{DelimiterTag, IppAttributes, IppValue};
use std::collections::BTreeSet;

/// The document format every job uses: the platform hands us PDF and we generate PDF.
pub const PDF: &str = "application/pdf";

/// A job's state (RFC 8011 §5.3.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobState {
    Pending,
    Held,
    Processing,
    /// Processing stopped by a printer condition (out of paper, door open, jam); it resumes once cleared.
    Stopped,
    Canceled,
    Aborted,
    Completed,
}

impl JobState {
    pub fn from_ipp(v: i32) -> Option<Self> {
        Some(match v {
            3 => JobState::Pending,
            4 => JobState::Held,
            5 => JobState::Processing,
            6 => JobState::Stopped,
            7 => JobState::Canceled,
            8 => JobState::Aborted,
            9 => JobState::Completed,
            _ => return None,
        })
    }

    pub fn to_ipp(self) -> i32 {
        match self {
            JobState::Pending => 3,
            JobState::Held => 4,
            JobState::Processing => 5,
            JobState::Stopped => 6,
            JobState::Canceled => 7,
            JobState::Aborted => 8,
            JobState::Completed => 9,
        }
    }

    /// The job will not change any more.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            JobState::Canceled | JobState::Aborted | JobState::Completed
        )
    }

    pub fn key(self) -> &'static str {
        match self {
            JobState::Pending => "pending",
            JobState::Held => "pending-held",
            JobState::Processing => "processing",
            JobState::Stopped => "processing-stopped",
            JobState::Canceled => "canceled",
            JobState::Aborted => "aborted",
            JobState::Completed => "completed",
        }
    }
}

/// The printer's own state (`printer-state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrinterState {
    Idle,
    Processing,
    Stopped,
}

/// A printer condition from `printer-state-reasons` that the terminal acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Condition {
    MediaEmpty,
    MediaLow,
    TonerLow,
    TonerEmpty,
    DoorOpen,
    Jam,
    /// Paused by an operator, or offline / shut down.
    Offline,
}

impl Condition {
    pub const ALL: [Condition; 7] = [
        Condition::MediaEmpty,
        Condition::MediaLow,
        Condition::TonerLow,
        Condition::TonerEmpty,
        Condition::DoorOpen,
        Condition::Jam,
        Condition::Offline,
    ];

    /// Reads one `printer-state-reasons` keyword, with or without its severity suffix.
    pub fn from_keyword(k: &str) -> Option<Self> {
        let k = ["-report", "-warning", "-error"]
            .iter()
            .find_map(|s| k.strip_suffix(s))
            .unwrap_or(k);
        Some(match k {
            "media-empty" | "media-needed" | "input-tray-missing" => Condition::MediaEmpty,
            "media-low" => Condition::MediaLow,
            "toner-low" | "marker-supply-low" => Condition::TonerLow,
            "toner-empty" | "marker-supply-empty" => Condition::TonerEmpty,
            "door-open" | "cover-open" | "interlock-open" => Condition::DoorOpen,
            "media-jam" | "jam" => Condition::Jam,
            "paused" | "offline" | "shutdown" | "moving-to-paused" => Condition::Offline,
            _ => return None,
        })
    }

    /// The IPP keyword (the simulated printer reports it).
    pub fn keyword(self) -> &'static str {
        match self {
            Condition::MediaEmpty => "media-empty-error",
            Condition::MediaLow => "media-low-warning",
            Condition::TonerLow => "toner-low-warning",
            Condition::TonerEmpty => "toner-empty-error",
            Condition::DoorOpen => "door-open-error",
            Condition::Jam => "media-jam-error",
            Condition::Offline => "offline-report",
        }
    }

    /// What a technician reads.
    pub fn describe(self) -> &'static str {
        match self {
            Condition::MediaEmpty => "out of paper",
            Condition::MediaLow => "paper low",
            Condition::TonerLow => "toner low",
            Condition::TonerEmpty => "out of toner",
            Condition::DoorOpen => "a door or cover is open",
            Condition::Jam => "paper jam",
            Condition::Offline => "paused or offline",
        }
    }

    /// Whether printing stops until someone clears it.
    pub fn stops_printing(self) -> bool {
        !matches!(self, Condition::MediaLow | Condition::TonerLow)
    }
}

/// The printer as its attributes describe it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrinterStatus {
    pub state: PrinterState,
    pub conditions: BTreeSet<Condition>,
    pub accepting: bool,
    /// `printer-state-message`, for the technician.
    pub message: Option<String>,
    /// Reasons this terminal does not act on (logged for the technician).
    pub other_reasons: Vec<String>,
}

/// The attributes `status` asks for.
pub const STATUS_ATTRIBUTES: [&str; 4] = [
    "printer-state",
    "printer-state-reasons",
    "printer-is-accepting-jobs",
    "printer-state-message",
];

fn group_values<'a>(
    attrs: &'a IppAttributes,
    tag: DelimiterTag,
    name: &str,
) -> Option<&'a IppValue> {
    attrs
        .groups_of(tag)
        .find_map(|g| g.get(name))
        .map(|a| a.value())
}

fn text(v: &IppValue) -> Option<String> {
    match v {
        IppValue::TextWithoutLanguage(t) | IppValue::TextWithLanguage { text: t, .. } => {
            Some(t.to_string())
        }
        IppValue::NameWithoutLanguage(n) | IppValue::NameWithLanguage { name: n, .. } => {
            Some(n.to_string())
        }
        IppValue::Keyword(k) => Some(k.to_string()),
        _ => None,
    }
}

/// Keywords of a 1setOf keyword attribute (one value or several).
fn keywords(v: Option<&IppValue>) -> Vec<String> {
    v.into_iter()
        .flat_map(|v| v.into_iter())
        .filter_map(text)
        .filter(|k| k != "none")
        .collect()
}

impl PrinterStatus {
    /// Reads a Get-Printer-Attributes response. A printer that leaves `printer-state` out is not an IPP printer
    /// we can trust: an error naming what is missing.
    pub fn from_attributes(attrs: &IppAttributes) -> Result<Self, String> {
        let state = match group_values(attrs, DelimiterTag::PrinterAttributes, "printer-state") {
            Some(IppValue::Enum(3)) => PrinterState::Idle,
            Some(IppValue::Enum(4)) => PrinterState::Processing,
            Some(IppValue::Enum(5)) => PrinterState::Stopped,
            Some(v) => return Err(format!("printer-state has an unknown value {v}")),
            None => return Err("the printer did not send printer-state".into()),
        };
        let mut conditions = BTreeSet::new();
        let mut other_reasons = Vec::new();
        for k in keywords(group_values(
            attrs,
            DelimiterTag::PrinterAttributes,
            "printer-state-reasons",
        )) {
            match Condition::from_keyword(&k) {
                Some(c) => {
                    conditions.insert(c);
                }
                None => other_reasons.push(k),
            }
        }
        let accepting = !matches!(
            group_values(
                attrs,
                DelimiterTag::PrinterAttributes,
                "printer-is-accepting-jobs"
            ),
            Some(IppValue::Boolean(false))
        );
        let message = group_values(
            attrs,
            DelimiterTag::PrinterAttributes,
            "printer-state-message",
        )
        .and_then(text)
        .filter(|m| !m.is_empty());
        Ok(Self {
            state,
            conditions,
            accepting,
            message,
            other_reasons,
        })
    }

    pub fn paper(&self) -> PaperState {
        if self.conditions.contains(&Condition::MediaEmpty) {
            PaperState::Out
        } else if self.conditions.contains(&Condition::MediaLow) {
            PaperState::NearEnd
        } else {
            PaperState::Ok
        }
    }

    /// Why a job would not print now, if it would not.
    pub fn refusal(&self) -> Option<String> {
        if !self.accepting {
            return Some("the printer is not accepting jobs".into());
        }
        let stopping: Vec<&str> = self
            .conditions
            .iter()
            .filter(|c| c.stops_printing())
            .map(|c| c.describe())
            .collect();
        if !stopping.is_empty() {
            return Some(stopping.join(", "));
        }
        (self.state == PrinterState::Stopped).then(|| {
            self.message
                .clone()
                .unwrap_or_else(|| "the printer is stopped".into())
        })
    }

    /// Health as the terminal shows it. Paper is told by paper events (as for the receipt printer), so out of
    /// paper alone leaves the printer online; anything else that stops printing makes it down; toner low
    /// degrades it.
    pub fn health(&self) -> Health {
        if !self.accepting {
            return Health::Down {
                reason: "the printer is not accepting jobs".into(),
            };
        }
        let stopping: Vec<&str> = self
            .conditions
            .iter()
            .filter(|c| c.stops_printing() && **c != Condition::MediaEmpty)
            .map(|c| c.describe())
            .collect();
        if !stopping.is_empty() {
            return Health::Down {
                reason: stopping.join(", "),
            };
        }
        if self.state == PrinterState::Stopped && !self.conditions.contains(&Condition::MediaEmpty)
        {
            return Health::Down {
                reason: self
                    .message
                    .clone()
                    .unwrap_or_else(|| "the printer is stopped".into()),
            };
        }
        if self.conditions.contains(&Condition::TonerLow) {
            return Health::Degraded {
                reason: Condition::TonerLow.describe().into(),
            };
        }
        Health::Online
    }
}

/// A job as Get-Job-Attributes describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobStatus {
    pub state: JobState,
    /// `job-state-reasons`, e.g. `job-completed-successfully`, `document-format-error`.
    pub reasons: Vec<String>,
    pub message: Option<String>,
}

impl JobStatus {
    pub fn from_attributes(attrs: &IppAttributes) -> Result<Self, String> {
        let state = match group_values(attrs, DelimiterTag::JobAttributes, "job-state") {
            Some(IppValue::Enum(v)) => JobState::from_ipp(*v)
                .ok_or_else(|| format!("job-state has an unknown value {v}"))?,
            Some(v) => return Err(format!("job-state is not an enum: {v}")),
            None => return Err("the printer did not send job-state".into()),
        };
        Ok(Self {
            state,
            reasons: keywords(group_values(
                attrs,
                DelimiterTag::JobAttributes,
                "job-state-reasons",
            )),
            message: group_values(attrs, DelimiterTag::JobAttributes, "job-state-message")
                .and_then(text)
                .filter(|m| !m.is_empty()),
        })
    }

    /// The job id of a Print-Job response.
    pub fn job_id(attrs: &IppAttributes) -> Option<i32> {
        match group_values(attrs, DelimiterTag::JobAttributes, "job-id") {
            Some(IppValue::Integer(id)) => Some(*id),
            _ => None,
        }
    }

    /// Why the job did not complete, in words.
    pub fn failure(&self) -> String {
        let mut why = format!("the job was {}", self.state.key());
        if let Some(m) = &self.message {
            why.push_str(&format!(": {m}"));
        } else if !self.reasons.is_empty() {
            why.push_str(&format!(" ({})", self.reasons.join(", ")));
        }
        why
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ipp::prelude::IppAttribute;

    fn printer(attrs: Vec<(&str, IppValue)>) -> IppAttributes {
        let mut a = IppAttributes::new();
        for (n, v) in attrs {
            a.add(
                DelimiterTag::PrinterAttributes,
                IppAttribute::with_name(n, v).unwrap(),
            );
        }
        a
    }

    fn kw(s: &str) -> IppValue {
        IppValue::new_keyword(s).unwrap()
    }

    #[test]
    fn reasons_with_any_severity_become_conditions() {
        assert_eq!(
            Condition::from_keyword("media-empty-error"),
            Some(Condition::MediaEmpty)
        );
        assert_eq!(
            Condition::from_keyword("media-low-report"),
            Some(Condition::MediaLow)
        );
        assert_eq!(
            Condition::from_keyword("toner-low"),
            Some(Condition::TonerLow)
        );
        assert_eq!(
            Condition::from_keyword("cover-open-warning"),
            Some(Condition::DoorOpen)
        );
        assert_eq!(
            Condition::from_keyword("media-jam-error"),
            Some(Condition::Jam)
        );
        assert_eq!(Condition::from_keyword("none"), None);
        for c in Condition::ALL {
            assert_eq!(Condition::from_keyword(c.keyword()), Some(c));
        }
    }

    #[test]
    fn an_idle_printer_is_online() {
        let s = PrinterStatus::from_attributes(&printer(vec![
            ("printer-state", IppValue::Enum(3)),
            ("printer-state-reasons", kw("none")),
            ("printer-is-accepting-jobs", IppValue::Boolean(true)),
        ]))
        .unwrap();
        assert_eq!(s.state, PrinterState::Idle);
        assert!(s.conditions.is_empty());
        assert_eq!(s.health(), Health::Online);
        assert_eq!(s.refusal(), None);
        assert_eq!(s.paper(), PaperState::Ok);
    }

    #[test]
    fn several_reasons_each_count_and_unknown_ones_are_kept_for_the_log() {
        let s = PrinterStatus::from_attributes(&printer(vec![
            ("printer-state", IppValue::Enum(5)),
            (
                "printer-state-reasons",
                IppValue::Array(vec![
                    kw("media-low-warning"),
                    kw("toner-low-warning"),
                    kw("door-open-error"),
                    kw("spool-area-full"),
                ]),
            ),
        ]))
        .unwrap();
        assert_eq!(
            s.conditions.iter().copied().collect::<Vec<_>>(),
            vec![
                Condition::MediaLow,
                Condition::TonerLow,
                Condition::DoorOpen
            ]
        );
        assert_eq!(s.other_reasons, vec!["spool-area-full".to_string()]);
        assert_eq!(s.paper(), PaperState::NearEnd);
        assert_eq!(
            s.health(),
            Health::Down {
                reason: "a door or cover is open".into()
            }
        );
    }

    #[test]
    fn out_of_paper_is_a_paper_event_not_a_broken_printer() {
        let s = PrinterStatus::from_attributes(&printer(vec![
            ("printer-state", IppValue::Enum(5)),
            ("printer-state-reasons", kw("media-empty-error")),
        ]))
        .unwrap();
        assert_eq!(s.paper(), PaperState::Out);
        assert_eq!(s.health(), Health::Online);
        assert_eq!(s.refusal().as_deref(), Some("out of paper"));
    }

    #[test]
    fn toner_low_degrades_and_not_accepting_is_down() {
        let s = PrinterStatus::from_attributes(&printer(vec![
            ("printer-state", IppValue::Enum(3)),
            ("printer-state-reasons", kw("toner-low-report")),
        ]))
        .unwrap();
        assert_eq!(
            s.health(),
            Health::Degraded {
                reason: "toner low".into()
            }
        );
        let s = PrinterStatus::from_attributes(&printer(vec![
            ("printer-state", IppValue::Enum(3)),
            ("printer-is-accepting-jobs", IppValue::Boolean(false)),
        ]))
        .unwrap();
        assert!(matches!(s.health(), Health::Down { .. }));
    }

    #[test]
    fn a_printer_without_state_is_an_error_not_a_panic() {
        assert!(PrinterStatus::from_attributes(&IppAttributes::new()).is_err());
        assert!(PrinterStatus::from_attributes(&printer(vec![(
            "printer-state",
            IppValue::Integer(3)
        )]))
        .is_err());
    }

    #[test]
    fn job_states_and_their_failure() {
        let mut a = IppAttributes::new();
        a.add(
            DelimiterTag::JobAttributes,
            IppAttribute::with_name("job-state", IppValue::Enum(8)).unwrap(),
        );
        a.add(
            DelimiterTag::JobAttributes,
            IppAttribute::with_name("job-state-reasons", kw("document-format-error")).unwrap(),
        );
        let j = JobStatus::from_attributes(&a).unwrap();
        assert_eq!(j.state, JobState::Aborted);
        assert!(j.state.is_final());
        assert_eq!(j.failure(), "the job was aborted (document-format-error)");
        for v in 3..=9 {
            assert_eq!(JobState::from_ipp(v).unwrap().to_ipp(), v);
        }
        assert_eq!(JobState::from_ipp(10), None);
    }
}
