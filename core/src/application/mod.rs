//! One application under way: the item, its form with where each value came from, the materials, the
//! commitment and signature, and what the platform answered. No I/O; the session state machine owns it and the
//! end of the session drops it (every value is `Sensitive`, zeroed on drop).

pub use crate::model::CardData;
use crate::model::PlatformError;
use kiosk_api::{CasePart, CaseReply, FieldValue, HeldMaterial, ItemKind, Upload};
use kiosk_catalog::{Field, FieldType, Item, Kind, Prefill};
use kiosk_drivers::Sensitive;

mod card;
mod checks;
mod correction;
mod earlier;
mod field;
mod viewing;
mod written;
pub use checks::Concern;
pub use correction::Correction;
pub use field::{certificate_source, validate, FieldState, Keyboard, Problem, Source, FIELD_MAX};
pub use viewing::{HeldShown, ViewState, Viewing};
pub use written::Written;

/// The steps of an application, in order. Steps an item does not need are skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    /// The item needs a real name and nobody is identified yet.
    Identify,
    Form,
    Materials,
    Sign,
    Review,
    Submitting,
    /// Submitted: the case number, what is printed, and the rating.
    Done,
}

impl Step {
    pub fn name(self) -> &'static str {
        match self {
            Step::Identify => "identify",
            Step::Form => "form",
            Step::Materials => "materials",
            Step::Sign => "sign",
            Step::Review => "review",
            Step::Submitting => "submit",
            Step::Done => "done",
        }
    }
}

/// Whether the platform's prefill has answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrefillState {
    /// Nothing to ask the platform (only card fields, or nobody identified).
    NotNeeded,
    Waiting,
    Done,
    /// The platform did not answer: the fields it would fill are typed by the resident.
    Failed,
}

/// How the submission stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submission {
    NotYet,
    Waiting,
    Accepted(CaseReply),
    /// The platform could not be reached: the case is committed on the terminal and its outbox delivers it
    /// when the platform is back; the resident has this provisional number until then.
    Queued {
        provisional: String,
    },
    /// Not submitted; the resident can try again, or ask for help. Never shown as a success.
    Failed(PlatformError),
}

/// A printout's progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrintState {
    /// Nothing to print on this printer.
    None,
    Printing,
    Printed,
    Failed(String),
}

/// A photographed material, by its index in the item's materials.
pub struct Attached {
    pub material: usize,
    pub photo: crate::model::Photo,
}

/// Reasons offered with a bad rating (★1–★2), from the offline indicators of GB/T 39735: efficiency, service
/// level, attitude, plus what a terminal itself gets wrong.
pub const BAD_RATING_REASONS: [(&str, &str); 6] = [
    ("办理时间太长", "It took too long"),
    ("操作太复杂", "Too hard to use"),
    ("信息预填有误", "Prefilled data was wrong"),
    ("打印或设备故障", "Printer or device failed"),
    ("指引不清楚", "Guidance unclear"),
    ("没有办成", "Could not get it done"),
];

/// Reasons of a 办不成事 report.
pub const NOT_DONE_REASONS: [(&str, &str); 6] = [
    ("找不到要办的事项", "Cannot find the service"),
    ("缺少材料", "Missing documents"),
    ("信息核验不通过", "My details are not accepted"),
    ("设备故障", "A device does not work"),
    ("看不懂怎么操作", "I do not understand how to use it"),
    ("其他原因", "Something else"),
];

