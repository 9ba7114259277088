//! A tiny deterministic random-number generator (SplitMix64): the same seed
//! always gives the same synthetic site, on every machine.

/// SplitMix64 (Steele, Lea and Flood, 2014).
#[derive(Clone, Debug)]
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `lo..hi` (`hi > lo`).
    pub(crate) fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo)
    }

    /// `chars` lowercase hex digits.
    pub(crate) fn hex(&mut self, chars: usize) -> String {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut s = String::with_capacity(chars);
        let mut bits = 0u64;
        for i in 0..chars {
            if i % 16 == 0 {
                bits = self.next_u64();
            }
            s.push(char::from(DIGITS[(bits & 0xf) as usize]));
            bits >>= 4;
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::Rng;

    #[test]
    fn same_seed_same_numbers() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        assert_eq!(a.hex(40), b.hex(40));
        assert_eq!(a.range(10, 20), b.range(10, 20));
        assert_ne!(Rng::new(1).next_u64(), Rng::new(2).next_u64());
    }
}
