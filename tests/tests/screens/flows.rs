//! Screens a resident goes through in a row: search by initials to the item, and a photographed page reviewed,
//! kept and wiped with the session.

use super::*;

/// What the preview pump does for each frame, done here directly (the testing backend runs no event loop for
/// the pump's hand-over): a synthetic page from the document camera into the capture page.
pub(super) fn show_camera_frame(kiosk: &kiosk::app::Kiosk) {
    let frame = kiosk_drivers::camera::synthetic::document(1280, 960, 4.0);
    let buffer =
        kiosk::view::preview::to_buffer(&frame, kiosk::view::preview::PREVIEW_MAX_WIDTH).unwrap();
    let capture = kiosk.ui.global::<kiosk_ui::CaptureAdapter>();
    capture.set_camera_frame(slint::Image::from_rgb8(buffer));
    capture.set_camera_live(true);
}

#[test]
fn typing_initials_finds_the_item_and_touching_it_opens_it() {
    let profile = profile("simulated");
    let kiosk = kiosk(&profile);
    kiosk.intent(Intent::Start);
    // A touch on the search box opens the keyboard.
    find(&kiosk.ui, "搜索事项")[0].invoke_accessible_default_action();
    kiosk.intent(Intent::ShowKeyboard(true));
    assert!(!find(&kiosk.ui, "收起键盘").is_empty());
    assert!(kiosk.items(std::time::Duration::from_secs(30)).is_some());
    for key in ["y", "l", "j"] {
        find(&kiosk.ui, key)[0].invoke_accessible_default_action();
    }
    let hits = kiosk.ui.global::<kiosk_ui::HomeAdapter>().get_search_hits();
    use slint::Model;
    let first = hits.row_data(0).expect("a hit");
    assert_eq!(first.title.as_str(), "养老金资格认证");
    assert_eq!(first.detail.as_str(), "社保 · 申请 · 即办");
    find(&kiosk.ui, "删除")[0].invoke_accessible_default_action();
    assert_eq!(kiosk.terminal.borrow().search(), "yl");
    find(&kiosk.ui, "清空")[0].invoke_accessible_default_action();
    assert!(kiosk.terminal.borrow().search().is_empty());
    for key in ["k", "a", "i", "d", "i", "a", "n"] {
        find(&kiosk.ui, key)[0].invoke_accessible_default_action();
    }
    find(&kiosk.ui, "开店一件事")[0].invoke_accessible_default_action();
    let t = kiosk.terminal.borrow();
    assert_eq!(t.screen(), kiosk::session::Screen::Apply);
    let a = t.application().as_ref().expect("the item opens");
    assert_eq!(a.item.code, "YJS-KD");
    // Nobody is identified and the item needs the ID card: the terminal asks for it first.
    assert_eq!(a.step, kiosk::application::Step::Identify);
    assert!(!t.keyboard());
}

#[test]
fn a_photographed_page_is_reviewed_kept_and_wiped_with_the_session() {
    let profile = profile("simulated");
    let kiosk = kiosk(&profile);
    let card = sample_cards().remove(1);
    kiosk.device(DeviceEvent::CardInserted(Box::new(card.record)));
    kiosk.intent(Intent::AnswerElderProposal(false));
    kiosk.intent(Intent::OpenCapture);
    // No camera attached in this test: the page says the camera is unavailable, not a black box.
    assert!(!find(
        &kiosk.ui,
        "高拍仪暂不可用。请点「呼叫帮办」，或到服务点窗口提交材料。"
    )
    .is_empty());
    show_camera_frame(&kiosk);
    kiosk.intent(Intent::TakePhoto);
    // Without a camera the photo fails at once and the resident is asked to try again.
    assert!(matches!(
        kiosk.terminal.borrow().capture(),
        kiosk::session::CaptureStep::Failed(_)
    ));
    assert!(!find(
        &kiosk.ui,
        "没有拍到完整的材料。请把材料平放在高拍仪下的深色垫板中间，再点「拍照」。"
    )
    .is_empty());
    // The camera's answer arrives through the event loop, which the testing backend does not run: ask the
    // core for the still without the kiosk's camera (its effect dropped) and play the answer.
    let _ = kiosk
        .terminal
        .borrow_mut()
        .handle(Input::Intent(Intent::TakePhoto), std::time::Instant::now());
    let page = kiosk_drivers::camera::synthetic::document(1280, 960, 6.0);
    kiosk.photo_taken(kiosk::view::preview::photo(&page));
    let shot = snapshot(&kiosk, "capture-review-landscape-standard");
    for label in ["使用这张", "重拍", "拍好的材料"] {
        assert!(!find(&kiosk.ui, label).is_empty(), "no {label}");
    }
    // The straightened page is on screen: a bright upright page in the picture area.
    let view = Rect::of(&find(&kiosk.ui, "拍好的材料")[0]);
    let bright = ink_where(&shot, &view, |r, g, b| r > 230 && g > 230 && b > 230);
    assert!(bright > 0.2, "page pixels {bright:.2}");
    kiosk.intent(Intent::UsePhoto);
    assert_eq!(
        kiosk.terminal.borrow().screen(),
        kiosk::session::Screen::Home
    );
    assert_eq!(kiosk.terminal.borrow().materials().len(), 1);
    kiosk.device(DeviceEvent::CardRemoved);
    assert!(
        kiosk.terminal.borrow().materials().is_empty(),
        "wiped with the session"
    );
    // A photo that comes back after the resident left is dropped.
    kiosk.intent(Intent::OpenCapture);
    let _ = kiosk
        .terminal
        .borrow_mut()
        .handle(Input::Intent(Intent::TakePhoto), std::time::Instant::now());
    kiosk.intent(Intent::Back);
    kiosk.photo_taken(kiosk::view::preview::photo(&page));
    assert!(kiosk.terminal.borrow().pending_photo().is_none());
}
