//! Opening what the government holds for the resident (两个免于提交, seen): an electronic certificate that
//! stands for a material, or a material of an earlier case. The platform answers with what to show; the
//! terminal shows it over the materials until the resident closes it.

use super::Application;
use crate::model::Photo;
use kiosk_api::{Applicant, HeldRequest, HeldView};

/// What the platform showed, with the picture of a photographed material decoded for the screen.
#[derive(Debug)]
pub struct HeldShown {
    pub view: HeldView,
    pub picture: Option<Photo>,
}

#[derive(Debug)]
pub enum ViewState {
    Loading,
    Shown(Box<HeldShown>),
    /// The platform did not answer or refused: said, and the material stays as it is.
    Failed,
}

/// The material opened, and which request its answer must be.
#[derive(Debug)]
pub struct Viewing {
    pub material: usize,
    pub asked: u64,
    pub state: ViewState,
}

impl Application {
    /// Material `i` can be opened: it came as a certificate or from an earlier case.
    pub fn openable(&self, i: usize) -> bool {
        self.material_in_use(i)
            && (self.fetched_number(i).is_some() || self.reused_for(i).is_some())
    }

    /// Opens material `i`: the request to send (`None` when there is nothing to open).
    pub fn open_held(
        &mut self,
        i: usize,
        applicant: Applicant,
        terminal_id: String,
    ) -> Option<(u64, HeldRequest)> {
        if !self.openable(i) {
            return None;
        }
        let certificate = self.fetched_number(i).map(str::to_string);
        let material = match certificate {
            Some(_) => None,
            None => self.reused_for(i).map(|e| e.material.sha256.clone()),
        };
        self.views_asked += 1;
        self.viewing = Some(Viewing {
            material: i,
            asked: self.views_asked,
            state: ViewState::Loading,
        });
        Some((
            self.views_asked,
            HeldRequest {
                terminal_id,
                applicant,
                certificate,
                material,
            },
        ))
    }

    /// The platform's answer for request `asked`; one for a view closed or replaced is dropped.
    pub fn held_arrived(&mut self, asked: u64, shown: Option<HeldShown>) {
        if let Some(v) = self.viewing.as_mut().filter(|v| v.asked == asked) {
            v.state = match shown {
                Some(s) => ViewState::Shown(Box::new(s)),
                None => ViewState::Failed,
            };
        }
    }
}
