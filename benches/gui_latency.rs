//! Headless harness for the window's responsiveness (issue 3): drives the real app
//! frame by frame with egui_kittest on a generated 5M-row, 2-model file, changes the
//! cohort, the slice features and the threshold, and reports frame times and the
//! time until the new numbers are on screen.
//!
//!     cargo bench --bench gui_latency -- [ROWS]      # default 5000000
//!
//! The input is made with `faultline-gen churn --rows ROWS` into bench/out/.
//!
//! Frames are stepped as eframe's event loop runs them on a 60 Hz display: at a
//! display refresh, when the app asked for one (a repaint requested in a frame,
//! or from a job's thread when it ends). `FAULTLINE_BENCH_EVERY_FRAME=1` steps
//! one every 16 ms instead, asked for or not (this harness before December 2026).
//! `FAULTLINE_BENCH_CAUSES=1` prints, after each frame of a change, what asked
//! for frames in it (egui's repaint causes).

#![allow(clippy::expect_used)] // A benchmark that cannot set up fails loudly.

use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use faultline::app::dialog::NoDialog;
use faultline::app::{Command, FaultlineApp, LaunchOptions};
use faultline::cli::ViewName as View;
use faultline::cohort::{Cohort, FilterGroup};

type H = Harness<'static, FaultlineApp>;

/// A 60 Hz display's refresh period.
const REFRESH: Duration = Duration::from_micros(16_667);

/// When the next frame is stepped: as eframe runs them (at the first refresh
/// after the app asked for one), or every 16 ms.
struct Pace {
    every_frame: bool,
    /// The display's first refresh: the others follow every [`REFRESH`].
    origin: Instant,
    /// The earliest frame asked for since the last one started (from a frame,
    /// or from a job's thread).
    asked: Arc<(Mutex<Option<Instant>>, Condvar)>,
}

impl Pace {
    fn new(h: &H) -> Pace {
        let asked: Arc<(Mutex<Option<Instant>>, Condvar)> = Arc::default();
        let theirs = asked.clone();
        // What eframe's event loop does with a request: it wakes up, and runs a
        // frame once the request's delay is over.
        h.ctx.set_request_repaint_callback(move |info| {
            let due = Instant::now() + info.delay;
            let (slot, woken) = &*theirs;
            let mut slot = slot.lock().expect("pace");
            *slot = Some(slot.map_or(due, |d| d.min(due)));
            woken.notify_all();
        });
        Pace {
            every_frame: std::env::var_os("FAULTLINE_BENCH_EVERY_FRAME").is_some(),
            origin: Instant::now(),
            asked,
        }
    }

    /// Forgets the requests made before a frame: the frame answers them.
    fn frame_starts(&self) {
        *self.asked.0.lock().expect("pace") = None;
    }

    /// Waits until the next frame is due: the first refresh at or after the
    /// earliest frame asked for, by the frame just stepped or since.
    fn wait(&self, h: &H, frame_started: Instant) {
        if self.every_frame {
            std::thread::sleep(Duration::from_millis(16));
            return;
        }
        let in_frame = h
            .output()
            .viewport_output
            .get(&egui::ViewportId::ROOT)
            .and_then(|v| frame_started.checked_add(v.repaint_delay));
        let (slot, woken) = &*self.asked;
        let mut asked = slot.lock().expect("pace");
        let due = loop {
            let due = match (*asked, in_frame) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            let now = Instant::now();
            match due {
                Some(d) if d <= now => break d,
                Some(d) => asked = woken.wait_timeout(asked, d - now).expect("pace").0,
                None => {
                    // Nothing asked for a second: a frame anyway, so that a
                    // window that never asks fails by the timeout, not a hang.
                    let (a, wait) = woken.wait_timeout(asked, REFRESH * 60).expect("pace");
                    asked = a;
                    if wait.timed_out() && asked.is_none() {
                        break now;
                    }
                }
            }
        };
        drop(asked);
        let refreshes = due
            .saturating_duration_since(self.origin)
            .as_nanos()
            .div_ceil(REFRESH.as_nanos());
        let at = self.origin + REFRESH * refreshes as u32;
        std::thread::sleep(at.saturating_duration_since(Instant::now()));
    }
}

/// Steps frames until `done` holds, recording each frame's time.
fn until(
    h: &mut H,
    pace: &Pace,
    frames: &mut Vec<f64>,
    done: impl Fn(&FaultlineApp) -> bool,
) -> Duration {
    let start = Instant::now();
    loop {
        let t = Instant::now();
        pace.frame_starts();
        h.step();
        frames.push(t.elapsed().as_secs_f64() * 1e3);
        if std::env::var_os("FAULTLINE_BENCH_CAUSES").is_some() {
            eprintln!(
                "frame at {:?}: asked for by {:?}",
                start.elapsed(),
                h.ctx.repaint_causes()
            );
        }
        if done(h.state()) {
            return start.elapsed();
        }
        assert!(start.elapsed() < Duration::from_secs(600), "timed out");
        pace.wait(h, t);
    }
}

fn overview_current(app: &FaultlineApp) -> bool {
    app.workspace.as_ref().is_some_and(|w| {
        w.pending_cohort.is_none() && app.results.overview.is_current(&w.base_key())
    })
}

fn slices_current(app: &FaultlineApp) -> bool {
    app.workspace.as_ref().is_some_and(|w| {
        w.pending_cohort.is_none()
            && !app.results.slices.is_busy()
            && app
                .results
                .slices
                .key
                .as_ref()
                .is_some_and(|k| k.base == w.base_key())
    })
}

