//! Platforms as index entries and configs write them (`os/arch[/variant]`), and their parsing,
//! normalization and matching as containerd does them, so a chosen entry is the one `docker pull` takes.

use std::cmp::Reverse;

use serde::Deserialize;

/// The platform an index entry or a config names.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct Platform {
    /// Operating system, e.g. `linux`.
    #[serde(default)]
    pub os: String,
    /// CPU architecture, e.g. `arm64`.
    #[serde(default)]
    pub architecture: String,
    /// CPU variant, e.g. `v7`.
    #[serde(default)]
    pub variant: Option<String>,
    /// Operating system version (Windows builds).
    #[serde(default, rename = "os.version")]
    pub os_version: Option<String>,
    /// Required operating system features.
    #[serde(default, rename = "os.features")]
    pub os_features: Vec<String>,
}

impl Platform {
    /// `os/arch[/variant]`, exactly as written (no normalization).
    pub fn os_arch_variant(&self) -> String {
        match self.variant.as_deref() {
            Some(variant) if !variant.is_empty() => {
                format!("{}/{}/{}", self.os, self.architecture, variant)
            }
            _ => format!("{}/{}", self.os, self.architecture),
        }
    }

    /// `unknown/unknown`: the placeholder buildx gives attestation manifests. It is never a real platform.
    pub fn is_unknown(&self) -> bool {
        self.os == "unknown" && self.architecture == "unknown"
    }
}

impl std::fmt::Display for Platform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.os_arch_variant())?;
        if let Some(version) = self.os_version.as_deref().filter(|v| !v.is_empty()) {
            write!(f, " ({version})")?;
        }
        Ok(())
    }
}

/// The platform Strata fills in where containerd would use the host's: a browser has no host platform,
/// so `linux/amd64`, the most common pull target, stands in for it.
const REFERENCE_OS: &str = "linux";
const REFERENCE_ARCH: &str = "amd64";

/// Operating systems a one-part specifier may name (Go's `syslist.go`, as containerd lists them).
const KNOWN_OS: &[&str] = &[
    "aix",
    "android",
    "darwin",
    "dragonfly",
    "freebsd",
    "hurd",
    "illumos",
    "ios",
    "js",
    "linux",
    "nacl",
    "netbsd",
    "openbsd",
    "plan9",
    "solaris",
    "windows",
    "zos",
];

/// Architectures a one-part specifier may name, after normalization.
const KNOWN_ARCH: &[&str] = &[
    "386",
    "amd64",
    "amd64p32",
    "arm",
    "armbe",
    "arm64",
    "arm64be",
    "ppc64",
    "ppc64le",
    "loong64",
    "mips",
    "mipsle",
    "mips64",
    "mips64le",
    "mips64p32",
    "mips64p32le",
    "ppc",
    "riscv",
    "riscv64",
    "s390",
    "s390x",
    "sparc",
    "sparc64",
    "wasm",
];

/// Windows long-term servicing builds, oldest first: Server 2022, Server 2025.
const WINDOWS_LTSC_BUILDS: &[u16] = &[20348, 26100];

/// Numbered variants above this (`arm/v100`) get no lower-variant fallbacks: no such CPU exists,
/// and the fallback chain would otherwise grow with the number.
const MAX_VARIANT_LEVEL: u32 = 64;

/// Why a platform specifier was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlatformError {
    /// Nothing was written.
    #[error("the platform is empty")]
    Empty,
    /// `*` anywhere in the specifier.
    #[error("wildcards are not supported")]
    Wildcard,
    /// More than `os/arch/variant`.
    #[error("too many parts in {0}")]
    TooManyParts(String),
    /// A part between slashes is empty, as in `linux/`.
    #[error("empty part in {0}")]
    EmptyPart(String),
    /// A single word that is neither a known operating system nor a known architecture.
    #[error("unknown operating system or architecture: {0}")]
    UnknownOsOrArch(String),
    /// The first part is not `<os>` or `<os>(<os.version>[+<os.feature>…])`.
    #[error(
        "invalid operating system {part:?} in {specifier}: write it like linux or windows(10.0.20348+win32k)"
    )]
    InvalidOs {
        /// The offending part.
        part: String,
        /// The whole specifier.
        specifier: String,
    },
    /// An architecture or variant with characters other than letters, digits, `_`, `.` and `-`.
    #[error(
        "invalid part {part:?} in {specifier}: only letters, digits, '_', '.' and '-' are allowed"
    )]
    InvalidPart {
        /// The offending part.
        part: String,
        /// The whole specifier.
        specifier: String,
    },
    /// A `%` not followed by two hex digits, or escapes that do not decode to text.
    #[error("invalid percent escape in {0}")]
    InvalidEscape(String),
}

impl Platform {
    /// Parses a platform specifier the way containerd's `platforms.Parse` does:
    /// `<os>[(<os.version>[+<os.feature>…])]`, `<arch>`, or `<os>/<arch>[/<variant>]`.
    ///
    /// - One part: a known operating system gets the architecture `amd64`; otherwise the word is
    ///   normalized as an architecture, must be a known one, and gets the operating system `linux`.
    ///   containerd fills these in from the host, but the browser has no host platform, so Strata's
    ///   reference host `linux/amd64` stands in.
    /// - Two parts: the architecture is normalized but not checked (`linux/foo` parses), and arm/v7 is
    ///   written as plain `arm`. The first part is always the operating system, so `arm64/v8` is the
    ///   operating system `arm64` with the architecture `v8`, as in containerd.
    /// - Three parts: normalized, except that arm64 keeps its `v8`.
    ///
    /// Names are lowercased, `%XX` escapes in the OS options are decoded, and surrounding whitespace
    /// is ignored. Parts after the first may only hold letters, digits, `_`, `.` and `-`.
    pub fn parse(specifier: &str) -> Result<Platform, PlatformError> {
        let specifier = specifier.trim();
        if specifier.is_empty() {
            return Err(PlatformError::Empty);
        }
        if specifier.contains('*') {
            return Err(PlatformError::Wildcard);
        }
        let parts: Vec<&str> = specifier.split('/').collect();
        if parts.len() > 3 {
            return Err(PlatformError::TooManyParts(specifier.to_string()));
        }
        let (os, os_version, os_features) = parse_os_part(parts[0], specifier)?;
        for part in &parts[1..] {
            if part.is_empty() {
                return Err(PlatformError::EmptyPart(specifier.to_string()));
            }
            if !part.chars().all(is_component_char) {
                return Err(PlatformError::InvalidPart {
                    part: (*part).to_string(),
                    specifier: specifier.to_string(),
                });
            }
        }
        let mut platform = Platform {
            os,
            architecture: String::new(),
            variant: None,
            os_version,
            os_features,
        };
        match parts[..] {
            [word] => {
                if KNOWN_OS.contains(&platform.os.as_str()) {
                    platform.architecture = REFERENCE_ARCH.to_string();
                    return Ok(platform);
                }
                let (architecture, variant) = normalize_arch(word, "");
                if !KNOWN_ARCH.contains(&architecture.as_str()) {
                    return Err(PlatformError::UnknownOsOrArch(specifier.to_string()));
                }
                platform.os = REFERENCE_OS.to_string();
                platform.variant =
                    non_empty(variant).filter(|v| !(architecture == "arm" && v == "v7"));
                platform.architecture = architecture;
            }
            [_, arch] => {
                let (architecture, variant) = normalize_arch(arch, "");
                platform.variant =
                    non_empty(variant).filter(|v| !(architecture == "arm" && v == "v7"));
                platform.architecture = architecture;
            }
            [_, arch, variant] => {
                let (architecture, variant) = normalize_arch(arch, variant);
                platform.variant = if architecture == "arm64" && variant.is_empty() {
                    Some("v8".to_string())
                } else {
                    non_empty(variant)
                };
                platform.architecture = architecture;
            }
            _ => return Err(PlatformError::TooManyParts(specifier.to_string())),
        }
        Ok(platform)
    }

    /// The canonical form, as containerd's `platforms.Normalize` gives it: lowercased names, `macos` as
    /// `darwin`, `i386` as `386`, `x86_64`/`x86-64` as `amd64` (dropping `v1`), `aarch64` as `arm64`
    /// (dropping `v8`, writing `v9.0` as `v9`), `armhf`/`armel` as arm/v7 and arm/v6, arm always with a
    /// variant (v7 when none is given), empty variants and versions as `None`, and `os.features`
    /// sorted and de-duplicated. An empty operating system becomes `linux` (containerd uses the host's).
    pub fn normalized(&self) -> Platform {
        let (architecture, variant) =
            normalize_arch(&self.architecture, self.variant.as_deref().unwrap_or(""));
        let mut os_features = self.os_features.clone();
        os_features.sort();
        os_features.dedup();
        Platform {
            os: normalize_os(&self.os),
            architecture,
            variant: non_empty(variant),
            os_version: self.os_version.clone().filter(|v| !v.is_empty()),
            os_features,
        }
    }

    /// `os/arch[/variant]` of the value as it is, like containerd's `platforms.Format`: empty parts are
    /// left out, and a platform without an operating system is `unknown`.
    pub fn format(&self) -> String {
        if self.os.is_empty() {
            return "unknown".to_string();
        }
        [
            self.os.as_str(),
            self.architecture.as_str(),
            self.variant.as_deref().unwrap_or(""),
        ]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("/")
    }
}

/// Decides which platforms a machine can run, and in which order it prefers them, as containerd's
/// `platforms.Only` does.
///
/// A machine runs its own normalized platform, then lower variants of it, then a related
/// architecture: amd64/vN runs amd64/vN…v1 and then 386; arm/vN runs arm/vN…v5; arm64 runs its own
/// and lower arm64 variants and then arm/v8…v5 (an arm64/v9.x machine also runs v8.(x+5)…v8); any
/// other architecture runs only itself. On top of that, the operating system must be the same, the
/// candidate's `os.features` must all be in the requested ones (`win32k` is ignored on Windows), and on
/// Windows the `os.version` must fit the host (see [`Matcher::new`]). `unknown/unknown` never matches.
#[derive(Debug, Clone)]
pub struct Matcher {
    /// The requested platform, normalized.
    requested: Platform,
    /// Normalized architecture and variant of each acceptable platform, best first.
    chain: Vec<(String, Option<String>)>,
    /// The requested Windows build, when the request is for Windows and names one.
    windows_host: Option<WindowsVersion>,
}

