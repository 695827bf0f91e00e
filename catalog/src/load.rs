//! Reading the catalogue file and checking it whole: every problem is reported with the item's code, not only
//! the first, so the people who keep the file fix it in one go.

use crate::item::{Field, FieldType, Identity, Item, Kind, Material, Prefill};
use serde::Deserialize;
use std::collections::HashSet;

/// The categories of the home screen, which every item belongs to (the kiosk's category tiles use the same ids;
/// a test there keeps them equal).
pub const CATEGORY_IDS: [&str; 9] = [
    "social-insurance",
    "medical-insurance",
    "housing-fund",
    "tax",
    "household",
    "elderly-care",
    "disability",
    "business",
    "certificate-print",
];

/// The catalogue shipped with the firmware.
pub const BUNDLED: &str = include_str!("../../data/catalog.toml");

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogError {
    #[error("the catalogue file is not valid TOML: {0}")]
    Syntax(String),
    #[error("{code}: {message}")]
    Item { code: String, message: String },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawField {
    id: String,
    label: String,
    #[serde(rename = "type")]
    kind: FieldType,
    #[serde(default)]
    required: bool,
    prefill: Option<String>,
    #[serde(default)]
    choices: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    code: String,
    name: String,
    name_en: String,
    category: String,
    department: String,
    kind: Kind,
    identity: Identity,
    time_limit: String,
    #[serde(default)]
    elder: bool,
    #[serde(default)]
    synonyms: Vec<String>,
    commitment: Option<String>,
    #[serde(default)]
    min_age: Option<u8>,
    #[serde(default)]
    fields: Vec<RawField>,
    #[serde(default)]
    materials: Vec<Material>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalog {
    #[serde(default)]
    item: Vec<RawItem>,
    #[serde(default)]
    bundle: Vec<crate::bundle::RawBundle>,
}

/// The items, in the file's order.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub items: Vec<Item>,
}

impl Catalog {
    /// Reads and checks a catalogue; `categories` are the ids the home screen knows.
    pub fn from_toml(src: &str, categories: &[&str]) -> Result<Self, Vec<CatalogError>> {
        let raw: RawCatalog =
            toml::from_str(src).map_err(|e| vec![CatalogError::Syntax(e.to_string())])?;
        let mut errors = Vec::new();
        let mut codes = HashSet::new();
        let mut items = Vec::new();
        for r in raw.item {
            let mut bad = |message: String| {
                errors.push(CatalogError::Item {
                    code: r.code.clone(),
                    message,
                })
            };
            if !codes.insert(r.code.clone()) {
                bad("the code is used twice".into());
            }
            let fields = read_fields(r.fields, &mut bad);
            check_materials(&r.materials, &mut bad);
            let item = Item {
                code: r.code.clone(),
                name: r.name,
                name_en: r.name_en,
                category: r.category,
                department: r.department,
                kind: r.kind,
                identity: r.identity,
                time_limit: r.time_limit,
                elder: r.elder,
                synonyms: r.synonyms,
                commitment: r.commitment.filter(|c| !c.trim().is_empty()),
                fields,
                materials: r.materials,
                parts: Vec::new(),
                min_age: r.min_age,
            };
            check_item(&item, categories, &mut bad);
            items.push(item);
        }
        for b in raw.bundle {
            if !codes.insert(b.code.clone()) {
                errors.push(CatalogError::Item {
                    code: b.code.clone(),
                    message: "the code is used twice".into(),
                });
            }
            if let Some(item) = crate::bundle::compile(b, categories, &mut errors) {
                items.push(item);
            }
        }
        // Bundles first: in a category's list the 一件事 comes before its single items.
        items.sort_by_key(|i| !i.is_bundle());
        if errors.is_empty() {
            Ok(Catalog { items })
        } else {
            Err(errors)
        }
    }

    /// The catalogue shipped with the firmware.
    pub fn bundled() -> Result<Self, Vec<CatalogError>> {
        Self::from_toml(BUNDLED, &CATEGORY_IDS)
    }

    pub fn get(&self, code: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.code == code)
    }
}

/// What every item and bundle needs: both names, a known category, identification when the card fills fields.
pub(crate) fn check_item(item: &Item, categories: &[&str], bad: &mut impl FnMut(String)) {
    if item.name.trim().is_empty() || item.name_en.trim().is_empty() {
        bad("a name (Chinese and English) is needed".into());
    }
    if !categories.contains(&item.category.as_str()) {
        bad(format!("unknown category `{}`", item.category));
    }
    if item
        .fields
        .iter()
        .any(|f| matches!(f.prefill, Some(Prefill::Card(_))))
        && item.identity < Identity::RealName
    {
        bad("fields fill from the ID card, but the item needs no identification".into());
    }
    for m in &item.materials {
        let Some(t) = &m.template else { continue };
        if m.held || m.certificate.is_some() {
            bad(format!(
                "material `{}`: a written text (`template`) is neither `held` nor a `certificate`",
                m.name
            ));
        }
        if item.commitment.is_none() {
            bad(format!(
                "material `{}`: a written text is signed, so the item needs a commitment to sign",
                m.name
            ));
        }
        match crate::template::placeholders(t) {
            Ok(ids) => {
                for id in ids {
                    if !item.fields.iter().any(|f| f.id == id) {
                        bad(format!(
                            "material `{}`: `{{{id}}}` is not a field of the form",
                            m.name
                        ));
                    }
                }
            }
            Err(e) => bad(format!("material `{}`: {e}", m.name)),
        }
    }
}

