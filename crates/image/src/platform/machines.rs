//! Familiar machines for the platform picker ("Raspberry Pi 4", "Apple silicon"), most common first.

use super::{Platform, PlatformError};

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

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::super::*;
    use super::*;

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
}
