//! Renders diagnostics with miette: the file, line and column, the source lines
//! with a caret under the place, and the help text. miette is shown only an
//! excerpt (`excerpt.rs`): the lines around the place, long ones cut, so the
//! cost and size of a diagnostic do not grow with its file or its line.

use std::fmt::{self, Write as _};

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceSpan};

use super::excerpt::{Excerpt, Mark};
use super::{Diagnostic, Label, Severity};
use crate::source::Sources;

/// How to draw: with colours for a terminal, or plain for logs and tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Style {
    Color,
    Plain,
}

/// Notes more lines than this from the place are listed after the excerpt
/// instead of being drawn in it (miette would draw every line between).
const NEAR_LINES: usize = 3;
/// A multi-line label is drawn whole up to this many lines, else cut to its first.
const MAX_SPAN_LINES: usize = 12;
/// Longest message, help and label texts shown (they can quote a site's values).
const MAX_TEXT: usize = 1000;

/// The text of one diagnostic, ending in a newline.
pub(crate) fn render(d: &Diagnostic, sources: &Sources, style: Style) -> String {
    let theme = match style {
        Style::Color => GraphicalTheme::unicode(),
        Style::Plain => GraphicalTheme::unicode_nocolor(),
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false)
        .without_primary_span_start();
    let (report, listed) = Report::build(d, sources);
    let mut out = String::new();
    if handler.render_report(&mut out, &report).is_err() {
        out = format!("{}: {}\n", severity_word(d.severity), report.message);
    }
    for note in listed {
        let _ = writeln!(
            out,
            "  note: {}: {}",
            sources.position(note.loc),
            clip(&note.text, MAX_TEXT)
        );
    }
    out
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// `text` cut to `max` characters.
fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_owned(),
    }
}

/// One diagnostic in the shape miette draws. A miette report quotes one
/// source; notes in other files, or far from the place, are listed after it.
#[derive(Debug)]
struct Report {
    message: String,
    code: &'static str,
    severity: miette::Severity,
    help: Option<String>,
    source: Option<Excerpt>,
    labels: Vec<LabeledSpan>,
}

