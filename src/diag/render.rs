//! Renders diagnostics with miette: the file, line and column, the source lines
//! with a caret under the place, and the help text.

use std::fmt::{self, Write as _};
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};

use super::{Diagnostic, Severity};
use crate::source::{Loc, Sources};

/// How to draw: with colours for a terminal, or plain for logs and tests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Style {
    Color,
    Plain,
}

/// The text of one diagnostic, ending in a newline.
pub(crate) fn render(d: &Diagnostic, sources: &Sources, style: Style) -> String {
    let theme = match style {
        Style::Color => GraphicalTheme::unicode(),
        Style::Plain => GraphicalTheme::unicode_nocolor(),
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false);
    let report = Report::build(d, sources);
    let mut out = String::new();
    if handler.render_report(&mut out, &report).is_err() {
        out = format!("{}: {}\n", severity_word(d.severity), d.message);
    }
    let main_file = d.primary.as_ref().map(|l| l.loc.file);
    for note in d.notes.iter().filter(|n| Some(n.loc.file) != main_file) {
        let _ = writeln!(out, "  note: {}: {}", sources.position(note.loc), note.text);
    }
    out
}

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// One diagnostic in the shape miette draws. A miette report quotes one
/// source; notes in other files are printed after it as `note:` lines.
#[derive(Debug)]
struct Report {
    message: String,
    code: &'static str,
    severity: miette::Severity,
    help: Option<String>,
    source: Option<NamedSource<Arc<str>>>,
    labels: Vec<LabeledSpan>,
}

impl Report {
    fn build(d: &Diagnostic, sources: &Sources) -> Report {
        let severity = match d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        };
        let mut labels = Vec::new();
        let mut source = None;
        let main_file = d.primary.as_ref().map(|l| l.loc.file);
        if let Some(primary) = &d.primary {
            source = named_source(primary.loc, sources);
            labels.push(LabeledSpan::new_primary_with_span(
                Some(primary.text.clone()),
                span(primary.loc),
            ));
        }
        for note in d.notes.iter().filter(|n| Some(n.loc.file) == main_file) {
            labels.push(LabeledSpan::new_with_span(
                Some(note.text.clone()),
                span(note.loc),
            ));
        }
        Report {
            message: d.message.clone(),
            code: d.code.name(),
            severity,
            help: d.help.clone(),
            source,
            labels,
        }
    }
}

fn named_source(loc: Loc, sources: &Sources) -> Option<NamedSource<Arc<str>>> {
    let file = sources.get(loc.file)?;
    Some(
        NamedSource::new(file.display.display().to_string(), file.text.clone())
            .with_language("yaml"),
    )
}

fn span(loc: Loc) -> SourceSpan {
    SourceSpan::new((loc.start as usize).into(), loc.len as usize)
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
        assert!(out.contains("^^^") || out.contains("───"), "{out}");
        assert!(out.contains("did you mean `fallbackMapping`?"), "{out}");
    }
}