impl Matcher {
    /// A matcher for a machine of the `requested` platform.
    ///
    /// Windows rules, when the requested platform is Windows and has an `os.version`: major and
    /// minor must be equal; a host before build 20348 (Server 2022) runs only its own build; a host
    /// from 20348 on runs builds from the previous LTSC (Server 2022 counting as the first) up to
    /// its own, so 20348 onwards for every host up to and after 26100 (Server 2025), and 26100
    /// onwards once a later LTSC exists. A candidate without `os.version` always fits.
    pub fn new(requested: &Platform) -> Matcher {
        let requested = requested.normalized();
        let chain = if is_unknown_pair(&requested) {
            Vec::new()
        } else {
            fallback_chain(&requested.architecture, requested.variant.as_deref())
        };
        let windows_host = if requested.os == "windows" {
            requested
                .os_version
                .as_deref()
                .and_then(WindowsVersion::parse)
                .filter(|version| !version.is_zero())
        } else {
            None
        };
        Matcher {
            requested,
            chain,
            windows_host,
        }
    }

    /// Whether a machine of the requested platform can run `candidate`.
    pub fn matches(&self, candidate: &Platform) -> bool {
        self.rank(candidate).is_some()
    }

    /// Where `candidate` stands in the machine's preference order (0 is best), or `None` if the machine
    /// cannot run it.
    pub fn rank(&self, candidate: &Platform) -> Option<usize> {
        let candidate = candidate.normalized();
        match self.check(&candidate) {
            Check::Runs(rank) => Some(rank),
            _ => None,
        }
    }

    /// The platforms the machine runs, best first, formatted as `os/arch[/variant]` in normalized form,
    /// except that arm64 shows its default variant as `v8` for readability: `linux/arm64` gives
    /// `["linux/arm64/v8", "linux/arm/v8", "linux/arm/v7", "linux/arm/v6", "linux/arm/v5"]`, and
    /// `linux/amd64` gives `["linux/amd64", "linux/386"]`. Empty for `unknown/unknown`.
    pub fn preference(&self) -> Vec<String> {
        self.chain
            .iter()
            .map(|(architecture, variant)| {
                let variant = match variant {
                    None if architecture == "arm64" => Some("v8"),
                    other => other.as_deref(),
                };
                Platform {
                    os: self.requested.os.clone(),
                    architecture: architecture.clone(),
                    variant: variant.map(str::to_string),
                    os_version: None,
                    os_features: Vec::new(),
                }
                .format()
            })
            .collect()
    }

    /// Matches a normalized candidate, saying why it fails when it does.
    fn check(&self, candidate: &Platform) -> Check {
        if is_unknown_pair(candidate) || candidate.os != self.requested.os {
            return Check::Other;
        }
        let position = self.chain.iter().position(|(architecture, variant)| {
            *architecture == candidate.architecture && *variant == candidate.variant
        });
        let Some(position) = position else {
            let related = self
                .chain
                .iter()
                .any(|(architecture, _)| *architecture == candidate.architecture);
            return if related {
                Check::Variant
            } else {
                Check::Other
            };
        };
        if !self.version_fits(candidate.os_version.as_deref()) {
            return Check::Version;
        }
        let missing = self.missing_features(candidate);
        if !missing.is_empty() {
            return Check::Features(missing);
        }
        Check::Runs(position)
    }

    fn version_fits(&self, candidate: Option<&str>) -> bool {
        let (Some(host), Some(candidate)) =
            (self.windows_host, candidate.filter(|v| !v.is_empty()))
        else {
            return true;
        };
        WindowsVersion::parse(candidate).is_some_and(|candidate| host.runs(candidate))
    }

    /// The candidate's normalized `os.features` the request does not have.
    fn missing_features(&self, candidate: &Platform) -> Vec<String> {
        candidate
            .os_features
            .iter()
            .filter(|feature| !(self.requested.os == "windows" && *feature == "win32k"))
            .filter(|feature| !self.requested.os_features.contains(feature))
            .cloned()
            .collect()
    }

    /// The requested platform for sentences: `arm/v6`, `amd64`, or `windows/amd64` off Linux.
    fn machine_name(&self) -> String {
        short_name(&self.requested)
    }
}

/// How a normalized candidate fares against a [`Matcher`].
#[derive(Debug, Clone, PartialEq, Eq)]
enum Check {
    /// Runs, at this preference rank.
    Runs(usize),
    /// The same OS and a related architecture, but a variant the machine cannot run.
    Variant,
    /// Right platform, but the Windows build does not fit the host.
    Version,
    /// Right platform, but it needs these `os.features`.
    Features(Vec<String>),
    /// Another OS or an unrelated architecture (or `unknown/unknown`).
    Other,
}

/// The entry `docker pull --platform <requested>` takes from an index, and the alternatives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    /// The index of the chosen entry, if any. A chosen entry without a platform still needs its
    /// config's platform checked, as containerd does.
    pub chosen: Option<usize>,
    /// Indexes of every acceptable entry, best first; entries without a platform come last.
    pub ranked: Vec<usize>,
    /// When nothing is chosen, one plain sentence saying why.
    pub reason: Option<String>,
}

/// Which index entry `docker pull --platform <requested>` takes (containerd `core/images` `Manifest`):
/// keep entries whose platform matches (entries with no platform are kept and go last), stable-sort
/// by rank (ties: more os.features first, else index order), take the first.
pub fn select(requested: &Platform, entries: &[Option<&Platform>]) -> Selection {
    let matcher = Matcher::new(requested);
    let mut ranked: Vec<(usize, Reverse<usize>, usize)> = Vec::new();
    let mut unplatformed = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        match entry {
            None => unplatformed.push(index),
            Some(platform) => {
                if let Some(rank) = matcher.rank(platform) {
                    ranked.push((rank, Reverse(platform.os_features.len()), index));
                }
            }
        }
    }
    // Stable, so equal entries keep index order.
    ranked.sort_by_key(|&(rank, more_features, _)| (rank, more_features));
    let ranked: Vec<usize> = ranked
        .into_iter()
        .map(|(_, _, index)| index)
        .chain(unplatformed)
        .collect();
    let chosen = ranked.first().copied();
    let reason = match chosen {
        Some(_) => None,
        None => Some(explain(&matcher, entries)),
    };
    Selection {
        chosen,
        ranked,
        reason,
    }
}

/// Why no entry of `entries` suits the matcher's machine, most specific cause first.
fn explain(matcher: &Matcher, entries: &[Option<&Platform>]) -> String {
    if entries.is_empty() {
        return "this index lists no images".to_string();
    }
    let runnable: Vec<Platform> = entries
        .iter()
        .flatten()
        .map(|platform| platform.normalized())
        .filter(|platform| !is_unknown_pair(platform))
        .collect();
    if runnable.is_empty() {
        return "this index holds only attestations (unknown/unknown), no images to run"
            .to_string();
    }
    let machine = matcher.machine_name();
    let mut variants = Vec::new();
    let mut versions = Vec::new();
    let mut features = Vec::new();
    let mut needy = Vec::new();
    for platform in &runnable {
        match matcher.check(platform) {
            Check::Variant => push_unique(&mut variants, short_name(platform)),
            Check::Version => push_unique(
                &mut versions,
                platform
                    .os_version
                    .as_deref()
                    .map(|version| match WindowsVersion::parse(version) {
                        Some(parsed) => parsed.to_string(),
                        None => version.to_string(),
                    })
                    .unwrap_or_default(),
            ),
            Check::Features(missing) => {
                push_unique(&mut needy, platform.format());
                for feature in missing {
                    push_unique(&mut features, feature);
                }
            }
            Check::Runs(_) | Check::Other => {}
        }
    }
    if !versions.is_empty()
        && let Some(host) = matcher.windows_host
    {
        let runs = match host.oldest_runnable_build() {
            Some(oldest) if oldest < host.build => format!(
                "images built for {}.{}.{oldest} through {host}",
                host.major, host.minor
            ),
            _ => format!("only images built for {host}"),
        };
        return format!(
            "{} {machine} machine on build {host} cannot run images built for {}: it runs {runs}",
            article(&machine),
            join(&versions, "or"),
        );
    }
    if !features.is_empty() {
        return format!(
            "the {} {} here {} the os.features {}, which the requested platform does not list",
            join(&needy, "and"),
            if needy.len() == 1 { "image" } else { "images" },
            if needy.len() == 1 { "needs" } else { "need" },
            join(&features, "and"),
        );
    }
    if !variants.is_empty() {
        let a = article(&machine);
        return format!(
            "{a} {machine} machine cannot run {} images: {a} {machine} machine runs {}",
            join(&variants, "or"),
            join(&matcher.preference(), "or"),
        );
    }
    let mut offered = Vec::new();
    for platform in &runnable {
        push_unique(&mut offered, platform.to_string());
    }
    format!("this index has images for {} only", join(&offered, "and"))
}

/// The platform the inspector assumes when the reader names none: the browser has no host platform, and
/// x86-64 Linux is what most readers pull on.
pub const DEFAULT_PLATFORM: &str = "linux/amd64";

/// Which platform entry the inspector shows expanded, and what it tells the reader about the choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewSelection {
    /// The chosen entry.
    pub chosen: Option<usize>,
    /// The platform asked for with `?platform=`, when it parsed.
    pub requested: Option<Platform>,
    /// A sentence for the reader: why nothing matched, or why the request is not a platform.
    pub notice: Option<String>,
}

