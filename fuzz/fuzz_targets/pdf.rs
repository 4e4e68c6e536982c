//! Any bytes read as a PDF: never a panic, bounded time and memory.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = jixiao_extract::read_bytes("fuzz.pdf", data);
});
