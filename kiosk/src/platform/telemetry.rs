//! What the terminal knows about itself for the heartbeat and the maintenance menu: free disk, the SoC's
//! temperature, network addresses and the firmware version (the image's slots: `rauc`). Each fact that the
//! machine cannot give is `None` (a development PC has no thermal zone).

use std::path::Path;
use std::time::Duration;

/// How often the heartbeat goes to the platform.
pub const HEARTBEAT_EVERY: Duration = Duration::from_secs(30);

pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Free bytes for the terminal's data (statvfs of the folder).
// The block counts are u32 on some 32-bit targets, u64 on the Pi's aarch64 and on x86-64.
#[allow(clippy::useless_conversion)]
pub fn free_disk(dir: &Path) -> Option<u64> {
    let s = nix::sys::statvfs::statvfs(dir).ok()?;
    Some(u64::from(s.blocks_available()).saturating_mul(u64::from(s.fragment_size())))
}

/// The SoC's temperature in °C (the Raspberry Pi's first thermal zone, in millidegrees).
pub fn temperature() -> Option<f64> {
    temperature_from(Path::new("/sys/class/thermal/thermal_zone0/temp"))
}

fn temperature_from(file: &Path) -> Option<f64> {
    let text = std::fs::read_to_string(file).ok()?;
    let milli: i64 = text.trim().parse().ok()?;
    Some(milli as f64 / 1000.0)
}

/// The machine's addresses, one line per interface and address (loopback left out).
pub fn addresses() -> Vec<String> {
    let Ok(list) = nix::ifaddrs::getifaddrs() else {
        return vec![];
    };
    let mut out: Vec<String> = list
        .filter(|i| i.interface_name != "lo")
        .filter_map(|i| {
            let a = i.address?;
            let ip = a
                .as_sockaddr_in()
                .map(|s| s.ip().to_string())
                .or_else(|| a.as_sockaddr_in6().map(|s| s.ip().to_string()))?;
            Some(format!("{} {ip}", i.interface_name))
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facts_of_this_machine_read_without_failing() {
        let dir = std::env::temp_dir();
        assert!(free_disk(&dir).is_some_and(|b| b > 0));
        let t = dir.join(format!("kiosk-thermal-{}", std::process::id()));
        std::fs::write(&t, "48312\n").expect("write");
        assert_eq!(temperature_from(&t), Some(48.312));
        std::fs::write(&t, "garbage").expect("write");
        assert_eq!(temperature_from(&t), None);
        let _ = std::fs::remove_file(&t);
        // A container may have no interface but loopback; the call must not fail either way.
        let _ = addresses();
    }
}
