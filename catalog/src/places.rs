//! The service map (政务服务地图): where else an item is done, by walking distance from the terminal, and the
//! 15-minute circle drawn to scale from the places' coordinates (no map tiles: a terminal is often offline, and
//! a drawing of the few streets around it reads better on a kiosk than a city map).

use kiosk_api::knowledge::{KnowledgeBundle, PlaceKind, ServicePoint};

/// A walking pace that suits elderly residents too (4.8 km/h).
pub const WALK_M_PER_MIN: f64 = 80.0;
/// Streets are not straight lines: the way is taken as this much longer than the distance.
pub const DETOUR: f64 = 1.3;
/// The 15-minute circle: what 15 minutes of walking reach, as the crow flies.
pub const CIRCLE_M: f64 = 15.0 * WALK_M_PER_MIN / DETOUR;
/// Half the side of the square the map shows, in metres around the terminal.
pub const SPAN_M: f64 = 1600.0;
/// The map's drawing units: a square of this side (a Slint `Path` viewbox), the terminal in its middle.
pub const VIEW: f64 = 1000.0;

/// Metres between two WGS-84 points (haversine; the earth as a sphere is right to well under 1 % here).
pub fn metres(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, lo1, la2, lo2) = (
        a.0.to_radians(),
        a.1.to_radians(),
        b.0.to_radians(),
        b.1.to_radians(),
    );
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * 6_371_000.0 * h.sqrt().min(1.0).asin()
}

/// Minutes on foot for a distance as the crow flies.
pub fn walk_minutes(m: f64) -> u32 {
    (m * DETOUR / WALK_M_PER_MIN).ceil().clamp(1.0, 9999.0) as u32
}

/// Whether an item is done at a place.
pub fn offers(p: &ServicePoint, item: &str) -> bool {
    p.all_items || p.items.iter().any(|i| i == item)
}

/// The places a resident can go to (not terminals), nearest first, with their distance: those that do `item`,
/// or every one.
pub fn nearby<'a>(
    kb: &'a KnowledgeBundle,
    from: (f64, f64),
    item: Option<&str>,
) -> Vec<(&'a ServicePoint, f64)> {
    let mut v: Vec<(&ServicePoint, f64)> = kb
        .places
        .iter()
        .filter(|p| p.kind != PlaceKind::Terminal)
        .filter(|p| item.is_none_or(|i| offers(p, i)))
        .map(|p| (p, metres(from, (p.lat, p.lon))))
        .collect();
    v.sort_by(|a, b| a.1.total_cmp(&b.1));
    v
}

/// Where the terminal stands: its own place in the bundle, else its street's centre.
pub fn position(kb: &KnowledgeBundle, terminal_id: &str, street: &str) -> Option<(f64, f64)> {
    kb.places
        .iter()
        .find(|p| p.terminal.as_deref() == Some(terminal_id))
        .or_else(|| {
            kb.places
                .iter()
                .find(|p| p.kind == PlaceKind::Centre && p.street == street)
        })
        .map(|p| (p.lat, p.lon))
}

/// A point in the map's drawing units: east to the right, north up, the terminal in the middle.
pub fn project(from: (f64, f64), p: (f64, f64)) -> (f64, f64) {
    let east = (p.1 - from.1).to_radians() * 6_371_000.0 * from.0.to_radians().cos();
    let north = (p.0 - from.0).to_radians() * 6_371_000.0;
    (
        VIEW / 2.0 + east / SPAN_M * VIEW / 2.0,
        VIEW / 2.0 - north / SPAN_M * VIEW / 2.0,
    )
}

/// A road as a path in drawing units (`M x y L x y …`), and where its name goes (its middle point, kept on the
/// map); `None` when no part of it is on the map.
pub fn road_path(from: (f64, f64), points: &[[f64; 2]]) -> Option<(String, (f64, f64))> {
    let xy: Vec<(f64, f64)> = points.iter().map(|p| project(from, (p[0], p[1]))).collect();
    let inside = |p: &(f64, f64)| (0.0..=VIEW).contains(&p.0) && (0.0..=VIEW).contains(&p.1);
    let (first, rest) = xy.split_first()?;
    let crosses = xy.windows(2).any(|w| {
        // A segment that crosses the square has a point inside it or spans it on both axes.
        inside(&w[0])
            || inside(&w[1])
            || (w[0].0.min(w[1].0) <= VIEW
                && w[0].0.max(w[1].0) >= 0.0
                && w[0].1.min(w[1].1) <= VIEW
                && w[0].1.max(w[1].1) >= 0.0)
    });
    if !crosses {
        return None;
    }
    let mut d = format!("M {:.1} {:.1}", first.0, first.1);
    for p in rest {
        d.push_str(&format!(" L {:.1} {:.1}", p.0, p.1));
    }
    // The name near the map's edge where the road enters it (the top for a north-south road, the left for an
    // east-west one), so that the names stay clear of the places in the middle.
    let (a, b) = (xy[0], xy[xy.len() - 1]);
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let at = |t: f64| (a.0 + dx * t, a.1 + dy * t);
    let edge = VIEW * 0.08;
    let label = if dy.abs() > dx.abs() {
        at(((edge - a.1) / dy).clamp(0.0, 1.0))
    } else {
        at(((edge - a.0) / dx).clamp(0.0, 1.0))
    };
    let clamp = |v: f64| v.clamp(VIEW * 0.05, VIEW * 0.95);
    Some((d, (clamp(label.0), clamp(label.1))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kb() -> KnowledgeBundle {
        crate::knowledge::from_toml(crate::knowledge::BUNDLED_KNOWLEDGE).unwrap()
    }

    #[test]
    fn distances_and_walking_time() {
        // One minute of latitude is a nautical mile.
        let m = metres((31.0, 121.5), (31.0 + 1.0 / 60.0, 121.5));
        assert!((m - 1853.0).abs() < 5.0, "{m}");
        assert_eq!(walk_minutes(800.0), 13);
        assert_eq!(walk_minutes(CIRCLE_M), 15);
    }

    #[test]
    fn where_else_is_nearest_first_and_only_where_it_is_done() {
        let kb = kb();
        let here = position(&kb, "sim-0001", "殷行街道").unwrap();
        let all = nearby(&kb, here, None);
        assert!(all.windows(2).all(|w| w[0].1 <= w[1].1));
        assert!(all.iter().all(|(p, _)| p.kind != PlaceKind::Terminal));
        assert_eq!(all[0].0.id, "kailu-point");
        // 婚姻登记预约 is not a community item: only the district centre does it.
        let marriage = nearby(&kb, here, Some("MZ-004"));
        assert_eq!(marriage.len(), 1);
        assert_eq!(marriage[0].0.id, "yp-district");
        // A terminal not in the bundle stands at its street's centre.
        assert_eq!(
            position(&kb, "unknown", "五角场街道"),
            Some((31.3, 121.515))
        );
    }

    #[test]
    fn the_map_is_drawn_around_the_terminal() {
        let here = (31.3187, 121.536);
        assert_eq!(project(here, here), (500.0, 500.0));
        let (x, y) = project(here, (31.3187 + 0.005, 121.536 + 0.005));
        assert!(x > 500.0 && y < 500.0, "north-east is up and right");
        let (d, label) = road_path(here, &[[31.3165, 121.505], [31.3165, 121.56]]).unwrap();
        assert!(d.starts_with("M ") && d.contains(" L "));
        assert!((50.0..=950.0).contains(&label.0));
        assert_eq!(road_path(here, &[[31.2, 121.3], [31.2, 121.31]]), None);
    }
}
