//! Charts as standalone SVG: no script, no external reference, every label escaped,
//! every coordinate finite. Lines (with histogram bars and markers), bars and
//! forest plots with interval whiskers by category, and heatmaps with a legend.

use super::chart::{Bar, Chart, Heat, Tone, diverging_rgb};
use super::escape::escape_html;

const W: f64 = 560.0;
const H: f64 = 360.0;
const PAD: f64 = 52.0;
/// Series colours (the window uses the same order).
pub const COLORS: [&str; 6] = [
    "#2563eb", "#ea580c", "#059669", "#db2777", "#7c3aed", "#ca8a04",
];
const BAD: &str = "#dc2626";
const GOOD: &str = "#16a34a";

/// The chart as an `<svg>` element.
pub fn chart_svg(chart: &Chart) -> String {
    if let Some(h) = &chart.heat {
        return heat_svg(chart, h);
    }
    if !chart.bars.is_empty() {
        return bars_svg(chart);
    }
    lines_svg(chart)
}

/// A finite number that stays finite when scaled.
fn clean(v: f64) -> Option<f64> {
    v.is_finite().then(|| v.clamp(-1e300, 1e300))
}

/// Maps `[lo, hi]` onto `[a, b]` pixels, safely for any span.
struct Scale {
    lo: f64,
    hi: f64,
    a: f64,
    b: f64,
}

impl Scale {
    fn new(mut lo: f64, mut hi: f64, a: f64, b: f64) -> Scale {
        if !(lo.is_finite() && hi.is_finite()) || lo > hi {
            (lo, hi) = (0.0, 1.0);
        }
        if hi - lo < 1e-12 {
            hi = lo + 1.0;
        }
        Scale { lo, hi, a, b }
    }

    fn at(&self, v: f64) -> f64 {
        // In halves, so that a span near f64::MAX does not overflow.
        let t = (v / 2.0 - self.lo / 2.0) / (self.hi / 2.0 - self.lo / 2.0);
        let t = if t.is_finite() { t } else { 0.0 };
        (self.a + t * (self.b - self.a)).clamp(-1e6, 1e6)
    }

    fn ticks(&self) -> Vec<f64> {
        (0..=4)
            .map(|k| self.lo + (self.hi - self.lo) * k as f64 / 4.0)
            .collect()
    }
}

fn open(w: f64, h: f64, title: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" font-family=\"sans-serif\" font-size=\"12\"><rect x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/><text x=\"{}\" y=\"20\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">{}</text>",
        w / 2.0,
        escape_html(title)
    )
}