impl Report {
    /// The report, and the notes to list after it.
    fn build<'d>(d: &'d Diagnostic, sources: &Sources) -> (Report, Vec<&'d Label>) {
        let severity = match d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        };
        let mut report = Report {
            message: clip(&d.message, MAX_TEXT),
            code: d.code.name(),
            severity,
            help: d.help.as_deref().map(|h| clip(h, MAX_TEXT)),
            source: None,
            labels: Vec::new(),
        };
        let Some(primary) = &d.primary else {
            return (report, d.notes.iter().collect());
        };
        let Some(file) = sources.get(primary.loc.file) else {
            return (report, d.notes.iter().collect());
        };
        let text = &file.text;
        let lines = file.lines();
        // A mark's first and last line, its span cut to its first line when long.
        let place = |label: &Label| {
            let start = (label.loc.start as usize).min(text.len());
            let end = (start + label.loc.len as usize).min(text.len());
            let (first, mut last) = (file.line_of(start), file.line_of(end));
            let mut mark = Mark {
                start,
                len: end - start,
            };
            if last - first >= MAX_SPAN_LINES {
                last = first;
                mark.len = lines[first].1.max(start) - start;
            }
            (first, last, mark)
        };
        let (first, last, mark) = place(primary);
        let mut region = (first.saturating_sub(1), (last + 1).min(lines.len() - 1));
        let mut marks: Vec<(Option<&Label>, Mark)> = vec![(Some(primary), mark)];
        let mut listed = Vec::new();
        for note in &d.notes {
            if note.loc.file != primary.loc.file {
                listed.push(note);
                continue;
            }
            let (f, l, m) = place(note);
            if f + NEAR_LINES < first || l > last + NEAR_LINES {
                listed.push(note);
                continue;
            }
            region = (
                region.0.min(f.saturating_sub(1)),
                region.1.max((l + 1).min(lines.len() - 1)),
            );
            marks.push((Some(note), m));
        }
        let mut moved: Vec<Mark> = marks.iter().map(|(_, m)| *m).collect();
        let (excerpt, whole) = Excerpt::new(
            sources.position(primary.loc),
            text,
            lines,
            region.0,
            region.1,
            &mut moved,
        );
        report.source = Some(excerpt);
        for (i, ((label, _), m)) in marks.iter().zip(moved).enumerate() {
            if i > 0 && !whole[i] {
                // A note on the same long line, outside the part shown.
                listed.extend(*label);
                continue;
            }
            let label_text = label.map(|l| clip(&l.text, MAX_TEXT));
            let span = SourceSpan::new(m.start.into(), m.len);
            report.labels.push(if i == 0 {
                LabeledSpan::new_primary_with_span(label_text, span)
            } else {
                LabeledSpan::new_with_span(label_text, span)
            });
        }
        (report, listed)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        (!self.code.is_empty()).then(|| Box::new(self.code) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.source.is_none() || self.labels.is_empty() {
            return None;
        }
        Some(Box::new(self.labels.iter().cloned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Code;
    use crate::source::Loc;

    #[test]
    fn shows_file_line_column_caret_and_help() {
        let mut sources = Sources::default();
        let text = "- priority: 10\n  mapping: Demo-1.0\n  fallbackmapping: Demo-0.9\n";
        let id = sources.add("rules/release.yml", text);
        let start = u32::try_from(text.find("fallbackmapping").unwrap()).unwrap();
        let d = Diagnostic::error(
            Code::UnknownField,
            "unknown field `fallbackmapping` in a rule",
        )
        .at(
            Loc {
                file: id,
                start,
                len: 15,
            },
            "not a rule field",
        )
        .help("did you mean `fallbackMapping`?");
        let out = render(&d, &sources, Style::Plain);
        assert!(out.contains("unknown-field"), "{out}");
        assert!(out.contains("rules/release.yml:3:3"), "{out}");
        assert!(out.contains(" 2 │   mapping: Demo-1.0"), "{out}");
        assert!(out.contains("^^^") || out.contains("───"), "{out}");
        assert!(out.contains("did you mean `fallbackMapping`?"), "{out}");
    }

    // See: issue 10, item 4.
    #[test]
    fn a_caret_far_along_a_long_line_is_shown_cut_without_panicking() {
        let mut sources = Sources::default();
        let text = format!(
            "{{\"platforms\": {{{}}}, \"bogus\": 1}}\n",
            "\"x\": 1, ".repeat(20_000)
        );
        let id = sources.add("releases/big.json", text.as_str());
        let start = u32::try_from(text.find("\"bogus\"").unwrap()).unwrap();
        let note = u32::try_from(text.find("\"x\"").unwrap()).unwrap();
        let d = Diagnostic::error(Code::UnknownField, "unknown field `bogus`")
            .at(
                Loc {
                    file: id,
                    start,
                    len: 7,
                },
                "not a field",
            )
            .note(
                Loc {
                    file: id,
                    start: note,
                    len: 3,
                },
                "far along the same line",
            );
        let out = render(&d, &sources, Style::Plain);
        assert!(out.len() < 2_000, "{} bytes:\n{out}", out.len());
        assert!(
            out.contains(&format!("releases/big.json:1:{}]", start + 1)),
            "{out}"
        );
        assert!(out.contains(" 1 │ …"), "{out}");
        assert!(out.contains("\"bogus\": 1}"), "{out}");
        assert!(out.contains("not a field"), "{out}");
        assert!(
            out.contains("note: releases/big.json:1:16: far along the same line"),
            "{out}"
        );
    }

    #[test]
    fn notes_far_away_are_listed_not_drawn_with_every_line_between() {
        let mut sources = Sources::default();
        let text = "a: 1\n".repeat(1000);
        let id = sources.add("rules/many.yml", text.as_str());
        let d = Diagnostic::warning(Code::EqualPriorityOverlap, "overlap")
            .at(
                Loc {
                    file: id,
                    start: 4995,
                    len: 1,
                },
                "this one",
            )
            .note(
                Loc {
                    file: id,
                    start: 0,
                    len: 1,
                },
                "the other one",
            );
        let out = render(&d, &sources, Style::Plain);
        assert_eq!(out.matches("a: 1").count(), 2, "{out}");
        assert!(
            out.contains("  note: rules/many.yml:1:1: the other one"),
            "{out}"
        );
    }
}