/// With `?platform=`, exactly the entry `docker pull --platform` takes, possibly none (with the reason).
/// Without it, the entry an x86-64 Linux machine would pull, or else the first entry, so there is always
/// something to look at.
pub fn select_for_view(requested: Option<&str>, entries: &[Option<&Platform>]) -> ViewSelection {
    match requested.map(Platform::parse) {
        None => {
            let default = Platform::parse(DEFAULT_PLATFORM).unwrap_or_default();
            let chosen = select(&default, entries).chosen;
            let first = (!entries.is_empty()).then_some(0);
            ViewSelection {
                chosen: chosen.or(first),
                requested: None,
                notice: None,
            }
        }
        Some(Ok(platform)) => {
            let selection = select(&platform, entries);
            ViewSelection {
                chosen: selection.chosen,
                requested: Some(platform),
                notice: selection.reason,
            }
        }
        Some(Err(error)) => ViewSelection {
            chosen: None,
            requested: None,
            notice: Some(format!(
                "{:?} is not a platform: {error}.",
                requested.unwrap_or_default()
            )),
        },
    }
}

/// A familiar machine for a platform picker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Machine {
    /// What people call it.
    pub label: &'static str,
    /// Its platform specifier, for [`Platform::parse`].
    pub platform: &'static str,
    /// Its Windows build, for `os.version`.
    pub os_version: Option<&'static str>,
}

impl Machine {
    /// The specifier that names this machine in a `?platform=` link, Windows build included
    /// (`windows(10.0.20348)/amd64`).
    pub fn specifier(&self) -> String {
        match (self.os_version, self.platform.split_once('/')) {
            (Some(version), Some((os, rest))) => format!("{os}({version})/{rest}"),
            _ => self.platform.to_owned(),
        }
    }

    /// The machine's platform, with its `os.version`.
    pub fn to_platform(&self) -> Result<Platform, PlatformError> {
        let mut platform = Platform::parse(self.platform)?;
        platform.os_version = self.os_version.map(str::to_string);
        Ok(platform)
    }
}

/// Familiar machines for a picker, most common first.
pub const MACHINES: &[Machine] = &[
    Machine {
        label: "x86-64 PC",
        platform: "linux/amd64",
        os_version: None,
    },
    Machine {
        label: "x86-64-v3 server",
        platform: "linux/amd64/v3",
        os_version: None,
    },
    Machine {
        label: "Apple silicon Mac (Docker Desktop)",
        platform: "linux/arm64",
        os_version: None,
    },
    Machine {
        label: "Raspberry Pi 4/5, 64-bit OS",
        platform: "linux/arm64",
        os_version: None,
    },
    Machine {
        label: "Raspberry Pi 3, 32-bit OS",
        platform: "linux/arm/v7",
        os_version: None,
    },
    Machine {
        label: "Raspberry Pi Zero/1",
        platform: "linux/arm/v6",
        os_version: None,
    },
    Machine {
        label: "32-bit x86 PC",
        platform: "linux/386",
        os_version: None,
    },
    Machine {
        label: "IBM Z",
        platform: "linux/s390x",
        os_version: None,
    },
    Machine {
        label: "IBM POWER",
        platform: "linux/ppc64le",
        os_version: None,
    },
    Machine {
        label: "RISC-V",
        platform: "linux/riscv64",
        os_version: None,
    },
    Machine {
        label: "Windows Server 2019",
        platform: "windows/amd64",
        os_version: Some("10.0.17763"),
    },
    Machine {
        label: "Windows Server 2022",
        platform: "windows/amd64",
        os_version: Some("10.0.20348"),
    },
    Machine {
        label: "Windows Server 2025",
        platform: "windows/amd64",
        os_version: Some("10.0.26100"),
    },
];

/// A Windows `major.minor.build`; anything after the build (the revision) does not matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct WindowsVersion {
    major: u8,
    minor: u8,
    build: u16,
}

impl WindowsVersion {
    fn parse(version: &str) -> Option<WindowsVersion> {
        let mut parts = version.split('.');
        let major = parse_digits(parts.next()?)?;
        let minor = parse_digits(parts.next()?)?;
        let build = parse_digits(parts.next()?)?;
        Some(WindowsVersion {
            major: u8::try_from(major).ok()?,
            minor: u8::try_from(minor).ok()?,
            build: u16::try_from(build).ok()?,
        })
    }

    /// containerd treats `0.0.0` as no version at all.
    fn is_zero(&self) -> bool {
        self.major == 0 && self.minor == 0 && self.build == 0
    }

    /// The oldest build this host runs besides its own, or `None` when it runs only its own (hosts
    /// before the first LTSC with a stable ABI).
    fn oldest_runnable_build(&self) -> Option<u16> {
        // Hosts from one LTSC until the next run images from the LTSC before theirs; hosts of the
        // first stable-ABI LTSC run images from that LTSC on.
        let newest = WINDOWS_LTSC_BUILDS
            .iter()
            .rposition(|&ltsc| self.build >= ltsc)?;
        Some(WINDOWS_LTSC_BUILDS[newest.saturating_sub(1)])
    }

    fn runs(&self, image: WindowsVersion) -> bool {
        if self.major != image.major || self.minor != image.minor {
            return false;
        }
        match self.oldest_runnable_build() {
            None => image.build == self.build,
            Some(oldest) => (oldest..=self.build).contains(&image.build),
        }
    }
}

impl std::fmt::Display for WindowsVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.build)
    }
}

/// The normalized architecture/variant pairs a machine of this normalized architecture and variant
/// runs, best first (containerd's `platformVector`).
fn fallback_chain(architecture: &str, variant: Option<&str>) -> Vec<(String, Option<String>)> {
    let mut chain: Vec<(String, Option<String>)> = Vec::new();
    let mut push = |architecture: &str, variant: &str| {
        let (architecture, variant) = normalize_arch(architecture, variant);
        let entry = (architecture, non_empty(variant));
        if !chain.contains(&entry) {
            chain.push(entry);
        }
    };
    let variant = variant.unwrap_or("");
    push(architecture, variant);
    match architecture {
        "amd64" => {
            if let Some(level) = variant_level(variant) {
                for lower in (1..level).rev() {
                    push("amd64", &format!("v{lower}"));
                }
            }
            push("386", "");
        }
        "arm" => {
            if let Some(level) = variant_level(variant).filter(|&level| level > 5) {
                for lower in (5..level).rev() {
                    push("arm", &format!("v{lower}"));
                }
            }
        }
        "arm64" => {
            let variant = if variant.is_empty() { "v8" } else { variant };
            let (major, minor) = variant.split_once('.').unwrap_or((variant, ""));
            if let Some(mut major) = variant_level(major).filter(|&major| major >= 8) {
                // Only single-digit minors count, as in containerd.
                let mut minor = if variant.len() == 4 {
                    parse_digits(minor).unwrap_or(0)
                } else {
                    0
                };
                if major == 9 {
                    for lower in (0..minor).rev() {
                        push("arm64", &arm64_variant(9, lower));
                    }
                    // Armv9.x builds on Armv8.(x+5); the variant table stops at v8.9.
                    minor = (minor + 5).min(9);
                    major = 8;
                    push("arm64", &arm64_variant(8, minor));
                }
                for lower in (0..minor).rev() {
                    push("arm64", &arm64_variant(major, lower));
                }
            }
            let arm_variant = if variant.starts_with("v8.") || variant.starts_with("v9.") {
                "v8"
            } else {
                variant
            };
            for (architecture, variant) in fallback_chain("arm", Some(arm_variant)) {
                push(&architecture, variant.as_deref().unwrap_or(""));
            }
        }
        _ => {}
    }
    chain
}

fn arm64_variant(major: u32, minor: u32) -> String {
    if minor == 0 {
        format!("v{major}")
    } else {
        format!("v{major}.{minor}")
    }
}

/// The number in `vN` or `N`, if it is a plausible CPU level.
fn variant_level(variant: &str) -> Option<u32> {
    let digits = variant.strip_prefix('v').unwrap_or(variant);
    parse_digits(digits).filter(|&level| level <= MAX_VARIANT_LEVEL)
}

/// ASCII digits only (no sign), as a number.
fn parse_digits(digits: &str) -> Option<u32> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

fn normalize_os(os: &str) -> String {
    if os.is_empty() {
        return REFERENCE_OS.to_string();
    }
    let os = os.to_lowercase();
    if os == "macos" {
        "darwin".to_string()
    } else {
        os
    }
}

/// containerd's architecture table; an empty variant means none.
fn normalize_arch(architecture: &str, variant: &str) -> (String, String) {
    let architecture = architecture.to_lowercase();
    let variant = variant.to_lowercase();
    let (architecture, variant) = match architecture.as_str() {
        "i386" => ("386", ""),
        "x86_64" | "x86-64" | "amd64" => (
            "amd64",
            if variant == "v1" {
                ""
            } else {
                variant.as_str()
            },
        ),
        "aarch64" | "arm64" => (
            "arm64",
            match variant.as_str() {
                "8" | "v8" | "v8.0" => "",
                "9" | "9.0" | "v9.0" => "v9",
                other => other,
            },
        ),
        "armhf" => ("arm", "v7"),
        "armel" => ("arm", "v6"),
        "arm" => (
            "arm",
            match variant.as_str() {
                "" | "7" => "v7",
                "5" => "v5",
                "6" => "v6",
                "8" => "v8",
                other => other,
            },
        ),
        other => (other, variant.as_str()),
    };
    (architecture.to_string(), variant.to_string())
}

