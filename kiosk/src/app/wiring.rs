//! The view's callbacks, each turned into an input for the core or a job of the wiring.

use super::*;

impl Kiosk {
    pub(super) fn wire(self: &Rc<Self>) {
        let actions = self.ui.global::<Actions>();
        let on = |intent: fn() -> Intent| {
            let weak: Weak<Kiosk> = Rc::downgrade(self);
            move || {
                if let Some(k) = weak.upgrade() {
                    k.intent(intent());
                }
            }
        };
        actions.on_start(on(|| Intent::Start));
        actions.on_go_home(on(|| Intent::Home));
        actions.on_go_back(on(|| Intent::Back));
        actions.on_toggle_elder(on(|| Intent::ToggleElder));
        actions.on_toggle_language(on(|| Intent::ToggleLanguage));
        actions.on_call_help(on(|| Intent::CallHelp));
        actions.on_video_call(on(|| Intent::VideoCall));
        actions.on_call_hang_up(on(|| Intent::CallHangUp));
        actions.on_call_keep_waiting(on(|| Intent::CallKeepWaiting));
        actions.on_call_offer_phone(on(|| Intent::CallOfferPhone));
        actions.on_call_send_phone(on(|| Intent::CallSendPhone));
        actions.on_call_expand(on(|| Intent::CallExpand));
        actions.on_call_shrink(on(|| Intent::CallShrink));
        actions.on_call_close(on(|| Intent::CallClose));
        let maint = |make: fn(i32) -> Option<crate::maintenance::MaintIntent>| {
            let weak: Weak<Kiosk> = Rc::downgrade(self);
            move |n: i32| {
                if let Some(i) = make(n) {
                    if let Some(k) = weak.upgrade() {
                        k.intent(Intent::Maintenance(i));
                    }
                }
            }
        };
        {
            use crate::maintenance::{MaintIntent, Section};
            actions.on_maint_digit(maint(|d| u8::try_from(d).ok().map(MaintIntent::Digit)));
            let erase = maint(|_| Some(MaintIntent::Erase));
            actions.on_maint_erase(move || erase(0));
            let enter = maint(|_| Some(MaintIntent::Enter));
            actions.on_maint_enter(move || enter(0));
            actions.on_maint_section(maint(|i| Section::from_index(i).map(MaintIntent::Section)));
            let weak = Rc::downgrade(self);
            actions.on_maint_action(move |id| {
                match (MaintIntent::from_action(&id), weak.upgrade()) {
                    (Some(i), Some(k)) => k.intent(Intent::Maintenance(i)),
                    (None, _) => tracing::warn!(%id, "unknown maintenance action"),
                    _ => {}
                }
            });
        }
        let weak = Rc::downgrade(self);
        actions.on_call_phone_key(move |key| {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::CallPhoneKey(key.to_string()));
            }
        });
        let weak = Rc::downgrade(self);
        actions.on_call_rate(move |stars| {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::CallRate(stars.clamp(0, 255) as u8));
            }
        });
        actions.on_dismiss_notice(on(|| Intent::DismissNotice));
        actions.on_extend_session(on(|| Intent::Extend));
        actions.on_activity(on(|| Intent::Activity));
        actions.on_take_photo(on(|| Intent::TakePhoto));
        let weak = Rc::downgrade(self);
        actions.on_search_key(move |key| {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::SearchKey(key.to_string()));
            }
        });
        let weak = Rc::downgrade(self);
        actions.on_show_keyboard(move |show| {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::ShowKeyboard(show));
            }
        });
        let weak = Rc::downgrade(self);
        actions.on_item_selected(move |code| {
            if let Some(k) = weak.upgrade() {
                k.item_selected(&code);
            }
        });
        actions.on_retake_photo(on(|| Intent::Retake));
        actions.on_next(on(|| Intent::Next));
        actions.on_toggle_commitment_read(on(|| Intent::ToggleCommitmentRead));
        actions.on_clear_signature(on(|| Intent::ClearSignature));
        actions.on_retry_submit(on(|| Intent::RetrySubmit));
        actions.on_send_rating(on(|| Intent::SendRating));
        actions.on_finish(on(|| Intent::Finish));
        actions.on_open_not_done(on(|| Intent::OpenNotDone));
        actions.on_send_not_done(on(|| Intent::SendNotDone));
        // Indices from the view are never negative for a real row; a negative one means "none".
        let index = |i: i32| usize::try_from(i).unwrap_or(usize::MAX);
        let weak = Rc::downgrade(self);
        actions.on_open_item(move |code| {
            if let Some(k) = weak.upgrade() {
                k.item_selected(&code);
            }
        });
        let weak = Rc::downgrade(self);
        actions.on_focus_field(move |i| {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::FocusField(index(i)));
            }
        });
        let weak = Rc::downgrade(self);
        actions.on_field_key(move |key| {
            if let Some(k) = weak.upgrade() {
                let first = k
                    .candidates()
                    .into_iter()
                    .next()
                    .map(|c| (c.text, c.consumed));
                k.intent(Intent::FieldKey {
                    key: key.to_string(),
                    first,
                });
            }
        });
        let weak = Rc::downgrade(self);
        actions.on_pick_candidate(move |i| {
            if let Some(k) = weak.upgrade() {
                if let Some(c) = k.candidates().into_iter().nth(index(i)) {
                    k.intent(Intent::PickCandidate {
                        text: c.text,
                        consumed: c.consumed,
                    });
                }
            }
        });
        let weak = Rc::downgrade(self);
        actions.on_choose(move |field, choice| {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::Choose {
                    field: index(field),
                    choice: index(choice),
                });
            }
        });
        let weak = Rc::downgrade(self);
        actions.on_photograph(move |i| {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::Photograph(index(i)));
            }
        });
        let weak = Rc::downgrade(self);
        actions.on_sign_point(move |x, y, new_stroke| {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::SignPoint { x, y, new_stroke });
            }
        });
        let weak = Rc::downgrade(self);
        actions.on_rate(move |stars| {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::Rate(stars.clamp(0, 255) as u8));
            }
        });
        let weak = Rc::downgrade(self);
        actions.on_toggle_reason(move |i| {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::ToggleReason(index(i)));
            }
        });
        let weak = Rc::downgrade(self);
        actions.on_not_done_reason(move |i| {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::NotDoneReason(index(i)));
            }
        });
        actions.on_use_photo(on(|| Intent::UsePhoto));
        let weak = Rc::downgrade(self);
        actions.on_category_selected(move |id| {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::Category(id.to_string()));
            }
        });
        let weak = Rc::downgrade(self);
        actions.on_search_edited(move |text| {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::Search(text.to_string()));
            }
        });
        let weak = Rc::downgrade(self);
        actions.on_keypad_key(move |name| {
            if let (Some(k), Some(key)) = (weak.upgrade(), KeypadKey::from_key(&name)) {
                k.device(DeviceEvent::KeypadKey(key));
            }
        });
        let weak = Rc::downgrade(self);
        actions.on_answer_elder_proposal(move |yes| {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::AnswerElderProposal(yes));
            }
        });
    }
}
