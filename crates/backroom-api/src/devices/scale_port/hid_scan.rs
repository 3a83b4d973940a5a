//! Finding USB HID scales without root, through sysfs: each `/sys/class/hidraw/hidrawN/device`
//! has a `uevent` naming the device (`HID_ID=0003:00000922:00008003`, `HID_NAME=...`) and its
//! `report_descriptor`, both readable by anyone. A device is a scale when its descriptor has an
//! application collection on the scales usage page (0x8D), whoever made it; no list of vendor
//! ids decides.

use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use backroom_core::scale::hid::{self, ReportFormat};

use super::ScalePortError;

/// Where the kernel lists hidraw nodes.
pub const SYS_CLASS_HIDRAW: &str = "/sys/class/hidraw";

/// The udev rule that lets the person at the desk read a scale, as packaged.
pub const UDEV_RULE: &str = "70-backroom-scales.rules";

/// What to do about a hidraw node this user may not read.
pub(super) const PERMISSION_HINT: &str = "install the udev rule 70-backroom-scales.rules (the \
     Backroom package puts it in /usr/lib/udev/rules.d; from a source tree: sudo cp \
     packaging/udev/70-backroom-scales.rules /etc/udev/rules.d/ && sudo udevadm control --reload \
     && sudo udevadm trigger), then unplug the scale and plug it in again";

/// A hidraw node and what sysfs says of its device.
#[derive(Debug, Clone, PartialEq)]
pub struct HidDevice {
    /// The node to open, such as `/dev/hidraw0`.
    pub node: String,
    pub vendor: u16,
    pub product: u16,
    /// The product name the device gives, such as `DYMO M10 Scale`.
    pub name: String,
    /// The report layout, when the descriptor shows a scale.
    pub scale: Option<ReportFormat>,
    /// Whether this user may open the node for reading.
    pub readable: bool,
}

impl HidDevice {
    /// `0922:8003 DYMO M10 Scale`, as `scale list` prints it.
    pub fn description(&self) -> String {
        let mut text = format!("{:04x}:{:04x} {}", self.vendor, self.product, self.name);
        if !self.readable {
            text.push_str(&format!(" (not readable by this user: install {UDEV_RULE})"));
        }
        text
    }
}

/// Every hidraw node the kernel lists, in node order. `BACKROOM_HIDRAW_SYSFS` and
/// `BACKROOM_HIDRAW_DEV` put a directory laid out as `/sys/class/hidraw` and one holding the
/// nodes in their place, for tests of the whole program and for containers that mount sysfs
/// elsewhere.
pub fn scan() -> Vec<HidDevice> {
    let place = |name: &str, default: &str| {
        std::env::var_os(name).map_or_else(|| PathBuf::from(default), PathBuf::from)
    };
    scan_in(
        &place("BACKROOM_HIDRAW_SYSFS", SYS_CLASS_HIDRAW),
        &place("BACKROOM_HIDRAW_DEV", "/dev"),
    )
}

/// The hidraw nodes listed under `class` (laid out as `/sys/class/hidraw`), with their nodes
/// in `dev`. A node whose sysfs entry cannot be read is left out.
pub fn scan_in(class: &Path, dev: &Path) -> Vec<HidDevice> {
    let Ok(entries) = std::fs::read_dir(class) else { return Vec::new() };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("hidraw"))
        .collect();
    names.sort_by_key(|name| (name.len(), name.clone()));
    names.into_iter().filter_map(|name| device(&class.join(&name), &dev.join(&name))).collect()
}

fn device(entry: &Path, node: &Path) -> Option<HidDevice> {
    let uevent = std::fs::read_to_string(entry.join("device/uevent")).ok()?;
    let field = |key: &str| {
        uevent.lines().find_map(|line| line.strip_prefix(key)?.strip_prefix('=')).map(str::trim)
    };
    let mut ids = field("HID_ID")?.split(':');
    let (_bus, vendor, product) = (ids.next()?, ids.next()?, ids.next()?);
    let vendor = u16::try_from(u32::from_str_radix(vendor, 16).ok()?).ok()?;
    let product = u16::try_from(u32::from_str_radix(product, 16).ok()?).ok()?;
    let descriptor = std::fs::read(entry.join("device/report_descriptor")).unwrap_or_default();
    Some(HidDevice {
        node: node.to_string_lossy().into_owned(),
        vendor,
        product,
        name: field("HID_NAME").unwrap_or("").to_owned(),
        scale: hid::describe(&descriptor).map(|scale| scale.format),
        readable: readable(node),
    })
}

fn readable(node: &Path) -> bool {
    let Ok(path) = CString::new(node.as_os_str().as_bytes()) else { return false };
    // SAFETY: access reads the NUL-terminated path it is given and nothing else.
    unsafe { libc::access(path.as_ptr(), libc::R_OK) == 0 }
}

