//! `cargo xtask`: all of Strata's automation — building the front end, the demo registry, serving, testing
//! and benchmarking — in Rust, so there are no shell scripts to keep in step.

mod bench;
mod build_steps;
mod front_end;
mod fuzz;
mod image;
#[cfg(test)]
mod module_cycles;
mod pure_crates;
mod static_assets;
mod system_tools;
mod test_suite;
mod workspace;

use anyhow::bail;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  serve [--release] [-- PROXY FLAGS]
                           build everything and start Strata on http://127.0.0.1:8080 with the demo registry
                           (--release: the optimized proxy)
  test                     install what is missing, then run every check and test (what CI runs)
  bench [--only SECTION]   measure, and write docs/benchmarks.md (--only hashing|pages|proxy|layers|archives|
                           tags|supply-chain: one section, printed, the file left as it is)
  build                    build the front end into dist/ and the proxy
  demo                     write the demo registry's OCI layout into target/demo-registry
  image [--out DIR]        write Strata as an OCI image layout (static proxy, front end inside) into
                           target/oci/strata, tagged latest
  fuzz [--seconds N] [TARGET...]
                           fuzz the pure crates on nightly, N seconds per target (default 60; targets: the bins of crates/fuzz)";

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (command, rest) = args
        .split_first()
        .map(|(c, r)| (c.as_str(), r))
        .unwrap_or(("help", &[]));
    let passthrough: Vec<String> = rest
        .iter()
        .skip_while(|arg| *arg == "--")
        .cloned()
        .collect();
    match command {
        "serve" => {
            let (options, proxy_flags): (Vec<&String>, Vec<String>) =
                match rest.iter().position(|arg| arg == "--") {
                    Some(split) => (rest[..split].iter().collect(), rest[split + 1..].to_vec()),
                    None => (
                        rest.iter().filter(|arg| *arg == "--release").collect(),
                        rest.iter()
                            .filter(|arg| *arg != "--release")
                            .cloned()
                            .collect(),
                    ),
                };
            if let Some(unknown) = options.iter().find(|option| **option != "--release") {
                bail!("unknown serve option {unknown:?}\n\n{USAGE}");
            }
            let profile = if options.is_empty() {
                build_steps::ProxyProfile::Debug
            } else {
                build_steps::ProxyProfile::Release
            };
            let built = build_steps::build_all_as(profile)?;
            build_steps::run_proxy(&built, &proxy_flags)
        }
        "test" => test_suite::run(),
        "bench" => match passthrough.as_slice() {
            [] => bench::run(None),
            [flag, section] if flag == "--only" => bench::run(Some(section)),
            _ => bail!("unknown bench options {passthrough:?}\n\n{USAGE}"),
        },
        "build" => build_steps::build_all().map(|_| ()),
        "demo" => Ok(strata_demo_registry::write_layout(
            &workspace::demo_layout_dir(),
        )?),
        "fuzz" => fuzz::command(&passthrough),
        "image" => image::command(&passthrough),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(())
        }
        other => bail!("unknown command {other:?}\n\n{USAGE}"),
    }
}
