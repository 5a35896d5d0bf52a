//! One small vector abstraction, so that each search is written once: the byte
//! compares a search needs, with an instance per instruction set (SSE2 and AVX2 on
//! x86-64, NEON on aarch64) and a portable one on eight-byte words for every other
//! target, for Miri, and as the reference the others are tested against.
//!
//! Which instance may run is decided by [`crate::literal::Engine`], whose variants can
//! only be built where the instructions exist.

#![allow(unsafe_code)]

/// A vector of `BYTES` bytes, compared lane by lane.
///
/// The methods are `unsafe fn`s whose bodies call the instructions directly: the
/// contract below is what makes each call sound, and the loads' bounds are the only
/// other condition.
///
/// # Safety
///
/// Every method may only be called on a processor that has the instance's
/// instructions (for [`Sse2`](core::arch::x86_64::__m128i) and NEON, every processor
/// of their architecture; for AVX2, one where it was detected).
pub(crate) trait Vector: Copy {
    /// The number of lanes (bytes).
    const BYTES: usize;

    /// Every lane set to `b`.
    unsafe fn splat(b: u8) -> Self;

    /// The `BYTES` bytes from `p`, which need not be aligned.
    ///
    /// # Safety
    ///
    /// `p .. p + BYTES` must be readable.
    unsafe fn load(p: *const u8) -> Self;

    /// Lanes equal in `self` and `other` all ones, the others zero.
    unsafe fn eq(self, other: Self) -> Self;

    /// Lane-wise and.
    unsafe fn and(self, other: Self) -> Self;

    /// Lane-wise or.
    unsafe fn or(self, other: Self) -> Self;

    /// Bit `i` set for each lane `i` that is not zero (lanes are all ones or zero).
    unsafe fn bits(self) -> u64;

    /// Asks for the cache line at `p` to be loaded, as a hint: it never faults,
    /// whatever the address. Nothing by default.
    #[inline(always)]
    fn prefetch(_p: *const u8) {}

    /// Whether any lane is not zero.
    #[inline(always)]
    unsafe fn any(self) -> bool {
        self.bits() != 0
    }
}

/// The portable instance: eight lanes in a `u64` (byte `i` of the word is lane `i`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Word(u64);

const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;

impl Vector for Word {
    const BYTES: usize = 8;

    #[inline(always)]
    unsafe fn splat(b: u8) -> Word {
        Word(u64::from_ne_bytes([b; 8]))
    }

    #[inline(always)]
    unsafe fn load(p: *const u8) -> Word {
        Word(u64::from_le(p.cast::<u64>().read_unaligned()))
    }

    #[inline(always)]
    unsafe fn eq(self, other: Word) -> Word {
        // A lane is zero in `x` exactly where the two are equal. Adding 0x7f to its low
        // seven bits sets its top bit unless they are all zero, without carrying into
        // the next lane; or-ing `x` in covers a set top bit. Each lane of the result is
        // then 0x80 where equal, 0 elsewhere, spread to all ones.
        let x = self.0 ^ other.0;
        let top = !(((x & LOW7) + LOW7) | x | LOW7);
        Word((top >> 7) * 0xff)
    }

    #[inline(always)]
    unsafe fn and(self, other: Word) -> Word {
        Word(self.0 & other.0)
    }

    #[inline(always)]
    unsafe fn or(self, other: Word) -> Word {
        Word(self.0 | other.0)
    }

    #[inline(always)]
    unsafe fn bits(self) -> u64 {
        let mut bits = 0;
        for i in 0..8 {
            bits |= ((self.0 >> (8 * i)) & 1) << i;
        }
        bits
    }

    #[inline(always)]
    unsafe fn any(self) -> bool {
        self.0 != 0
    }
}

#[cfg(target_arch = "x86_64")]
mod x86_64 {
    use core::arch::x86_64::*;

    use super::Vector;

    // SSE2 is part of every x86-64 processor.
    impl Vector for __m128i {
        const BYTES: usize = 16;

        #[inline(always)]
        unsafe fn splat(b: u8) -> __m128i {
            _mm_set1_epi8(b as i8)
        }

        #[inline(always)]
        unsafe fn load(p: *const u8) -> __m128i {
            _mm_loadu_si128(p.cast())
        }

