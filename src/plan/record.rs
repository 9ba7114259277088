//! The record of a plan that a build keeps beside the generation it
//! published, so that the next build can plan again only the groups its
//! change touches (`reuse.rs`): the digests the plan depended on, and per
//! group its key, what it read and which files it answers. A compact binary
//! file, read back whole; anything unreadable means "plan everything".

use std::collections::HashMap;

use super::{Depends, GroupDone, Plan};

const MAGIC: &[u8] = b"cinder plan record 1\n";

/// A plan's groups and what they depended on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Record {
    /// `Depends::global` of the build.
    pub(crate) global: [u8; 32],
    /// Per rule, in row order: its key and deep digest (`Depends`).
    pub(crate) rules: Vec<([u8; 32], [u8; 32])>,
    /// How many files the plan had.
    pub(crate) files: u64,
    pub(crate) groups: Vec<GroupRecord>,
}

/// One group of a recorded plan.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct GroupRecord {
    pub(crate) key: String,
    pub(crate) refused: u64,
    /// Indexes into `Record::rules`, ascending.
    pub(crate) rules: Vec<u32>,
    pub(crate) products: Vec<String>,
    /// The group's files, as runs (first index, length) of the plan's
    /// sorted files.
    pub(crate) files: Vec<(u32, u32)>,
}

impl Record {
    /// The record of `plan`, built from inputs with digests `depends`.
    pub(crate) fn of(plan: &Plan, depends: &Depends) -> Record {
        let mut groups: Vec<GroupRecord> = plan
            .groups
            .list
            .iter()
            .map(|g: &GroupDone| GroupRecord {
                key: g.key.clone(),
                refused: g.refused,
                rules: g.rules.iter().map(|id| id.0).collect(),
                products: g.products.clone(),
                files: Vec::new(),
            })
            .collect();
        for (i, owner) in plan.groups.owners.iter().enumerate() {
            let Some(group) = groups.get_mut(*owner as usize) else {
                continue;
            };
            let i = u32::try_from(i).expect("fewer than 4 billion files");
            match group.files.last_mut() {
                Some((start, len)) if *start + *len == i => *len += 1,
                _ => group.files.push((i, 1)),
            }
        }
        Record {
            global: depends.global,
            rules: depends
                .keys
                .iter()
                .copied()
                .zip(depends.deep.iter().copied())
                .collect(),
            files: plan.files.len() as u64,
            groups,
        }
    }

    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut w = Writer(Vec::with_capacity(64 * self.groups.len() + 1024));
        w.0.extend_from_slice(MAGIC);
        w.0.extend_from_slice(&self.global);
        w.number(self.files);
        w.number(self.rules.len() as u64);
        for (key, deep) in &self.rules {
            w.0.extend_from_slice(key);
            w.0.extend_from_slice(deep);
        }
        // What groups read repeats: each distinct (rules, products) once.
        let mut reads: HashMap<(&[u32], &[String]), u64> = HashMap::new();
        let mut table: Vec<(&[u32], &[String])> = Vec::new();
        let ids: Vec<u64> = self
            .groups
            .iter()
            .map(|g| {
                let k = (g.rules.as_slice(), g.products.as_slice());
                *reads.entry(k).or_insert_with(|| {
                    table.push(k);
                    table.len() as u64 - 1
                })
            })
            .collect();
        w.number(table.len() as u64);
        for (rules, products) in &table {
            w.number(rules.len() as u64);
            for r in *rules {
                w.number(u64::from(*r));
            }
            w.number(products.len() as u64);
            for p in *products {
                w.text(p);
            }
        }
        w.number(self.groups.len() as u64);
        for (g, id) in self.groups.iter().zip(ids) {
            w.text(&g.key);
            w.number(g.refused);
            w.number(id);
            w.number(g.files.len() as u64);
            for (start, len) in &g.files {
                w.number(u64::from(*start));
                w.number(u64::from(*len));
            }
        }
        w.0
    }

    /// The record in `bytes`; `None` when they are not one this cinder wrote.
    pub(crate) fn decode(bytes: &[u8]) -> Option<Record> {
        let mut r = Reader(bytes.strip_prefix(MAGIC)?);
        let global = r.digest()?;
        let files = r.number()?;
        let n = r.count(64)?;
        let mut rules = Vec::with_capacity(n);
        for _ in 0..n {
            rules.push((r.digest()?, r.digest()?));
        }
        let n = r.count(2)?;
        let mut table: Vec<(Vec<u32>, Vec<String>)> = Vec::with_capacity(n);
        for _ in 0..n {
            let k = r.count(1)?;
            let mut ids = Vec::with_capacity(k);
            for _ in 0..k {
                let id = u32::try_from(r.number()?).ok()?;
                if id as usize >= rules.len() {
                    return None;
                }
                ids.push(id);
            }
            let k = r.count(1)?;
            let mut products = Vec::with_capacity(k);
            for _ in 0..k {
                products.push(r.text()?);
            }
            table.push((ids, products));
        }
        let n = r.count(4)?;
        let mut groups = Vec::with_capacity(n);
        for _ in 0..n {
            let key = r.text()?;
            let refused = r.number()?;
            let (rules, products) = table.get(usize::try_from(r.number()?).ok()?)?.clone();
            let k = r.count(2)?;
            let mut runs = Vec::with_capacity(k);
            for _ in 0..k {
                let start = u32::try_from(r.number()?).ok()?;
                let len = u32::try_from(r.number()?).ok()?;
                if u64::from(start) + u64::from(len) > files {
                    return None;
                }
                runs.push((start, len));
            }
            groups.push(GroupRecord {
                key,
                refused,
                rules,
                products,
                files: runs,
            });
        }
        r.0.is_empty().then_some(Record {
            global,
            rules,
            files,
            groups,
        })
    }
}