/// The first part of a specifier: `<os>[(<os.version>[+<os.feature>…])]`.
fn parse_os_part(
    part: &str,
    specifier: &str,
) -> Result<(String, Option<String>, Vec<String>), PlatformError> {
    if part.is_empty() {
        return Err(PlatformError::EmptyPart(specifier.to_string()));
    }
    let invalid = || PlatformError::InvalidOs {
        part: part.to_string(),
        specifier: specifier.to_string(),
    };
    let (name, options) = match part.split_once('(') {
        None => (part, None),
        Some((name, rest)) => (name, Some(rest.strip_suffix(')').ok_or_else(invalid)?)),
    };
    let name_char = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    if name.is_empty() || !name.chars().all(name_char) {
        return Err(invalid());
    }
    let mut os_version = None;
    let mut os_features = Vec::new();
    if let Some(options) = options {
        let option_char = |c: char| is_component_char(c) || c == '%';
        let mut pieces = options.split('+');
        let version = pieces.next().unwrap_or("");
        if !version.chars().all(option_char) {
            return Err(invalid());
        }
        os_version = non_empty(percent_decode(version, specifier)?);
        for feature in pieces {
            if feature.is_empty() || !feature.chars().all(option_char) {
                return Err(invalid());
            }
            os_features.push(percent_decode(feature, specifier)?);
        }
    }
    Ok((normalize_os(name), os_version, os_features))
}

fn is_component_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')
}

/// Decodes `%XX` escapes, which let versions and features hold `+`, `(`, `)` and `/`.
fn percent_decode(text: &str, specifier: &str) -> Result<String, PlatformError> {
    let invalid = || PlatformError::InvalidEscape(specifier.to_string());
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3).ok_or_else(invalid)?;
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return Err(invalid());
            }
            let hex = std::str::from_utf8(hex).map_err(|_| invalid())?;
            decoded.push(u8::from_str_radix(hex, 16).map_err(|_| invalid())?);
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(decoded).map_err(|_| invalid())
}

fn non_empty(text: impl Into<String>) -> Option<String> {
    Some(text.into()).filter(|text| !text.is_empty())
}

/// `unknown/unknown` after normalization (so `UNKNOWN/Unknown` counts too).
fn is_unknown_pair(normalized: &Platform) -> bool {
    normalized.os == "unknown" && normalized.architecture == "unknown"
}

/// `arch[/variant]` on Linux, `os/arch[/variant]` elsewhere.
fn short_name(normalized: &Platform) -> String {
    let arch_variant = match normalized.variant.as_deref() {
        Some(variant) => format!("{}/{variant}", normalized.architecture),
        None => normalized.architecture.clone(),
    };
    if normalized.os == REFERENCE_OS {
        arch_variant
    } else {
        format!("{}/{arch_variant}", normalized.os)
    }
}

/// "a" or "an" as the name is read aloud: "an arm64", "an s390x", "an x86", "a 386", "a riscv64".
fn article(name: &str) -> &'static str {
    let mut chars = name.chars().map(|c| c.to_ascii_lowercase());
    match (chars.next(), chars.next()) {
        (Some('a' | 'e' | 'i' | 'o' | 'u'), _) => "an",
        (Some('s' | 'x'), Some(next)) if next.is_ascii_digit() => "an",
        _ => "a",
    }
}

/// `a`, `a and b`, `a, b and c`.
fn join(items: &[String], conjunction: &str) -> String {
    match items {
        [] => String::new(),
        [only] => only.clone(),
        [rest @ .., last] => format!("{} {conjunction} {last}", rest.join(", ")),
    }
}