fn tick(v: f64) -> String {
    if v.abs() >= 100.0 {
        format!("{v:.0}")
    } else if v.abs() >= 1.0 || v == 0.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

fn legend(s: &mut String, names: &[(String, &str)], x: f64, y: f64) {
    for (i, (name, color)) in names.iter().enumerate() {
        let yy = y + 18.0 * i as f64;
        s.push_str(&format!(
            "<rect x=\"{x:.1}\" y=\"{yy:.1}\" width=\"12\" height=\"12\" fill=\"{color}\"/><text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            x + 18.0,
            yy + 10.0,
            escape_html(name)
        ));
    }
}

fn axis_labels(s: &mut String, chart: &Chart, w: f64, h: f64) {
    s.push_str(&format!(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text><text x=\"14\" y=\"{}\" text-anchor=\"middle\" transform=\"rotate(-90 14 {})\">{}</text>",
        w / 2.0,
        h - 8.0,
        escape_html(&chart.x_label),
        h / 2.0,
        h / 2.0,
        escape_html(&chart.y_label)
    ));
}

fn lines_svg(chart: &Chart) -> String {
    let series: Vec<(&String, Vec<[f64; 2]>)> = chart
        .series
        .iter()
        .map(|(n, pts)| {
            let pts = pts
                .iter()
                .filter_map(|p| Some([clean(p[0])?, clean(p[1])?]))
                .collect();
            (n, pts)
        })
        .collect();
    let half = chart.bin_width.map_or(0.0, |w| w / 2.0);
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for p in series.iter().flat_map(|(_, p)| p) {
        x0 = x0.min(p[0] - half);
        x1 = x1.max(p[0] + half);
        y0 = y0.min(p[1]);
        y1 = y1.max(p[1]);
    }
    for (_, m) in &chart.markers {
        if let Some(m) = clean(*m) {
            x0 = x0.min(m);
            x1 = x1.max(m);
        }
    }
    if chart.bin_width.is_some() {
        y0 = y0.min(0.0);
    }
    if let Some((_, r)) = &chart.reference
        && let Some(r) = clean(*r)
    {
        y0 = y0.min(r);
        y1 = y1.max(r);
    }
    if chart.points && chart.diagonal && x0 <= x1 {
        // A scatter against its diagonal: one square range for both axes.
        let (lo, hi) = (x0.min(y0), x1.max(y1));
        (x0, y0, x1, y1) = (lo, lo, hi, hi);
    } else if chart.diagonal || x0 > x1 {
        (x0, y0, x1, y1) = (x0.min(0.0), y0.min(0.0), x1.max(1.0), y1.max(1.0));
    }
    let sx = Scale::new(x0, x1, PAD, W - PAD);
    let sy = Scale::new(y0, y1, H - PAD, PAD);
    let mut s = open(W, H, &chart.title);
    s.push_str(&format!(
        "<line x1=\"{PAD}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#333\"/><line x1=\"{PAD}\" y1=\"{PAD}\" x2=\"{PAD}\" y2=\"{}\" stroke=\"#333\"/>",
        H - PAD,
        W - PAD,
        H - PAD,
        H - PAD
    ));
    for (fx, fy) in sx.ticks().into_iter().zip(sy.ticks()) {
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\" fill=\"#555\">{}</text><text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#555\">{}</text><line x1=\"{PAD}\" y1=\"{:.1}\" x2=\"{}\" y2=\"{:.1}\" stroke=\"#eee\"/>",
            sx.at(fx),
            H - PAD + 16.0,
            tick(fx),
            PAD - 6.0,
            sy.at(fy) + 4.0,
            tick(fy),
            sy.at(fy),
            W - PAD,
            sy.at(fy)
        ));
    }
    axis_labels(&mut s, chart, W, H);
    if chart.diagonal {
        let (a, b) = (x0.max(y0), x1.min(y1));
        s.push_str(&format!(
            "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#999\" stroke-dasharray=\"4 4\"/>",
            sx.at(a),
            sy.at(a),
            sx.at(b),
            sy.at(b)
        ));
    }
    for (i, whiskers) in &chart.intervals {
        let color = COLORS[i % COLORS.len()];
        for w in whiskers {
            if let (Some(x), Some(lo), Some(hi)) = (clean(w[0]), clean(w[1]), clean(w[2])) {
                s.push_str(&format!(
                    "<line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"{color}\" stroke-opacity=\"0.7\"/>",
                    sx.at(x),
                    sy.at(lo),
                    sx.at(x),
                    sy.at(hi)
                ));
            }
        }
    }
    let mut names = Vec::new();
    for (i, (name, points)) in series.iter().enumerate() {
        let color = COLORS[i % COLORS.len()];
        names.push(((*name).clone(), color));
        if let Some(w) = chart.bin_width {
            for p in points {
                let (a, b) = (sx.at(p[0] - w / 2.0), sx.at(p[0] + w / 2.0));
                let (top, base) = (sy.at(p[1]), sy.at(0.0));
                s.push_str(&format!(
                    "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{color}\" fill-opacity=\"0.45\"/>",
                    a.min(b),
                    top.min(base),
                    (b - a).abs(),
                    (base - top).abs()
                ));
            }
        } else if chart.points {
            for p in points {
                s.push_str(&format!(
                    "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"1.6\" fill=\"{color}\" fill-opacity=\"0.6\"/>",
                    sx.at(p[0]),
                    sy.at(p[1])
                ));
            }
        } else {
            let path: Vec<String> = points
                .iter()
                .map(|p| format!("{:.1},{:.1}", sx.at(p[0]), sy.at(p[1])))
                .collect();
            s.push_str(&format!(
                "<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{}\"/>",
                path.join(" ")
            ));
        }
    }
    if let Some((label, r)) = &chart.reference
        && let Some(r) = clean(*r)
    {
        let y = sy.at(r);
        s.push_str(&format!(
            "<line x1=\"{PAD}\" y1=\"{y:.1}\" x2=\"{}\" y2=\"{y:.1}\" stroke=\"#999\" stroke-dasharray=\"4 4\"/><text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#555\">{}</text>",
            W - PAD,
            W - PAD,
            y - 4.0,
            escape_html(label)
        ));
    }
    for (label, m) in &chart.markers {
        let Some(m) = clean(*m) else { continue };
        let x = sx.at(m);
        s.push_str(&format!(
            "<line x1=\"{x:.1}\" y1=\"{PAD}\" x2=\"{x:.1}\" y2=\"{}\" stroke=\"#111\" stroke-dasharray=\"5 3\"/><text x=\"{:.1}\" y=\"{}\" fill=\"#111\">{}</text>",
            H - PAD,
            x + 4.0,
            PAD + 12.0,
            escape_html(label)
        ));
    }
    legend(&mut s, &names, W - PAD - 150.0, PAD + 4.0);
    s.push_str("</svg>");
    s
}

