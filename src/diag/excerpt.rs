//! Excerpts of source for diagnostics whose lines are long: the lines around
//! a place, each cut to a window around what is marked on it, so that a
//! one-line JSON release of 100 KB shows a line's worth of it around the
//! caret (miette itself would print the whole line, and panics when the
//! caret is past column 65,535).

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

/// The line (0-based) holding byte `offset`, among `lines` (byte ranges).
fn line_of(lines: &[(usize, usize)], offset: usize) -> usize {
    lines
        .partition_point(|(start, _)| *start <= offset)
        .saturating_sub(1)
}

/// Lines longer than this (in characters) are cut.
pub(super) const MAX_LINE: usize = 160;
/// Characters kept before the first mark on a cut line.
const BEFORE: usize = 60;

/// Where a label is, in bytes of the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Mark {
    pub(super) start: usize,
    pub(super) len: usize,
}

/// The lines `first..=last` of a file (0-based), cut where long, and the
/// marks moved to their places in it.
#[derive(Debug)]
pub(super) struct Excerpt {
    name: String,
    text: String,
    /// The file's line number of the excerpt's first line (0-based).
    first: usize,
}

/// The byte offset `n` characters after `from` in `s` (or its end).
fn chars_after(s: &str, from: usize, n: usize) -> usize {
    s[from..]
        .char_indices()
        .nth(n)
        .map_or(s.len(), |(i, _)| from + i)
}

/// The byte offset `n` characters before `to` in `s` (or its start).
fn chars_before(s: &str, to: usize, n: usize) -> usize {
    if n == 0 {
        return to;
    }
    s[..to]
        .char_indices()
        .rev()
        .nth(n - 1)
        .map_or(0, |(i, _)| i)
}

impl Excerpt {
    /// Cuts lines `first..=last` of `text`, and moves `marks` (which must lie
    /// on those lines) to their places in the excerpt. A cut line keeps the
    /// part around the first mark on it; returns, per mark, whether it was
    /// kept whole (one outside the part is cut to its edge).
    pub(super) fn new(
        name: String,
        text: &str,
        lines: &[(usize, usize)],
        first: usize,
        last: usize,
        marks: &mut [Mark],
    ) -> (Excerpt, Vec<bool>) {
        let mut whole = vec![true; marks.len()];
        let mut out = String::new();
        for (&(start, end), n) in lines[first..=last].iter().zip(first..) {
            let line = &text[start..end];
            let on_line: Vec<usize> = (0..marks.len())
                .filter(|&i| line_of(lines, marks[i].start) == n)
                .collect();
            let (from, to) = if line.chars().count() <= MAX_LINE {
                (0, line.len())
            } else {
                let anchor = on_line.first().map_or(0, |&i| marks[i].start - start);
                let from = chars_before(line, anchor, BEFORE);
                (from, chars_after(line, from, MAX_LINE))
            };
            if n > first {
                out.push('\n');
            }
            if from > 0 {
                out.push('…');
            }
            let base = out.len();
            out.push_str(&line[from..to]);
            for &i in &on_line {
                let m = &mut marks[i];
                let s = (m.start - start).clamp(from, to);
                let e = (m.start - start + m.len).clamp(s, to);
                whole[i] = s == m.start - start && e == m.start - start + m.len;
                *m = Mark {
                    start: base + s - from,
                    len: e - s,
                };
            }
            if to < line.len() {
                out.push('…');
            }
        }
        (
            Excerpt {
                name,
                text: out,
                first,
            },
            whole,
        )
    }

    #[cfg(test)]
    pub(super) fn text(&self) -> &str {
        &self.text
    }
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner =
            self.text
                .as_str()
                .read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first,
            inner.column(),
            inner.line_count(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_cut_around_the_mark() {
        let text = format!(
            "first\n{}X{}\nlast\n",
            "a".repeat(100_000),
            "b".repeat(100_000)
        );
        let mut sources = crate::source::Sources::default();
        let id = sources.add("f", text.as_str());
        let lines = sources.get(id).unwrap().lines();
        let at = text.find('X').unwrap();
        let mut marks = [Mark { start: at, len: 1 }];
        let (e, whole) = Excerpt::new("f".into(), &text, lines, 0, 2, &mut marks);
        assert_eq!(whole, [true]);
        let shown: Vec<&str> = e.text().lines().collect();
        assert_eq!(shown[0], "first");
        assert_eq!(shown[2], "last");
        assert!(shown[1].starts_with('…') && shown[1].ends_with('…'));
        assert_eq!(shown[1].chars().count(), MAX_LINE + 2);
        assert!(e.text()[marks[0].start..].starts_with('X'));
    }
}
