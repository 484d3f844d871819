//! Fuzzes the readers of what a registry's auth side sends: `WWW-Authenticate` challenges and token
//! service answers. Neither may panic, and a token answer read as usable must keep core's bounds.

#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_registry_api::{auth_challenge, token_answer};

fuzz_target!(|data: &[u8]| {
    if let Ok(header) = std::str::from_utf8(data) {
        for challenge in auth_challenge::parse(header) {
            assert!(!challenge.scheme.is_empty(), "{header:?}");
            assert_eq!(challenge.scheme, challenge.scheme.to_ascii_lowercase());
            let _ = challenge.param("realm");
        }
    }
    if let Ok(answer) = token_answer::read(data) {
        assert!(answer.expires_in <= token_answer::MAX_LIFETIME_SECS);
        assert!(!answer.token.is_empty() && answer.token.len() <= token_answer::MAX_TOKEN_BYTES);
        assert!(answer.token.bytes().all(|b| b.is_ascii_graphic()));
    }
});
