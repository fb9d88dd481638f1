//! Charts as data: what a chart shows (lines, bars or a forest of intervals by
//! category, histograms, a heatmap, markers), built once from engine results and
//! drawn twice: with egui_plot in the window and as SVG in a brief or a saved file.
//! The builders here are the only place a chart's content is decided.

use serde::{Deserialize, Serialize};

use crate::analysis::{ComparisonView, SliceTable};
use crate::compare::Verdict;
use crate::curves::{ScoreHistogram, ThresholdPoint};
use crate::slice_report::{SliceRow, lower_is_better};

/// Whether a bar or a cell is good or bad news.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tone {
    #[default]
    Neutral,
    Bad,
    Good,
}

/// One bar (or one point of a forest plot) with its interval.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Bar {
    /// Index into [`Chart::categories`].
    pub category: usize,
    /// Index into [`Chart::names`] (the model or group it belongs to).
    pub series: usize,
    pub value: f64,
    pub lo: Option<f64>,
    pub hi: Option<f64>,
    pub tone: Tone,
}

/// A grid of values (two features' slices) on a diverging colour scale centred on
/// `center` (the cohort's value).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Heat {
    pub rows: Vec<String>,
    pub cols: Vec<String>,
    /// Row-major, None where the cell is empty or undefined.
    pub values: Vec<Option<f64>>,
    pub n: Vec<u64>,
    pub center: f64,
    pub lower_is_better: bool,
}

impl Heat {
    /// The largest distance from the centre: the ends of the colour scale.
    pub fn spread(&self) -> f64 {
        self.values
            .iter()
            .flatten()
            .map(|v| (v - self.center).abs())
            .fold(0.0, f64::max)
            .max(1e-12)
    }

    /// A cell's position on the scale: -1 worst, 0 the centre, 1 best.
    pub fn position(&self, v: f64) -> f64 {
        let d = ((v - self.center) / self.spread()).clamp(-1.0, 1.0);
        if self.lower_is_better { -d } else { d }
    }
}

/// A diverging, perceptually ordered colour scale (ColorBrewer RdBu): red for the
/// worst cells, near white at the centre, blue for the best. `t` in [-1, 1].
pub fn diverging_rgb(t: f64) -> [u8; 3] {
    const STOPS: [[f64; 3]; 7] = [
        [178.0, 24.0, 43.0],
        [214.0, 96.0, 77.0],
        [244.0, 165.0, 130.0],
        [247.0, 247.0, 247.0],
        [146.0, 197.0, 222.0],
        [67.0, 147.0, 195.0],
        [33.0, 102.0, 172.0],
    ];
    let x = (t.clamp(-1.0, 1.0) + 1.0) / 2.0 * (STOPS.len() - 1) as f64;
    let i = (x.floor() as usize).min(STOPS.len() - 2);
    let f = x - i as f64;
    let mix = |k: usize| (STOPS[i][k] + (STOPS[i + 1][k] - STOPS[i][k]) * f).round() as u8;
    [mix(0), mix(1), mix(2)]
}

/// A chart kept as data (drawn by the window, and as SVG when exported).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Chart {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    /// `(name, points)` per series, drawn as lines.
    pub series: Vec<(String, Vec<[f64; 2]>)>,
    /// Draw the y = x diagonal (ROC, calibration).
    pub diagonal: bool,
    /// Bars (or forest points) by category, with intervals as whiskers.
    pub bars: Vec<Bar>,
    /// Category names (slices), on the category axis.
    pub categories: Vec<String>,
    /// Names of the bars' series (models, or the two classes of a histogram).
    pub names: Vec<String>,
    /// Categories down the y axis (a forest plot), else along the x axis.
    pub horizontal: bool,
    /// Histogram: `series` points are bin centres and heights of this width.
    pub bin_width: Option<f64>,
    /// Vertical lines `(label, x)`, such as the current threshold.
    pub markers: Vec<(String, f64)>,
    /// A reference value across the bars `(label, value)`, such as the cohort's.
    pub reference: Option<(String, f64)>,
    pub heat: Option<Heat>,
    /// Draw the series as points (scatter plots) instead of lines.
    pub points: bool,
    /// Vertical intervals on a line series: `(series index, [x, low, high])`
    /// (the reliability curve's per-bin Wilson intervals).
    pub intervals: Vec<(usize, Vec<[f64; 3]>)>,
}