/// Reads a form's fields, reporting each problem through `bad`.
pub(crate) fn read_fields(raw: Vec<RawField>, bad: &mut impl FnMut(String)) -> Vec<Field> {
    let mut ids = HashSet::new();
    let mut fields = Vec::new();
    for f in raw {
        if !ids.insert(f.id.clone()) {
            bad(format!("field `{}` appears twice", f.id));
        }
        let is_choice = f.kind == FieldType::Choice;
        if is_choice == f.choices.is_empty() {
            bad(format!(
                "field `{}`: a choice field needs choices, and only a choice field has them",
                f.id
            ));
        }
        let prefill = match f.prefill.as_deref().map(Prefill::parse).transpose() {
            Ok(p) => p,
            Err(e) => {
                bad(format!("field `{}`: {e}", f.id));
                None
            }
        };
        fields.push(Field {
            id: f.id,
            label: f.label,
            kind: f.kind,
            required: f.required,
            prefill,
            choices: f.choices,
        });
    }
    fields
}

/// Materials named twice, or said to be both held and an electronic certificate to look for.
pub(crate) fn check_materials(materials: &[Material], bad: &mut impl FnMut(String)) {
    let mut names = HashSet::new();
    for m in materials {
        if !names.insert(m.name.as_str()) {
            bad(format!("material `{}` appears twice", m.name));
        }
        if m.held && m.certificate.is_some() {
            bad(format!(
                "material `{}`: `held` and `certificate` exclude each other (a certificate is held when the platform has it)",
                m.name
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CATS: [&str; 2] = ["social-insurance", "tax"];

    #[test]
    fn every_problem_is_reported_with_its_item() {
        let src = r#"
[[item]]
code = "A"
name = "甲"
name_en = "A"
category = "nowhere"
department = "x"
kind = "print"
identity = "none"
time_limit = "即办"
[[item.fields]]
id = "name"
label = "姓名"
type = "text"
prefill = "card.nickname"
[[item.fields]]
id = "c"
label = "选"
type = "choice"

[[item]]
code = "A"
name = "乙"
name_en = "B"
category = "tax"
department = "x"
kind = "apply"
identity = "real-name"
time_limit = "即办"
"#;
        let errors = Catalog::from_toml(src, &CATS).unwrap_err();
        let text: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        assert!(
            text.iter()
                .any(|t| t.starts_with("A: unknown category `nowhere`")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|t| t.contains("unknown prefill source `card.nickname`")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|t| t.contains("field `c`: a choice field needs choices")),
            "{text:?}"
        );
        assert!(
            text.iter().any(|t| t == "A: the code is used twice"),
            "{text:?}"
        );
        assert_eq!(text.len(), 4, "{text:?}");
    }

    #[test]
    fn a_typo_in_a_key_or_a_kind_is_a_syntax_error_not_a_silent_default() {
        let src = "[[item]]\ncode = \"A\"\nname = \"甲\"\nname_en = \"A\"\ncategory = \"tax\"\ndepartment = \"x\"\nkind = \"printt\"\nidentity = \"none\"\ntime_limit = \"即办\"\n";
        assert!(matches!(
            Catalog::from_toml(src, &CATS).unwrap_err()[0],
            CatalogError::Syntax(_)
        ));
        let src = src
            .replace("printt", "print")
            .replace("time_limit", "timelimit");
        assert!(matches!(
            Catalog::from_toml(&src, &CATS).unwrap_err()[0],
            CatalogError::Syntax(_)
        ));
    }

    #[test]
    fn a_written_text_names_only_fields_of_its_form_and_is_signed() {
        let item = |commitment: &str, template: &str| {
            format!(
                "[[item]]\ncode = \"A\"\nname = \"甲\"\nname_en = \"A\"\ncategory = \"tax\"\ndepartment = \"x\"\nkind = \"apply\"\nidentity = \"real-name\"\ntime_limit = \"即办\"\n{commitment}[[item.fields]]\nid = \"name\"\nlabel = \"姓名\"\ntype = \"text\"\n[[item.materials]]\nname = \"说明\"\ntemplate = \"{template}\"\n"
            )
        };
        let signed = "commitment = \"本人承诺\"\n";
        assert!(Catalog::from_toml(&item(signed, "本人{name}说明"), &CATS).is_ok());
        let text = |src: String| -> Vec<String> {
            Catalog::from_toml(&src, &CATS)
                .unwrap_err()
                .iter()
                .map(|e| e.to_string())
                .collect()
        };
        let t = text(item(signed, "本人{nmae}说明"));
        assert!(
            t[0].contains("`{nmae}` is not a field of the form"),
            "{t:?}"
        );
        let t = text(item(signed, "本人{name说明"));
        assert!(t[0].contains("without its pair"), "{t:?}");
        let t = text(item("", "本人{name}说明"));
        assert!(t[0].contains("needs a commitment"), "{t:?}");
    }

    #[test]
    fn prefill_sources() {
        assert_eq!(
            Prefill::parse("card.name"),
            Ok(Prefill::Card("name".into()))
        );
        assert_eq!(
            Prefill::parse("cert.residence_permit.address"),
            Ok(Prefill::Certificate {
                certificate: "residence_permit".into(),
                field: "address".into()
            })
        );
        assert!(Prefill::parse("platform.password").is_err());
        assert!(Prefill::parse("cert.x").is_err());
    }
}
