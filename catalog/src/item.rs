//! One service item as the catalogue describes it.

use serde::{Deserialize, Serialize};

/// What the resident gets done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Print a document the government holds.
    Print,
    Apply,
    /// Book an appointment.
    Book,
    Query,
}

/// How sure the terminal must be of who the resident is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Identity {
    None,
    /// ID card or 随申码.
    RealName,
    /// The card itself must be read.
    IdCard,
    /// Real name plus a face photo (never the only way: the counter and the video window stay open).
    Face,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FieldType {
    Text,
    IdNumber,
    Phone,
    Date,
    Choice,
    Address,
    Number,
    Amount,
}

/// Where a field's value comes from before the resident sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Prefill {
    /// From the ID card just read: `name`, `id_number`, `sex`, `birth`, `address`; on a card other than the
    /// resident ID card also `card_type`, and `english_name`, `nationality` or `pass_number` as it has them.
    Card(String),
    /// From the resident's real-name record on the platform: `phone`, `bank_account`.
    Platform(String),
    /// From an electronic certificate the platform holds: certificate and field.
    Certificate { certificate: String, field: String },
}

impl Prefill {
    pub const CARD_FIELDS: [&'static str; 9] = [
        "name",
        "id_number",
        "sex",
        "birth",
        "address",
        "card_type",
        "english_name",
        "nationality",
        "pass_number",
    ];
    pub const PLATFORM_FIELDS: [&'static str; 2] = ["phone", "bank_account"];

    /// Reads `card.name`, `platform.phone`, `cert.residence_permit.address`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let parts: Vec<&str> = s.split('.').collect();
        match parts.as_slice() {
            ["card", f] if Self::CARD_FIELDS.contains(f) => Ok(Prefill::Card(f.to_string())),
            ["platform", f] if Self::PLATFORM_FIELDS.contains(f) => {
                Ok(Prefill::Platform(f.to_string()))
            }
            ["cert", c, f] if !c.is_empty() && !f.is_empty() => Ok(Prefill::Certificate {
                certificate: c.to_string(),
                field: f.to_string(),
            }),
            _ => Err(format!(
                "unknown prefill source `{s}` (card.{{{}}}, platform.{{{}}} or cert.<certificate>.<field>)",
                Self::CARD_FIELDS.join(","),
                Self::PLATFORM_FIELDS.join(",")
            )),
        }
    }

    /// Where the value came from, as the form says it next to the field.
    pub fn source_zh(&self) -> String {
        match self {
            Prefill::Card(_) => "来自身份证".into(),
            Prefill::Platform(_) => "来自一网通办实名信息".into(),
            Prefill::Certificate { certificate, .. } => format!("来自电子证照（{certificate}）"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Field {
    pub id: String,
    pub label: String,
    pub kind: FieldType,
    pub required: bool,
    pub prefill: Option<Prefill>,
    pub choices: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Material {
    pub name: String,
    /// The government already holds it: listed as "已获取，免于提交", never asked for.
    #[serde(default)]
    pub held: bool,
    /// The electronic certificate (电子证照) this material is, by kind (`birth_certificate`): when the platform
    /// holds one for the resident it is fetched and not asked for; when it does not, it is photographed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<String>,
    /// A text the terminal writes from the form (`{field}` where a value goes; see [`crate::template`]): the
    /// resident reads it and signs it with the application, never photographs it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    pub code: String,
    pub name: String,
    pub name_en: String,
    pub category: String,
    pub department: String,
    pub kind: Kind,
    pub identity: Identity,
    pub time_limit: String,
    pub elder: bool,
    pub synonyms: Vec<String>,
    pub commitment: Option<String>,
    pub fields: Vec<Field>,
    pub materials: Vec<Material>,
    /// For a 一件事 bundle: the department items it files, each as a case of its own; empty for one item.
    pub parts: Vec<Part>,
    /// The applicant must be at least this old on the day (老年综合津贴 from 65): a younger applicant's case
    /// would be returned, so the terminal says so before it is filed.
    pub min_age: Option<u8>,
}

/// "Only if": a part of a bundle applies when a field of the form has a value (`sells_food = 是`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Condition {
    pub field: String,
    pub value: String,
}

impl Condition {
    /// Reads `field = value`.
    pub fn parse(s: &str) -> Option<Condition> {
        let (field, value) = s.split_once('=')?;
        let (field, value) = (field.trim(), value.trim());
        (!field.is_empty() && !value.is_empty()).then(|| Condition {
            field: field.into(),
            value: value.into(),
        })
    }
}

/// One department's item inside a bundle: the fields and materials of the bundle's form it needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Part {
    pub code: String,
    pub name: String,
    pub department: String,
    pub time_limit: String,
    /// Field ids of the bundle's form.
    pub fields: Vec<String>,
    /// Material names of the bundle's list.
    pub materials: Vec<String>,
    pub when: Option<Condition>,
}

impl Part {
    /// Whether the part is filed, given the form's values.
    pub fn applies<'a>(&self, value_of: impl Fn(&str) -> Option<&'a str>) -> bool {
        match &self.when {
            None => true,
            Some(c) => value_of(&c.field).is_some_and(|v| v.trim() == c.value),
        }
    }
}

impl Item {
    pub fn is_bundle(&self) -> bool {
        !self.parts.is_empty()
    }

    /// Whether a field of the form is asked, given which parts apply (`applies[i]` for `parts[i]`): a field
    /// no part names belongs to the bundle itself (its conditions) and is always asked.
    pub fn field_in_use(&self, id: &str, applies: &[bool]) -> bool {
        self.in_use(|p| p.fields.iter().any(|f| f == id), applies)
    }

    /// Whether a material is needed, given which parts apply: one named by no part is always needed.
    pub fn material_in_use(&self, name: &str, applies: &[bool]) -> bool {
        self.in_use(|p| p.materials.iter().any(|m| m == name), applies)
    }

    /// Named by no part (the bundle's own, or any item's), or by a part that applies.
    fn in_use(&self, named: impl Fn(&Part) -> bool, applies: &[bool]) -> bool {
        !self.parts.iter().any(&named)
            || self
                .parts
                .iter()
                .zip(applies)
                .any(|(p, on)| *on && named(p))
    }

    /// Materials the resident must bring or photograph (the rest the government holds).
    pub fn materials_to_submit(&self) -> impl Iterator<Item = &Material> {
        self.materials.iter().filter(|m| !m.held)
    }

    /// Fields that fill themselves from data the government holds.
    pub fn prefilled_fields(&self) -> impl Iterator<Item = &Field> {
        self.fields.iter().filter(|f| f.prefill.is_some())
    }
}
