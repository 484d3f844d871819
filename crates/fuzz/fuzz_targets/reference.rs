//! Fuzzes `Reference::parse` on any UTF-8 text: it must never panic, and both printed forms of a parsed
//! reference must read back as the same image.

#![no_main]

use libfuzzer_sys::fuzz_target;
use strata_image::reference::Reference;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(reference) = Reference::parse(input) else {
        return;
    };
    for printed in [reference.full(), reference.familiar()] {
        let again = Reference::parse(&printed).unwrap_or_else(|error| {
            panic!("{input:?} printed as {printed:?} does not parse: {error}")
        });
        if reference.tag().is_none() && reference.digest().is_none() {
            // The printed forms spell out the implied `latest`, so only the tag differs.
            assert_eq!(
                again.tag(),
                Some("latest"),
                "{input:?} printed as {printed:?}"
            );
            assert_eq!(again.digest(), None, "{input:?} printed as {printed:?}");
            assert_eq!(
                (again.registry(), again.repository()),
                (reference.registry(), reference.repository()),
                "{input:?} printed as {printed:?}"
            );
        } else {
            assert_eq!(again, reference, "{input:?} printed as {printed:?}");
        }
        assert_eq!(
            again.full(),
            reference.full(),
            "{input:?} printed as {printed:?}"
        );
        assert_eq!(
            again.pull_reference(),
            reference.pull_reference(),
            "{input:?} printed as {printed:?}"
        );
    }
    for note in reference.notes() {
        note.explain();
    }
    reference.effective_tag();
    reference.name();
});