fn push_unique(items: &mut Vec<String>, item: String) {
    if !items.contains(&item) {
        items.push(item);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn view_selection_defaults_then_obeys_the_request() {
        let amd64 = Platform::parse("linux/amd64").unwrap();
        let arm64 = Platform::parse("linux/arm64/v8").unwrap();
        let arm7 = Platform::parse("linux/arm/v7").unwrap();
        let both = [Some(&arm64), Some(&amd64)];
        let arm_only = [Some(&arm7)];
        // (?platform=, index entries, entry shown expanded, whether the reader gets a notice)
        type Case<'a> = (
            Option<&'a str>,
            &'a [Option<&'a Platform>],
            Option<usize>,
            bool,
        );
        let cases: [Case<'_>; 6] = [
            (None, &both, Some(1), false),
            (None, &arm_only, Some(0), false),
            (Some("linux/arm64"), &both, Some(0), false),
            (Some("linux/arm/v6"), &arm_only, None, true),
            (Some("linux/a/b/c"), &both, None, true),
            (None, &[], None, false),
        ];
        for (requested, entries, chosen, notice) in cases {
            let view = select_for_view(requested, entries);
            assert_eq!(view.chosen, chosen, "{requested:?}");
            assert_eq!(
                view.notice.is_some(),
                notice,
                "{requested:?}: {:?}",
                view.notice
            );
        }
    }

    #[test]
    fn machine_specifiers_parse_back() {
        for machine in MACHINES {
            let parsed = Platform::parse(&machine.specifier()).unwrap();
            assert_eq!(
                parsed.os_version.as_deref(),
                machine.os_version,
                "{}",
                machine.label
            );
        }
    }

    #[test]
    fn formats_as_written() {
        let cases = [
            (
                r#"{"os":"linux","architecture":"amd64"}"#,
                "linux/amd64",
                false,
            ),
            (
                r#"{"os":"linux","architecture":"arm64","variant":"v8"}"#,
                "linux/arm64/v8",
                false,
            ),
            (
                r#"{"os":"linux","architecture":"arm","variant":""}"#,
                "linux/arm",
                false,
            ),
            (
                r#"{"os":"unknown","architecture":"unknown"}"#,
                "unknown/unknown",
                true,
            ),
            (
                r#"{"os":"windows","architecture":"amd64","os.version":"10.0.20348.2227"}"#,
                "windows/amd64",
                false,
            ),
        ];
        for (json, formatted, unknown) in cases {
            let platform: Platform = serde_json::from_str(json).unwrap();
            assert_eq!(platform.os_arch_variant(), formatted, "{json}");
            assert_eq!(platform.is_unknown(), unknown, "{json}");
        }
    }

    #[test]
    fn display_adds_the_os_version() {
        let platform: Platform = serde_json::from_str(
            r#"{"os":"windows","architecture":"amd64","os.version":"10.0.17763.5329"}"#,
        )
        .unwrap();
        assert_eq!(platform.to_string(), "windows/amd64 (10.0.17763.5329)");
    }

    fn platform(os: &str, architecture: &str, variant: &str) -> Platform {
        Platform {
            os: os.to_string(),
            architecture: architecture.to_string(),
            variant: non_empty(variant),
            os_version: None,
            os_features: Vec::new(),
        }
    }

    fn with_version(mut platform: Platform, version: &str) -> Platform {
        platform.os_version = Some(version.to_string());
        platform
    }

    fn with_features(mut platform: Platform, features: &[&str]) -> Platform {
        platform.os_features = features.iter().map(|f| f.to_string()).collect();
        platform
    }

    fn parse(specifier: &str) -> Platform {
        Platform::parse(specifier).unwrap_or_else(|e| panic!("{specifier}: {e}"))
    }

    #[test]
    fn parses_specifiers_like_containerd() {
        let cases: &[(&str, &str)] = &[
            // One part: an OS gets the reference architecture, an architecture the reference OS.
            ("linux", "linux/amd64"),
            ("Linux", "linux/amd64"),
            ("windows", "windows/amd64"),
            ("macos", "darwin/amd64"),
            ("freebsd", "freebsd/amd64"),
            ("amd64", "linux/amd64"),
            ("AMD64", "linux/amd64"),
            ("x86_64", "linux/amd64"),
            ("x86-64", "linux/amd64"),
            ("i386", "linux/386"),
            ("386", "linux/386"),
            ("aarch64", "linux/arm64"),
            ("arm64", "linux/arm64"),
            ("arm", "linux/arm"),
            ("armhf", "linux/arm"),
            ("armel", "linux/arm/v6"),
            ("riscv64", "linux/riscv64"),
            ("s390x", "linux/s390x"),
            ("ppc64le", "linux/ppc64le"),
            // Two parts: arch normalized, arm/v7 written as plain arm, arch not checked.
            ("linux/amd64", "linux/amd64"),
            ("LINUX/AMD64", "linux/amd64"),
            ("linux/x86_64", "linux/amd64"),
            ("linux/i386", "linux/386"),
            ("linux/arm64", "linux/arm64"),
            ("linux/aarch64", "linux/arm64"),
            ("linux/arm", "linux/arm"),
            ("linux/armhf", "linux/arm"),
            ("linux/armel", "linux/arm/v6"),
            ("linux/foo", "linux/foo"),
            ("foo/amd64", "foo/amd64"),
            ("macos/arm64", "darwin/arm64"),
            ("windows/amd64", "windows/amd64"),
            // The first part is always the OS.
            ("arm64/v8", "arm64/v8"),
            ("amd64/v1", "amd64/v1"),
            ("amd64/v3", "amd64/v3"),
            // Three parts: normalized, but arm64 keeps v8 and arm keeps v7.
            ("linux/arm64/v8", "linux/arm64/v8"),
            ("linux/aarch64/v8", "linux/arm64/v8"),
            ("linux/arm64/8", "linux/arm64/v8"),
            ("linux/arm64/v8.0", "linux/arm64/v8"),
            ("linux/arm64/v8.2", "linux/arm64/v8.2"),
            ("linux/arm64/v9.0", "linux/arm64/v9"),
            ("linux/arm64/9", "linux/arm64/v9"),
            ("linux/amd64/v1", "linux/amd64"),
            ("linux/amd64/v2", "linux/amd64/v2"),
            ("linux/amd64/v3", "linux/amd64/v3"),
            ("linux/x86_64/v2", "linux/amd64/v2"),
            ("linux/arm/v7", "linux/arm/v7"),
            ("linux/arm/7", "linux/arm/v7"),
            ("linux/arm/6", "linux/arm/v6"),
            ("linux/arm/v5", "linux/arm/v5"),
            ("linux/armhf/v6", "linux/arm/v7"),
            ("LINUX/ARM/V7", "linux/arm/v7"),
            ("linux/i386/v1", "linux/386"),
            ("linux/riscv64/rva20u64", "linux/riscv64/rva20u64"),
            ("linux/ppc64le/power9", "linux/ppc64le/power9"),
            ("  linux/arm64  ", "linux/arm64"),
            ("linux()/amd64", "linux/amd64"),
        ];
        for (specifier, expected) in cases {
            let parsed = parse(specifier);
            assert_eq!(parsed.format(), *expected, "{specifier}");
            assert_eq!(
                parsed.variant.as_deref(),
                expected.split('/').nth(2),
                "{specifier}"
            );
            assert_eq!(parsed.os_version, None, "{specifier}");
            assert!(parsed.os_features.is_empty(), "{specifier}");
        }
    }

    #[test]
    fn parses_os_options() {
        let cases: &[(&str, &str, Option<&str>, &[&str])] = &[
            (
                "windows(10.0.20348)",
                "windows/amd64",
                Some("10.0.20348"),
                &[],
            ),
            (
                "windows(10.0.17763.5329)/amd64",
                "windows/amd64",
                Some("10.0.17763.5329"),
                &[],
            ),
            (
                "windows(10.0.17763+win32k)/amd64",
                "windows/amd64",
                Some("10.0.17763"),
                &["win32k"],
            ),
            ("windows(+win32k)/amd64", "windows/amd64", None, &["win32k"]),
            ("linux(+a+b)/arm64", "linux/arm64", None, &["a", "b"]),
            ("linux()", "linux/amd64", None, &[]),
            (
                "windows(10.0%2B1+f%28x%29)/amd64",
                "windows/amd64",
                Some("10.0+1"),
                &["f(x)"],
            ),
            (
                "Windows(10.0.20348)/AMD64",
                "windows/amd64",
                Some("10.0.20348"),
                &[],
            ),
        ];
        for (specifier, formatted, version, features) in cases {
            let parsed = parse(specifier);
            assert_eq!(parsed.format(), *formatted, "{specifier}");
            assert_eq!(parsed.os_version.as_deref(), *version, "{specifier}");
            assert_eq!(parsed.os_features, *features, "{specifier}");
        }
    }

    #[test]
    fn rejects_bad_specifiers() {
        let invalid_os = |part: &str, specifier: &str| PlatformError::InvalidOs {
            part: part.to_string(),
            specifier: specifier.to_string(),
        };
        let invalid_part = |part: &str, specifier: &str| PlatformError::InvalidPart {
            part: part.to_string(),
            specifier: specifier.to_string(),
        };
        let cases = [
            ("", PlatformError::Empty),
            ("   ", PlatformError::Empty),
            ("*", PlatformError::Wildcard),
            ("linux/*", PlatformError::Wildcard),
            ("linux/arm/*", PlatformError::Wildcard),
            (
                "linux/a/b/c",
                PlatformError::TooManyParts("linux/a/b/c".into()),
            ),
            (
                "linux/arm/v7/extra/more",
                PlatformError::TooManyParts("linux/arm/v7/extra/more".into()),
            ),
            ("foo", PlatformError::UnknownOsOrArch("foo".into())),
            ("v8", PlatformError::UnknownOsOrArch("v8".into())),
            (
                "foo(1.0)",
                PlatformError::UnknownOsOrArch("foo(1.0)".into()),
            ),
            (
                "amd64(1.0)",
                PlatformError::UnknownOsOrArch("amd64(1.0)".into()),
            ),
            ("linux/", PlatformError::EmptyPart("linux/".into())),
            ("/amd64", PlatformError::EmptyPart("/amd64".into())),
            ("linux//v7", PlatformError::EmptyPart("linux//v7".into())),
            ("linux/amd 64", invalid_part("amd 64", "linux/amd 64")),
            ("linux/arm/v7,v6", invalid_part("v7,v6", "linux/arm/v7,v6")),
            ("linux/ärm", invalid_part("ärm", "linux/ärm")),
            ("windows(10.0", invalid_os("windows(10.0", "windows(10.0")),
            (
                "windows(10.0)x",
                invalid_os("windows(10.0)x", "windows(10.0)x"),
            ),
            (
                "windows(+)/amd64",
                invalid_os("windows(+)", "windows(+)/amd64"),
            ),
            (
                "windows(1(2))",
                invalid_os("windows(1(2))", "windows(1(2))"),
            ),
            ("linux.x/amd64", invalid_os("linux.x", "linux.x/amd64")),
            ("(1.0)/amd64", invalid_os("(1.0)", "(1.0)/amd64")),
            ("ü", invalid_os("ü", "ü")),
            (
                "windows(%zz)/amd64",
                PlatformError::InvalidEscape("windows(%zz)/amd64".into()),
            ),
            (
                "windows(%2)/amd64",
                PlatformError::InvalidEscape("windows(%2)/amd64".into()),
            ),
            (
                "windows(%ff)/amd64",
                PlatformError::InvalidEscape("windows(%ff)/amd64".into()),
            ),
        ];
        for (specifier, expected) in cases {
            assert_eq!(Platform::parse(specifier), Err(expected), "{specifier:?}");
        }
    }

    #[test]
    fn error_messages_are_plain_words() {
        let cases = [
            ("foo", "unknown operating system or architecture: foo"),
            ("linux/*", "wildcards are not supported"),
            ("linux/a/b/c", "too many parts in linux/a/b/c"),
            ("", "the platform is empty"),
            ("linux/", "empty part in linux/"),
            (
                "linux/amd 64",
                "invalid part \"amd 64\" in linux/amd 64: only letters, digits, '_', '.' and '-' are allowed",
            ),
            (
                "windows(10.0",
                "invalid operating system \"windows(10.0\" in windows(10.0: write it like linux or windows(10.0.20348+win32k)",
            ),
        ];
        for (specifier, message) in cases {
            let error = Platform::parse(specifier).unwrap_err();
            assert_eq!(error.to_string(), message, "{specifier:?}");
        }
    }

    #[test]
    fn normalizes_like_containerd() {
        let cases = [
            (platform("", "amd64", ""), "linux/amd64"),
            (platform("Linux", "x86_64", ""), "linux/amd64"),
            (platform("linux", "x86-64", "v1"), "linux/amd64"),
            (platform("linux", "amd64", "v1"), "linux/amd64"),
            (platform("linux", "amd64", "v2"), "linux/amd64/v2"),
            (platform("linux", "amd64", "v3"), "linux/amd64/v3"),
            (platform("linux", "AMD64", "V2"), "linux/amd64/v2"),
            (platform("linux", "i386", ""), "linux/386"),
            (platform("linux", "i386", "v1"), "linux/386"),
            (platform("linux", "386", ""), "linux/386"),
            (platform("linux", "aarch64", ""), "linux/arm64"),
            (platform("linux", "aarch64", "v8"), "linux/arm64"),
            (platform("linux", "arm64", "v8"), "linux/arm64"),
            (platform("linux", "arm64", "8"), "linux/arm64"),
            (platform("linux", "arm64", "v8.0"), "linux/arm64"),
            (platform("linux", "arm64", "v8.2"), "linux/arm64/v8.2"),
            (platform("linux", "arm64", "9"), "linux/arm64/v9"),
            (platform("linux", "arm64", "9.0"), "linux/arm64/v9"),
            (platform("linux", "arm64", "v9.0"), "linux/arm64/v9"),
            (platform("linux", "arm64", "v9.2"), "linux/arm64/v9.2"),
            (platform("linux", "armhf", ""), "linux/arm/v7"),
            (platform("linux", "armhf", "v6"), "linux/arm/v7"),
            (platform("linux", "armel", ""), "linux/arm/v6"),
            (platform("linux", "armel", "v7"), "linux/arm/v6"),
            (platform("linux", "arm", ""), "linux/arm/v7"),
            (platform("linux", "arm", "7"), "linux/arm/v7"),
            (platform("linux", "arm", "5"), "linux/arm/v5"),
            (platform("linux", "arm", "6"), "linux/arm/v6"),
            (platform("linux", "arm", "8"), "linux/arm/v8"),
            (platform("linux", "arm", "v6"), "linux/arm/v6"),
            (platform("linux", "ARM", "V7"), "linux/arm/v7"),
            (platform("macos", "arm64", ""), "darwin/arm64"),
            (platform("MacOS", "arm64", ""), "darwin/arm64"),
            (platform("Windows", "amd64", ""), "windows/amd64"),
            (
                platform("linux", "riscv64", "RVA20U64"),
                "linux/riscv64/rva20u64",
            ),
            (platform("linux", "s390x", ""), "linux/s390x"),
            (platform("unknown", "unknown", ""), "unknown/unknown"),
        ];
        for (input, expected) in cases {
            let normalized = input.normalized();
            assert_eq!(normalized.format(), expected, "{input:?}");
            assert_eq!(normalized.normalized(), normalized, "idempotent: {input:?}");
        }
        // An empty variant is no variant.
        assert_eq!(platform("linux", "riscv64", "").normalized().variant, None);
        let mut empty = platform("linux", "riscv64", "");
        empty.variant = Some(String::new());
        assert_eq!(empty.normalized().variant, None);
    }

    #[test]
    fn normalizing_sorts_features_and_keeps_the_version() {
        let input = with_version(
            with_features(platform("windows", "amd64", ""), &["b", "a", "b"]),
            "10.0.20348.2227",
        );
        let normalized = input.normalized();
        assert_eq!(normalized.os_features, ["a", "b"]);
        assert_eq!(normalized.os_version.as_deref(), Some("10.0.20348.2227"));
        assert_eq!(with_version(input, "").normalized().os_version, None);
    }

    #[test]
    fn formats_the_value_as_it_is() {
        let cases = [
            (platform("linux", "arm64", "v8"), "linux/arm64/v8"),
            (platform("linux", "arm64", ""), "linux/arm64"),
            (platform("linux", "aarch64", ""), "linux/aarch64"),
            (platform("Linux", "AMD64", ""), "Linux/AMD64"),
            (platform("linux", "arm", "v7"), "linux/arm/v7"),
            (platform("", "amd64", ""), "unknown"),
            (platform("unknown", "unknown", ""), "unknown/unknown"),
            (
                with_version(platform("windows", "amd64", ""), "10.0.20348"),
                "windows/amd64",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(input.format(), expected, "{input:?}");
        }
        // Parse keeps arm64's v8, normalization drops it.
        let parsed = parse("linux/arm64/v8");
        assert_eq!(parsed.format(), "linux/arm64/v8");
        assert_eq!(parsed.normalized().format(), "linux/arm64");
        assert_eq!(parse("linux/arm").normalized().format(), "linux/arm/v7");
    }

    #[test]
    fn matches_like_containerd_only() {
        /// Requested specifier, candidate (os, arch, variant), expected rank.
        type Case = (
            &'static str,
            (&'static str, &'static str, &'static str),
            Option<usize>,
        );
        let cases: &[Case] = &[
            // amd64 runs 386, not amd64/v2.
            ("linux/amd64", ("linux", "amd64", ""), Some(0)),
            ("linux/amd64", ("linux", "amd64", "v1"), Some(0)),
            ("linux/amd64", ("linux", "x86_64", ""), Some(0)),
            ("linux/amd64", ("Linux", "AMD64", ""), Some(0)),
            ("linux/amd64", ("", "amd64", ""), Some(0)),
            ("linux/amd64", ("linux", "386", ""), Some(1)),
            ("linux/amd64", ("linux", "i386", ""), Some(1)),
            ("linux/amd64", ("linux", "amd64", "v2"), None),
            ("linux/amd64", ("linux", "amd64", "v3"), None),
            ("linux/amd64", ("linux", "arm64", ""), None),
            ("linux/amd64", ("windows", "amd64", ""), None),
            ("linux/amd64", ("darwin", "amd64", ""), None),
            ("amd64", ("linux", "amd64", ""), Some(0)),
            // amd64/v3 runs v2, v1 and 386.
            ("linux/amd64/v3", ("linux", "amd64", "v3"), Some(0)),
            ("linux/amd64/v3", ("linux", "amd64", "v2"), Some(1)),
            ("linux/amd64/v3", ("linux", "amd64", ""), Some(2)),
            ("linux/amd64/v3", ("linux", "amd64", "v1"), Some(2)),
            ("linux/amd64/v3", ("linux", "386", ""), Some(3)),
            ("linux/amd64/v3", ("linux", "amd64", "v4"), None),
            ("linux/amd64/v2", ("linux", "amd64", "v3"), None),
            // 386 runs only 386.
            ("linux/386", ("linux", "386", ""), Some(0)),
            ("linux/386", ("linux", "amd64", ""), None),
            // arm/v7 runs v6 and v5, not v8; arm without a variant is v7.
            ("linux/arm/v7", ("linux", "arm", "v7"), Some(0)),
            ("linux/arm/v7", ("linux", "arm", ""), Some(0)),
            ("linux/arm/v7", ("linux", "armhf", ""), Some(0)),
            ("linux/arm/v7", ("linux", "arm", "7"), Some(0)),
            ("linux/arm/v7", ("linux", "arm", "v6"), Some(1)),
            ("linux/arm/v7", ("linux", "armel", ""), Some(1)),
            ("linux/arm/v7", ("linux", "arm", "v5"), Some(2)),
            ("linux/arm/v7", ("linux", "arm", "v8"), None),
            ("linux/arm/v7", ("linux", "arm", "v4"), None),
            ("linux/arm/v7", ("linux", "arm64", ""), None),
            ("linux/arm", ("linux", "arm", "v7"), Some(0)),
            ("linux/arm", ("linux", "arm", "v6"), Some(1)),
            ("linux/arm/v8", ("linux", "arm", "v7"), Some(1)),
            // arm/v6 runs v5, not v7 (nor variant-less arm, which is v7).
            ("linux/arm/v6", ("linux", "arm", "v6"), Some(0)),
            ("linux/arm/v6", ("linux", "arm", "v5"), Some(1)),
            ("linux/arm/v6", ("linux", "arm", "v7"), None),
            ("linux/arm/v6", ("linux", "arm", ""), None),
            ("linux/arm/v5", ("linux", "arm", "v5"), Some(0)),
            ("linux/arm/v5", ("linux", "arm", "v6"), None),
            ("linux/arm/v4", ("linux", "arm", "v4"), Some(0)),
            ("linux/arm/v4", ("linux", "arm", "v5"), None),
            // arm64 runs the 32-bit set, preferring arm/v8.
            ("linux/arm64", ("linux", "arm64", ""), Some(0)),
            ("linux/arm64", ("linux", "arm64", "v8"), Some(0)),
            ("linux/arm64", ("linux", "aarch64", ""), Some(0)),
            ("linux/arm64", ("linux", "arm", "v8"), Some(1)),
            ("linux/arm64", ("linux", "arm", "v7"), Some(2)),
            ("linux/arm64", ("linux", "arm", ""), Some(2)),
            ("linux/arm64", ("linux", "arm", "v6"), Some(3)),
            ("linux/arm64", ("linux", "arm", "v5"), Some(4)),
            ("linux/arm64", ("linux", "arm64", "v8.2"), None),
            ("linux/arm64", ("linux", "arm64", "v9"), None),
            ("linux/arm64", ("linux", "amd64", ""), None),
            ("linux/arm64/v8", ("linux", "arm64", ""), Some(0)),
            ("arm64", ("linux", "arm64", "v8"), Some(0)),
            // arm64/v8.2 runs plain arm64.
            ("linux/arm64/v8.2", ("linux", "arm64", "v8.2"), Some(0)),
            ("linux/arm64/v8.2", ("linux", "arm64", "v8.1"), Some(1)),
            ("linux/arm64/v8.2", ("linux", "arm64", ""), Some(2)),
            ("linux/arm64/v8.2", ("linux", "arm64", "v8"), Some(2)),
            ("linux/arm64/v8.2", ("linux", "arm", "v8"), Some(3)),
            ("linux/arm64/v8.2", ("linux", "arm64", "v8.3"), None),
            // arm64/v9.x runs v9.x … v9, then v8.(x+5) … v8.
            ("linux/arm64/v9", ("linux", "arm64", "v9"), Some(0)),
            ("linux/arm64/v9", ("linux", "arm64", "v8.5"), Some(1)),
            ("linux/arm64/v9", ("linux", "arm64", "v8.1"), Some(5)),
            ("linux/arm64/v9", ("linux", "arm64", ""), Some(6)),
            ("linux/arm64/v9", ("linux", "arm64", "v8.6"), None),
            ("linux/arm64/v9.2", ("linux", "arm64", "v9.1"), Some(1)),
            ("linux/arm64/v9.2", ("linux", "arm64", "v9"), Some(2)),
            ("linux/arm64/v9.2", ("linux", "arm64", "v8.7"), Some(3)),
            ("linux/arm64/v9.2", ("linux", "arm64", "v9.3"), None),
            ("linux/arm64/v9.5", ("linux", "arm64", "v8.9"), Some(6)),
            ("linux/arm64/v9.5", ("linux", "arm", "v8"), Some(16)),
            // Everything else: exact.
            ("linux/riscv64", ("linux", "riscv64", ""), Some(0)),
            ("linux/riscv64", ("linux", "riscv64", "rva20u64"), None),
            ("linux/riscv64/rva20u64", ("linux", "riscv64", ""), None),
            ("linux/ppc64le", ("linux", "ppc64le", ""), Some(0)),
            ("linux/ppc64le", ("linux", "ppc64le", "power9"), None),
            ("linux/s390x", ("linux", "s390x", ""), Some(0)),
            ("linux/s390x", ("linux", "amd64", ""), None),
            ("linux/foo", ("linux", "FOO", ""), Some(0)),
            ("darwin/arm64", ("macos", "arm64", ""), Some(0)),
            // Attestation placeholders never match, whatever is asked.
            ("linux/amd64", ("unknown", "unknown", ""), None),
            ("unknown/unknown", ("unknown", "unknown", ""), None),
            ("unknown/unknown", ("UNKNOWN", "Unknown", ""), None),
            ("unknown/amd64", ("unknown", "amd64", ""), Some(0)),
            // Absurd variants match themselves only.
            ("linux/arm/v1000", ("linux", "arm", "v1000"), Some(0)),
            ("linux/arm/v1000", ("linux", "arm", "v7"), None),
        ];
        for (requested, (os, arch, variant), expected) in cases {
            let matcher = Matcher::new(&parse(requested));
            let candidate = platform(os, arch, variant);
            assert_eq!(
                matcher.rank(&candidate),
                *expected,
                "{requested} vs {os}/{arch}/{variant}"
            );
            assert_eq!(matcher.matches(&candidate), expected.is_some());
        }
    }

    #[test]
    fn os_features_must_be_a_subset() {
        let linux = platform("linux", "amd64", "");
        let windows = platform("windows", "amd64", "");
        let cases: &[(Platform, &[&str], bool)] = &[
            (linux.clone(), &[], true),
            (linux.clone(), &["sse4"], false),
            (with_features(linux.clone(), &["sse4"]), &["sse4"], true),
            (with_features(linux.clone(), &["b", "a", "c"]), &["a"], true),
            (
                with_features(linux.clone(), &["a", "b", "c"]),
                &["a", "b"],
                true,
            ),
            (
                with_features(linux.clone(), &["a", "b", "c"]),
                &["a", "d"],
                false,
            ),
            (with_features(linux.clone(), &["a"]), &["a", "a"], true),
            (linux.clone(), &["win32k"], false),
            (windows.clone(), &["win32k"], true),
            (windows.clone(), &["win32k", "x"], false),
            (
                with_features(windows.clone(), &["x"]),
                &["win32k", "x"],
                true,
            ),
        ];
        for (requested, entry_features, expected) in cases {
            let entry = with_features(
                platform(&requested.os, &requested.architecture, ""),
                entry_features,
            );
            let matcher = Matcher::new(requested);
            assert_eq!(
                matcher.matches(&entry),
                *expected,
                "{requested:?} vs {entry_features:?}"
            );
        }
    }

    #[test]
    fn windows_builds_follow_the_stable_abi_rules() {
        let cases: &[(&str, Option<&str>, bool)] = &[
            // Before Server 2022: the exact build only.
            ("10.0.17763", Some("10.0.17763.5329"), true),
            ("10.0.17763.100", Some("10.0.17763.5329"), true),
            ("10.0.17763", Some("10.0.14393.1"), false),
            ("10.0.17763", Some("10.0.20348.2227"), false),
            // Server 2022: its own build on.
            ("10.0.20348", Some("10.0.20348.2227"), true),
            ("10.0.20348", Some("10.0.17763.5329"), false),
            ("10.0.20348", Some("10.0.26100.1"), false),
            // Windows 11 and Server 2025: from the previous LTSC up to their own.
            ("10.0.22621", Some("10.0.20348.2227"), true),
            ("10.0.22621", Some("10.0.22621.1"), true),
            ("10.0.22621", Some("10.0.26100.1"), false),
            ("10.0.26100", Some("10.0.20348.2227"), true),
            ("10.0.26100", Some("10.0.26100.3194"), true),
            ("10.0.26100", Some("10.0.17763.5329"), false),
            ("10.0.26200", Some("10.0.26100.1"), true),
            ("10.0.26200", Some("10.0.20348.1"), true),
            ("10.0.26200", Some("10.0.26300.1"), false),
            // Major and minor must be equal.
            ("10.0.20348", Some("6.3.9600"), false),
            ("10.0.20348", Some("10.1.20348"), false),
            // Missing or unreadable versions.
            ("10.0.20348", None, true),
            ("10.0.20348", Some(""), true),
            ("10.0.20348", Some("abc"), false),
            ("10.0.20348", Some("10.0"), false),
            ("", Some("10.0.17763.5329"), true),
            ("garbage", Some("10.0.17763.5329"), true),
            ("0.0.0", Some("10.0.17763.5329"), true),
        ];
        for (host, image, expected) in cases {
            let mut requested = platform("windows", "amd64", "");
            requested.os_version = non_empty(*host);
            let mut entry = platform("windows", "amd64", "");
            entry.os_version = image.map(str::to_string);
            assert_eq!(
                Matcher::new(&requested).matches(&entry),
                *expected,
                "host {host} image {image:?}"
            );
        }
        // Off Windows the version is not looked at.
        let linux = with_version(platform("linux", "amd64", ""), "10.0.17763");
        let entry = with_version(platform("linux", "amd64", ""), "10.0.20348");
        assert!(Matcher::new(&linux).matches(&entry));
    }

    #[test]
    fn preference_lists_the_fallback_chain() {
        let cases: &[(&str, &[&str])] = &[
            ("linux/amd64", &["linux/amd64", "linux/386"]),
            (
                "linux/amd64/v3",
                &[
                    "linux/amd64/v3",
                    "linux/amd64/v2",
                    "linux/amd64",
                    "linux/386",
                ],
            ),
            (
                "linux/arm64",
                &[
                    "linux/arm64/v8",
                    "linux/arm/v8",
                    "linux/arm/v7",
                    "linux/arm/v6",
                    "linux/arm/v5",
                ],
            ),
            (
                "linux/arm64/v8.2",
                &[
                    "linux/arm64/v8.2",
                    "linux/arm64/v8.1",
                    "linux/arm64/v8",
                    "linux/arm/v8",
                    "linux/arm/v7",
                    "linux/arm/v6",
                    "linux/arm/v5",
                ],
            ),
            (
                "linux/arm64/v9.1",
                &[
                    "linux/arm64/v9.1",
                    "linux/arm64/v9",
                    "linux/arm64/v8.6",
                    "linux/arm64/v8.5",
                    "linux/arm64/v8.4",
                    "linux/arm64/v8.3",
                    "linux/arm64/v8.2",
                    "linux/arm64/v8.1",
                    "linux/arm64/v8",
                    "linux/arm/v8",
                    "linux/arm/v7",
                    "linux/arm/v6",
                    "linux/arm/v5",
                ],
            ),
            (
                "linux/arm/v7",
                &["linux/arm/v7", "linux/arm/v6", "linux/arm/v5"],
            ),
            (
                "linux/arm",
                &["linux/arm/v7", "linux/arm/v6", "linux/arm/v5"],
            ),
            ("linux/arm/v6", &["linux/arm/v6", "linux/arm/v5"]),
            ("linux/arm/v5", &["linux/arm/v5"]),
            ("linux/386", &["linux/386"]),
            ("linux/riscv64", &["linux/riscv64"]),
            (
                "windows(10.0.20348)/amd64",
                &["windows/amd64", "windows/386"],
            ),
            ("unknown/unknown", &[]),
        ];
        for (requested, expected) in cases {
            let matcher = Matcher::new(&parse(requested));
            let preference = matcher.preference();
            assert_eq!(preference, *expected, "{requested}");
            // Each listed platform matches at its own position.
            for (position, listed) in preference.iter().enumerate() {
                assert_eq!(
                    matcher.rank(&parse(listed)),
                    Some(position),
                    "{requested}: {listed}"
                );
            }
        }
    }

    fn select_from(requested: &str, entries: &[Option<Platform>]) -> Selection {
        let entries: Vec<Option<&Platform>> = entries.iter().map(Option::as_ref).collect();
        select(&parse(requested), &entries)
    }

    fn entries(platforms: &[&str]) -> Vec<Option<Platform>> {
        platforms
            .iter()
            .map(|p| match *p {
                "-" => None,
                "unknown/unknown" => Some(platform("unknown", "unknown", "")),
                p => Some(parse(p)),
            })
            .collect()
    }

    #[test]
    fn selects_from_a_buildx_index_with_attestations() {
        let index = entries(&[
            "linux/amd64",
            "linux/arm64",
            "unknown/unknown",
            "unknown/unknown",
        ]);
        let cases: &[(&str, Option<usize>, &[usize])] = &[
            ("linux/amd64", Some(0), &[0]),
            ("linux/amd64/v3", Some(0), &[0]),
            ("linux/arm64", Some(1), &[1]),
            ("linux/arm64/v8", Some(1), &[1]),
            ("linux/386", None, &[]),
            ("linux/arm/v7", None, &[]),
            ("unknown/unknown", None, &[]),
        ];
        for (requested, chosen, ranked) in cases {
            let selection = select_from(requested, &index);
            assert_eq!(selection.chosen, *chosen, "{requested}");
            assert_eq!(selection.ranked, *ranked, "{requested}");
            assert_eq!(selection.reason.is_some(), chosen.is_none(), "{requested}");
        }
        assert_eq!(
            select_from("linux/s390x", &index).reason.as_deref(),
            Some("this index has images for linux/amd64 and linux/arm64 only")
        );
    }

    #[test]
    fn selects_from_a_docker_official_image() {
        let index = entries(&[
            "linux/amd64",
            "unknown/unknown",
            "linux/arm/v5",
            "unknown/unknown",
            "linux/arm/v7",
            "unknown/unknown",
            "linux/arm64/v8",
            "unknown/unknown",
            "linux/386",
            "unknown/unknown",
            "linux/ppc64le",
            "unknown/unknown",
            "linux/s390x",
            "unknown/unknown",
        ]);
        let cases: &[(&str, Option<usize>, &[usize])] = &[
            ("linux/amd64", Some(0), &[0, 8]),
            ("linux/amd64/v2", Some(0), &[0, 8]),
            ("linux/386", Some(8), &[8]),
            ("linux/arm64", Some(6), &[6, 4, 2]),
            ("linux/arm64/v8.2", Some(6), &[6, 4, 2]),
            ("linux/arm/v8", Some(4), &[4, 2]),
            ("linux/arm/v7", Some(4), &[4, 2]),
            ("linux/arm", Some(4), &[4, 2]),
            ("linux/arm/v6", Some(2), &[2]),
            ("linux/arm/v5", Some(2), &[2]),
            ("linux/ppc64le", Some(10), &[10]),
            ("linux/s390x", Some(12), &[12]),
            ("linux/riscv64", None, &[]),
            ("windows/amd64", None, &[]),
        ];
        for (requested, chosen, ranked) in cases {
            let selection = select_from(requested, &index);
            assert_eq!(selection.chosen, *chosen, "{requested}");
            assert_eq!(selection.ranked, *ranked, "{requested}");
        }
        assert_eq!(
            select_from("linux/riscv64", &index).reason.as_deref(),
            Some(
                "this index has images for linux/amd64, linux/arm/v5, linux/arm/v7, linux/arm64, \
                 linux/386, linux/ppc64le and linux/s390x only"
            )
        );
    }

    #[test]
    fn explains_why_nothing_matches() {
        let cases: &[(&str, &[&str], &str)] = &[
            (
                "linux/amd64",
                &[
                    "linux/arm64",
                    "linux/arm/v7",
                    "unknown/unknown",
                    "unknown/unknown",
                ],
                "this index has images for linux/arm64 and linux/arm/v7 only",
            ),
            (
                "linux/amd64",
                &["linux/amd64/v3", "linux/arm64"],
                "an amd64 machine cannot run amd64/v3 images: an amd64 machine runs linux/amd64 or linux/386",
            ),
            (
                "linux/arm/v6",
                &["linux/arm/v7", "unknown/unknown"],
                "an arm/v6 machine cannot run arm/v7 images: an arm/v6 machine runs linux/arm/v6 or linux/arm/v5",
            ),
            (
                "linux/arm/v6",
                &["linux/arm"],
                "an arm/v6 machine cannot run arm/v7 images: an arm/v6 machine runs linux/arm/v6 or linux/arm/v5",
            ),
            (
                "linux/arm/v5",
                &["linux/arm/v6", "linux/arm/v7", "linux/arm/v7"],
                "an arm/v5 machine cannot run arm/v6 or arm/v7 images: an arm/v5 machine runs linux/arm/v5",
            ),
            (
                "linux/arm64",
                &["linux/arm64/v8.2"],
                "an arm64 machine cannot run arm64/v8.2 images: an arm64 machine runs linux/arm64/v8, \
                 linux/arm/v8, linux/arm/v7, linux/arm/v6 or linux/arm/v5",
            ),
            (
                "linux/386",
                &["linux/amd64"],
                "this index has images for linux/amd64 only",
            ),
            (
                "windows/amd64",
                &["linux/amd64", "linux/arm64"],
                "this index has images for linux/amd64 and linux/arm64 only",
            ),
            (
                "linux/amd64",
                &["unknown/unknown", "unknown/unknown"],
                "this index holds only attestations (unknown/unknown), no images to run",
            ),
            ("linux/amd64", &[], "this index lists no images"),
        ];
        for (requested, platforms, reason) in cases {
            let selection = select_from(requested, &entries(platforms));
            assert_eq!(selection.chosen, None, "{requested}");
            assert!(selection.ranked.is_empty(), "{requested}");
            assert_eq!(selection.reason.as_deref(), Some(*reason), "{requested}");
        }
    }

    #[test]
    fn explains_windows_builds_and_features() {
        let ltsc = |version: &str| with_version(platform("windows", "amd64", ""), version);
        let index = vec![Some(ltsc("10.0.20348.2227")), Some(ltsc("10.0.26100.3194"))];
        let selection = select_from("windows(10.0.17763)/amd64", &index);
        assert_eq!(
            selection.reason.as_deref(),
            Some(
                "a windows/amd64 machine on build 10.0.17763 cannot run images built for \
                 10.0.20348 or 10.0.26100: it runs only images built for 10.0.17763"
            )
        );
        let index = vec![Some(ltsc("10.0.26100.3194"))];
        let selection = select_from("windows(10.0.20348)/amd64", &index);
        assert_eq!(
            selection.reason.as_deref(),
            Some(
                "a windows/amd64 machine on build 10.0.20348 cannot run images built for \
                 10.0.26100: it runs only images built for 10.0.20348"
            )
        );
        let index = vec![Some(ltsc("10.0.17763.5329"))];
        let selection = select_from("windows(10.0.26100)/amd64", &index);
        assert_eq!(
            selection.reason.as_deref(),
            Some(
                "a windows/amd64 machine on build 10.0.26100 cannot run images built for \
                 10.0.17763: it runs images built for 10.0.20348 through 10.0.26100"
            )
        );
        let index = vec![Some(with_features(
            platform("linux", "amd64", ""),
            &["sse4", "avx"],
        ))];
        let selection = select_from("linux/amd64", &index);
        assert_eq!(
            selection.reason.as_deref(),
            Some(
                "the linux/amd64 image here needs the os.features avx and sse4, \
                 which the requested platform does not list"
            )
        );
    }

    #[test]
    fn selects_windows_builds() {
        let ltsc = |version: &str| with_version(platform("windows", "amd64", ""), version);
        let index = vec![
            Some(ltsc("10.0.17763.5329")),
            Some(ltsc("10.0.20348.2227")),
            Some(ltsc("10.0.26100.3194")),
            Some(platform("linux", "amd64", "")),
        ];
        let cases: &[(&str, Option<usize>, &[usize])] = &[
            ("windows(10.0.17763)/amd64", Some(0), &[0]),
            ("windows(10.0.20348)/amd64", Some(1), &[1]),
            ("windows(10.0.26100)/amd64", Some(1), &[1, 2]),
            ("windows/amd64", Some(0), &[0, 1, 2]),
            ("linux/amd64", Some(3), &[3]),
        ];
        for (requested, chosen, ranked) in cases {
            let selection = select_from(requested, &index);
            assert_eq!(selection.chosen, *chosen, "{requested}");
            assert_eq!(selection.ranked, *ranked, "{requested}");
        }
    }

    #[test]
    fn ranks_by_preference_then_features_then_index_order() {
        let cases: &[(&str, &[&str], &[usize])] = &[
            // Preference beats index order.
            ("linux/amd64", &["linux/386", "linux/amd64"], &[1, 0]),
            (
                "linux/arm64",
                &["linux/arm/v7", "linux/arm/v8", "linux/arm/v6"],
                &[1, 0, 2],
            ),
            (
                "linux/amd64/v3",
                &[
                    "linux/386",
                    "linux/amd64",
                    "linux/amd64/v3",
                    "linux/amd64/v2",
                ],
                &[2, 3, 1, 0],
            ),
            // Equal platforms keep index order.
            ("linux/amd64", &["linux/amd64", "linux/amd64"], &[0, 1]),
            ("linux/arm/v7", &["linux/arm", "linux/arm/v7"], &[0, 1]),
            // Entries without a platform are kept, last.
            ("linux/amd64", &["-", "linux/arm64", "linux/amd64"], &[2, 0]),
            ("linux/s390x", &["-", "linux/arm64", "-"], &[0, 2]),
        ];
        for (requested, platforms, ranked) in cases {
            let selection = select_from(requested, &entries(platforms));
            assert_eq!(selection.ranked, *ranked, "{requested} over {platforms:?}");
            assert_eq!(selection.chosen, ranked.first().copied());
            assert_eq!(selection.reason, None);
        }
        // With the same rank, more os.features first.
        let plain = platform("linux", "amd64", "");
        let featured = with_features(plain.clone(), &["sse4"]);
        let requested = with_features(plain.clone(), &["sse4"]);
        let index = [Some(&plain), Some(&featured)];
        assert_eq!(select(&requested, &index).ranked, [1, 0]);
        // But rank comes first.
        let old = with_features(platform("linux", "386", ""), &["sse4"]);
        let index = [Some(&old), Some(&plain)];
        assert_eq!(select(&requested, &index).ranked, [1, 0]);
    }

    #[test]
    fn machines_parse_and_pick_the_expected_entry() {
        let mut labels: Vec<&str> = MACHINES.iter().map(|m| m.label).collect();
        labels.sort();
        labels.dedup();
        assert_eq!(labels.len(), MACHINES.len(), "labels are unique");
        let official = entries(&[
            "linux/amd64",
            "linux/arm/v5",
            "linux/arm/v7",
            "linux/arm64/v8",
            "linux/386",
            "linux/ppc64le",
            "linux/s390x",
            "unknown/unknown",
        ]);
        let expected = [
            ("x86-64 PC", Some(0)),
            ("x86-64-v3 server", Some(0)),
            ("Apple silicon Mac (Docker Desktop)", Some(3)),
            ("Raspberry Pi 4/5, 64-bit OS", Some(3)),
            ("Raspberry Pi 3, 32-bit OS", Some(2)),
            ("Raspberry Pi Zero/1", Some(1)),
            ("32-bit x86 PC", Some(4)),
            ("IBM Z", Some(6)),
            ("IBM POWER", Some(5)),
            ("RISC-V", None),
            ("Windows Server 2019", None),
            ("Windows Server 2022", None),
            ("Windows Server 2025", None),
        ];
        assert_eq!(expected.len(), MACHINES.len());
        for (machine, (label, chosen)) in MACHINES.iter().zip(expected) {
            assert_eq!(machine.label, label);
            let requested = machine.to_platform().unwrap();
            assert_eq!(requested.os_version.as_deref(), machine.os_version);
            let index: Vec<Option<&Platform>> = official.iter().map(Option::as_ref).collect();
            assert_eq!(select(&requested, &index).chosen, chosen, "{label}");
        }
        let server_2025 = MACHINES
            .iter()
            .find(|m| m.label == "Windows Server 2025")
            .unwrap()
            .to_platform()
            .unwrap();
        assert_eq!(server_2025.format(), "windows/amd64");
        assert!(Matcher::new(&server_2025).matches(&with_version(
            platform("windows", "amd64", ""),
            "10.0.20348.2227"
        )));
    }

    #[test]
    fn never_panics() {
        let alphabet = [
            "/", "(", ")", "+", "%", "*", "a", "v", "8", ".", "é", " ", "arm64", "9", "%2",
        ];
        let mut inputs: Vec<String> = vec![
            "linux/arm64/v99999999999999999999".into(),
            "linux/arm64/v9.99".into(),
            "linux/arm64/v9.9".into(),
            "linux/arm64/v10".into(),
            "linux/arm64/v8.".into(),
            "linux/arm64/v.".into(),
            "linux/arm/v4294967296".into(),
            "linux/amd64/v64".into(),
            "linux/amd64/v65".into(),
            "windows(10.0.99999999)/amd64".into(),
            "windows(999.0.1)/amd64".into(),
            "windows(%e2%82)/amd64".into(),
            "windows(%)".into(),
            "(((".into(),
            ")".into(),
            "🦀/🦀".into(),
        ];
        for a in alphabet {
            for b in alphabet {
                for c in alphabet {
                    inputs.push(format!("{a}{b}{c}"));
                }
            }
        }
        let everything: Vec<Platform> = inputs
            .iter()
            .map(|input| {
                let _ = Platform::parse(input);
                let mut parts = input.splitn(3, '/');
                let mut raw = platform(
                    parts.next().unwrap_or(""),
                    parts.next().unwrap_or(""),
                    parts.next().unwrap_or(""),
                );
                raw.os_version = Some(input.clone());
                raw.os_features = vec![input.clone(), String::new()];
                raw
            })
            .collect();
        let requests: Vec<Platform> = inputs
            .iter()
            .filter_map(|input| Platform::parse(input).ok())
            .chain(everything.iter().take(200).cloned())
            .collect();
        let entries: Vec<Option<&Platform>> = everything
            .iter()
            .take(300)
            .map(Some)
            .chain([None])
            .collect();
        for requested in &requests {
            let matcher = Matcher::new(requested);
            let _ = matcher.preference();
            let _ = requested.normalized().format();
            let selection = select(requested, &entries);
            assert_eq!(selection.chosen, selection.ranked.first().copied());
            let _ = select(requested, &entries[..entries.len() - 1]);
        }
    }
}
