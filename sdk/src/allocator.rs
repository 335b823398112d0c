//! The guest's global allocator: dlmalloc, as in Rust's standard library, but
//! it first hands out the heap space the component starts with (between
//! `__heap_base` and the initial end of linear memory) before growing memory.
//!
//! The standard allocator grows linear memory on its first allocation, so
//! every run of an action would grow memory once; the host then has to change
//! page protections twice per run (on growth, and again when the pooled memory
//! is reset). Starting inside the initial heap (which `atlas plugin build` sizes
//! with `--initial-heap`) makes a typical run allocate without growing.
//!
//! Guests are single-threaded (wasm32 without the `atomics` feature), so the
//! allocator needs no lock. Disable the `allocator` feature to bring your own.

use core::alloc::{GlobalAlloc, Layout};
use core::arch::wasm32;
use core::cell::UnsafeCell;
use core::ptr;
use core::sync::atomic::{AtomicBool, Ordering};

use dlmalloc::{Allocator, Dlmalloc};

const PAGE_SIZE: usize = 64 * 1024;

unsafe extern "C" {
    /// Start of the heap, placed by the linker after data and stack.
    static __heap_base: u8;
}

/// Memory source for dlmalloc: the initial heap once, then `memory.grow`.
struct InitialHeapFirst {
    initial_heap_claimed: AtomicBool,
}

impl InitialHeapFirst {
    fn initial_heap(&self, size: usize) -> Option<(*mut u8, usize)> {
        if self.initial_heap_claimed.swap(true, Ordering::Relaxed) {
            return None;
        }
        let base = (ptr::addr_of!(__heap_base) as usize).next_multiple_of(16);
        let end = wasm32::memory_size(0) * PAGE_SIZE;
        let available = end.checked_sub(base)?;
        (available >= size).then_some((base as *mut u8, available))
    }
}

// SAFETY: regions returned are either the untouched initial heap (never handed
// out twice) or fresh pages from `memory.grow`; both are zeroed and owned by
// dlmalloc from then on.
unsafe impl Allocator for InitialHeapFirst {
    fn alloc(&self, size: usize) -> (*mut u8, usize, u32) {
        if let Some((base, len)) = self.initial_heap(size) {
            return (base, len, 0);
        }
        let pages = size.div_ceil(PAGE_SIZE);
        let previous = wasm32::memory_grow(0, pages);
        if previous == usize::MAX {
            return (ptr::null_mut(), 0, 0);
        }
        ((previous * PAGE_SIZE) as *mut u8, pages * PAGE_SIZE, 0)
    }

    fn remap(&self, _ptr: *mut u8, _old: usize, _new: usize, _can_move: bool) -> *mut u8 {
        ptr::null_mut()
    }

    fn free_part(&self, _ptr: *mut u8, _old: usize, _new: usize) -> bool {
        false
    }

    fn free(&self, _ptr: *mut u8, _size: usize) -> bool {
        false
    }

    fn can_release_part(&self, _flags: u32) -> bool {
        false
    }

    fn allocates_zeros(&self) -> bool {
        true
    }

    fn page_size(&self) -> usize {
        PAGE_SIZE
    }
}

/// The global allocator installed by the SDK.
pub struct SdkAllocator(UnsafeCell<Dlmalloc<InitialHeapFirst>>);

// SAFETY: wasm32 guests without the `atomics` feature have exactly one thread.
unsafe impl Sync for SdkAllocator {}

impl SdkAllocator {
    const fn new() -> Self {
        Self(UnsafeCell::new(Dlmalloc::new_with_allocator(
            InitialHeapFirst {
                initial_heap_claimed: AtomicBool::new(false),
            },
        )))
    }
}

// SAFETY: forwards to dlmalloc, which upholds the `GlobalAlloc` contract; the
// single thread means no two calls overlap.
unsafe impl GlobalAlloc for SdkAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe { (*self.0.get()).malloc(layout.size(), layout.align()) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        unsafe { (*self.0.get()).calloc(layout.size(), layout.align()) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { (*self.0.get()).free(ptr, layout.size(), layout.align()) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        unsafe { (*self.0.get()).realloc(ptr, layout.size(), layout.align(), new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: SdkAllocator = SdkAllocator::new();