        #[inline(always)]
        unsafe fn eq(self, other: __m128i) -> __m128i {
            _mm_cmpeq_epi8(self, other)
        }

        #[inline(always)]
        unsafe fn and(self, other: __m128i) -> __m128i {
            _mm_and_si128(self, other)
        }

        #[inline(always)]
        unsafe fn or(self, other: __m128i) -> __m128i {
            _mm_or_si128(self, other)
        }

        #[inline(always)]
        unsafe fn bits(self) -> u64 {
            _mm_movemask_epi8(self) as u16 as u64
        }

        #[inline(always)]
        fn prefetch(p: *const u8) {
            // SAFETY: SSE is part of every x86-64 processor, and a prefetch reads
            // nothing into the program and never faults.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(p.cast()) }
        }
    }

    // Only called where AVX2 was detected (the trait's contract).
    impl Vector for __m256i {
        const BYTES: usize = 32;

        #[inline(always)]
        unsafe fn splat(b: u8) -> __m256i {
            _mm256_set1_epi8(b as i8)
        }

        #[inline(always)]
        unsafe fn load(p: *const u8) -> __m256i {
            _mm256_loadu_si256(p.cast())
        }

        #[inline(always)]
        unsafe fn eq(self, other: __m256i) -> __m256i {
            _mm256_cmpeq_epi8(self, other)
        }

        #[inline(always)]
        unsafe fn and(self, other: __m256i) -> __m256i {
            _mm256_and_si256(self, other)
        }

        #[inline(always)]
        unsafe fn or(self, other: __m256i) -> __m256i {
            _mm256_or_si256(self, other)
        }

        #[inline(always)]
        unsafe fn bits(self) -> u64 {
            _mm256_movemask_epi8(self) as u32 as u64
        }

        #[inline(always)]
        fn prefetch(p: *const u8) {
            __m128i::prefetch(p);
        }
    }
}

#[cfg(target_arch = "aarch64")]
mod aarch64 {
    use core::arch::aarch64::*;

    use super::Vector;

    /// Lane `i` of each half holds `1 << i`: and-ed with a compare result and summed
    /// per half, it gives that half's bit mask.
    static LANE_BITS: [u8; 16] = [1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128];

    // NEON is part of every aarch64 processor.
    impl Vector for uint8x16_t {
        const BYTES: usize = 16;

        #[inline(always)]
        unsafe fn splat(b: u8) -> uint8x16_t {
            vdupq_n_u8(b)
        }

        #[inline(always)]
        unsafe fn load(p: *const u8) -> uint8x16_t {
            vld1q_u8(p)
        }

        #[inline(always)]
        unsafe fn eq(self, other: uint8x16_t) -> uint8x16_t {
            vceqq_u8(self, other)
        }

        #[inline(always)]
        unsafe fn and(self, other: uint8x16_t) -> uint8x16_t {
            vandq_u8(self, other)
        }

        #[inline(always)]
        unsafe fn or(self, other: uint8x16_t) -> uint8x16_t {
            vorrq_u8(self, other)
        }

        #[inline(always)]
        unsafe fn bits(self) -> u64 {
            let m = vandq_u8(self, vld1q_u8(LANE_BITS.as_ptr()));
            let lo = vaddv_u8(vget_low_u8(m)) as u64;
            let hi = vaddv_u8(vget_high_u8(m)) as u64;
            lo | (hi << 8)
        }

        #[inline(always)]
        unsafe fn any(self) -> bool {
            vmaxvq_u8(self) != 0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Vector, Word};

    /// The portable instance's compare and bit mask, byte by byte, against the plain
    /// comparison, for every pair of bytes in every lane.
    #[test]
    fn word_eq_and_bits_agree_with_bytes() {
        for a in 0..=255u8 {
            for b in (0..=255u8).step_by(if cfg!(miri) { 51 } else { 1 }) {
                for lane in 0..8 {
                    let mut x = [a; 8];
                    x[lane] = b;
                    // SAFETY: `Word` runs everywhere; `x` is 8 readable bytes.
                    let bits = unsafe { Word::load(x.as_ptr()).eq(Word::splat(b)).bits() };
                    let want = (0..8).filter(|&i| x[i] == b).fold(0, |m, i| m | 1 << i);
                    assert_eq!(bits, want, "{a} {b} {lane}");
                }
            }
        }
    }
}