fn tone_color(b: &Bar, series_color: &'static str) -> &'static str {
    match b.tone {
        Tone::Bad => BAD,
        Tone::Good => GOOD,
        Tone::Neutral => series_color,
    }
}

/// Bars by category (vertical), or a forest plot (categories down the side).
fn bars_svg(chart: &Chart) -> String {
    let n = chart.categories.len().max(1);
    let label_room = if chart.horizontal {
        chart
            .categories
            .iter()
            .map(|c| c.chars().count())
            .max()
            .unwrap_or(0)
            .clamp(6, 48) as f64
            * 6.5
    } else {
        0.0
    };
    let (w, h) = if chart.horizontal {
        (W + label_room, (PAD * 2.0 + 22.0 * n as f64).max(H))
    } else {
        ((PAD * 2.0 + 40.0 * n as f64).max(W), H + 90.0)
    };
    let mut lo = f64::MAX;
    let mut hi = f64::MIN;
    for b in &chart.bars {
        for v in [Some(b.value), b.lo, b.hi]
            .into_iter()
            .flatten()
            .filter_map(clean)
        {
            lo = lo.min(v);
            hi = hi.max(v);
        }
    }
    if let Some((_, r)) = &chart.reference
        && let Some(r) = clean(*r)
    {
        lo = lo.min(r);
        hi = hi.max(r);
    }
    if !chart.horizontal {
        lo = lo.min(0.0);
    }
    let pad_v = ((hi - lo) * 0.05).max(1e-9);
    let left = PAD + label_room;
    let mut s = open(w, h, &chart.title);
    let groups = chart.names.len().max(1) as f64;
    if chart.horizontal {
        let sx = Scale::new(lo - pad_v, hi + pad_v, left, w - PAD);
        let band = (h - 2.0 * PAD) / n as f64;
        for t in sx.ticks() {
            s.push_str(&format!(
                "<line x1=\"{x:.1}\" y1=\"{PAD}\" x2=\"{x:.1}\" y2=\"{}\" stroke=\"#eee\"/><text x=\"{x:.1}\" y=\"{}\" text-anchor=\"middle\" fill=\"#555\">{}</text>",
                h - PAD,
                h - PAD + 16.0,
                tick(t),
                x = sx.at(t)
            ));
        }
        for (i, c) in chart.categories.iter().enumerate() {
            s.push_str(&format!(
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
                left - 8.0,
                PAD + band * (i as f64 + 0.5) + 4.0,
                escape_html(&shorten(c, 48))
            ));
        }
        if let Some((label, r)) = &chart.reference
            && let Some(r) = clean(*r)
        {
            let x = sx.at(r);
            s.push_str(&format!(
                "<line x1=\"{x:.1}\" y1=\"{PAD}\" x2=\"{x:.1}\" y2=\"{}\" stroke=\"#111\" stroke-dasharray=\"5 3\"/><text x=\"{:.1}\" y=\"{}\" fill=\"#111\">{}</text>",
                h - PAD,
                x + 4.0,
                PAD - 6.0,
                escape_html(label)
            ));
        }
        for b in &chart.bars {
            let Some(v) = clean(b.value) else { continue };
            let color = tone_color(b, COLORS[b.series % COLORS.len()]);
            let y = PAD + band * (b.category as f64 + (b.series as f64 + 0.5) / groups);
            if let (Some(l), Some(u)) = (b.lo.and_then(clean), b.hi.and_then(clean)) {
                s.push_str(&format!(
                    "<line x1=\"{:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"{color}\" stroke-width=\"2\"/>",
                    sx.at(l),
                    sx.at(u)
                ));
            }
            s.push_str(&format!(
                "<circle cx=\"{:.1}\" cy=\"{y:.1}\" r=\"4\" fill=\"{color}\"/>",
                sx.at(v)
            ));
        }
    } else {
        let sy = Scale::new(lo, hi + pad_v, h - PAD - 90.0, PAD);
        let band = (w - left - PAD) / n as f64;
        for t in sy.ticks() {
            s.push_str(&format!(
                "<line x1=\"{left}\" y1=\"{y:.1}\" x2=\"{}\" y2=\"{y:.1}\" stroke=\"#eee\"/><text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#555\">{}</text>",
                w - PAD,
                left - 6.0,
                sy.at(t) + 4.0,
                tick(t),
                y = sy.at(t)
            ));
        }
        for (i, c) in chart.categories.iter().enumerate() {
            let x = left + band * (i as f64 + 0.5);
            let y = h - PAD - 84.0;
            s.push_str(&format!(
                "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"end\" transform=\"rotate(-40 {x:.1} {y:.1})\">{}</text>",
                escape_html(&shorten(c, 28))
            ));
        }
        let base = sy.at(0.0_f64.max(lo));
        for b in &chart.bars {
            let Some(v) = clean(b.value) else { continue };
            let color = tone_color(b, COLORS[b.series % COLORS.len()]);
            let bw = band * 0.8 / groups;
            let x = left + band * (b.category as f64 + 0.1) + bw * b.series as f64;
            let top = sy.at(v);
            s.push_str(&format!(
                "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{bw:.1}\" height=\"{:.1}\" fill=\"{color}\" fill-opacity=\"0.7\"/>",
                top.min(base),
                (base - top).abs()
            ));
            if let (Some(l), Some(u)) = (b.lo.and_then(clean), b.hi.and_then(clean)) {
                let cx = x + bw / 2.0;
                s.push_str(&format!(
                    "<line x1=\"{cx:.1}\" y1=\"{:.1}\" x2=\"{cx:.1}\" y2=\"{:.1}\" stroke=\"#111\" stroke-width=\"1.5\"/>",
                    sy.at(l),
                    sy.at(u)
                ));
            }
        }
        if let Some((label, r)) = &chart.reference
            && let Some(r) = clean(*r)
        {
            let y = sy.at(r);
            s.push_str(&format!(
                "<line x1=\"{left}\" y1=\"{y:.1}\" x2=\"{}\" y2=\"{y:.1}\" stroke=\"#111\" stroke-dasharray=\"5 3\"/><text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#111\">{}</text>",
                w - PAD,
                w - PAD,
                y - 4.0,
                escape_html(label)
            ));
        }
    }
    axis_labels(&mut s, chart, w, h);
    if chart.names.len() > 1 {
        let names: Vec<(String, &str)> = chart
            .names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.clone(), COLORS[i % COLORS.len()]))
            .collect();
        legend(&mut s, &names, w - PAD - 150.0, PAD);
    }
    s.push_str("</svg>");
    s
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

