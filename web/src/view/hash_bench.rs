//! `/bench/sha256`: SHA-256 in this browser, in WebAssembly (core's hasher, in 256 KiB chunks) and with
//! WebCrypto, over the same bytes. `cargo xtask bench` reads the result from `#bench-result`.

use strata_image::digest::Sha256Hasher;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

use crate::page_clock::now_ms;

const CHUNK: usize = 256 * 1024;
const RUNS: usize = 5;

#[derive(Properties, PartialEq)]
pub struct HashBenchProps {
    pub mib: usize,
}

/// Bytes every benchmark side generates the same way, so the digests can be compared.
fn bench_bytes(mib: usize) -> Vec<u8> {
    (0..mib * 1024 * 1024)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect()
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or_default()
}

async fn webcrypto_sha256(bytes: &mut [u8]) -> Result<String, String> {
    let subtle = web_sys::window()
        .ok_or("no window")?
        .crypto()
        .map_err(|_| "no crypto")?
        .subtle();
    let promise = subtle
        .digest_with_str_and_u8_array("SHA-256", bytes)
        .map_err(|_| "digest refused")?;
    let buffer = JsFuture::from(promise).await.map_err(|_| "digest failed")?;
    let array = js_sys::Uint8Array::new(buffer.unchecked_ref());
    Ok(format!(
        "sha256:{}",
        array
            .to_vec()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    ))
}

async fn run(mib: usize) -> Result<serde_json::Value, String> {
    let mut bytes = bench_bytes(mib);
    let wasm_hash = || {
        let started = now_ms();
        let mut hasher = Sha256Hasher::new();
        for chunk in bytes.chunks(CHUNK) {
            hasher.update(chunk);
        }
        (hasher.finish().to_string(), now_ms() - started)
    };
    let (wasm_digest, first_ms) = wasm_hash();
    let wasm_ms: Vec<f64> = (0..RUNS).map(|_| wasm_hash().1).collect();
    let mut webcrypto_ms = Vec::new();
    let mut webcrypto_digest = String::new();
    for _ in 0..=RUNS {
        let started = now_ms();
        webcrypto_digest = webcrypto_sha256(&mut bytes).await?;
        webcrypto_ms.push(now_ms() - started);
    }
    webcrypto_ms.remove(0);
    Ok(serde_json::json!({
        "mib": mib,
        "wasm_digest": wasm_digest,
        "wasm_first_ms": first_ms,
        "wasm_median_ms": median(wasm_ms),
        "webcrypto_digest": webcrypto_digest,
        "webcrypto_median_ms": median(webcrypto_ms),
    }))
}

/// Runs the benchmark once on load and shows the result.
#[component]
pub fn HashBench(props: &HashBenchProps) -> Html {
    let result = use_state(|| None::<Result<serde_json::Value, String>>);
    {
        let result = result.clone();
        let mib = props.mib;
        use_effect_with(mib, move |_| {
            yew::platform::spawn_local(async move { result.set(Some(run(mib).await)) });
        });
    }
    match &*result {
        None => html! { <p>{format!("Hashing {} MiB…", props.mib)}</p> },
        Some(Err(error)) => html! { <p class="error" role="alert">{error.clone()}</p> },
        Some(Ok(value)) => html! {
            <section>
                <h1>{"SHA-256 in this browser"}</h1>
                <pre id="bench-result">{value.to_string()}</pre>
            </section>
        },
    }
}
