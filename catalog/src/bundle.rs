//! 一件事 bundles as the catalogue file describes them: one form (the union of the department items' fields, each
//! asked once), one list of materials (each captured once), one commitment, and the parts (one department's
//! item each, with the fields and materials it needs and an "only if" condition). A bundle compiles into an
//! [`Item`] with `parts`, so that search, the home screen and the application's steps serve it like any item.

use crate::item::{Condition, FieldType, Identity, Item, Kind, Material, Part};
use crate::load::{check_item, check_materials, read_fields, CatalogError, RawField};
use serde::Deserialize;
use std::collections::HashSet;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPart {
    code: String,
    name: String,
    department: String,
    time_limit: String,
    #[serde(default)]
    fields: Vec<String>,
    #[serde(default)]
    materials: Vec<String>,
    /// `field = value`: the part is filed only when the form's field has that value.
    when: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawBundle {
    pub(crate) code: String,
    name: String,
    name_en: String,
    category: String,
    /// The department that leads the bundle (牵头部门) and answers for it as a whole.
    lead: String,
    identity: Identity,
    /// The bundle's promise as a whole; each part keeps its own.
    time_limit: String,
    #[serde(default)]
    elder: bool,
    #[serde(default)]
    synonyms: Vec<String>,
    commitment: Option<String>,
    #[serde(default)]
    min_age: Option<u8>,
    fields: Vec<RawField>,
    #[serde(default)]
    materials: Vec<Material>,
    parts: Vec<RawPart>,
}

/// Checks a bundle whole and turns it into an item; `None` (and the problems in `errors`) when it is wrong.
pub(crate) fn compile(
    b: RawBundle,
    categories: &[&str],
    errors: &mut Vec<CatalogError>,
) -> Option<Item> {
    let before = errors.len();
    let code = b.code.clone();
    let mut bad = |message: String| {
        errors.push(CatalogError::Item {
            code: code.clone(),
            message,
        })
    };
    let fields = read_fields(b.fields, &mut bad);
    check_materials(&b.materials, &mut bad);
    if b.parts.len() < 2 {
        bad("a bundle files at least two items".into());
    }
    let mut part_codes = HashSet::new();
    let mut parts = Vec::new();
    for p in b.parts {
        if !part_codes.insert(p.code.clone()) {
            bad(format!("part `{}` appears twice", p.code));
        }
        if p.department.trim().is_empty() || p.time_limit.trim().is_empty() {
            bad(format!(
                "part `{}`: a department and a time limit are needed",
                p.code
            ));
        }
        for f in &p.fields {
            if !fields.iter().any(|x| &x.id == f) {
                bad(format!(
                    "part `{}`: no field `{f}` in the bundle's form",
                    p.code
                ));
            }
        }
        for m in &p.materials {
            if !b.materials.iter().any(|x| &x.name == m) {
                bad(format!(
                    "part `{}`: no material `{m}` in the bundle's list",
                    p.code
                ));
            }
        }
        let when = match p.when.as_deref().map(|w| (w, Condition::parse(w))) {
            None => None,
            Some((w, None)) => {
                bad(format!(
                    "part `{}`: `when = \"{w}\"` is not `field = value`",
                    p.code
                ));
                None
            }
            Some((_, Some(c))) => {
                let field = fields.iter().find(|f| f.id == c.field);
                match field {
                    Some(f) if f.kind == FieldType::Choice && f.choices.contains(&c.value) => {}
                    _ => bad(format!(
                        "part `{}`: the condition names `{}`, which is not a choice field of the form with the choice `{}`",
                        p.code, c.field, c.value
                    )),
                }
                if p.fields.contains(&c.field) {
                    bad(format!(
                        "part `{}`: its own condition `{}` cannot be one of its fields",
                        p.code, c.field
                    ));
                }
                Some(c)
            }
        };
        parts.push(Part {
            code: p.code,
            name: p.name,
            department: p.department,
            time_limit: p.time_limit,
            fields: p.fields,
            materials: p.materials,
            when,
        });
    }
    for m in &b.materials {
        if !parts.iter().any(|p| p.materials.contains(&m.name)) {
            bad(format!("material `{}`: no part needs it", m.name));
        }
    }
    let item = Item {
        code: b.code,
        name: b.name,
        name_en: b.name_en,
        category: b.category,
        department: b.lead,
        kind: Kind::Apply,
        identity: b.identity,
        time_limit: b.time_limit,
        elder: b.elder,
        synonyms: b.synonyms,
        commitment: b.commitment.filter(|c| !c.trim().is_empty()),
        min_age: b.min_age,
        fields,
        materials: b.materials,
        parts,
    };
    check_item(&item, categories, &mut bad);
    (errors.len() == before).then_some(item)
}

#[cfg(test)]
mod tests {
    use crate::load::Catalog;

    const HEAD: &str = r#"
[[bundle]]
code = "YJS-T"
name = "测试一件事"
name_en = "Test"
category = "business"
lead = "区市场监管局"
identity = "id-card"
time_limit = "5个工作日"
[[bundle.fields]]
id = "name"
label = "姓名"
type = "text"
required = true
prefill = "card.name"
[[bundle.fields]]
id = "food"
label = "是否销售食品"
type = "choice"
required = true
choices = ["是", "否"]
[[bundle.materials]]
name = "租赁合同"
"#;

    #[test]
    fn a_bundle_is_one_form_with_its_parts() {
        let src = format!(
            "{HEAD}
[[bundle.parts]]
code = \"A\"
name = \"营业执照\"
department = \"区市场监管局\"
time_limit = \"即办\"
fields = [\"name\"]
materials = [\"租赁合同\"]
[[bundle.parts]]
code = \"B\"
name = \"食品经营许可\"
department = \"区市场监管局\"
time_limit = \"10个工作日\"
fields = [\"name\"]
materials = [\"租赁合同\"]
when = \"food = 是\"
"
        );
        let c = Catalog::from_toml(&src, &["business"]).unwrap();
        let b = c.get("YJS-T").unwrap();
        assert!(b.is_bundle());
        assert_eq!(b.fields.len(), 2);
        assert_eq!(b.materials.len(), 1);
        let food = |v: &'static str| move |f: &str| (f == "food").then_some(v);
        assert!(b.parts[1].applies(food("是")));
        assert!(!b.parts[1].applies(food("否")));
        // The condition field belongs to the bundle: asked whatever applies.
        assert!(b.field_in_use("food", &[false, false]));
        assert!(b.field_in_use("name", &[true, false]));
        assert!(!b.field_in_use("name", &[false, false]));
        assert!(b.material_in_use("租赁合同", &[false, true]));
    }

    #[test]
    fn every_problem_of_a_bundle_is_named() {
        let src = format!(
            "{HEAD}
[[bundle.parts]]
code = \"A\"
name = \"营业执照\"
department = \"\"
time_limit = \"即办\"
fields = [\"name\", \"shop\"]
materials = [\"合同\"]
when = \"colour = 红\"
"
        );
        let errors = Catalog::from_toml(&src, &["business"]).unwrap_err();
        let text: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        for want in [
            "YJS-T: a bundle files at least two items",
            "YJS-T: part `A`: a department and a time limit are needed",
            "YJS-T: part `A`: no field `shop` in the bundle's form",
            "YJS-T: part `A`: no material `合同` in the bundle's list",
            "YJS-T: part `A`: the condition names `colour`, which is not a choice field of the form with the choice `红`",
            "YJS-T: material `租赁合同`: no part needs it",
        ] {
            assert!(text.iter().any(|t| t == want), "{want} not in {text:?}");
        }
        assert_eq!(text.len(), 6, "{text:?}");
    }
}