/// Which scale a station's `port` names: `auto` (the first scale found), a node such as
/// `/dev/hidraw0`, or a `vendor:product` pair such as `0922:8003`, which survives the scale
/// coming back as another node.
pub(super) fn resolve(devices: &[HidDevice], port: &str) -> Result<HidDevice, ScalePortError> {
    let port = port.trim();
    let scales = || devices.iter().filter(|device| device.scale.is_some());
    let found = if port.is_empty() || port.eq_ignore_ascii_case("auto") {
        scales().next()
    } else if let Some((vendor, product)) = ids(port) {
        scales().find(|device| (device.vendor, device.product) == (vendor, product))
    } else {
        let device = devices.iter().find(|device| same_node(&device.node, port));
        if let Some(device) = device.filter(|device| device.scale.is_none()) {
            return Err(ScalePortError::NotAScale {
                path: device.node.clone(),
                name: device.description(),
            });
        }
        device
    };
    found.cloned().ok_or_else(|| ScalePortError::NoHidScale { port: port.to_owned() })
}

fn ids(port: &str) -> Option<(u16, u16)> {
    let (vendor, product) = port.split_once(':')?;
    if vendor.len() != 4 || product.len() != 4 {
        return None;
    }
    Some((u16::from_str_radix(vendor, 16).ok()?, u16::from_str_radix(product, 16).ok()?))
}

fn same_node(node: &str, port: &str) -> bool {
    let name = |path: &str| PathBuf::from(path).file_name().map(|name| name.to_owned());
    node == port || (port.starts_with("/dev/") && name(node) == name(port))
}

