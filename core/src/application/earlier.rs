//! 电子材料链: materials the resident handed in with an earlier case, which the platform still takes. The
//! platform names them with the prefill; each is used again (named in the case like a new photo, with nothing
//! to upload) and shown with where it came from, and the resident can still photograph it anew (a new
//! lease), which then goes instead.

use super::{Application, FACE_PHOTO};
use kiosk_api::{EarlierMaterial, MaterialRef};

/// The resident would photograph it: not held by the government, not written by the terminal, not the face
/// photo taken here and now. Only such a material can come from an earlier case.
pub(super) fn photographed(m: &kiosk_catalog::Material) -> bool {
    !m.held && m.template.is_none() && m.name != FACE_PHOTO
}

impl Application {
    /// The materials to ask the platform about: those the resident would photograph.
    pub fn photographed_names(&self) -> Vec<String> {
        self.item
            .materials
            .iter()
            .filter(|m| photographed(m))
            .map(|m| m.name.clone())
            .collect()
    }

    /// Takes the platform's earlier materials: each for the material of that name the resident would
    /// photograph, unless a photo of it was taken already.
    pub fn apply_earlier(&mut self, earlier: &[EarlierMaterial]) {
        let wanted = self.photographed_names();
        for e in earlier {
            let name = &e.material.name;
            let Some(i) = self.item.materials.iter().position(|m| &m.name == name) else {
                continue;
            };
            if wanted.contains(name) && !self.reused.iter().any(|(n, _)| *n == i) {
                self.reused.push((i, e.clone()));
            }
        }
    }

    /// The earlier case's material standing for material `i`: none once the resident photographed it anew.
    pub fn reused_for(&self, i: usize) -> Option<&EarlierMaterial> {
        if self.attached.iter().any(|a| a.material == i) {
            return None;
        }
        self.reused.iter().find(|(n, _)| *n == i).map(|(_, e)| e)
    }

    /// A material of an earlier case stands for one the item needs.
    pub fn reuses(&self) -> bool {
        (0..self.item.materials.len())
            .any(|i| self.material_in_use(i) && self.reused_for(i).is_some())
    }

    /// The earlier materials the case names (needed, and not photographed anew).
    pub fn reused_refs(&self) -> Vec<MaterialRef> {
        (0..self.item.materials.len())
            .filter(|i| self.material_in_use(*i) && !self.fetched.iter().any(|(n, _)| n == i))
            .filter_map(|i| self.reused_for(i).map(|e| e.material.clone()))
            .collect()
    }
}
