//! Any bytes read as a text document: never a panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = jixiao_extract::read_bytes("fuzz.txt", data);
});
