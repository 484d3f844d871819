//! `cargo xtask`: all of Strata's automation — building the front end, the demo registry, serving, testing
//! and benchmarking — in Rust, so there are no shell scripts to keep in step.

mod bench;
mod demo_registry;
mod front_end;
mod fuzz;
mod system_tools;
mod test_suite;
mod workspace;

use anyhow::bail;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  serve [-- PROXY FLAGS]   build everything and start Strata on http://127.0.0.1:8080 with the demo registry
  test                     install what is missing, then run every check and test (what CI runs)
  bench                    measure, and write docs/benchmarks.md
  build                    build the front end into dist/ and the proxy
  demo                     write the demo registry's OCI layout into target/demo-registry
  fuzz [--seconds N] [TARGET...]
                           fuzz core on nightly, N seconds per target (default 60; targets: reference, manifest)";

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
            let built = workspace::build_all()?;
            workspace::run_proxy(&built, &passthrough)
        }
        "test" => test_suite::run(),
        "bench" => bench::run(),
        "build" => workspace::build_all().map(|_| ()),
        "demo" => demo_registry::write_layout(&workspace::demo_layout_dir()),
        "fuzz" => fuzz::command(&passthrough),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(())
        }
        other => bail!("unknown command {other:?}\n\n{USAGE}"),
    }
}