impl Chart {
    /// The chart's data as a table (for copying and for readers of the brief).
    pub fn table(&self) -> (Vec<String>, Vec<Vec<String>>) {
        use crate::format::fmt_value;
        if let Some(h) = &self.heat {
            let mut header = vec![String::new()];
            header.extend(h.cols.iter().cloned());
            let rows = h
                .rows
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let mut row = vec![r.clone()];
                    row.extend(
                        (0..h.cols.len()).map(|j| fmt_value(h.values[i * h.cols.len() + j])),
                    );
                    row
                })
                .collect();
            return (header, rows);
        }
        if !self.bars.is_empty() {
            let header = ["category", "series", "value", "low", "high"]
                .map(String::from)
                .to_vec();
            let rows = self
                .bars
                .iter()
                .map(|b| {
                    vec![
                        self.categories.get(b.category).cloned().unwrap_or_default(),
                        self.names.get(b.series).cloned().unwrap_or_default(),
                        fmt_value(Some(b.value)),
                        fmt_value(b.lo),
                        fmt_value(b.hi),
                    ]
                })
                .collect();
            return (header, rows);
        }
        let header = vec![
            "series".to_string(),
            self.x_label.clone(),
            self.y_label.clone(),
        ];
        let rows = self
            .series
            .iter()
            .flat_map(|(n, pts)| {
                pts.iter()
                    .map(move |p| vec![n.clone(), format!("{:.6}", p[0]), format!("{:.6}", p[1])])
            })
            .collect();
        (header, rows)
    }
}

/// ROC curves of the models given as `(name, points)`.
pub fn roc(series: Vec<(String, Vec<[f64; 2]>)>) -> Chart {
    Chart {
        title: "ROC".into(),
        x_label: "false positive rate".into(),
        y_label: "true positive rate".into(),
        series,
        diagonal: true,
        ..Default::default()
    }
}

/// Precision-recall curves.
pub fn precision_recall(series: Vec<(String, Vec<[f64; 2]>)>) -> Chart {
    Chart {
        title: "Precision-recall".into(),
        x_label: "recall".into(),
        y_label: "precision".into(),
        series,
        ..Default::default()
    }
}

/// Reliability curves: mean predicted probability against the observed rate.
pub fn reliability(series: Vec<(String, Vec<crate::curves::CalibrationBin>)>) -> Chart {
    let intervals = series
        .iter()
        .enumerate()
        .map(|(i, (_, bins))| {
            (
                i,
                bins.iter()
                    .filter_map(|b| b.ci.map(|[lo, hi]| [b.mean_score, lo, hi]))
                    .collect(),
            )
        })
        .collect();
    Chart {
        title: "Calibration (reliability, 95% intervals per bin)".into(),
        intervals,
        x_label: "mean predicted probability".into(),
        y_label: "observed positive rate".into(),
        series: series
            .into_iter()
            .map(|(n, bins)| {
                (
                    n,
                    bins.iter()
                        .map(|b| [b.mean_score, b.positive_rate])
                        .collect(),
                )
            })
            .collect(),
        diagonal: true,
        ..Default::default()
    }
}

/// Regression: predicted against actual, and the residuals against predicted.
pub fn regression_scatter(series: &[(String, Vec<[f64; 2]>)]) -> (Chart, Chart) {
    let fit = Chart {
        title: "Predicted against actual".into(),
        x_label: "actual".into(),
        y_label: "predicted".into(),
        series: series.to_vec(),
        diagonal: true,
        points: true,
        ..Default::default()
    };
    let resid = Chart {
        title: "Residuals (predicted − actual) against predicted".into(),
        x_label: "predicted".into(),
        y_label: "residual".into(),
        series: series
            .iter()
            .map(|(n, pts)| (n.clone(), pts.iter().map(|q| [q[1], q[1] - q[0]]).collect()))
            .collect(),
        points: true,
        reference: Some(("zero".into(), 0.0)),
        ..Default::default()
    };
    (fit, resid)
}

