//! What the session tests share: the resident's signature drawn on the pad, and the check that nothing of a
//! resident stays in the view after the session.

use crate::{find, ui_text, Rect};
use kiosk::app::Kiosk;
use slint::{ComponentHandle, Model};

/// A signature drawn with the pointer across the pad (either language), as a finger does.
pub fn draw_signature(k: &Kiosk) {
    use slint::platform::{PointerEventButton, WindowEvent};
    use slint::LogicalPosition;
    let pads = [find(&k.ui, "签名区"), find(&k.ui, "Signature pad")].concat();
    let pad = Rect::of(pads.first().expect("a signature pad on screen"));
    let scale = k.ui.window().scale_factor();
    let at = |fx: f32, fy: f32| {
        LogicalPosition::new((pad.x + pad.w * fx) / scale, (pad.y + pad.h * fy) / scale)
    };
    let w = k.ui.window();
    w.dispatch_event(WindowEvent::PointerPressed {
        position: at(0.2, 0.6),
        button: PointerEventButton::Left,
    });
    for i in 0..=20 {
        let t = i as f32 / 20.0;
        w.dispatch_event(WindowEvent::PointerMoved {
            position: at(0.2 + 0.6 * t, 0.6 - 0.3 * (t * 6.0).sin().abs()),
        });
    }
    w.dispatch_event(WindowEvent::PointerReleased {
        position: at(0.8, 0.5),
        button: PointerEventButton::Left,
    });
}

/// Everything the view models hold as text, pictures by their size.
pub fn view_models(kiosk: &Kiosk) -> String {
    let shell = kiosk.ui.global::<kiosk_ui::ShellAdapter>();
    let home = kiosk.ui.global::<kiosk_ui::HomeAdapter>();
    let form = kiosk.ui.global::<kiosk_ui::ApplicationAdapter>();
    let done = kiosk.ui.global::<kiosk_ui::DoneAdapter>();
    let capture = kiosk.ui.global::<kiosk_ui::CaptureAdapter>();
    let mut out = vec![
        shell.get_greeting_name().to_string(),
        home.get_search_text().to_string(),
        form.get_item_title().to_string(),
        form.get_composition().to_string(),
        form.get_prefill_note().to_string(),
        form.get_signature_path().to_string(),
        done.get_case_number().to_string(),
        done.get_case_state().to_string(),
        done.get_printed_title().to_string(),
        shell.get_notice_text().to_string(),
        form.get_submit_error().to_string(),
        format!("capture {:?}", capture.get_result().size()),
        format!("camera {:?}", capture.get_camera_frame().size()),
    ];
    for f in form.get_form_fields().iter() {
        out.push(format!("{} {} {}", f.label, f.value, f.source));
    }
    for r in form
        .get_review_rows()
        .iter()
        .chain(done.get_printed_rows().iter())
    {
        out.push(format!("{} {}", r.label, r.value));
    }
    for m in form.get_material_rows().iter() {
        out.push(format!("{} {:?}", m.name, m.thumbnail.size()));
    }
    for c in form.get_candidates().iter() {
        out.push(c.to_string());
    }
    out.join("\n")
}

/// Nothing of this resident (name, ID number, phone, address, photos, signature) stays anywhere in the view.
pub fn assert_wiped(kiosk: &Kiosk, traces: &[&str]) {
    let ui = ui_text(&kiosk.ui);
    let models = view_models(kiosk);
    for t in traces {
        assert!(!ui.contains(t), "{t:?} still in the UI tree:\n{ui}");
        assert!(
            !models.contains(t),
            "{t:?} still in the view models:\n{models}"
        );
    }
    let form = kiosk.ui.global::<kiosk_ui::ApplicationAdapter>();
    let done = kiosk.ui.global::<kiosk_ui::DoneAdapter>();
    let capture = kiosk.ui.global::<kiosk_ui::CaptureAdapter>();
    assert_eq!(form.get_form_fields().row_count(), 0);
    assert_eq!(form.get_material_rows().row_count(), 0);
    assert_eq!(form.get_review_rows().row_count(), 0);
    assert_eq!(done.get_printed_rows().row_count(), 0);
    assert!(form.get_signature_path().is_empty());
    assert_eq!(
        capture.get_result().size().width,
        0,
        "the photo left the view"
    );
    let t = kiosk.terminal.borrow();
    assert!(t.resident().is_none() && t.application().is_none() && t.materials().is_empty());
    assert!(t.pending_photo().is_none());
}
