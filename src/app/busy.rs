//! How the window shows that it is working. A spinner asks for a frame every
//! display refresh, and each frame redraws the whole window: on a 2-core laptop
//! those frames take CPU from the job the spinner waits on. Most jobs (a cohort
//! or threshold change, a slice table) end within a tenth of a second, before
//! anyone would look for a spinner, so spinners and elapsed times start only
//! once the window has been busy for [`QUIET`]; until then it draws no frame
//! unless something asks for one (input, a job that ends).

use std::time::{Duration, Instant};

/// How long the window works before it animates a spinner.
pub const QUIET: Duration = Duration::from_millis(300);

fn since_id() -> egui::Id {
    egui::Id::unique("faultline.busy_since")
}

/// Records, once a frame before anything is drawn, when the oldest running
/// job started (None when none runs).
pub fn set_since(ctx: &egui::Context, since: Option<Instant>) {
    ctx.data_mut(|d| d.insert_temp(since_id(), since));
}

/// How much of the quiet start is left: Some while the window has been busy
/// for less than [`QUIET`], None once longer or when idle.
pub fn quiet_left(ctx: &egui::Context) -> Option<Duration> {
    let since: Option<Instant> = ctx.data(|d| d.get_temp(since_id())).flatten();
    QUIET.checked_sub(since?.elapsed()).filter(|d| !d.is_zero())
}

/// A spinner, or during the quiet start the same space left blank (the job
/// asked for a frame when the quiet start ends: `tasks::Tasks::start`).
pub fn spinner_ui(ui: &mut egui::Ui) {
    if quiet_left(ui.ctx()).is_some() {
        let side = ui.spacing().interact_size.y;
        ui.allocate_exact_size(egui::vec2(side, side), egui::Sense::hover());
    } else {
        ui.spinner();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spinner_waits_out_the_quiet_start_and_not_an_old_job() {
        let ctx = egui::Context::default();
        assert_eq!(quiet_left(&ctx), None, "idle");
        set_since(&ctx, Some(Instant::now()));
        let left = quiet_left(&ctx).unwrap_or_default();
        assert!(left > QUIET / 2 && left <= QUIET, "{left:?}");
        if let Some(old) = Instant::now().checked_sub(QUIET * 2) {
            set_since(&ctx, Some(old));
            assert_eq!(
                quiet_left(&ctx),
                None,
                "busy for longer than the quiet start"
            );
        }
        set_since(&ctx, None);
        assert_eq!(quiet_left(&ctx), None, "idle again");
    }
}
