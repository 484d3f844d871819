//! What each change of the speed work measured before and after, kept by hand (each pair from runs of
//! `cargo xtask bench` on the same machine, one change apart), so the report shows why the code is as it is.

/// The report's last section.
pub const BEFORE_AND_AFTER: &str = "## Before and after: what each change measured

| change | measured | before | after |
|---|---|---:|---:|
| The first load without the pages most visits never open: files, compare and the tour load on use (`app_all_pages`) | first load, bytes on the wire | 312936 | 237971 |
| The layer worker built with `opt-level = 3` instead of `\"z\"` | the 206 MB layer in Chromium | 4594 ms | 4014 ms |
| The layer's compressed bytes hashed by a second worker | the same | 4014 ms | 3694 ms |
| Its uncompressed bytes hashed by a third | the same | 3694 ms | 3290 ms |
| The worker inflating with zlib-rs instead of miniz_oxide | the same | 3290 ms | 3039 ms |
| Each document's raw bytes and trace built once per fetch; cosign's tags probed after the tree's documents | warm tree | 94–116 ms | 93–105 ms (within run-to-run noise) |
| The tree's changes rendered together once its documents are in (or within 100 ms), not once per round of answers | warm tree, against `docker manifest inspect` in the same run | 87 ms (1.82×) | 67 ms (1.34×) |
| The index preloads the first-load app's script and wasm instead of leaving them to the boot script's import | cold tree: when the wasm had arrived | 48 ms | 46 ms (no change here, where a round trip costs nothing; on a real network it saves two) |
| Proxy: `AppState` shared behind one `Arc` instead of cloned per request | cached manifests, requests per second against nginx | 0.57× | 0.96× |
| A big layer's files hashed by the worker that hashes its uncompressed bytes, not the one that inflates it | the big layer compared file by file, against the files view in the same run | 1.14× | 1.06× |
| The files view's read keeps checkpoints (miniz_oxide stopped between deflate blocks, instead of zlib-rs) and each file's offset and SHA-256 | the 206 MB layer in Chromium against `zcat \\| tar t` in the same run | 1.23× | 1.24×–1.34× (two runs) |
| A second file of a layer already read comes from the nearest checkpoint, over an HTTP range, instead of the whole layer again | a second file, against the first full read | 0.86× | 0.05× |
| The tag table: what an image's documents say kept by its digest (another tag of it costs a `HEAD` only), and the table re-rendered at most every 100 ms as details come in | the first screen of 1,000 tags | 828 ms, 113 requests | 418 ms, 60 requests |
| The styles of the pages only the module with every page shows (files, compare, the tag table, the catalog, `/open`, the supply chain) moved to `all-pages.css`, loaded with that module | the first load's stylesheet, brotli bytes | 4717 | 3052 |
| The first-load module built with sha2's compact rounds (`--cfg sha2_backend_soft=\"compact\"`, its own target folder): it hashes documents of a few kB | the first-load wasm, brotli bytes | 239305 | 235684 |
| Yew's trace events compiled out of both modules (the `tracing` crate's `release_max_level_off`; nothing in the page collects them): their messages and source paths gone from the wasm | first load, bytes on the wire (with the OCI 1.1 referrers probe added the same day) | 251848 | 242220 |

Tried and dropped: `wasm-opt -Oz` (the app 5–7% larger in brotli), `opt-level = \"s\"` for the app, \
building the standard library with `panic = \"immediate-abort\"` (4% smaller, but a nightly toolchain for every \
build), `-Zfmt-debug=none` (2% smaller, same), hashing in the proxy on a thread of its own (no faster on two \
cores), flushing the tree's updates on animation frames instead of timer turns, and asking for an inspect \
page's root document at the Enter that opens it, before the page renders, with requests built by `web-sys` \
directly instead of `gloo-net` (the warm tree the same within noise in interleaved runs of both builds: the \
request does leave during the render, but its answer, back in a few ms from a local registry, waits for the \
render and its layout to end either way; on a real network it would save up to a round trip), rendering each \
round of answers (the index, then the platform manifests) while the next round is on the network instead of \
once at the end (the warm tree slower, 106 → 145 ms in a profiling run: each render takes the main thread \
from the answers that start the next round), building the raw bytes and \"How it was fetched\" panels only \
once opened (they hold 40% of the page's elements, 1,069 of 2,690 for the demo multi-arch image; in \
interleaved runs of both builds with a CDP harness, slower than this report's, the warm tree went from 135 to \
124 ms and the cold one from 301 to 276 ms: 8% less, the goals still far, and what those panels hold would \
be missing from the page until opened), and probing cosign's tags with `HEAD` (one upstream request instead \
of two for the usual 404) and together with the platform manifests instead of after the tree (the warm tree \
1.50× against 1.51×, within noise; the first load 330 bytes larger).
";
