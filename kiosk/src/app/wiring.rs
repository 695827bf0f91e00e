//! The view's callbacks, each turned into an input for the core or a job of the wiring.

use super::*;
use kiosk_ui::{
    ApplicationAdapter, CallAdapter, CaptureAdapter, DoneAdapter, HomeAdapter, MaintenanceAdapter,
    ShellAdapter,
};

impl Kiosk {
    pub(super) fn wire(self: &Rc<Self>) {
        let shell = self.ui.global::<ShellAdapter>();
        let call_ui = self.ui.global::<CallAdapter>();
        let maint = self.ui.global::<MaintenanceAdapter>();
        let capture = self.ui.global::<CaptureAdapter>();
        let home = self.ui.global::<HomeAdapter>();
        let form = self.ui.global::<ApplicationAdapter>();
        let done = self.ui.global::<DoneAdapter>();
        let on = |intent: fn() -> Intent| {
            let weak: Weak<Kiosk> = Rc::downgrade(self);
            move || {
                if let Some(k) = weak.upgrade() {
                    k.intent(intent());
                }
            }
        };
        self.wire_ask();
        shell.on_start(on(|| Intent::Start));
        shell.on_go_home(on(|| Intent::Home));
        shell.on_go_back(on(|| Intent::Back));
        shell.on_toggle_elder(on(|| Intent::ToggleElder));
        shell.on_toggle_language(on(|| Intent::ToggleLanguage));
        shell.on_call_help(on(|| Intent::CallHelp));
        shell.on_video_call(on(|| Intent::VideoCall));
        call_ui.on_hang_up(on(|| Intent::CallHangUp));
        call_ui.on_keep_waiting(on(|| Intent::CallKeepWaiting));
        call_ui.on_offer_phone(on(|| Intent::CallOfferPhone));
        call_ui.on_send_phone(on(|| Intent::CallSendPhone));
        call_ui.on_expand(on(|| Intent::CallExpand));
        call_ui.on_shrink(on(|| Intent::CallShrink));
        call_ui.on_close(on(|| Intent::CallClose));
        let maint_intent = |make: fn(i32) -> Option<crate::maintenance::MaintIntent>| {
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
            maint.on_digit(maint_intent(|d| {
                u8::try_from(d).ok().map(MaintIntent::Digit)
            }));
            let erase = maint_intent(|_| Some(MaintIntent::Erase));
            maint.on_erase(move || erase(0));
            let enter = maint_intent(|_| Some(MaintIntent::Enter));
            maint.on_enter(move || enter(0));
            maint.on_choose_section(maint_intent(|i| {
                Section::from_index(i).map(MaintIntent::Section)
            }));
            let weak = Rc::downgrade(self);
            maint.on_action(
                move |id| match (MaintIntent::from_action(&id), weak.upgrade()) {
                    (Some(i), Some(k)) => k.intent(Intent::Maintenance(i)),
                    (None, _) => tracing::warn!(%id, "unknown maintenance action"),
                    _ => {}
                },
            );
        }
        let weak = Rc::downgrade(self);
        call_ui.on_phone_key(move |key| {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::CallPhoneKey(key.to_string()));
            }
        });
        let weak = Rc::downgrade(self);
        call_ui.on_rate(move |stars| {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::CallRate(stars.clamp(0, 255) as u8));
            }
        });
        shell.on_dismiss_notice(on(|| Intent::DismissNotice));
        shell.on_extend_session(on(|| Intent::Extend));
        shell.on_activity(on(|| Intent::Activity));
        capture.on_take_photo(on(|| Intent::TakePhoto));
        let weak = Rc::downgrade(self);
        home.on_search_key(move |key| {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::SearchKey(key.to_string()));
            }
        });
        let weak = Rc::downgrade(self);
        home.on_show_keyboard(move |show| {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::ShowKeyboard(show));
            }
        });
        let weak = Rc::downgrade(self);
        home.on_offer_touched(move |i| {
            if let (Some(k), Ok(i)) = (weak.upgrade(), usize::try_from(i)) {
                k.offer_touched(i);
            }
        });
        let weak = Rc::downgrade(self);
        home.on_item_selected(move |code| {
            if let Some(k) = weak.upgrade() {
                k.item_selected(&code);
            }
        });
        capture.on_retake_photo(on(|| Intent::Retake));
        form.on_next(on(|| Intent::Next));
        form.on_toggle_commitment_read(on(|| Intent::ToggleCommitmentRead));
        form.on_clear_signature(on(|| Intent::ClearSignature));
        form.on_retry_submit(on(|| Intent::RetrySubmit));
        done.on_send_rating(on(|| Intent::SendRating));
        done.on_finish(on(|| Intent::Finish));
        done.on_open_not_done(on(|| Intent::OpenNotDone));
        done.on_send_not_done(on(|| Intent::SendNotDone));
        // Indices from the view are never negative for a real row; a negative one means "none".
        let index = |i: i32| usize::try_from(i).unwrap_or(usize::MAX);
        let weak = Rc::downgrade(self);
        form.on_open_item(move |code| {
            if let Some(k) = weak.upgrade() {
                k.item_selected(&code);
            }
        });
        let weak = Rc::downgrade(self);
        form.on_focus_field(move |i| {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::FocusField(index(i)));
            }
        });
        let weak = Rc::downgrade(self);
        form.on_field_key(move |key| {
            if let Some(k) = weak.upgrade() {
                let first = k.first_candidate();
                k.intent(Intent::FieldKey {
                    key: key.to_string(),
                    first,
                });
            }
        });
        let weak = Rc::downgrade(self);
        form.on_pick_candidate(move |i| {
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
        form.on_choose(move |field, choice| {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::Choose {
                    field: index(field),
                    choice: index(choice),
                });
            }
        });
        let weak = Rc::downgrade(self);
        form.on_photograph(move |i| {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::Photograph(index(i)));
            }
        });
        let weak = Rc::downgrade(self);
        form.on_open_held(move |i| {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::OpenHeld(index(i)));
            }
        });
        let weak = Rc::downgrade(self);
        form.on_close_held(move || {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::CloseHeld);
            }
        });
        let weak = Rc::downgrade(self);
        form.on_fix_concern(move |i| {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::FixConcern(index(i)));
            }
        });
        let weak = Rc::downgrade(self);
        form.on_sign_point(move |x, y, new_stroke| {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::SignPoint { x, y, new_stroke });
            }
        });
        let weak = Rc::downgrade(self);
        done.on_rate(move |stars| {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::Rate(stars.clamp(0, 255) as u8));
            }
        });
        let weak = Rc::downgrade(self);
        done.on_toggle_reason(move |i| {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::ToggleReason(index(i)));
            }
        });
        let weak = Rc::downgrade(self);
        done.on_not_done_reason(move |i| {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::NotDoneReason(index(i)));
            }
        });
        capture.on_use_photo(on(|| Intent::UsePhoto));
        let weak = Rc::downgrade(self);
        home.on_category_selected(move |id| {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::Category(id.to_string()));
            }
        });
        let weak = Rc::downgrade(self);
        home.on_search_edited(move |text| {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::Search(text.to_string()));
            }
        });
        let weak = Rc::downgrade(self);
        shell.on_keypad_key(move |name| {
            if let (Some(k), Some(key)) = (weak.upgrade(), KeypadKey::from_key(&name)) {
                k.device(DeviceEvent::KeypadKey(key));
            }
        });
        let weak = Rc::downgrade(self);
        shell.on_answer_elder_proposal(move |yes| {
            if let Some(k) = weak.upgrade() {
                k.intent(Intent::AnswerElderProposal(yes));
            }
        });
    }
}
