//! 电子材料链: a material handed in with an earlier case is used again, not photographed again; a new photo
//! of it goes instead.

use super::applications::{item, photograph, sign, submitted_request, with_printers};
use super::bundles::shop_prefill;
use super::*;

fn floor_plan() -> kiosk_api::EarlierMaterial {
    kiosk_api::EarlierMaterial {
        case_number: "YP20261201-0007".into(),
        filed_on: "2026-12-01".into(),
        material: kiosk_api::MaterialRef {
            name: "经营场所平面布局图".into(),
            media_type: "image/jpeg".into(),
            sha256: "ab".repeat(32),
            size: 1234,
        },
    }
}

#[test]
fn a_material_of_an_earlier_case_is_not_asked_again_and_a_new_photo_replaces_it() {
    let t0 = Instant::now();
    let mut t = terminal(t0);
    with_printers(&mut t, t0);
    t.device(card(3), t0, today());
    let fx = t.intent(Intent::OpenItem(item("YJS-KD")), t0);
    let ask = effect!(fx, FetchPrefill);
    assert_eq!(
        ask.materials,
        ["经营场所租赁合同", "经营场所平面布局图", "店招设计效果图"],
        "what would be photographed; not the written statement"
    );
    let mut reply = shop_prefill();
    // An earlier material of a name the item does not have is left alone.
    let mut stranger = floor_plan();
    stranger.material.name = "别的材料".into();
    reply.earlier = vec![floor_plan(), stranger];
    t.prefill_arrived("YJS-KD", Ok(reply), t0);
    let a = t.application.as_ref().unwrap();
    let plan = a
        .item
        .materials
        .iter()
        .position(|m| m.name == "经营场所平面布局图")
        .unwrap();
    assert!(a.material_held(plan));
    assert_eq!(a.reused.len(), 1);
    let missing: Vec<&str> = a
        .missing_materials()
        .into_iter()
        .map(|i| a.item.materials[i].name.as_str())
        .collect();
    assert_eq!(missing, ["店招设计效果图"]);
    t.intent(Intent::Next, t0);
    let sign_drawing = material(&t, "店招设计效果图");
    photograph(&mut t, sign_drawing, t0);
    t.intent(Intent::Next, t0);
    sign(&mut t, t0);
    t.intent(Intent::Next, t0);
    let fx = t.intent(Intent::Next, t0);
    let sub = submitted_request(&fx);
    let names: Vec<&str> = sub
        .request
        .materials
        .iter()
        .map(|m| m.name.as_str())
        .collect();
    assert_eq!(names, ["店招设计效果图", "经营场所平面布局图"]);
    assert_eq!(sub.request.materials[1], floor_plan().material);
    assert_eq!(
        sub.uploads.len(),
        1,
        "nothing to upload for the earlier one"
    );

    // Another resident photographs the plan anew (a new layout): the photo goes, the earlier one not.
    let mut t = terminal(t0);
    with_printers(&mut t, t0);
    t.device(card(3), t0, today());
    t.intent(Intent::OpenItem(item("YJS-KD")), t0);
    let mut reply = shop_prefill();
    reply.earlier = vec![floor_plan()];
    t.prefill_arrived("YJS-KD", Ok(reply), t0);
    t.intent(Intent::Next, t0);
    photograph(&mut t, plan, t0);
    let a = t.application.as_ref().unwrap();
    assert!(a.reused_for(plan).is_none());
    assert!(a.reused_refs().is_empty());
}

/// The lease that came as an e-certificate and the plan from an earlier case open to be seen; an answer for
/// a view the resident left is dropped; a photo taken here has nothing to open.
#[test]
fn what_came_from_the_government_opens_to_be_seen() {
    use crate::application::{HeldShown, ViewState};
    let t0 = Instant::now();
    let mut t = terminal(t0);
    with_printers(&mut t, t0);
    t.device(card(3), t0, today());
    t.intent(Intent::OpenItem(item("YJS-KD")), t0);
    let mut reply = shop_prefill();
    reply.earlier = vec![floor_plan()];
    t.prefill_arrived("YJS-KD", Ok(reply), t0);
    t.intent(Intent::Next, t0);
    let (lease, plan, sign) = (
        material(&t, "经营场所租赁合同"),
        material(&t, "经营场所平面布局图"),
        material(&t, "店招设计效果图"),
    );
    let fx = t.intent(Intent::OpenHeld(lease), t0);
    let (first, request) = fx
        .iter()
        .find_map(|e| match e {
            Effect::FetchHeld { asked, request } => Some((*asked, request.clone())),
            _ => None,
        })
        .expect("the certificate is fetched");
    assert_eq!(request.certificate.as_deref(), Some("ZL0000000001"));
    assert_eq!(request.material, None);
    let fx = t.intent(Intent::OpenHeld(plan), t0);
    let asked = fx
        .iter()
        .find_map(|e| match e {
            Effect::FetchHeld { asked, request } => {
                assert_eq!(request.material, Some("ab".repeat(32)));
                Some(*asked)
            }
            _ => None,
        })
        .expect("the earlier material is fetched");
    let shown = |title: &str| HeldShown {
        view: kiosk_api::HeldView {
            title: title.into(),
            issuer: "x".into(),
            rows: Vec::new(),
            picture_jpeg_base64: None,
        },
        picture: None,
    };
    // The lease's answer comes late: the plan is what is open.
    t.handle(
        Input::Held {
            asked: first,
            reply: Ok(shown("租赁合同")),
        },
        t0,
    );
    let a = t.application.as_ref().unwrap();
    assert!(matches!(
        a.viewing.as_ref().unwrap().state,
        ViewState::Loading
    ));
    t.handle(
        Input::Held {
            asked,
            reply: Ok(shown("平面布局图")),
        },
        t0,
    );
    let a = t.application.as_ref().unwrap();
    match &a.viewing.as_ref().unwrap().state {
        ViewState::Shown(s) => assert_eq!(s.view.title, "平面布局图"),
        other => panic!("{other:?}"),
    }
    // Back closes it (and stays on the step); Next leaves it closed behind.
    t.intent(Intent::Back, t0);
    let a = t.application.as_ref().unwrap();
    assert!(a.viewing.is_none());
    assert_eq!(a.step, Step::Materials);
    t.intent(Intent::OpenHeld(plan), t0);
    t.intent(Intent::CloseHeld, t0);
    assert!(t.application.as_ref().unwrap().viewing.is_none());
    let fx = t.intent(Intent::OpenHeld(sign), t0);
    assert!(
        !fx.iter().any(|e| matches!(e, Effect::FetchHeld { .. })),
        "nothing to open"
    );
}

/// An item whose form asks the platform for nothing still asks for the materials it would photograph: the
/// photo for a new social security card is the one handed in before.
#[test]
fn an_item_with_nothing_to_prefill_still_asks_for_earlier_materials() {
    let t0 = Instant::now();
    let mut t = terminal(t0);
    with_printers(&mut t, t0);
    t.device(card(3), t0, today());
    let fx = t.intent(Intent::OpenItem(item("SB-005")), t0);
    let ask = effect!(fx, FetchPrefill);
    assert!(ask.sources.is_empty());
    assert_eq!(ask.materials, ["近期免冠照片"]);
    let mut earlier = floor_plan();
    earlier.material.name = "近期免冠照片".into();
    t.prefill_arrived(
        "SB-005",
        Ok(PrefillReply {
            earlier: vec![earlier],
            ..Default::default()
        }),
        t0,
    );
    let a = t.application.as_ref().unwrap();
    assert!(
        a.missing_materials().is_empty(),
        "the earlier photo stands for it"
    );
}
