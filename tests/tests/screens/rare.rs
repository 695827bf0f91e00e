//! A name with a character that neither the bundled font subset nor Noto Sans CJK's SC face has: 𪚥 (U+2A6A5,
//! CJK Extension B), as the ID card gives it. The form must draw it from the system's fonts (Hanazono Mincho
//! B, which `scripts/system-packages` installs as the image does), not leave a blank or a box.

use super::*;

/// The pixels of the form's 姓名 field with the card's name `name`, and how many of them are ink.
fn name_on_the_form(name: &str, shot_name: &str) -> (Vec<[u8; 4]>, f32) {
    let profile = profile("simulated");
    let term = Terminal::start(&profile, shot_name);
    let kiosk = &term.kiosk;
    let mut card = sample_cards().remove(2).record;
    card.name = kiosk_drivers::sensitive::Sensitive::new(name.to_string());
    kiosk.device(DeviceEvent::CardInserted(Box::new(card)));
    kiosk.intent(Intent::AnswerElderProposal(false));
    kiosk.intent(Intent::OpenItem(item(kiosk, "HJ-002")));
    term.until("prefill", |k| {
        k.terminal
            .borrow()
            .application()
            .as_ref()
            .is_some_and(|a| a.prefill != kiosk::application::PrefillState::Waiting)
    });
    let shot = snapshot(kiosk, shot_name);
    let field = find(&kiosk.ui, name);
    assert!(
        !field.is_empty(),
        "{shot_name}: the name is not on the form"
    );
    let r = Rect::of(&field[0]);
    let (w, h) = (shot.width() as i64, shot.height() as i64);
    let px = shot.as_slice();
    let mut pixels = Vec::new();
    for y in (r.y as i64).clamp(0, h)..((r.y + r.h) as i64).clamp(0, h) {
        for x in (r.x as i64).clamp(0, w)..((r.x + r.w) as i64).clamp(0, w) {
            let p = px[(y * w + x) as usize];
            pixels.push([p.r, p.g, p.b, p.a]);
        }
    }
    let inked = ink(&shot, &r) * pixels.len() as f32;
    (pixels, inked)
}

#[test]
fn a_rare_character_in_a_name_is_drawn_on_the_form() {
    let (rare, rare_ink) = name_on_the_form("张𪚥国", "rare-name-form");
    // U+10FFFD (plane 16, private use) is in no font: whatever the renderer does with a character it has no
    // glyph for, it does it here.
    let (missing, missing_ink) = name_on_the_form("张\u{10FFFD}国", "rare-name-form-missing");
    let (plain, plain_ink) = name_on_the_form("张国", "rare-name-form-plain");
    assert_ne!(
        rare, missing,
        "𪚥 is drawn as a character no font has (install fonts-hanazono: scripts/system-packages does)"
    );
    assert_ne!(rare, plain, "𪚥 is left out");
    // The field's box counts too, so ink is compared by what a character adds: 国 adds what 张国 has over 张.
    // 𪚥 (four 龍) is denser than 国: it must add at least nearly as much, where a missing glyph adds nothing.
    let (_, one_ink) = name_on_the_form("张", "rare-name-form-one");
    let per_character = plain_ink - one_ink;
    eprintln!("ink pixels: 张𪚥国 {rare_ink}, 张□国 {missing_ink}, 张国 {plain_ink}, 张 {one_ink}");
    assert!(
        per_character > 0.0 && rare_ink - plain_ink >= 0.8 * per_character,
        "𪚥 adds too little ink to be drawn: {} (国 adds {per_character}, a missing glyph {})",
        rare_ink - plain_ink,
        missing_ink - plain_ink
    );
}
