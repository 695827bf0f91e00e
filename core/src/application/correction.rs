//! 补正: correcting a case a clerk sent back. The item's form opens with the values as filed, and asks only
//! for what the clerk named (fields by id, materials by name); nothing is signed again (the commitment of the
//! case stands), and the request names the case it corrects, so the platform answers with that case.

use super::{Application, FieldState, Source, Step};
use kiosk_api::{ReturnReason, ReturnedCase};
use kiosk_drivers::Sensitive;

/// What a correction is of: the case and what the clerk asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    pub case_number: String,
    pub round: u32,
    /// Its department, for a bundle's part ("" for one item).
    pub department: String,
    pub reasons: Vec<ReturnReason>,
}

impl Correction {
    pub fn names_field(&self, id: &str) -> bool {
        self.reasons.iter().any(|r| r.field.as_deref() == Some(id))
    }

    pub fn names_material(&self, name: &str) -> bool {
        self.reasons
            .iter()
            .any(|r| r.material.as_deref() == Some(name))
    }
}

impl Application {
    /// Turns a new application of the returned case's item into its correction: the case's values in the
    /// form, the first step the one with something to correct.
    pub fn correct(&mut self, case: &ReturnedCase) {
        for f in &mut self.fields {
            if let Some(v) = case.fields.iter().find(|v| v.id == f.field.id) {
                filed(f, v.value.clone());
            }
        }
        self.correction = Some(Correction {
            case_number: case.case_number.clone(),
            round: case.round,
            department: case.department.clone(),
            reasons: case.reasons.clone(),
        });
        // The values are the case's own: nothing to ask the platform for.
        self.prefill = super::PrefillState::NotNeeded;
        self.fetched.clear();
        if !self.fields_in_use().any(|_| true) {
            self.step = self.next_after(Step::Form);
        }
    }
}

/// The field holds what the case was filed with.
fn filed(f: &mut FieldState, value: String) {
    f.value = Sensitive::new(value);
    f.source = Some(Source::Filed);
    f.problem = super::validate(&f.field, f.value.expose());
}