/// Expected cost per example against the threshold, with the current threshold
/// and the cost-minimizing one marked.
pub fn cost_curve(
    model: &str,
    points: Vec<[f64; 2]>,
    costs: (f64, f64),
    current: f64,
    optimal: Option<f64>,
) -> Chart {
    let mut markers = vec![(format!("threshold {current:.2}"), current)];
    if let Some(t) = optimal {
        markers.push((format!("lowest cost at {t:.3}"), t));
    }
    Chart {
        title: format!(
            "{model}: expected cost per example (false positive {}, false negative {})",
            costs.0, costs.1
        ),
        x_label: "threshold".into(),
        y_label: "expected cost".into(),
        series: vec![("expected cost".into(), points)],
        markers,
        ..Default::default()
    }
}

/// A slice's name from its `(column, value)` pairs.
pub fn slice_name(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(c, v)| format!("{c} = {v}"))
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// A forest plot of the headline delta (candidate minus baseline) per slice with
/// its paired 95% interval, in the order given (the table's), red where a slice
/// regresses and green where it improves, with the zero line.
pub fn forest_of_deltas(
    cv: &ComparisonView,
    order: &[usize],
    baseline: &str,
    candidate: &str,
) -> Chart {
    let headline = cv.overall.headline().map_or("accuracy", |d| d.name);
    let mut chart = Chart {
        title: format!("{headline}: {candidate} minus {baseline} per slice (95% CI)"),
        x_label: format!("{headline} delta"),
        y_label: String::new(),
        horizontal: true,
        names: vec!["delta".into()],
        reference: Some(("no change".into(), 0.0)),
        ..Default::default()
    };
    for &i in order {
        let Some(s) = cv.slices.get(i) else { continue };
        let Some(d) = s.comparison.headline() else {
            continue;
        };
        let Some(delta) = d.delta else { continue };
        chart.categories.push(slice_name(&cv.labels[s.group]));
        chart.bars.push(Bar {
            category: chart.categories.len() - 1,
            series: 0,
            value: delta,
            lo: d.ci.map(|c| c[0]),
            hi: d.ci.map(|c| c[1]),
            tone: match s.verdict {
                Verdict::Regression => Tone::Bad,
                Verdict::Improvement => Tone::Good,
                Verdict::NoChange => Tone::Neutral,
            },
        });
    }
    chart
}

/// A bar per slice of the metric with its interval, the cohort's value as the
/// reference line, slices significantly worse marked.
pub fn slice_bars(
    st: &SliceTable,
    rows: &[SliceRow],
    model: &str,
    metric: &str,
    cohort: Option<f64>,
) -> Chart {
    let mut chart = Chart {
        title: format!("{metric} of {model} per slice (95% CI)"),
        x_label: String::new(),
        y_label: metric.to_string(),
        names: vec![model.to_string()],
        reference: cohort.map(|c| ("cohort".to_string(), c)),
        ..Default::default()
    };
    for r in rows {
        let Some(v) = r.value else { continue };
        chart.categories.push(slice_name(&st.labels[r.group]));
        chart.bars.push(Bar {
            category: chart.categories.len() - 1,
            series: 0,
            value: v,
            lo: r.ci.map(|c| c[0]),
            hi: r.ci.map(|c| c[1]),
            tone: if r.worse { Tone::Bad } else { Tone::Neutral },
        });
    }
    chart
}

/// The heatmap of a metric over two features' slices, centred on the cohort.
pub fn slice_heatmap(st: &SliceTable, metric: &str, cohort: f64) -> Option<Chart> {
    let first = st.labels.first()?;
    if first.len() != 2 {
        return None;
    }
    let mut rows: Vec<String> = Vec::new();
    let mut cols: Vec<String> = Vec::new();
    for l in &st.labels {
        if !rows.contains(&l[0].1) {
            rows.push(l[0].1.clone());
        }
        if !cols.contains(&l[1].1) {
            cols.push(l[1].1.clone());
        }
    }
    let mut values = vec![None; rows.len() * cols.len()];
    let mut n = vec![0u64; rows.len() * cols.len()];
    for r in &st.rows {
        let l = &st.labels[r.group];
        let (Some(i), Some(j)) = (
            rows.iter().position(|x| *x == l[0].1),
            cols.iter().position(|x| *x == l[1].1),
        ) else {
            continue;
        };
        values[i * cols.len() + j] = r.value;
        n[i * cols.len() + j] = r.n;
    }
    Some(Chart {
        title: format!("{metric}: {} × {}", first[0].0, first[1].0),
        x_label: first[1].0.clone(),
        y_label: first[0].0.clone(),
        heat: Some(Heat {
            rows,
            cols,
            values,
            n,
            center: cohort,
            lower_is_better: lower_is_better(metric),
        }),
        ..Default::default()
    })
}

