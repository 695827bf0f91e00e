//! 辅助生成格式文本: the formatted materials the terminal writes for the resident (a tenancy statement, an
//! application letter, an income statement) from the catalogue's template and the form, which already holds
//! what the card and the electronic certificates say. The resident reads them on the signing step and signs
//! them with the commitment; they are never photographed. Written again from the form whenever asked, so a
//! value corrected is in the text.

use super::Application;
use kiosk_drivers::Sensitive;

/// A text written for the resident, as it goes with the case (rendered as a signed PDF by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The material's name in the catalogue (e.g. 经营场所使用情况说明).
    pub name: String,
    /// The text: it holds names, numbers and addresses.
    pub text: Sensitive<String>,
}

impl Application {
    /// Material `i` is a text the terminal writes.
    pub fn is_written(&self, i: usize) -> bool {
        self.item
            .materials
            .get(i)
            .is_some_and(|m| m.template.is_some())
    }

    /// Material `i` as written from the form now (`None` when it is not a written text).
    pub fn written_text(&self, i: usize) -> Option<String> {
        let template = self.item.materials.get(i)?.template.as_ref()?;
        Some(kiosk_catalog::template::fill(template, |id| {
            self.fields
                .iter()
                .find(|f| f.field.id == id)
                .map(|f| f.value.expose().as_str())
        }))
    }

    /// Every written text the case needs (of a bundle: of the parts that apply), in the catalogue's order.
    pub fn written(&self) -> Vec<Written> {
        (0..self.item.materials.len())
            .filter(|i| self.material_in_use(*i))
            .filter_map(|i| {
                Some(Written {
                    name: self.item.materials.get(i)?.name.clone(),
                    text: Sensitive::new(self.written_text(i)?),
                })
            })
            .collect()
    }

    /// Field `id` goes into a written text the clerk named (a correction of the text asks for what is in it).
    pub(super) fn written_names_field(&self, id: &str) -> bool {
        let Some(c) = &self.correction else {
            return false;
        };
        self.item.materials.iter().any(|m| {
            c.names_material(&m.name)
                && m.template.as_deref().is_some_and(|t| {
                    kiosk_catalog::template::placeholders(t).is_ok_and(|ids| ids.contains(&id))
                })
        })
    }
}
