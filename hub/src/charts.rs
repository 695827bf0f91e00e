//! The operations view's charts as SVG, drawn with plotters (its SVG backend writes escaped `<text>` that the
//! browser sets in the page's font, so no font is loaded here).

use crate::figures::{Figures, Report, Sums};
use plotters::prelude::*;
use std::collections::BTreeMap;

/// The charts the operations page shows, by name (the URL's last part).
pub const CHARTS: [&str; 4] = [
    "sessions-by-day",
    "prefill-by-street",
    "first-time-by-street",
    "help-within-minute-by-day",
];

/// The console's own font first (the page serves it), then the machine's.
const FAMILY: &str = "Kiosk Sans, Noto Sans CJK SC, sans-serif";

const BAR: RGBColor = RGBColor(0x1d, 0x5f, 0xb4);
const TARGET: RGBColor = RGBColor(0xc6, 0x28, 0x28);

/// One named chart of a report; `None` for an unknown name.
pub fn chart(report: &Report, name: &str) -> Option<Result<String, String>> {
    let pick =
        |map: &BTreeMap<String, Sums>, f: fn(&Figures) -> Option<f64>| -> Vec<(String, f64)> {
            map.iter()
                .map(|(k, s)| (k.clone(), f(&Figures::from(s)).unwrap_or(0.0)))
                .collect()
        };
    Some(match name {
        "sessions-by-day" => bars(
            "每日办件人次 Sessions per day",
            &pick(&report.by_day, |f| Some(f.sessions as f64)),
            false,
            None,
        ),
        "prefill-by-street" => bars(
            "各街道预填率 Prefill rate by street (target 70 %)",
            &pick(&report.by_street, |f| f.prefill_rate),
            true,
            Some(0.7),
        ),
        "first-time-by-street" => bars(
            "各街道首办成功率 First-time success by street (target 90 %)",
            &pick(&report.by_street, |f| f.first_time_success),
            true,
            Some(0.9),
        ),
        "help-within-minute-by-day" => bars(
            "1分钟内人工响应 Help answered within 1 minute, by day",
            &pick(&report.by_day, |f| f.help_within_minute),
            true,
            Some(1.0),
        ),
        _ => return None,
    })
}

/// A bar chart with an optional target line; `percent` shows values 0–1 as percentages.
pub fn bars(
    title: &str,
    data: &[(String, f64)],
    percent: bool,
    target: Option<f64>,
) -> Result<String, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (900, 380)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let n = data.len().max(1);
        let top = data.iter().map(|(_, v)| *v).fold(0.0f64, f64::max);
        let top = if percent { 1.0 } else { (top * 1.15).max(1.0) };
        let mut chart = ChartBuilder::on(&root)
            .caption(title, (FAMILY, 20))
            .margin(14)
            .x_label_area_size(40)
            .y_label_area_size(60)
            // A range of `0..n-1` is n segments, one per bar.
            .build_cartesian_2d((0..n - 1).into_segmented(), 0f64..top)
            .map_err(|e| e.to_string())?;
        let label = |x: &SegmentValue<usize>| match x {
            SegmentValue::CenterOf(i) => data.get(*i).map(|d| d.0.clone()).unwrap_or_default(),
            _ => String::new(),
        };
        let value = |v: &f64| {
            if percent {
                format!("{:.0}%", v * 100.0)
            } else {
                format!("{v:.0}")
            }
        };
        chart
            .configure_mesh()
            .label_style((FAMILY, 13))
            .disable_x_mesh()
            .x_labels(n.min(16))
            .x_label_formatter(&label)
            .y_label_formatter(&value)
            .draw()
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(data.iter().enumerate().map(|(i, (_, v))| {
                // The last bar ends at the axis' end (`Exact(n)` lies outside `0..n-1`).
                let end = if i + 1 == n {
                    SegmentValue::Last
                } else {
                    SegmentValue::Exact(i + 1)
                };
                let mut r =
                    Rectangle::new([(SegmentValue::Exact(i), 0.0), (end, *v)], BAR.filled());
                r.set_margin(0, 0, 6, 6);
                r
            }))
            .map_err(|e| e.to_string())?;
        if let Some(t) = target {
            chart
                .draw_series(LineSeries::new(
                    [(SegmentValue::Exact(0), t), (SegmentValue::Last, t)],
                    TARGET.stroke_width(2),
                ))
                .map_err(|e| e.to_string())?;
        }
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_bar_or_many_each_bar_is_drawn() {
        for n in [1usize, 2, 7] {
            let data: Vec<(String, f64)> = (0..n).map(|i| (format!("d{i}"), 0.5)).collect();
            let svg = super::bars("t", &data, true, Some(0.7)).expect("svg");
            // Bars are the filled rectangles of the bar colour, each wider than its margins.
            let bars = svg.matches("fill=\"#1D5FB4\"").count();
            assert_eq!(bars, n, "{n} bars in {svg}");
            for i in 0..n {
                assert!(svg.contains(&format!("\nd{i}\n")), "label d{i} in {svg}");
            }
        }
    }
}
