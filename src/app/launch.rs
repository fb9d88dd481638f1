//! Opening the window: launch options, the native window's settings and icon, and
//! the bundled sample it opens when no file is given.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use super::FaultlineApp;
use super::dialog::{self, FileDialog};
use crate::cli::ViewName;
use crate::load::Mapping;

/// How the bundled sample is named in the window.
pub const SAMPLE_NAME: &str = "churn.parquet (bundled sample)";

/// How the window starts.
pub struct LaunchOptions {
    pub files: Vec<PathBuf>,
    pub mapping: Mapping,
    /// The Spark Connect server of a `spark://` source given at launch (`--connect`).
    pub connect: Option<String>,
    /// How files given at launch are read (format, encoding).
    pub read: crate::load::read::ReadOptions,
    pub view: Option<ViewName>,
    /// Open the example inspector on this row of the table (0-based) once loaded.
    pub select: Option<u32>,
    /// Metric parameters for the files given (`--k`).
    pub params: crate::load::table::MetricParams,
    pub screenshot: Option<PathBuf>,
    /// The window's size in points (None: the default).
    pub window_size: Option<[f32; 2]>,
    /// Open the bundled sample when no file is given.
    pub open_sample: bool,
    pub dialog: Box<dyn FileDialog>,
    /// Where to autosave; None turns autosave and crash recovery off (tests).
    pub recovery: Option<PathBuf>,
    /// How often to autosave (30 seconds).
    pub autosave_every: Duration,
    /// Print each frame's time (`FAULTLINE_FRAME_TIMES=1`).
    pub frame_times: bool,
}

impl Default for LaunchOptions {
    fn default() -> Self {
        LaunchOptions {
            files: Vec::new(),
            mapping: Mapping::default(),
            connect: None,
            read: Default::default(),
            view: None,
            select: None,
            params: Default::default(),
            screenshot: None,
            window_size: None,
            open_sample: true,
            dialog: Box::new(dialog::NativeDialog),
            recovery: None,
            autosave_every: Duration::from_secs(30),
            frame_times: false,
        }
    }
}

/// The bundled binary-classification sample, embedded in the binary and unpacked
/// to a temporary file so that it opens from any directory and after installation.
pub fn bundled_sample() -> std::io::Result<PathBuf> {
    const BYTES: &[u8] = include_bytes!("../../sample_data/churn.parquet");
    let dir = std::env::temp_dir().join("faultline-sample");
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("churn.parquet");
    let fresh = std::fs::read(&path).map(|b| b == BYTES).unwrap_or(false);
    if !fresh {
        crate::atomic::write_atomic(&path, BYTES)?;
    }
    Ok(path)
}

/// The window icon, from `assets/icon.png`.
pub fn icon() -> Option<egui::IconData> {
    let img = image::load_from_memory(include_bytes!("../../assets/icon.png"))
        .ok()?
        .to_rgba8();
    Some(egui::IconData {
        width: img.width(),
        height: img.height(),
        rgba: img.into_raw(),
    })
}

/// Opens the window; returns when it closes.
pub fn run(options: LaunchOptions) -> anyhow::Result<()> {
    let size = options
        .window_size
        .unwrap_or(if options.screenshot.is_some() {
            [1400.0, 900.0]
        } else {
            [1280.0, 820.0]
        });
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("faultline")
        .with_app_id("faultline")
        .with_inner_size(size)
        .with_drag_and_drop(true);
    if let Some(icon) = icon() {
        viewport = viewport.with_icon(Arc::new(icon));
    }
    let native = eframe::NativeOptions {
        viewport,
        renderer: eframe::Renderer::Glow,
        persist_window: options.screenshot.is_none(),
        ..Default::default()
    };
    let shot = options.screenshot.clone();
    eframe::run_native(
        "faultline",
        native,
        Box::new(|cc| Ok(Box::new(FaultlineApp::new(cc, options)))),
    )
    .map_err(|e| anyhow::anyhow!("could not open the window: {e}"))?;
    if let Some(path) = shot
        && !path.exists()
    {
        anyhow::bail!("no screenshot was written to {}", path.display());
    }
    Ok(())
}

/// Whether a path looks like a file faultline can open.
pub fn is_supported(path: &Path) -> bool {
    crate::load::read::Format::from_path(path).is_ok()
}
