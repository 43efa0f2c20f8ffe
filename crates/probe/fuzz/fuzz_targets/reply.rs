//! Fuzzes the SMTP reply parser (RFC 5321 4.2): it must never panic, and
//! what it accepts must respect its own bounds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use port25_probe::reply::{parse_reply, Parsed, MAX_REPLY_LEN};

fuzz_target!(|data: &[u8]| {
    if let Ok(Parsed::Complete { reply, consumed }) = parse_reply(data) {
        assert!(consumed <= data.len());
        assert!(consumed <= MAX_REPLY_LEN);
        assert!((200..600).contains(&reply.code));
        assert!(!reply.lines.is_empty());
        // Parsing exactly the consumed bytes gives the same reply.
        assert_eq!(
            parse_reply(&data[..consumed]),
            Ok(Parsed::Complete { reply, consumed })
        );
    }
});
