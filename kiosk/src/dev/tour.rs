//! A tour of every page with sample data, for `kiosk screenshot --page`, the repaint benchmark and the docs.
//!
//! It drives the session state machine directly and plays the platform's and printers' answers from their API
//! types: nothing is sent anywhere and the effects are dropped. The real answers are exercised end to end by
//! the tests in `tests/` (hub over loopback, simulated printers); this is only for looking at pages.

use crate::app::Kiosk;
use crate::session::{CaptureStep, Input, Intent, Printer};
use kiosk_api::{CaseReply, CaseState, IssuedDocument, PrefillReply};
use kiosk_drivers::sim::sample_cards;
use kiosk_drivers::DeviceEvent;
use slint::ComponentHandle;
use std::time::{Duration, Instant};

/// The pages the tour knows, by name.
pub const PAGES: [&str; 14] = [
    "attract",
    "home",
    "search",
    "category",
    "capture",
    "identify",
    "form",
    "materials",
    "sign",
    "review",
    "submit-failed",
    "done",
    "not-done",
    "ask",
];

/// An input for the terminal's core. Effects are dropped: the tour plays their answers itself.
fn feed(k: &Kiosk, input: Input) {
    let _ = k.terminal.borrow_mut().handle(input, Instant::now());
}

fn intent(k: &Kiosk, i: Intent) {
    feed(k, Input::Intent(i));
}

fn item(k: &Kiosk, code: &str) -> Result<Box<kiosk_catalog::Item>, String> {
    k.items(Duration::from_secs(30))
        .and_then(|i| i.catalog.get(code).cloned())
        .map(Box::new)
        .ok_or_else(|| format!("the catalogue has no item {code}"))
}

fn camera_frame(k: &Kiosk) {
    let frame = kiosk_drivers::camera::synthetic::document(1280, 960, 4.0);
    if let Some(buf) =
        crate::view::preview::to_buffer(&frame, crate::view::preview::PREVIEW_MAX_WIDTH)
    {
        let capture = k.ui.global::<kiosk_ui::CaptureAdapter>();
        capture.set_camera_frame(slint::Image::from_rgb8(buf));
        capture.set_camera_live(true);
    }
}

fn key(k: &Kiosk) -> String {
    k.terminal
        .borrow()
        .application()
        .as_ref()
        .map(|a| a.idempotency_key.clone())
        .unwrap_or_default()
}

