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
    let sign_drawing = missing_index(&t, "店招设计效果图");
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

fn missing_index(t: &Terminal, name: &str) -> usize {
    let a = t.application.as_ref().unwrap();
    a.item
        .materials
        .iter()
        .position(|m| m.name == name)
        .unwrap()
}