fn percentile(v: &mut [f64], q: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    v[((v.len() - 1) as f64 * q).round() as usize]
}

fn report(name: &str, latency: Duration, frames: &mut [f64]) {
    let max = frames.iter().cloned().fold(0.0, f64::max);
    println!(
        "{name:<28} update {:>7.1} ms   frames {:>4}   p50 {:>5.2} ms   p95 {:>5.2} ms   max {:>6.2} ms",
        latency.as_secs_f64() * 1e3,
        frames.len(),
        percentile(frames, 0.5),
        percentile(frames, 0.95),
        max
    );
}

fn main() {
    let rows: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(5_000_000);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let file = root.join(format!("bench/out/churn_{rows}.parquet"));
    if !file.exists() {
        std::fs::create_dir_all(root.join("bench/out")).expect("bench/out");
        let gen_bin = root.join("target/release/faultline-gen");
        let status = std::process::Command::new("cargo")
            .args(["build", "--release", "--bin", "faultline-gen"])
            .current_dir(&root)
            .status()
            .expect("cargo");
        assert!(status.success());
        let status = std::process::Command::new(gen_bin)
            .args(["churn", "--rows", &rows.to_string(), "--out"])
            .arg(&file)
            .status()
            .expect("faultline-gen");
        assert!(status.success());
    }
    let f = file.clone();
    let mut h: H = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(move |cc| {
            FaultlineApp::new(
                cc,
                LaunchOptions {
                    files: vec![f],
                    dialog: Box::new(NoDialog),
                    // `FAULTLINE_FRAME_TIMES=1`: each frame's app time on standard error
                    // (a step also builds and reads the accessibility tree).
                    frame_times: std::env::var_os("FAULTLINE_FRAME_TIMES").is_some(),
                    ..Default::default()
                },
            )
        });
    let pace = Pace::new(&h);
    println!(
        "file: {} ({rows} rows), frames {}",
        file.display(),
        if pace.every_frame {
            "every 16 ms"
        } else {
            "as eframe runs them (asked for, at a 60 Hz refresh)"
        }
    );
    let mut frames = Vec::new();
    let load = until(&mut h, &pace, &mut frames, |a| {
        a.workspace.is_some() && !a.is_loading()
    });
    report("load file", load, &mut frames);
    let mut frames = Vec::new();
    let first = until(&mut h, &pace, &mut frames, overview_current);
    report("first overview", first, &mut frames);
    // Once the first overview is on screen the window makes, in the background,
    // what cohort changes read (a user reads the overview first): its time, then
    // the changes.
    let mut frames = Vec::new();
    let prepare = until(&mut h, &pace, &mut frames, |a| !a.is_busy());
    report("prepare (background)", prepare, &mut frames);

    // Cohort: region = east.
    let mut frames = Vec::new();
    h.state_mut().command(Command::SetCohort(Cohort {
        name: "east".into(),
        filter: FilterGroup::equalities(&[("region".into(), "east".into())]),
    }));
    let t = until(&mut h, &pace, &mut frames, overview_current);
    report("change cohort (overview)", t, &mut frames);

    // Threshold 0.5 -> 0.6.
    let mut frames = Vec::new();
    h.state_mut().command(Command::SetThreshold(0.6));
    let t = until(&mut h, &pace, &mut frames, overview_current);
    report("change threshold (overview)", t, &mut frames);

    // Dragging the slider: a new threshold every frame (60 a second) for half a
    // second, then let go; how many of the dragged values were shown, and how long
    // after the last one its numbers were on screen.
    let mut frames = Vec::new();
    let mut shown = std::collections::BTreeSet::new();
    let steps = 30;
    for i in 0..=steps {
        let t = 0.60 + 0.2 * i as f64 / steps as f64;
        h.state_mut().command(Command::SetThreshold(t));
        let start = Instant::now();
        h.step();
        frames.push(start.elapsed().as_secs_f64() * 1e3);
        if let Some(k) = h.state().results.overview.key {
            shown.insert(k.2);
        }
        std::thread::sleep(Duration::from_millis(16));
    }
    let t = until(&mut h, &pace, &mut frames, overview_current);
    report("drag threshold (let go)", t, &mut frames);
    println!(
        "{:<28} {} of {} dragged thresholds shown while dragging",
        "",
        shown.len(),
        steps + 1
    );

    // Slices: open the view (region x device), then change the features.
    let mut frames = Vec::new();
    h.state_mut().command(Command::SetView(View::Slices));
    let t = until(&mut h, &pace, &mut frames, slices_current);
    report("open slices (2 features)", t, &mut frames);
    let mut frames = Vec::new();
    {
        let app = h.state_mut();
        app.views.slices.first = Some("plan".into());
        app.views.slices.second = Some("channel".into());
    }
    let t = until(&mut h, &pace, &mut frames, |a| {
        slices_current(a)
            && a.results
                .slices
                .value
                .as_ref()
                .is_some_and(|s| s.labels.first().is_some_and(|l| l[0].0 == "plan"))
    });
    report("change slice features", t, &mut frames);

    // Idle frames with everything computed.
    let mut frames = Vec::new();
    for _ in 0..60 {
        let t = Instant::now();
        h.step();
        frames.push(t.elapsed().as_secs_f64() * 1e3);
    }
    report("idle (slices view)", Duration::ZERO, &mut frames);
    h.state_mut().command(Command::SetView(View::Examples));
    let mut frames = Vec::new();
    let t = until(&mut h, &pace, &mut frames, |a| {
        a.workspace.is_some() && a.results.examples.value.is_some() && !a.results.examples.is_busy()
    });
    report("open examples", t, &mut frames);
}
