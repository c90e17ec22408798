//! A small allocator for the wasm build, in place of the standard library's dlmalloc (~8 KB of
//! wasm): power-of-two size classes, a free list per class, and a bump pointer over memory taken
//! with `memory.grow`. Freed blocks are reused for the same class and never merged, which suits
//! this page (a few thousand rows, built once); memory is never handed back to the browser
//! (dlmalloc does not shrink wasm memory either). wasm32-unknown-unknown has one thread.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::UnsafeCell;
use std::ptr::null_mut;

const PAGE: usize = 65_536;
/// Blocks are at least 16 bytes (room for the free-list link, and `u128`'s alignment).
const MIN_CLASS: u32 = 4;
const CLASSES: usize = usize::BITS as usize;

/// The size class of a block for `layout`: log2 of the block size (a power of two, so blocks
/// carved at multiples of their size are aligned for any `align` up to that size).
pub fn class_of(size: usize, align: usize) -> Option<u32> {
    let size = size.max(align).checked_next_power_of_two()?;
    Some(size.trailing_zeros().max(MIN_CLASS))
}

struct State {
    /// Head of each class's free list (a freed block stores the next one in its first word).
    free: [*mut u8; CLASSES],
    next: usize,
    end: usize,
}

pub struct Allocator(UnsafeCell<State>);

// SAFETY: wasm32-unknown-unknown without the atomics feature runs one thread only.
unsafe impl Sync for Allocator {}

impl Allocator {
    pub const fn new() -> Self {
        Allocator(UnsafeCell::new(State {
            free: [null_mut(); CLASSES],
            next: 0,
            end: 0,
        }))
    }
}

impl Default for Allocator {
    fn default() -> Self {
        Self::new()
    }
}

impl State {
    unsafe fn alloc_class(&mut self, class: u32) -> *mut u8 {
        let head = self.free[class as usize];
        if !head.is_null() {
            // SAFETY: every block on a free list is ours and holds the next link.
            self.free[class as usize] = unsafe { *(head as *mut *mut u8) };
            return head;
        }
        let size = 1usize << class;
        // Blocks of a page or more start on a page; smaller ones on a multiple of their size.
        let align = size.min(PAGE);
        let mut start = (self.next + align - 1) & !(align - 1);
        if start.checked_add(size).is_none_or(|end| end > self.end) {
            let pages = size.div_ceil(PAGE);
            let old = core::arch::wasm32::memory_grow(0, pages);
            if old == usize::MAX {
                return null_mut();
            }
            let base = old * PAGE;
            if base != self.end {
                // Not contiguous with the current region: start over at the new memory.
                self.next = base;
            }
            self.end = base + pages * PAGE;
            start = (self.next + align - 1) & !(align - 1);
            if start + size > self.end {
                // What is left of the old region plus the new pages is still too small.
                self.next = base;
                start = base;
            }
        }
        self.next = start + size;
        start as *mut u8
    }
}

unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let Some(class) = class_of(layout.size(), layout.align()) else {
            return null_mut();
        };
        // SAFETY: one thread, and no re-entrancy (nothing here allocates).
        unsafe { (*self.0.get()).alloc_class(class) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if let Some(class) = class_of(layout.size(), layout.align()) {
            // SAFETY: `ptr` is a block of this class that the caller gives up.
            unsafe {
                let state = &mut *self.0.get();
                *(ptr as *mut *mut u8) = state.free[class as usize];
                state.free[class as usize] = ptr;
            }
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let old_class = class_of(layout.size(), layout.align());
        if old_class.is_some() && old_class == class_of(new_size, layout.align()) {
            return ptr; // The block already has room.
        }
        // SAFETY: as for `GlobalAlloc::realloc`'s default: a new block, copy, free the old one.
        unsafe {
            let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
            let new = self.alloc(new_layout);
            if !new.is_null() {
                std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
            new
        }
    }
}
