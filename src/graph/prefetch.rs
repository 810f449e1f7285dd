//! Asking the processor to bring memory into the cache before it is read.
//!
//! Expansions over a million-event graph wait on memory more than they
//! compute: each neighbour's slot, adjacency head and entries are reads the
//! caches do not hold. Reading them a few neighbours early with ordinary
//! loads overlaps some of those waits, but each such load still holds its
//! place in the processor until the data arrives, and a few of them fill
//! the window of instructions in flight. A prefetch instruction leaves at
//! once: the data arrives while the work goes on.
//!
//! This is the one module allowed `unsafe`: the prefetch intrinsic is an
//! `unsafe` function, though it has no effect on what the program computes
//! (it never faults, even on an address that is not mapped). Taking a
//! reference rather than a pointer keeps the function itself safe.
#![allow(unsafe_code)]

/// Hints that `item` is about to be read. Free of any effect but speed.
#[inline(always)]
pub(super) fn prefetch<T>(item: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        let address: *const i8 = (item as *const T).cast();
        // SAFETY: a prefetch reads nothing the program sees and cannot
        // fault; `address` comes from a live reference besides.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(address) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = item;
}
