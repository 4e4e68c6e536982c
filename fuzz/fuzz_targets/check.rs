//! Any text read and checked: no check panics, and no reader or check
//! needed its guard (a guard's message says `jixiao failed`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(doc) = jixiao_extract::read_bytes("fuzz.txt", data) {
        assert!(doc.unrecognized.iter().all(|u| !u.reason.contains("jixiao failed")));
        for f in jixiao_validate::validate(&doc) {
            assert!(!f.message.contains("jixiao failed"), "{}", f.message);
        }
    }
});