/// A heatmap: cells coloured on the diverging scale around the centre, the value
/// in each cell, and a legend of the scale.
fn heat_svg(chart: &Chart, h: &Heat) -> String {
    let label_room = h
        .rows
        .iter()
        .map(|r| r.chars().count())
        .max()
        .unwrap_or(4)
        .clamp(4, 30) as f64
        * 7.0;
    let (cw, ch) = (64.0, 26.0);
    let left = PAD + label_room;
    let top = PAD + 40.0;
    let w = (left + cw * h.cols.len() as f64 + PAD).max(W);
    let hh = top + ch * h.rows.len() as f64 + 90.0;
    let mut s = open(w, hh, &chart.title);
    for (j, c) in h.cols.iter().enumerate() {
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            left + cw * (j as f64 + 0.5),
            top - 8.0,
            escape_html(&shorten(c, 10))
        ));
    }
    for (i, r) in h.rows.iter().enumerate() {
        let y = top + ch * i as f64;
        s.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            left - 6.0,
            y + ch / 2.0 + 4.0,
            escape_html(&shorten(r, 30))
        ));
        for j in 0..h.cols.len() {
            let x = left + cw * j as f64;
            match h
                .values
                .get(i * h.cols.len() + j)
                .copied()
                .flatten()
                .and_then(clean)
            {
                Some(v) => {
                    let [r8, g8, b8] = diverging_rgb(h.position(v));
                    s.push_str(&format!(
                        "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{cw}\" height=\"{ch}\" fill=\"rgb({r8},{g8},{b8})\" stroke=\"#fff\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"11\">{:.3}</text>",
                        x + cw / 2.0,
                        y + ch / 2.0 + 4.0,
                        v
                    ));
                }
                None => {
                    s.push_str(&format!(
                        "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{cw}\" height=\"{ch}\" fill=\"#f3f4f6\" stroke=\"#fff\"/>"
                    ));
                }
            }
        }
    }
    // The legend: the scale from worst to best around the centre.
    let ly = top + ch * h.rows.len() as f64 + 30.0;
    let lw = 240.0;
    for k in 0..48 {
        let t = -1.0 + 2.0 * (k as f64 + 0.5) / 48.0;
        let [r8, g8, b8] = diverging_rgb(t);
        s.push_str(&format!(
            "<rect x=\"{:.1}\" y=\"{ly:.1}\" width=\"{:.2}\" height=\"12\" fill=\"rgb({r8},{g8},{b8})\"/>",
            left + lw * k as f64 / 48.0,
            lw / 48.0 + 0.5
        ));
    }
    let spread = h.spread();
    let (worst, best) = if h.lower_is_better {
        (h.center + spread, h.center - spread)
    } else {
        (h.center - spread, h.center + spread)
    };
    s.push_str(&format!(
        "<text x=\"{left:.1}\" y=\"{:.1}\" fill=\"#555\">{} worse</text><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#555\">{} cohort</text><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#555\">better {}</text>",
        ly + 28.0,
        tick(clean(worst).unwrap_or(0.0)),
        left + lw / 2.0,
        ly + 28.0,
        tick(clean(h.center).unwrap_or(0.0)),
        left + lw,
        ly + 28.0,
        tick(clean(best).unwrap_or(0.0))
    ));
    s.push_str("</svg>");
    s
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
            markers: vec![("t".into(), f64::NAN)],
            ..Default::default()
        };
        let bars = Chart {
            categories: vec!["a".into(), "b".into()],
            names: vec!["m".into()],
            bars: vec![
                Bar {
                    category: 0,
                    value: f64::MAX,
                    lo: Some(f64::NEG_INFINITY),
                    hi: Some(f64::NAN),
                    ..Default::default()
                },
                Bar {
                    category: 1,
                    value: -1e308,
                    ..Default::default()
                },
            ],
            ..Default::default()
        };
        let heat = Chart {
            heat: Some(Heat {
                rows: vec!["r".into()],
                cols: vec!["c".into(), "d".into()],
                values: vec![Some(f64::MAX), Some(f64::NAN)],
                n: vec![1, 1],
                center: f64::INFINITY,
                lower_is_better: false,
            }),
            ..Default::default()
        };
        for c in [
            chart,
            bars.clone(),
            Chart {
                horizontal: true,
                ..bars
            },
            heat,
            Chart::default(),
        ] {
            let svg = chart_svg(&c);
            for bad in ["NaN", "inf"] {
                assert!(!svg.contains(bad), "{bad} in {svg}");
            }
        }
    }
}