/// Whether `port` names a HID scale rather than a serial port.
pub fn names_hid(port: &str) -> bool {
    let port = port.trim();
    port.contains("hidraw") || ids(port).is_some()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The Pitney Bowes scale's descriptor (see the core's `hid` tests): report 3, unsigned
    /// weight.
    pub const SCALE_DESCRIPTOR: &[u8] = &[
        0x05, 0x8D, 0x09, 0x20, 0xA1, 0x01, 0x09, 0x32, 0xA1, 0x02, 0x85, 0x03, 0x75, 0x08, 0x15,
        0x01, 0x09, 0x70, 0xA1, 0x02, 0x25, 0x08, 0x19, 0x71, 0x29, 0x78, 0x81, 0x00, 0xC0, 0x09,
        0x50, 0xA1, 0x02, 0x25, 0x0C, 0x19, 0x51, 0x29, 0x5C, 0x81, 0x00, 0xC0, 0x15, 0x81, 0x25,
        0x7F, 0x09, 0x41, 0x81, 0x02, 0x75, 0x10, 0x15, 0x00, 0x27, 0xFF, 0xFF, 0x00, 0x00, 0x09,
        0x40, 0x81, 0x02, 0xC0, 0xC0,
    ];

    /// A keyboard, as a barcode scanner presents itself.
    pub const KEYBOARD_DESCRIPTOR: &[u8] = &[
        0x05, 0x01, 0x09, 0x06, 0xA1, 0x01, 0x05, 0x07, 0x19, 0xE0, 0x29, 0xE7, 0x15, 0x00, 0x25,
        0x01, 0x75, 0x01, 0x95, 0x08, 0x81, 0x02, 0xC0,
    ];

    /// A directory laid out as `/sys/class/hidraw`, and one as `/dev`.
    pub struct FakeSys {
        pub dir: tempfile::TempDir,
    }

    impl FakeSys {
        pub fn new() -> FakeSys {
            let dir = tempfile::tempdir().unwrap();
            std::fs::create_dir_all(dir.path().join("class")).unwrap();
            std::fs::create_dir_all(dir.path().join("dev")).unwrap();
            FakeSys { dir }
        }

        pub fn class(&self) -> PathBuf {
            self.dir.path().join("class")
        }

        pub fn dev(&self) -> PathBuf {
            self.dir.path().join("dev")
        }

        /// Adds `hidrawN` with its uevent and descriptor, and a readable node.
        pub fn add(&self, name: &str, id: &str, product: &str, descriptor: &[u8]) {
            let device = self.class().join(name).join("device");
            std::fs::create_dir_all(&device).unwrap();
            let uevent = format!(
                "DRIVER=hid-generic\nHID_ID={id}\nHID_NAME={product}\nHID_PHYS=usb-0000:00:14.0-1/input0\nHID_UNIQ=\nMODALIAS=hid:b0003g0001v00000922p00008003\n"
            );
            std::fs::write(device.join("uevent"), uevent).unwrap();
            std::fs::write(device.join("report_descriptor"), descriptor).unwrap();
            std::fs::write(self.dev().join(name), b"").unwrap();
        }

        pub fn scan(&self) -> Vec<HidDevice> {
            scan_in(&self.class(), &self.dev())
        }
    }

    #[test]
    fn scales_are_found_by_their_usage_page_whoever_made_them() {
        let sys = FakeSys::new();
        sys.add(
            "hidraw0",
            "0003:000005E0:00001200",
            "Symbol Bar Code Scanner",
            KEYBOARD_DESCRIPTOR,
        );
        sys.add("hidraw1", "0003:00000922:00008003", "DYMO M10 Scale", SCALE_DESCRIPTOR);
        // An unknown maker: still a scale by its descriptor.
        sys.add("hidraw10", "0003:00001234:00005678", "Acme Parcel Scale", SCALE_DESCRIPTOR);
        sys.add("hidraw2", "0003:0000046D:0000C52B", "Logitech USB Receiver", &[]);
        // Not a HID device entry at all.
        std::fs::create_dir_all(sys.class().join("hidraw3")).unwrap();
        let devices = sys.scan();
        let nodes: Vec<&str> = devices.iter().map(|d| d.node.rsplit('/').next().unwrap()).collect();
        assert_eq!(nodes, ["hidraw0", "hidraw1", "hidraw2", "hidraw10"]);
        let scales: Vec<&HidDevice> = devices.iter().filter(|d| d.scale.is_some()).collect();
        assert_eq!(scales.len(), 2);
        assert_eq!((scales[0].vendor, scales[0].product), (0x0922, 0x8003));
        assert_eq!(scales[0].name, "DYMO M10 Scale");
        assert!(scales[0].readable);
        assert_eq!(scales[0].description(), "0922:8003 DYMO M10 Scale");
        assert_eq!(scales[1].name, "Acme Parcel Scale");
    }

    #[test]
    fn a_station_names_its_scale_by_auto_node_or_ids() {
        let sys = FakeSys::new();
        sys.add(
            "hidraw0",
            "0003:000005E0:00001200",
            "Symbol Bar Code Scanner",
            KEYBOARD_DESCRIPTOR,
        );
        sys.add("hidraw4", "0003:00000922:00008003", "DYMO M10 Scale", SCALE_DESCRIPTOR);
        let devices = sys.scan();
        let node = |port: &str| resolve(&devices, port).map(|device| device.node);
        let dymo = sys.dev().join("hidraw4").to_string_lossy().into_owned();
        assert_eq!(node("auto"), Ok(dymo.clone()));
        assert_eq!(node("0922:8003"), Ok(dymo.clone()));
        assert_eq!(node("/dev/hidraw4"), Ok(dymo));
        let error = node("/dev/hidraw0").unwrap_err();
        assert!(
            error.to_string().contains("is not a scale") && error.to_string().contains("Scanner"),
            "{error}"
        );
        let error = node("0922:8004").unwrap_err().to_string();
        assert!(error.contains("no USB scale") && error.contains("scales found"), "{error}");
        assert!(matches!(resolve(&[], "auto"), Err(ScalePortError::NoHidScale { .. })));
    }

    #[test]
    fn ports_that_name_hid_scales() {
        assert!(names_hid("/dev/hidraw0") && names_hid("0922:8003"));
        assert!(!names_hid("/dev/ttyUSB0") && !names_hid("auto") && !names_hid("COM3"));
    }

    /// The rule the hint names is the one in the tree, the .deb installs it where the hint
    /// says, and its descriptor test matches a scale's descriptor as `od` prints it.
    #[test]
    fn the_udev_rule_is_shipped_where_the_hint_says() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let rule = std::fs::read_to_string(root.join("packaging/udev").join(UDEV_RULE)).unwrap();
        let granting: Vec<&str> = rule.lines().filter(|line| line.contains("TAG+=")).collect();
        assert!(
            granting.len() >= 2 && granting.iter().all(|line| line.contains("TAG+=\"uaccess\""))
        );
        assert!(rule.contains("SUBSYSTEM!=\"hidraw\""));
        let config: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(root.join("src-tauri/tauri.conf.json")).unwrap(),
        )
        .unwrap();
        let installed = &config["bundle"]["linux"]["deb"]["files"]
            [format!("/usr/lib/udev/rules.d/{UDEV_RULE}").as_str()];
        assert_eq!(installed, &format!("../packaging/udev/{UDEV_RULE}"));
        assert!(PERMISSION_HINT.contains("/usr/lib/udev/rules.d"));

        let dir = tempfile::tempdir().unwrap();
        let descriptor = dir.path().join("report_descriptor");
        std::fs::write(&descriptor, SCALE_DESCRIPTOR).unwrap();
        let od = std::process::Command::new("od")
            .args(["-An", "-tx1", "-N3"])
            .arg(&descriptor)
            .output()
            .unwrap();
        assert!(String::from_utf8_lossy(&od.stdout).contains("05 8d"), "{od:?}");
    }

    #[test]
    fn an_unreadable_node_says_which_rule_to_install() {
        let device = HidDevice {
            node: "/dev/hidraw0".into(),
            vendor: 0x0922,
            product: 0x8003,
            name: "DYMO M10 Scale".into(),
            scale: Some(ReportFormat::default()),
            readable: false,
        };
        assert!(device.description().contains("install 70-backroom-scales.rules"));
        assert!(PERMISSION_HINT.contains("packaging/udev/70-backroom-scales.rules"));
    }
}