/// One model's score histogram by true class.
pub fn score_histogram(model: &str, classes: &[String], h: &ScoreHistogram) -> Chart {
    let w = h.width();
    let centres = |counts: &[u64]| -> Vec<[f64; 2]> {
        counts
            .iter()
            .enumerate()
            .map(|(b, &c)| [(b as f64 + 0.5) * w, c as f64])
            .collect()
    };
    let neg = classes
        .first()
        .cloned()
        .unwrap_or_else(|| "negative".into());
    let pos = classes.get(1).cloned().unwrap_or_else(|| "positive".into());
    Chart {
        title: format!("{model}: scores by true class"),
        x_label: "score".into(),
        y_label: "rows".into(),
        series: vec![
            (format!("true {neg}"), centres(&h.negative)),
            (format!("true {pos}"), centres(&h.positive)),
        ],
        bin_width: Some(w),
        ..Default::default()
    }
}

/// Per-example mean scores of graded models, one series per model on shared bins.
pub fn graded_score_histogram(series: &[(String, crate::curves::Histogram)]) -> Chart {
    let width = series.first().map_or(1.0, |(_, h)| h.width);
    Chart {
        title: "Judge scores per example (mean over runs)".into(),
        x_label: "score".into(),
        y_label: "examples".into(),
        series: series
            .iter()
            .map(|(name, h)| {
                let pts = h
                    .counts
                    .iter()
                    .enumerate()
                    .map(|(b, &c)| [h.lo + (b as f64 + 0.5) * h.width, c as f64])
                    .collect();
                (name.clone(), pts)
            })
            .collect(),
        bin_width: Some(width),
        ..Default::default()
    }
}

/// A metric per model and category, with intervals (grouped bars).
pub fn grouped_bars(
    title: String,
    metric: &str,
    categories: Vec<String>,
    models: Vec<String>,
    values: &[(usize, usize, f64, Option<[f64; 2]>)],
) -> Chart {
    Chart {
        title,
        y_label: metric.to_string(),
        categories,
        names: models,
        bars: values
            .iter()
            .map(|&(category, series, value, ci)| Bar {
                category,
                series,
                value,
                lo: ci.map(|c| c[0]),
                hi: ci.map(|c| c[1]),
                tone: Tone::Neutral,
            })
            .collect(),
        ..Default::default()
    }
}

/// Accuracy, precision, recall and F1 against the threshold, the current
/// threshold marked.
pub fn threshold_metrics(model: &str, sweep: &[ThresholdPoint], current: f64) -> Chart {
    let line = |f: fn(&ThresholdPoint) -> Option<f64>| -> Vec<[f64; 2]> {
        sweep
            .iter()
            .filter_map(|p| f(p).map(|v| [p.threshold, v]))
            .collect()
    };
    Chart {
        title: format!("{model}: metrics against the threshold"),
        x_label: "threshold".into(),
        y_label: "metric".into(),
        series: vec![
            ("accuracy".into(), line(ThresholdPoint::accuracy)),
            ("precision".into(), line(ThresholdPoint::precision)),
            ("recall".into(), line(ThresholdPoint::recall)),
            ("f1".into(), line(ThresholdPoint::f1)),
        ],
        markers: vec![(format!("threshold {current:.2}"), current)],
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_colour_scale_diverges_from_white() {
        assert_eq!(diverging_rgb(0.0), [247, 247, 247]);
        assert_eq!(diverging_rgb(-1.0), [178, 24, 43]);
        assert_eq!(diverging_rgb(1.0), [33, 102, 172]);
        let h = Heat {
            values: vec![Some(0.5), Some(0.9)],
            center: 0.7,
            lower_is_better: true,
            ..Default::default()
        };
        // Lower is better: 0.5 is on the good side.
        assert!((h.position(0.5) - 1.0).abs() < 1e-12);
        assert!((h.position(0.9) + 1.0).abs() < 1e-12);
    }
}
