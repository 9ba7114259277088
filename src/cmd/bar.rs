//! The progress bar of long commands: on a terminal only, nothing elsewhere.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

use crate::output::WriteProgress;
use crate::plan::Progress;

/// A progress bar on stderr when it is a terminal.
pub(crate) struct Bar(Option<ProgressBar>);

impl Bar {
    pub(crate) fn new(what: &str) -> Bar {
        if !std::io::stderr().is_terminal() {
            return Bar(None);
        }
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template(
                "{prefix:>9} [{bar:30}] {human_pos}/{human_len} ({per_sec}, {eta} left)",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar.set_prefix(what.to_owned());
        Bar(Some(bar))
    }

    fn update(&self, done: u64, total: u64) {
        if let Some(bar) = &self.0 {
            bar.set_length(total);
            bar.set_position(done);
        }
    }

    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

impl Progress for Bar {
    fn planned(&self, done: u64, total: u64) {
        self.update(done, total);
    }
}

impl WriteProgress for Bar {
    fn wrote(&self, done: u64, total: u64) {
        self.update(done, total);
    }
}

impl crate::publish::Progress for Bar {
    fn moved(&self, done: u64, total: u64) {
        self.update(done, total);
    }
}
