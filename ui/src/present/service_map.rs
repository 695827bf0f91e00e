//! The service map on 杨小通's page: where else the answer's item is done, nearest first, and the 15-minute
//! circle around the terminal drawn to scale (streets named), in the map's drawing units (see
//! `kiosk_catalog::places`).

use super::application::update;
use crate::{AskAdapter, KioskWindow, MapPoint, MapRoad, PlaceRow};
use kiosk_api::knowledge::{KnowledgeBundle, PlaceKind, ServicePoint};
use kiosk_catalog::places::{self, CIRCLE_M, SPAN_M, VIEW};
use kiosk_core::Language;
use slint::ComponentHandle;

/// What a place's line says: the walk, the address, the hours, a remote window.
pub fn detail(p: &ServicePoint, metres: f64, lang: Language) -> String {
    let minutes = places::walk_minutes(metres);
    let mut parts = vec![match lang {
        Language::Zh => format!("步行约{minutes}分钟"),
        Language::En => format!("about {minutes} min on foot"),
    }];
    parts.push(p.address.clone());
    parts.push(lang.pick(&p.hours, &p.hours_en).clone());
    if p.remote_window {
        parts.push(lang.pick("有远程虚拟窗口", "remote window").to_string());
    }
    parts.join(" · ")
}

/// A place's name as the drawing shows it: what tells it apart (the list beside has the whole name).
fn short_name(p: &ServicePoint, lang: Language) -> String {
    match lang {
        Language::Zh => p
            .name
            .replace("社区事务受理服务中心", "受理中心")
            .replace("社区党群服务站", "服务站")
            .replace("社区服务驿站", "驿站"),
        Language::En => p
            .name_en
            .split([',', ' '])
            .take(2)
            .collect::<Vec<_>>()
            .join(" "),
    }
}

fn kind_code(k: PlaceKind) -> i32 {
    match k {
        PlaceKind::District => 0,
        PlaceKind::Centre => 1,
        PlaceKind::Community => 2,
        PlaceKind::Terminal => 3,
    }
}

/// The list and the drawing, for the places that do `item` (or every place).
pub fn present(
    ui: &KioskWindow,
    kb: &KnowledgeBundle,
    here: (f64, f64),
    item: Option<&str>,
    lang: Language,
) {
    let ask = ui.global::<AskAdapter>();
    let found = places::nearby(kb, here, item);
    let rows: Vec<PlaceRow> = found
        .iter()
        .take(8)
        .map(|(p, m)| PlaceRow {
            id: p.id.as_str().into(),
            name: lang.pick(&p.name, &p.name_en).as_str().into(),
            detail: detail(p, *m, lang).into(),
            near: *m <= CIRCLE_M,
        })
        .collect();
    update(ask.get_places(), rows, |a, b| a == b, |m| ask.set_places(m));
    let shown: Vec<&str> = found.iter().map(|(p, _)| p.id.as_str()).collect();
    let inside = |(x, y): (f64, f64)| (0.0..=VIEW).contains(&x) && (0.0..=VIEW).contains(&y);
    let points: Vec<MapPoint> = kb
        .places
        .iter()
        .filter(|p| p.kind != PlaceKind::Terminal)
        .filter_map(|p| {
            let xy = places::project(here, (p.lat, p.lon));
            inside(xy).then(|| MapPoint {
                x: xy.0 as f32,
                y: xy.1 as f32,
                name: short_name(p, lang).into(),
                kind: kind_code(p.kind),
                offers: shown.contains(&p.id.as_str()),
            })
        })
        .collect();
    update(
        ask.get_map_points(),
        points,
        |a, b| a == b,
        |m| ask.set_map_points(m),
    );
    let roads: Vec<MapRoad> = kb
        .roads
        .iter()
        .filter_map(|r| {
            places::road_path(here, &r.points).map(|(d, (x, y))| MapRoad {
                commands: d.into(),
                name: r.name.as_str().into(),
                x: x as f32,
                y: y as f32,
            })
        })
        .collect();
    update(
        ask.get_map_roads(),
        roads,
        |a, b| a == b,
        |m| ask.set_map_roads(m),
    );
    ask.set_map_circle((CIRCLE_M / SPAN_M * VIEW / 2.0) as f32);
    ask.set_map_scale((500.0 / SPAN_M * VIEW / 2.0) as f32);
}
