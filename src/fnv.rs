//! FNV-1a with 128 bits: a digest that stays the same across Rust releases
//! (the std hasher may change), for keys that outlive one build. build.rs
//! includes this file too (`#[path]`), so both sides hash the same way.

/// The running hash; `write` may be called any number of times.
pub struct Fnv128(u128);

impl Fnv128 {
    const PRIME: u128 = 0x0000000001000000000000000000013B;

    pub fn new() -> Self {
        Fnv128(0x6c62272e07bb014262b821756295c58d)
    }

    pub fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u128::from(b);
            self.0 = self.0.wrapping_mul(Self::PRIME);
        }
    }

    pub fn finish(&self) -> u128 {
        self.0
    }
}
