//! 精准告知: what a clerk would send a case back for (补正), found on the terminal before it is submitted and
//! said plainly, each with the one thing that fixes it. The district's bar is second returns under 10 %; most
//! first returns are a material missing or unreadable, a value that contradicts a certificate, or a condition
//! the applicant does not meet.

use super::{Application, Source};

/// One thing a clerk would return the case for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Concern {
    /// The applicant is younger than the item allows (`min_age`): it cannot be granted.
    TooYoung { min_age: u8, age: u16 },
    /// A material that is needed has no photo and is not held.
    MissingMaterial { material: usize },
    /// The photo of a material is too dark to read for sure.
    PhotoDark { material: usize },
    /// Part of the page is outside the photo.
    PhotoCutOff { material: usize },
    /// A value typed over what the card or a certificate says (`source`).
    Contradicts { field: usize, source: Source },
}

impl Concern {
    /// The case cannot be filed so (the resident fixes it, or asks a person); the others are said and left to
    /// the resident, who may know better (a certificate out of date, a page that is dark but legible).
    pub fn blocks(&self) -> bool {
        matches!(
            self,
            Concern::TooYoung { .. } | Concern::MissingMaterial { .. }
        )
    }
}

impl Application {
    /// Everything a clerk would return the case for as it stands now, the blocking ones first.
    pub fn concerns(&self) -> Vec<Concern> {
        let mut out = Vec::new();
        if let (Some(min_age), Some(age)) = (self.item.min_age, self.applicant_age) {
            if age < u16::from(min_age) {
                out.push(Concern::TooYoung { min_age, age });
            }
        }
        out.extend(
            self.missing_materials()
                .into_iter()
                .map(|material| Concern::MissingMaterial { material }),
        );
        for a in &self.attached {
            if !self.material_in_use(a.material) {
                continue;
            }
            if a.photo.quality.cut_off {
                out.push(Concern::PhotoCutOff {
                    material: a.material,
                });
            } else if a.photo.quality.dark {
                out.push(Concern::PhotoDark {
                    material: a.material,
                });
            }
        }
        for (i, f) in self.fields_in_use() {
            if let Some((held, source)) = &f.held {
                if f.value.expose().trim() != held.expose().trim() {
                    out.push(Concern::Contradicts {
                        field: i,
                        source: source.clone(),
                    });
                }
            }
        }
        out
    }

    /// Whether the case can be filed as it stands.
    pub fn fileable(&self) -> bool {
        self.concerns().iter().all(|c| !c.blocks())
    }

    /// Puts back what the card or certificate says into field `i` (the fix of a `Contradicts`).
    pub fn restore_held(&mut self, i: usize) {
        let Some(f) = self.fields.get_mut(i) else {
            return;
        };
        if let Some((held, source)) = f.held.clone() {
            f.value = held;
            f.source = Some(source);
            f.prefilled_unchanged = true;
            f.problem = super::validate(&f.field, f.value.expose());
        }
    }
}