pub struct Application {
    pub item: Item,
    pub step: Step,
    pub fields: Vec<FieldState>,
    /// The field the keyboard types into.
    pub focus: Option<usize>,
    /// Pinyin typed and not yet turned into characters.
    pub composition: String,
    /// The Chinese keyboard types Latin letters as they are (a building letter, a foreign name), not pinyin.
    pub latin: bool,
    pub prefill: PrefillState,
    pub attached: Vec<Attached>,
    /// The material being photographed.
    pub photographing: Option<usize>,
    /// For an item that needs a face photo: its place among the materials (taken with the face camera).
    pub face: Option<usize>,
    pub commitment_read: bool,
    /// Strokes of the signature, in widths of the pad (0..1 across, 0..height/width down).
    pub strokes: Vec<Vec<(f32, f32)>>,
    pub idempotency_key: String,
    pub submission: Submission,
    pub receipt: PrintState,
    pub document: PrintState,
    pub rating: Option<u8>,
    pub reasons: Vec<usize>,
    /// What the resident adds to a bad rating in words (optional); typed with the field keyboard as the slot
    /// after the last field (`comment_slot`).
    pub comment: FieldState,
    pub rating_sent: bool,
    /// Materials the platform holds as electronic certificates for this resident: material index → the
    /// certificate's number (shown as "已获取，免于提交" with where it came from, never asked for).
    pub fetched: Vec<(usize, Sensitive<String>)>,
    /// The applicant's age on the day, when identified (an item's age condition is checked against it).
    pub applicant_age: Option<u16>,
    /// A correction (补正) of a case a clerk sent back: only what the clerk named is asked.
    pub correction: Option<Correction>,
    /// Materials from the resident's earlier cases the platform still takes (电子材料链): material index →
    /// that case's material.
    pub reused: Vec<(usize, kiosk_api::EarlierMaterial)>,
    /// A certificate or earlier material the resident opened to see.
    pub viewing: Option<Viewing>,
    pub views_asked: u64,
}

/// The material an item with face identification adds.
pub const FACE_PHOTO: &str = "本人现场照片";

/// The longest signature kept (points); a finger resting on the pad must not grow it without end.
pub const SIGNATURE_MAX_POINTS: usize = 4_000;

impl Application {
    /// Starts an item: fields prefilled from the card where the schema says so.
    pub fn new(mut item: Item, card: Option<&CardData>, key: String) -> Application {
        // A face photo is one more material, taken at the terminal with the face camera; the counter and the
        // video window stay open for whoever cannot or will not be photographed.
        let face = (item.identity == kiosk_catalog::Identity::Face).then(|| {
            item.materials.insert(
                0,
                kiosk_catalog::Material {
                    name: FACE_PHOTO.into(),
                    held: false,
                    certificate: None,
                    template: None,
                },
            );
            0
        });
        let mut fields: Vec<FieldState> =
            item.fields.iter().cloned().map(FieldState::new).collect();
        if let Some(card) = card {
            card::prefill(&mut fields, card);
        }
        for f in &mut fields {
            // A choice with a usual answer is preset to its first choice: one touch less for most residents,
            // changed with one touch by the others. One the platform fills is left for the platform.
            if f.field.kind == FieldType::Choice
                && f.value.expose().is_empty()
                && f.field.prefill.is_none()
            {
                if let Some(first) = f.field.choices.first() {
                    f.value = Sensitive::new(first.clone());
                    f.source = Some(Source::Resident);
                }
            }
        }
        let remote = card.is_some()
            && (fields.iter().any(|f| {
                matches!(
                    f.field.prefill,
                    Some(Prefill::Platform(_)) | Some(Prefill::Certificate { .. })
                )
            }) || item
                .materials
                .iter()
                // A material to photograph may be one handed in with an earlier case.
                .any(|m| m.certificate.is_some() || earlier::photographed(m)));
        Application {
            item,
            step: Step::Form,
            fields,
            focus: None,
            composition: String::new(),
            latin: false,
            prefill: if remote {
                PrefillState::Waiting
            } else {
                PrefillState::NotNeeded
            },
            attached: Vec::new(),
            photographing: None,
            face,
            commitment_read: false,
            strokes: Vec::new(),
            idempotency_key: key,
            submission: Submission::NotYet,
            receipt: PrintState::None,
            document: PrintState::None,
            rating: None,
            reasons: Vec::new(),
            comment: FieldState::new(Field {
                id: "comment".into(),
                label: "补充说明".into(),
                kind: FieldType::Text,
                required: false,
                prefill: None,
                choices: Vec::new(),
            }),
            rating_sent: false,
            fetched: Vec::new(),
            reused: Vec::new(),
            viewing: None,
            views_asked: 0,
            applicant_age: None,
            correction: None,
        }
    }

