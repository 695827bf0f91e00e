//! One field of the form: its value, where the value came from and what is wrong with it.

use kiosk_catalog::{Field, FieldType};
use kiosk_drivers::{IdNumber, Sensitive};

/// Where a field's value came from, as the form shows it next to the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Card,
    Platform,
    Certificate(String),
    /// As the resident filed it in the case being corrected.
    Filed,
    /// Typed or chosen by the resident.
    Resident,
}

/// What is wrong with a value, in words the presenter turns into a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    Required,
    IdNumber,
    Phone,
    Date,
    Number,
    Amount,
    Choice,
    TooLong,
}

/// The prefill source that names an electronic certificate of a kind by its number.
pub fn certificate_source(kind: &String) -> String {
    format!("cert.{kind}.number")
}

/// The longest value of a text field (an address is the longest thing a resident types).
pub const FIELD_MAX: usize = 100;

pub struct FieldState {
    pub field: Field,
    pub value: Sensitive<String>,
    pub source: Option<Source>,
    /// Prefilled from data the government holds, and not changed since (the prefill rate counts these).
    pub prefilled_unchanged: bool,
    pub prefilled: bool,
    /// What the card or an electronic certificate says, with where it came from: a value typed over it
    /// contradicts the record, which a clerk would send the case back for.
    pub held: Option<(Sensitive<String>, Source)>,
    /// Edits after a first value was there (prefilled or typed and left): the figures' corrections.
    pub corrections: u32,
    pub problem: Option<Problem>,
    /// The value was looked at by validation (problems show only after the resident left the field or tried
    /// to go on, not while typing the first character).
    pub checked: bool,
}

impl FieldState {
    pub(super) fn new(field: Field) -> Self {
        FieldState {
            field,
            value: Sensitive::new(String::new()),
            source: None,
            prefilled_unchanged: false,
            prefilled: false,
            held: None,
            corrections: 0,
            problem: None,
            checked: false,
        }
    }

    pub(super) fn set_prefill(&mut self, value: String, source: Source) {
        if matches!(source, Source::Card | Source::Certificate(_)) {
            self.held = Some((Sensitive::new(value.clone()), source.clone()));
        }
        self.value = Sensitive::new(value);
        self.source = Some(source);
        self.prefilled = true;
        self.prefilled_unchanged = true;
        self.problem = validate(&self.field, self.value.expose());
    }

    /// The keyboard the field wants.
    pub fn keyboard(&self) -> Keyboard {
        match self.field.kind {
            FieldType::IdNumber => Keyboard::IdNumber,
            FieldType::Phone | FieldType::Number | FieldType::Date => Keyboard::Digits,
            FieldType::Amount => Keyboard::Amount,
            FieldType::Choice => Keyboard::None,
            FieldType::Text | FieldType::Address => Keyboard::Chinese,
        }
    }
}

/// Which on-screen keyboard a field uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keyboard {
    None,
    Digits,
    /// Digits and X (the check character of an ID number).
    IdNumber,
    /// Digits and a decimal point.
    Amount,
    /// Pinyin with a candidate bar, plus digits (house numbers) and letters.
    Chinese,
}

/// Checks one value; `None` when it is acceptable.
pub fn validate(field: &Field, v: &str) -> Option<Problem> {
    let v = v.trim();
    if v.is_empty() {
        return field.required.then_some(Problem::Required);
    }
    if v.chars().count() > FIELD_MAX {
        return Some(Problem::TooLong);
    }
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match field.kind {
        FieldType::Text | FieldType::Address => None,
        FieldType::IdNumber => IdNumber::parse(v).err().map(|_| Problem::IdNumber),
        FieldType::Phone => {
            let mobile = v.len() == 11 && v.starts_with('1') && digits(v);
            let local =
                (v.len() == 8 && digits(v)) || (v.len() == 11 && v.starts_with("021") && digits(v));
            (!(mobile || local)).then_some(Problem::Phone)
        }
        FieldType::Date => {
            let ok = v.len() == 10
                && v.as_bytes()[4] == b'-'
                && v.as_bytes()[7] == b'-'
                && match (v[..4].parse(), v[5..7].parse(), v[8..].parse()) {
                    (Ok(y), Ok(m), Ok(d)) => kiosk_drivers::Date::new(y, m, d).is_some(),
                    _ => false,
                };
            (!ok).then_some(Problem::Date)
        }
        FieldType::Number => (!digits(v)).then_some(Problem::Number),
        FieldType::Amount => {
            let (int, frac) = v.split_once('.').unwrap_or((v, ""));
            let ok = digits(int) && (frac.is_empty() || (frac.len() <= 2 && digits(frac)));
            let ok = ok && !v.ends_with('.');
            (!ok).then_some(Problem::Amount)
        }
        FieldType::Choice => (!field.choices.iter().any(|c| c == v)).then_some(Problem::Choice),
    }
}
