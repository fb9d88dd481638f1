//! Charts as standalone SVG: no script, no external reference, every label escaped.

use super::Chart;
use super::escape::escape_html;

const W: f64 = 520.0;
const H: f64 = 360.0;
const PAD: f64 = 48.0;
const COLORS: [&str; 6] = [
    "#2563eb", "#ea580c", "#059669", "#db2777", "#7c3aed", "#ca8a04",
];

/// The chart as an `<svg>` element.
pub fn chart_svg(chart: &Chart) -> String {
    // Only finite points are drawn, and no value so large that its scaled
    // coordinate overflows: an SVG never holds NaN or infinity.
    let finite = |p: &&[f64; 2]| p[0].is_finite() && p[1].is_finite();
    let clamp = |p: &[f64; 2]| [p[0].clamp(-1e300, 1e300), p[1].clamp(-1e300, 1e300)];
    let clean: Vec<(String, Vec<[f64; 2]>)> = chart
        .series
        .iter()
        .map(|(n, pts)| (n.clone(), pts.iter().filter(finite).map(clamp).collect()))
        .collect();
    let chart = &Chart {
        series: clean,
        ..chart.clone()
    };
    let pts = chart.series.iter().flat_map(|(_, p)| p.iter());
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for p in pts {
        x0 = x0.min(p[0]);
        x1 = x1.max(p[0]);
        y0 = y0.min(p[1]);
        y1 = y1.max(p[1]);
    }
    if chart.diagonal || x0 > x1 {
        x0 = x0.min(0.0);
        y0 = y0.min(0.0);
        x1 = x1.max(1.0);
        y1 = y1.max(1.0);
    }
    if x1 - x0 < 1e-12 {
        x1 = x0 + 1.0;
    }
    if y1 - y0 < 1e-12 {
        y1 = y0 + 1.0;
    }
    // Scaled in halves so that a span near f64::MAX does not overflow.
    let unit = |v: f64, lo: f64, hi: f64| {
        let t = (v / 2.0 - lo / 2.0) / (hi / 2.0 - lo / 2.0);
        if t.is_finite() { t } else { 0.0 }
    };
    let sx = |x: f64| PAD + unit(x, x0, x1) * (W - 2.0 * PAD);
    let sy = |y: f64| H - PAD - unit(y, y0, y1) * (H - 2.0 * PAD);
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {W} {H}\" width=\"{W}\" height=\"{H}\" font-family=\"sans-serif\" font-size=\"12\">"
    );
    s.push_str(&format!(
        "<rect x=\"0\" y=\"0\" width=\"{W}\" height=\"{H}\" fill=\"#ffffff\"/>"
    ));
    s.push_str(&format!(
        "<text x=\"{}\" y=\"20\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">{}</text>",
        W / 2.0,
        escape_html(&chart.title)
    ));
    // Axes with ticks at quarters.
    s.push_str(&format!(
        "<line x1=\"{PAD}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#333\"/><line x1=\"{PAD}\" y1=\"{PAD}\" x2=\"{PAD}\" y2=\"{}\" stroke=\"#333\"/>",
        H - PAD,
        W - PAD,
        H - PAD,
        H - PAD
    ));
    for k in 0..=4 {
        let fx = x0 + (x1 - x0) * k as f64 / 4.0;
        let fy = y0 + (y1 - y0) * k as f64 / 4.0;
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\" fill=\"#555\">{}</text>",
            sx(fx),
            H - PAD + 16.0,
            tick(fx)
        ));
        s.push_str(&format!(
            "<text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#555\">{}</text>",
            PAD - 6.0,
            sy(fy) + 4.0,
            tick(fy)
        ));
        s.push_str(&format!(
            "<line x1=\"{PAD}\" y1=\"{:.1}\" x2=\"{}\" y2=\"{:.1}\" stroke=\"#eee\"/>",
            sy(fy),
            W - PAD,
            sy(fy)
        ));
    }
    s.push_str(&format!(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
        W / 2.0,
        H - 8.0,
        escape_html(&chart.x_label)
    ));
    s.push_str(&format!(
        "<text x=\"14\" y=\"{}\" text-anchor=\"middle\" transform=\"rotate(-90 14 {})\">{}</text>",
        H / 2.0,
        H / 2.0,
        escape_html(&chart.y_label)
    ));
    if chart.diagonal {
        let (a, b) = (x0.max(y0), x1.min(y1));
        s.push_str(&format!(
            "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#999\" stroke-dasharray=\"4 4\"/>",
            sx(a),
            sy(a),
            sx(b),
            sy(b)
        ));
    }
    for (i, (name, points)) in chart.series.iter().enumerate() {
        let color = COLORS[i % COLORS.len()];
        let path: Vec<String> = points
            .iter()
            .map(|p| format!("{:.1},{:.1}", sx(p[0]), sy(p[1])))
            .collect();
        s.push_str(&format!(
            "<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{}\"/>",
            path.join(" ")
        ));
        s.push_str(&format!(
            "<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{color}\"/><text x=\"{}\" y=\"{}\">{}</text>",
            W - PAD - 130.0,
            PAD + 4.0 + 18.0 * i as f64,
            W - PAD - 112.0,
            PAD + 14.0 + 18.0 * i as f64,
            escape_html(name)
        ));
    }
    s.push_str("</svg>");
    s
}

fn tick(v: f64) -> String {
    if v.abs() >= 100.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extreme_values_never_give_nan_coordinates() {
        let chart = Chart {
            title: "x".into(),
            series: vec![(
                "m".into(),
                vec![
                    [f64::MAX, -f64::MAX],
                    [f64::NAN, 1.0],
                    [f64::INFINITY, 0.0],
                    [-1e308, 1e308],
                    [0.5, 0.5],
                ],
            )],
            ..Default::default()
        };
        let svg = chart_svg(&chart);
        for bad in ["NaN", "inf"] {
            assert!(!svg.contains(bad), "{bad} in {svg}");
        }
        let empty = chart_svg(&Chart::default());
        assert!(!empty.contains("NaN") && !empty.contains("inf"));
    }
}