    /// Which parts of a bundle are filed with the form as it is now (`applies[i]` for `item.parts[i]`).
    pub fn applies(&self) -> Vec<bool> {
        let value_of = |id: &str| {
            self.fields
                .iter()
                .find(|f| f.field.id == id)
                .map(|f| f.value.expose().as_str())
        };
        self.item
            .parts
            .iter()
            .map(|p| p.applies(value_of))
            .collect()
    }

    /// Whether field `i` is asked: every field of an item; of a bundle, those of the parts that apply.
    pub fn field_in_use(&self, i: usize) -> bool {
        self.fields
            .get(i)
            .is_some_and(|f| self.asks_field(&f.field.id, &self.applies()))
    }

    /// A correction asks for the fields its clerk named; else the item's (a bundle's: of its parts that apply).
    fn asks_field(&self, id: &str, applies: &[bool]) -> bool {
        match &self.correction {
            Some(c) => c.names_field(id) || self.written_names_field(id),
            None => self.item.field_in_use(id, applies),
        }
    }

    /// The fields asked, with their index.
    pub fn fields_in_use(&self) -> impl Iterator<Item = (usize, &FieldState)> {
        let applies = self.applies();
        self.fields
            .iter()
            .enumerate()
            .filter(move |(_, f)| self.asks_field(&f.field.id, &applies))
    }

    /// Whether material `i` is needed by a part that applies (every material of an item).
    pub fn material_in_use(&self, i: usize) -> bool {
        self.item
            .materials
            .get(i)
            .is_some_and(|m| match &self.correction {
                Some(c) => c.names_material(&m.name),
                None => self.item.material_in_use(&m.name, &self.applies()),
            })
    }

    /// The material is there without the resident photographing it: held by the government, fetched as a
    /// certificate, written by the terminal from the form, or handed in with an earlier case.
    pub fn material_held(&self, i: usize) -> bool {
        self.item.materials.get(i).is_some_and(|m| m.held)
            || self.fetched.iter().any(|(n, _)| *n == i)
            || self.is_written(i)
            || self.reused_for(i).is_some()
    }

    /// The certificate number a fetched material came as.
    pub fn fetched_number(&self, i: usize) -> Option<&str> {
        self.fetched
            .iter()
            .find(|(n, _)| *n == i)
            .map(|(_, v)| v.expose().as_str())
    }

    /// The platform sources the form asks for (`platform.phone`, `cert.x.y`).
    pub fn remote_sources(&self) -> Vec<String> {
        let mut sources: Vec<String> = self
            .fields
            .iter()
            .filter_map(|f| match &f.field.prefill {
                Some(Prefill::Platform(w)) => Some(format!("platform.{w}")),
                Some(Prefill::Certificate { certificate, field }) => {
                    Some(format!("cert.{certificate}.{field}"))
                }
                _ => None,
            })
            .chain(
                self.item
                    .materials
                    .iter()
                    .filter_map(|m| m.certificate.as_ref().map(certificate_source)),
            )
            .collect();
        sources.sort();
        sources.dedup();
        sources
    }

    /// Fills what the platform holds into fields the resident has not typed into yet.
    pub fn apply_prefill(&mut self, values: &std::collections::BTreeMap<String, String>) {
        for f in &mut self.fields {
            let (key, source) = match &f.field.prefill {
                Some(Prefill::Platform(w)) => (format!("platform.{w}"), Source::Platform),
                Some(Prefill::Certificate { certificate, field }) => (
                    format!("cert.{certificate}.{field}"),
                    Source::Certificate(certificate.clone()),
                ),
                _ => continue,
            };
            if let Some(v) = values.get(&key) {
                if f.value.expose().is_empty() {
                    f.set_prefill(v.chars().take(FIELD_MAX).collect(), source);
                }
            }
        }
        for (i, m) in self.item.materials.iter().enumerate() {
            let number = m
                .certificate
                .as_ref()
                .and_then(|c| values.get(&certificate_source(c)));
            if let Some(number) = number.filter(|n| !n.trim().is_empty()) {
                if !self.fetched.iter().any(|(n, _)| *n == i) {
                    self.fetched
                        .push((i, Sensitive::new(number.chars().take(FIELD_MAX).collect())));
                }
                // A photo taken before the certificate came is not needed any more.
                self.attached.retain(|a| a.material != i);
            }
        }
        self.prefill = PrefillState::Done;
    }