struct Writer(Vec<u8>);

impl Writer {
    /// LEB128.
    fn number(&mut self, mut n: u64) {
        loop {
            let byte = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                self.0.push(byte);
                return;
            }
            self.0.push(byte | 0x80);
        }
    }

    fn text(&mut self, s: &str) {
        self.number(s.len() as u64);
        self.0.extend_from_slice(s.as_bytes());
    }
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn number(&mut self) -> Option<u64> {
        let mut n: u64 = 0;
        for shift in (0..64).step_by(7) {
            let (&byte, rest) = self.0.split_first()?;
            self.0 = rest;
            n |= u64::from(byte & 0x7f).checked_shl(shift)?;
            if byte & 0x80 == 0 {
                return Some(n);
            }
        }
        None
    }

    /// A count of items each at least `size` bytes long: no larger than
    /// what is left could hold.
    fn count(&mut self, size: usize) -> Option<usize> {
        let n = usize::try_from(self.number()?).ok()?;
        (n <= self.0.len() / size.max(1)).then_some(n)
    }

    fn digest(&mut self) -> Option<[u8; 32]> {
        let (head, rest) = self.0.split_at_checked(32)?;
        self.0 = rest;
        head.try_into().ok()
    }

    fn text(&mut self) -> Option<String> {
        let n = usize::try_from(self.number()?).ok()?;
        let (head, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        String::from_utf8(head.to_vec()).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Record {
        Record {
            global: [7; 32],
            rules: vec![([1; 32], [2; 32]), ([3; 32], [4; 32])],
            files: 10,
            groups: vec![
                GroupRecord {
                    key: "0/Firefox/146.0/2026/WINNT/de/release".to_owned(),
                    refused: 2,
                    rules: vec![0, 1],
                    products: vec!["Firefox".to_owned()],
                    files: vec![(0, 3), (5, 1)],
                },
                GroupRecord {
                    key: "0/Firefox///WINNT/de/release".to_owned(),
                    refused: 0,
                    rules: vec![0, 1],
                    products: vec!["Firefox".to_owned()],
                    files: vec![(3, 2)],
                },
            ],
        }
    }

    #[test]
    fn a_record_reads_back_as_written() {
        let record = sample();
        assert_eq!(Record::decode(&record.encode()), Some(record));
    }

    #[test]
    fn anything_but_a_whole_record_reads_as_none() {
        let bytes = sample().encode();
        for cut in 0..bytes.len() {
            assert_eq!(Record::decode(&bytes[..cut]), None, "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(Record::decode(&longer), None);
        let mut other = bytes;
        other[7] = b'X';
        assert_eq!(Record::decode(&other), None);
    }
}
