//! The response diff of the example inspector (issue 12): two models' responses of
//! 20,000 characters each, differing in about one word in twenty, diffed word by
//! word and drawn side by side. Reports the diff alone, and the frames of the real
//! window (headless egui_kittest: layout and tessellation, no GPU) when the
//! inspector opens, when "ignore whitespace" recomputes the diff, when it shows
//! each response against the reference, and idle frames after that.
//!
//!     cargo bench --bench response_diff

#![allow(clippy::expect_used)] // A benchmark that cannot set up fails loudly.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use faultline::app::dialog::NoDialog;
use faultline::app::{Command, FaultlineApp, LaunchOptions};
use faultline::cli::ViewName as View;

type H = Harness<'static, FaultlineApp>;

/// A deterministic text of `chars` characters: sentences of common words.
fn text(seed: u64, chars: usize, edit_every: usize) -> String {
    const WORDS: &[&str] = &[
        "the", "model", "returns", "a", "value", "because", "each", "step", "adds", "one", "more",
        "term", "to", "sum", "and", "then", "checks", "whether", "result", "fits", "within",
        "bounds", "so", "answer", "is", "correct", "for", "this", "input",
    ];
    let mut out = String::with_capacity(chars + 16);
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    let mut i = 0usize;
    while out.len() < chars {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let w = WORDS[(x % WORDS.len() as u64) as usize];
        // Every `edit_every`-th word depends on the seed: the two texts differ there.
        if edit_every > 0 && i.is_multiple_of(edit_every) {
            out.push_str(WORDS[((x >> 8).wrapping_add(seed) % WORDS.len() as u64) as usize]);
        } else {
            out.push_str(w);
        }
        i += 1;
        out.push(if i.is_multiple_of(14) { '.' } else { ' ' });
        if i.is_multiple_of(14) {
            out.push(if i.is_multiple_of(70) { '\n' } else { ' ' });
        }
    }
    out.truncate(chars);
    out
}

fn csv_field(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

fn frames_until_idle(h: &mut H, n: usize) -> Vec<f64> {
    (0..n)
        .map(|_| {
            let t = Instant::now();
            h.step();
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect()
}

fn report(name: &str, frames: &[f64]) {
    let mut v = frames.to_vec();
    v.sort_by(f64::total_cmp);
    let max = v.last().copied().unwrap_or(0.0);
    println!(
        "{name:<40} first {:>6.2} ms   p50 {:>6.2} ms   max {:>6.2} ms   ({} frames)",
        frames.first().copied().unwrap_or(0.0),
        v[v.len() / 2],
        max,
        v.len()
    );
}

fn main() {
    let (a, b, r) = (
        text(1, 20_000, 20),
        text(2, 20_000, 20),
        text(3, 20_000, 25),
    );
    // The diff alone.
    for ignore in [false, true] {
        let mut times = Vec::new();
        for _ in 0..20 {
            let t = Instant::now();
            let d = faultline::text_diff::word_diff(&a, &b, ignore);
            times.push(t.elapsed().as_secs_f64() * 1e3);
            std::hint::black_box(d);
        }
        report(
            &format!("word_diff 2 x 20,000 chars (ignore ws {ignore})"),
            &times,
        );
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    std::fs::create_dir_all(root.join("bench/out")).expect("bench/out");
    let file = root.join("bench/out/long_responses.csv");
    let mut csv = String::from("id,prompt,reference,response_a,response_b,pass_a,pass_b\n");
    for i in 0..3 {
        csv.push_str(&format!(
            "q{i},{},{},{},{},1,0\n",
            csv_field("Explain the sum."),
            csv_field(&r),
            csv_field(&a),
            csv_field(&b)
        ));
    }
    std::fs::write(&file, csv).expect("write input");
    let f = file.clone();
    let mut h: H = Harness::builder()
        .with_size(egui::vec2(1600.0, 1000.0))
        .build_eframe(move |cc| {
            FaultlineApp::new(
                cc,
                LaunchOptions {
                    files: vec![f],
                    view: Some(View::Examples),
                    dialog: Box::new(NoDialog),
                    ..Default::default()
                },
            )
        });
    let start = Instant::now();
    while h.state().workspace.is_none() || h.state().is_busy() {
        h.step();
        std::thread::sleep(Duration::from_millis(5));
        assert!(start.elapsed() < Duration::from_secs(60), "did not load");
    }
    frames_until_idle(&mut h, 5);
    h.state_mut().command(Command::SelectExample(0));
    report(
        "open inspector (diff + layout)",
        &frames_until_idle(&mut h, 30),
    );
    h.state_mut().views.examples.diff.ignore_whitespace = true;
    report(
        "ignore whitespace (new diff)",
        &frames_until_idle(&mut h, 30),
    );
    h.state_mut().views.examples.diff.against_reference = true;
    report(
        "each against the reference (2 diffs)",
        &frames_until_idle(&mut h, 30),
    );
    report("idle", &frames_until_idle(&mut h, 60));
}