    pub fn materials_needed(&self) -> bool {
        (0..self.item.materials.len()).any(|i| self.material_in_use(i) && !self.material_held(i))
    }

    /// Materials still to photograph (index in the item's list).
    pub fn missing_materials(&self) -> Vec<usize> {
        self.item
            .materials
            .iter()
            .enumerate()
            .filter(|(i, _)| {
                self.material_in_use(*i)
                    && !self.material_held(*i)
                    && !self.attached.iter().any(|a| a.material == *i)
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// The step after `step` for this item.
    pub fn next_after(&self, step: Step) -> Step {
        match step {
            Step::Identify => Step::Form,
            Step::Form if self.materials_needed() => Step::Materials,
            Step::Form | Step::Materials if self.signs() => Step::Sign,
            // A document print asks nothing more than its form: the form is its review.
            Step::Form | Step::Materials | Step::Sign if self.item.kind == Kind::Print => {
                Step::Submitting
            }
            Step::Form | Step::Materials | Step::Sign => Step::Review,
            Step::Review => Step::Submitting,
            Step::Submitting | Step::Done => Step::Done,
        }
    }

    /// The resident signs the item's commitment: not again for a correction (the case's stands).
    pub fn signs(&self) -> bool {
        self.item.commitment.is_some() && self.correction.is_none()
    }

    /// The step before `step` (for the back button), skipping what the item does not have.
    pub fn previous_before(&self, step: Step) -> Option<Step> {
        match step {
            Step::Identify | Step::Form => None,
            // A correction of materials only has no form to go back to.
            Step::Materials if !self.fields_in_use().any(|_| true) => None,
            Step::Materials => Some(Step::Form),
            // Materials of an earlier case skip the step, but back reaches it (to photograph one anew).
            Step::Sign if self.materials_needed() || self.reuses() => Some(Step::Materials),
            Step::Sign => Some(Step::Form),
            Step::Review if self.signs() => Some(Step::Sign),
            Step::Review if self.materials_needed() || self.reuses() => Some(Step::Materials),
            Step::Review => Some(Step::Form),
            Step::Submitting | Step::Done => None,
        }
    }

    /// Checks every field; true when all are acceptable. Problems are shown from now on.
    pub fn check_all(&mut self) -> bool {
        let mut ok = true;
        let applies = self.applies();
        let asked: Vec<bool> = self
            .fields
            .iter()
            .map(|f| self.asks_field(&f.field.id, &applies))
            .collect();
        for (f, asked) in self.fields.iter_mut().zip(asked) {
            if !asked {
                // A field of a part that is not filed is not asked, whatever it holds.
                f.problem = None;
                continue;
            }
            f.problem = validate(&f.field, f.value.expose());
            f.checked = true;
            ok &= f.problem.is_none();
        }
        ok
    }

    /// The slot of the rating's comment: one past the form's fields.
    pub fn comment_slot(&self) -> usize {
        self.fields.len()
    }

    fn slot(&mut self, i: usize) -> Option<&mut FieldState> {
        if i == self.fields.len() {
            Some(&mut self.comment)
        } else {
            self.fields.get_mut(i)
        }
    }

    pub fn slot_ref(&self, i: usize) -> Option<&FieldState> {
        if i == self.fields.len() {
            Some(&self.comment)
        } else {
            self.fields.get(i)
        }
    }

    pub fn focus(&mut self, i: usize) {
        if let Some(prev) = self.focus {
            if prev != i {
                self.leave(prev);
            }
        }
        if self
            .slot_ref(i)
            .is_some_and(|f| f.keyboard() != Keyboard::None)
        {
            self.focus = Some(i);
        } else {
            self.focus = None;
        }
        self.composition.clear();
    }

    /// The resident left a field: its value is checked now.
    fn leave(&mut self, i: usize) {
        if let Some(f) = self.slot(i) {
            f.problem = validate(&f.field, f.value.expose());
            f.checked = true;
        }
    }

    pub fn unfocus(&mut self) {
        if let Some(i) = self.focus.take() {
            self.leave(i);
        }
        self.composition.clear();
    }

    fn edit(&mut self, i: usize, change: impl FnOnce(&mut String)) {
        let Some(f) = self.slot(i) else {
            return;
        };
        let before = f.value.expose().clone();
        let mut v = before.clone();
        change(&mut v);
        if v.chars().count() > FIELD_MAX || v == before {
            return;
        }
        if !before.is_empty() && (f.prefilled_unchanged || f.checked) {
            f.corrections += 1;
        }
        f.prefilled_unchanged = false;
        f.source = Some(Source::Resident);
        f.value = Sensitive::new(v);
        if f.checked {
            f.problem = validate(&f.field, f.value.expose());
        }
    }

    /// A key of the field keyboard: one character, `backspace`, `clear`, `space` (picks the first candidate
    /// while composing, else types a space) or `latin` (pinyin ⇄ Latin letters).
    pub fn key(&mut self, key: &str, first_candidate: Option<(String, usize)>) {
        let Some((i, kb, date)) = self.focus.and_then(|i| {
            self.slot_ref(i)
                .map(|f| (i, f.keyboard(), f.field.kind == FieldType::Date))
        }) else {
            return;
        };
        match key {
            "backspace" => {
                if self.composition.pop().is_none() {
                    self.edit(i, |v| {
                        v.pop();
                    });
                }
            }
            "clear" => {
                self.composition.clear();
                self.edit(i, String::clear);
            }
            "latin" if kb == Keyboard::Chinese => {
                // What was being composed is kept as the letters it is.
                let pending = std::mem::take(&mut self.composition);
                if !pending.is_empty() {
                    self.edit(i, |v| v.push_str(&pending));
                }
                self.latin = !self.latin;
            }
            "space" => match first_candidate {
                Some((text, consumed)) if !self.composition.is_empty() => {
                    self.pick(&text, consumed)
                }
                _ if kb == Keyboard::Chinese => self.edit(i, |v| v.push(' ')),
                _ => {}
            },
            k => {
                let mut chars = k.chars();
                let (Some(c), None) = (chars.next(), chars.next()) else {
                    return;
                };
                match kb {
                    Keyboard::Chinese if c.is_ascii_alphabetic() && self.latin => {
                        self.edit(i, |v| v.push(c.to_ascii_uppercase()))
                    }
                    Keyboard::Chinese if c.is_ascii_alphabetic() => {
                        if self.composition.len() < 32 {
                            self.composition.push(c.to_ascii_lowercase());
                        }
                    }
                    Keyboard::Chinese => self.edit(i, |v| v.push(c)),
                    Keyboard::Digits | Keyboard::IdNumber | Keyboard::Amount => {
                        let ok = c.is_ascii_digit()
                            || (kb == Keyboard::IdNumber && (c == 'X' || c == 'x'))
                            || (kb == Keyboard::Amount && c == '.');
                        if ok {
                            self.edit(i, |v| {
                                v.push(c.to_ascii_uppercase());
                                // Dates are typed as digits only; the dashes come by themselves.
                                if date && (v.len() == 4 || v.len() == 7) {
                                    v.push('-');
                                }
                            });
                        }
                    }
                    Keyboard::None => {}
                }
            }
        }
    }

    /// A candidate of the bar was chosen: its characters are typed and the letters it spells leave the
    /// composition.
    pub fn pick(&mut self, text: &str, consumed: usize) {
        let Some(i) = self.focus else {
            return;
        };
        let consumed = consumed.min(self.composition.len());
        self.composition.drain(..consumed);
        let text = text.to_string();
        self.edit(i, |v| v.push_str(&text));
    }

    pub fn choose(&mut self, field: usize, choice: usize) {
        let Some(value) = self
            .fields
            .get(field)
            .and_then(|f| f.field.choices.get(choice))
            .cloned()
        else {
            return;
        };
        self.focus = None;
        self.composition.clear();
        self.edit(field, |v| *v = value);
        if let Some(f) = self.fields.get_mut(field) {
            f.checked = true;
            f.problem = validate(&f.field, f.value.expose());
        }
    }

    /// A point of the signature, in widths of the pad: `new_stroke` when the finger just touched down.
    pub fn sign(&mut self, x: f32, y: f32, new_stroke: bool) {
        if !(x.is_finite() && y.is_finite()) {
            return;
        }
        let total: usize = self.strokes.iter().map(Vec::len).sum();
        if total >= SIGNATURE_MAX_POINTS {
            return;
        }
        // Down the pad in widths: a pad is never more than a few times as tall as it is wide.
        let p = (x.clamp(0.0, 1.0), y.clamp(0.0, 4.0));
        match self.strokes.last_mut() {
            Some(s) if !new_stroke => s.push(p),
            _ => self.strokes.push(vec![p]),
        }
    }

    /// A signature with some substance: a tap or two is not a signature.
    pub fn signed(&self) -> bool {
        let ink: f32 = self
            .strokes
            .iter()
            .flat_map(|s| s.windows(2))
            .map(|w| ((w[1].0 - w[0].0).powi(2) + (w[1].1 - w[0].1).powi(2)).sqrt())
            .sum();
        ink > 0.3
    }

    pub fn fields_for_platform(&self) -> Vec<FieldValue> {
        self.fields_in_use()
            .map(|(_, f)| FieldValue {
                id: f.field.id.clone(),
                label: f.field.label.clone(),
                value: f.value.expose().trim().to_string(),
            })
            .collect()
    }

    /// A bundle's department cases as the platform splits it: the parts that apply, each with the fields and
    /// materials it needs (empty for one item).
    pub fn case_parts(&self) -> Vec<CasePart> {
        if self.correction.is_some() {
            return Vec::new();
        }
        let applies = self.applies();
        self.item
            .parts
            .iter()
            .zip(applies)
            .filter(|(_, on)| *on)
            .map(|(p, _)| CasePart {
                item_code: p.code.clone(),
                item_name: p.name.clone(),
                department: p.department.clone(),
                time_limit: p.time_limit.clone(),
                fields: p.fields.clone(),
                materials: p.materials.clone(),
            })
            .collect()
    }

    /// The electronic certificates used instead of materials: name, certificate kind, number.
    pub fn certificates_used(&self) -> Vec<HeldMaterial> {
        self.fetched
            .iter()
            .filter(|(i, _)| self.material_in_use(*i))
            .filter_map(|(i, number)| {
                let m = self.item.materials.get(*i)?;
                Some(HeldMaterial {
                    name: m.name.clone(),
                    certificate: m.certificate.clone().unwrap_or_default(),
                    number: number.expose().clone(),
                })
            })
            .collect()
    }

    pub fn uploads(&self) -> Vec<Upload> {
        self.attached
            .iter()
            .filter(|a| self.material_in_use(a.material))
            .map(|a| Upload {
                name: self
                    .item
                    .materials
                    .get(a.material)
                    .map(|m| m.name.clone())
                    .unwrap_or_default(),
                media_type: "image/jpeg".into(),
                bytes: a.photo.jpeg.expose().clone(),
            })
            .collect()
    }

    pub fn kind(&self) -> ItemKind {
        match self.item.kind {
            Kind::Print => ItemKind::Print,
            Kind::Apply => ItemKind::Apply,
            Kind::Book => ItemKind::Book,
            Kind::Query => ItemKind::Query,
        }
    }
}

#[cfg(test)]
mod tests;
