//! 免申即享 and 智能推荐 on the home screen: the platform's overview is asked for as soon as a resident is
//! identified, shown one line an offer, and never stands in the way (a late, failed or empty answer just
//! shows nothing). A `Confirm` line is confirmed with one touch; a `Suggest` line opens its item (the caller
//! looks the item up in the catalogue); any other touch shows the line's detail.

use super::*;
use kiosk_api::{Applicant, Offer, OfferConfirm, OfferKind, OverviewReply, OverviewRequest};

/// Where a line is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OfferState {
    Shown,
    /// Sent to the platform; the answer comes back through `Input::OfferConfirmed`.
    Confirming,
    /// The platform took the confirmation.
    Confirmed,
    /// The platform did not answer; another touch tries again.
    Failed,
}

/// One line of the home screen's overview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferLine {
    pub offer: Offer,
    pub state: OfferState,
    /// The detail shows (after a touch).
    pub open: bool,
    /// The confirmation's idempotency key, kept for a retry (a lost answer may have been taken).
    key: Option<String>,
}

impl OfferLine {
    /// A touch on this line opens its item (the caller looks it up): a suggestion that names one.
    pub fn opens_item(&self) -> Option<&str> {
        match self.offer.kind {
            OfferKind::Suggest => self.offer.item_code.as_deref(),
            _ => None,
        }
    }
}

impl Terminal {
    /// The overview's lines for the identified resident (empty before the platform answered).
    pub fn offers(&self) -> &[OfferLine] {
        &self.offers
    }

    /// The resident's cases a clerk sent back, to correct (empty before the platform answered).
    pub fn returned(&self) -> &[kiosk_api::ReturnedCase] {
        &self.returned
    }

    /// Opens the correction of returned case `i` with its catalogue item: the form as filed, only what
    /// the clerk named asked for.
    pub(super) fn open_correction(
        &mut self,
        i: usize,
        item: Box<kiosk_catalog::Item>,
        fx: &mut Vec<Effect>,
    ) {
        let Some(case) = self.returned.get(i).cloned() else {
            return;
        };
        if case.item_code != item.code || self.resident.is_none() {
            return;
        }
        self.open_item_as(item, fx, |a| a.correct(&case));
    }

    /// A correction the platform took: its line leaves the home screen.
    pub(super) fn corrected(&mut self, case_number: &str) {
        self.returned.retain(|c| c.case_number != case_number);
    }

    /// Asks the platform what this resident gets; called on every identification.
    pub(super) fn ask_overview(&mut self, fx: &mut Vec<Effect>) {
        let Some(applicant) = self.applicant() else {
            return;
        };
        self.offers.clear();
        self.returned.clear();
        self.overview_asked += 1;
        fx.push(Effect::FetchOverview {
            asked: self.overview_asked,
            request: OverviewRequest {
                terminal_id: self.terminal_id.clone(),
                applicant,
            },
        });
    }

    fn applicant(&self) -> Option<Applicant> {
        self.resident.as_ref().map(|r| r.card.applicant())
    }

    /// The platform's answer to `Effect::FetchOverview`; an answer for an earlier resident is dropped.
    pub(crate) fn overview_arrived(
        &mut self,
        asked: u64,
        reply: Result<OverviewReply, PlatformError>,
    ) {
        if asked != self.overview_asked || self.resident.is_none() {
            return;
        }
        match reply {
            Ok(r) => {
                self.returned = r.returned;
                self.offers = r
                    .offers
                    .into_iter()
                    .map(|offer| OfferLine {
                        offer,
                        state: OfferState::Shown,
                        open: false,
                        key: None,
                    })
                    .collect();
            }
            // Nothing is lost: the resident came for something else, and the overview is a bonus.
            Err(e) => tracing::info!(error = %e, "no overview from the platform"),
        }
    }

    /// A touch on line `i` (a suggestion's item is opened by the caller with `Intent::OpenItem`).
    pub(super) fn offer_touched(&mut self, i: usize, fx: &mut Vec<Effect>) {
        let Some(line) = self.offers.get(i) else {
            return;
        };
        let confirmable = line.offer.kind == OfferKind::Confirm
            && matches!(line.state, OfferState::Shown | OfferState::Failed);
        if !confirmable {
            if let Some(line) = self.offers.get_mut(i) {
                line.open = !line.open;
            }
            return;
        }
        let Some(applicant) = self.applicant() else {
            return;
        };
        let key = match line.key.clone() {
            Some(k) => k,
            None => self.next_key(),
        };
        if let Some(line) = self.offers.get_mut(i) {
            line.key = Some(key.clone());
            line.state = OfferState::Confirming;
            line.open = true;
            fx.push(Effect::ConfirmOffer {
                key,
                request: OfferConfirm {
                    terminal_id: self.terminal_id.clone(),
                    applicant,
                    offer_id: line.offer.id.clone(),
                },
            });
        }
    }

    /// The platform's answer to `Effect::ConfirmOffer`.
    pub(crate) fn offer_confirmed(&mut self, offer_id: &str, reply: Result<(), PlatformError>) {
        let line = self
            .offers
            .iter_mut()
            .find(|l| l.offer.id == offer_id && l.state == OfferState::Confirming);
        if let Some(line) = line {
            line.state = match reply {
                Ok(()) => OfferState::Confirmed,
                Err(e) => {
                    tracing::warn!(error = %e, "benefit not confirmed");
                    OfferState::Failed
                }
            };
        }
    }
}
