//! 免申即享 and 智能推荐 on the home screen.

use super::*;
use kiosk_api::{Offer, OfferKind, OverviewReply};

fn offer(id: &str, kind: OfferKind, item: Option<&str>) -> Offer {
    Offer {
        id: id.into(),
        kind,
        title: format!("{id} title"),
        title_en: String::new(),
        detail: format!("{id} detail"),
        detail_en: String::new(),
        item_code: item.map(str::to_string),
    }
}

fn asked(fx: &[Effect]) -> (u64, kiosk_api::OverviewRequest) {
    fx.iter()
        .find_map(|e| match e {
            Effect::FetchOverview { asked, request } => Some((*asked, request.clone())),
            _ => None,
        })
        .expect("FetchOverview")
}

fn reply(offers: Vec<Offer>) -> Result<OverviewReply, PlatformError> {
    Ok(OverviewReply {
        offers,
        returned: Vec::new(),
    })
}

#[test]
fn the_overview_is_asked_on_identification_and_a_late_answer_for_someone_else_is_dropped() {
    let t0 = Instant::now();
    let mut t = terminal(t0);
    let (first, request) = asked(&t.device(card(1), t0, today()));
    assert_eq!(request.applicant.name, "王秀英");
    // She leaves before the platform answers; the next resident must not see her benefits.
    t.device(DeviceEvent::CardRemoved, t0, today());
    let (second, _) = asked(&t.device(card(0), t0, today()));
    assert_ne!(first, second);
    let fx = t.handle(
        Input::Overview {
            asked: first,
            reply: reply(vec![offer("hers", OfferKind::Granted, None)]),
        },
        t0,
    );
    assert!(fx.is_empty());
    assert!(t.offers().is_empty());
    t.handle(
        Input::Overview {
            asked: second,
            reply: reply(vec![offer("his", OfferKind::Granted, None)]),
        },
        t0,
    );
    assert_eq!(t.offers()[0].offer.id, "his");
    // A failed overview shows nothing and stops nothing.
    t.handle(
        Input::Overview {
            asked: second,
            reply: Err(PlatformError::Unreachable("down".into())),
        },
        t0,
    );
    assert_eq!(t.offers().len(), 1);
    assert_eq!(t.screen(), Screen::Home);
    // The end of the session wipes them.
    t.device(DeviceEvent::CardRemoved, t0, today());
    assert!(t.offers().is_empty());
}

#[test]
fn a_benefit_is_confirmed_with_one_touch_and_a_failure_can_be_tried_again() {
    let t0 = Instant::now();
    let mut t = terminal(t0);
    let (n, _) = asked(&t.device(card(1), t0, today()));
    t.handle(
        Input::Overview {
            asked: n,
            reply: reply(vec![
                offer("paid", OfferKind::Granted, None),
                offer("longevity", OfferKind::Confirm, None),
                offer("permit", OfferKind::Suggest, Some("HJ-001")),
            ]),
        },
        t0,
    );
    assert_eq!(t.offers()[2].opens_item(), Some("HJ-001"));
    assert_eq!(t.offers()[1].opens_item(), None);
    // A granted line shows its detail; nothing goes out.
    assert!(t.intent(Intent::Offer(0), t0).is_empty());
    assert!(t.offers()[0].open);
    let fx = t.intent(Intent::Offer(1), t0);
    let (key, request) = fx
        .iter()
        .find_map(|e| match e {
            Effect::ConfirmOffer { key, request } => Some((key.clone(), request.clone())),
            _ => None,
        })
        .expect("ConfirmOffer");
    assert_eq!(request.offer_id, "longevity");
    assert_eq!(request.applicant.name, "王秀英");
    assert_eq!(t.offers()[1].state, OfferState::Confirming);
    // A second touch while it is on its way sends nothing more.
    assert!(t.intent(Intent::Offer(1), t0).is_empty());
    t.handle(
        Input::OfferConfirmed {
            offer_id: "longevity".into(),
            reply: Err(PlatformError::Unreachable("down".into())),
        },
        t0,
    );
    assert_eq!(t.offers()[1].state, OfferState::Failed);
    let again = t.intent(Intent::Offer(1), t0);
    let key2 = again
        .iter()
        .find_map(|e| match e {
            Effect::ConfirmOffer { key, .. } => Some(key.clone()),
            _ => None,
        })
        .expect("tried again");
    assert_eq!(key, key2, "a retry is the same confirmation");
    t.handle(
        Input::OfferConfirmed {
            offer_id: "longevity".into(),
            reply: Ok(()),
        },
        t0,
    );
    assert_eq!(t.offers()[1].state, OfferState::Confirmed);
    assert_eq!(t.screen(), Screen::Home);
}