/// Shows `page` on the kiosk; `card` is the sample card to identify with where the page needs a resident.
pub fn show(k: &Kiosk, page: &str, card: usize) -> Result<(), String> {
    if !PAGES.contains(&page) {
        return Err(format!("no page {page}; pages: {}", PAGES.join(", ")));
    }
    feed(k, Input::EndSession);
    let insert = |k: &Kiosk| -> Result<(), String> {
        if k.terminal.borrow().resident().is_some() {
            return Ok(());
        }
        let c = sample_cards()
            .into_iter()
            .nth(card)
            .ok_or_else(|| format!("there is no sample card {card}"))?;
        feed(
            k,
            Input::Device {
                event: DeviceEvent::CardInserted(Box::new(c.record)),
                today: kiosk_drivers::Date::new(2026, 11, 29).unwrap_or(kiosk_drivers::Date {
                    year: 2026,
                    month: 11,
                    day: 29,
                }),
            },
        );
        intent(k, Intent::AnswerElderProposal(false));
        Ok(())
    };
    match page {
        "attract" => {}
        "home" => intent(k, Intent::Start),
        "search" => {
            intent(k, Intent::Start);
            let _ = k.items(Duration::from_secs(30));
            intent(k, Intent::ShowKeyboard(true));
            for c in ["s", "b", "j", "f"] {
                intent(k, Intent::SearchKey(c.into()));
            }
        }
        "category" => {
            let _ = k.items(Duration::from_secs(30));
            intent(k, Intent::Category("social-insurance".into()));
        }
        "capture" => {
            intent(k, Intent::OpenCapture);
            camera_frame(k);
        }
        "identify" => {
            intent(k, Intent::Start);
            intent(k, Intent::OpenItem(item(k, "HJ-002")?));
        }
        "ask" => {
            use crate::session::AskIntent;
            if !k.wait_knowledge(Duration::from_secs(30)) {
                return Err("杨小通's knowledge base did not load".into());
            }
            intent(k, Intent::Ask(AskIntent::Open));
            intent(
                k,
                Intent::Ask(AskIntent::Question("我妈80岁了有什么补贴".into())),
            );
            intent(
                k,
                Intent::Ask(AskIntent::Choose {
                    question: "care".into(),
                    value: "不需要".into(),
                }),
            );
        }
        "not-done" => {
            insert(k)?;
            intent(k, Intent::OpenItem(item(k, "HJ-002")?));
            intent(k, Intent::OpenNotDone);
            intent(k, Intent::NotDoneReason(1));
        }
        "done" | "submit-failed" => {
            insert(k)?;
            intent(k, Intent::OpenItem(item(k, "SB-001")?));
            intent(k, Intent::Next);
            let key = key(k);
            if page == "submit-failed" {
                feed(
                    k,
                    Input::Submitted {
                        key,
                        reply: Err(crate::platform::PlatformError::Unreachable(
                            "cannot connect".into(),
                        )),
                        wall: String::new(),
                    },
                );
            } else {
                let reply = CaseReply {
                    case_number: "YP2026112900001".into(),
                    state: CaseState::Done,
                    follow_url: "https://zwdt.sh.gov.cn/case/YP2026112900001".into(),
                    parts: Vec::new(),
                    document: Some(IssuedDocument {
                        title: "社保缴费记录打印".into(),
                        issuer: "上海市杨浦区政务服务中心".into(),
                        rows: (1..=12)
                            .map(|m| {
                                (
                                    format!("2025年{m:02}月"),
                                    "缴费基数 8000 元 · 养老 640.00 · 医疗 160.00".to_string(),
                                )
                            })
                            .collect(),
                        note: None,
                    }),
                };
                feed(
                    k,
                    Input::Submitted {
                        key: key.clone(),
                        reply: Ok(reply),
                        wall: "2026-11-29 10:00".into(),
                    },
                );
                feed(
                    k,
                    Input::Printed {
                        key,
                        printer: Printer::A4,
                        result: Ok(()),
                    },
                );
                intent(k, Intent::Rate(2));
                intent(k, Intent::ToggleReason(0));
            }
        }
        _ => {
            // The application pages, in the order a resident meets them.
            insert(k)?;
            intent(k, Intent::OpenItem(item(k, "HJ-002")?));
            let mut values = std::collections::BTreeMap::new();
            values.insert("platform.phone".to_string(), "13986202608".to_string());
            feed(
                k,
                Input::Prefill {
                    item_code: "HJ-002".into(),
                    reply: Ok(PrefillReply {
                        values,
                        earlier: Vec::new(),
                    }),
                },
            );
            intent(k, Intent::FocusField(2));
            for c in ["y", "a", "n", "g", "p", "u"] {
                intent(
                    k,
                    Intent::FieldKey {
                        key: c.into(),
                        first: None,
                    },
                );
            }
            if page != "form" {
                intent(
                    k,
                    Intent::PickCandidate {
                        text: "杨浦区控江路1555号".into(),
                        consumed: 6,
                    },
                );
                intent(k, Intent::FocusField(usize::MAX));
                intent(k, Intent::Next);
            }
            if page == "sign" || page == "review" {
                intent(k, Intent::Photograph(0));
                intent(k, Intent::TakePhoto);
                let doc = kiosk_drivers::camera::synthetic::document(1280, 960, 6.0);
                feed(k, Input::Photo(crate::view::preview::photo(&doc)));
                intent(k, Intent::UsePhoto);
                intent(k, Intent::Next);
                intent(k, Intent::ToggleCommitmentRead);
                for stroke in [
                    [(120, 300), (200, 180), (260, 340), (330, 190)],
                    [(400, 260), (520, 150), (600, 330), (760, 220)],
                ] {
                    for (i, (x, y)) in stroke.iter().enumerate() {
                        intent(
                            k,
                            Intent::SignPoint {
                                x: *x,
                                y: *y,
                                new_stroke: i == 0,
                            },
                        );
                    }
                }
                if page == "review" {
                    intent(k, Intent::Next);
                }
            }
        }
    }
    if *k.terminal.borrow().capture() == CaptureStep::Taking {
        intent(k, Intent::Retake);
    }
    k.render();
    Ok(())
}
