// Which device OS × architecture × IoT Edge runtime combinations are supported, and until when: the one table the
// lowering (default runtime), the platform check (validate warns past an end date) and the step-2 script read.
// A combination is supported until the earlier of the runtime's end of support and the OS's end of (standard or LTS)
// support. Sources, read 2026-12-07:
// - IoT Edge 1.5 LTS: serviced until 2026-11-10; 1.6 LTS (released 2026-07-14) until 2028-11-14 (Azure/iotedge
//   CHANGELOG.md, Azure/azure-iotedge releases; shared/reference/field-notes.md).
// - Packages per OS: 1.5.10 added Ubuntu 24.04 and Debian 12, 1.5.21 dropped Ubuntu 20.04, 1.6.0 dropped Debian 11;
//   arm32v7 (armhf) packages are built for Debian only (Azure/iotedge builds/misc/templates/build-packages.yaml).
// - Ubuntu 22.04 LTS: standard support ends April 2027; 24.04 LTS: April 2029 (Canonical release cycle).
// - Debian 11: LTS ended 2026-08-31; Debian 12: LTS until 2028-06-30 (Debian LTS wiki). Raspberry Pi OS 12 is
//   Debian 12 (bookworm) and follows its dates.
import type { Platform, RuntimeVersion } from './types.js';

/** The runtime a spec gets when it names none: the newest LTS. */
export const DEFAULT_RUNTIME: RuntimeVersion = '1.6';

/** End of support of each IoT Edge runtime line (ISO dates). */
export const RUNTIME_SUPPORT_ENDS: Readonly<Record<RuntimeVersion, string>> = {
  '1.5': '2026-11-10',
  '1.6': '2028-11-14',
};

/** End of support of each device OS the scripts can set up (ISO dates). */
export const OS_SUPPORT_ENDS: Readonly<Record<string, string>> = {
  'ubuntu-22.04': '2027-04-30',
  'ubuntu-24.04': '2029-04-30',
  'debian-11': '2026-08-31',
  'debian-12': '2028-06-30',
  'raspberry-pi-os-12': '2028-06-30',
};

export interface SupportedCombination {
  os: string;
  runtime: RuntimeVersion;
  /** Architectures IoT Edge publishes packages for on this OS. */
  platforms: readonly Platform[];
  /** Last day of support: the earlier of the runtime's and the OS's end. */
  until: string;
}

const DEBIAN_ARCHES: readonly Platform[] = ['amd64', 'arm64v8', 'arm32v7'];
const UBUNTU_ARCHES: readonly Platform[] = ['amd64', 'arm64v8'];

/** The OSes each runtime line ships packages for, and on which architectures. */
const PACKAGES: Readonly<Record<RuntimeVersion, Readonly<Record<string, readonly Platform[]>>>> = {
  '1.5': {
    'ubuntu-22.04': UBUNTU_ARCHES,
    'ubuntu-24.04': UBUNTU_ARCHES,
    'debian-11': DEBIAN_ARCHES,
    'debian-12': DEBIAN_ARCHES,
    'raspberry-pi-os-12': DEBIAN_ARCHES,
  },
  '1.6': { 'ubuntu-22.04': UBUNTU_ARCHES, 'ubuntu-24.04': UBUNTU_ARCHES, 'debian-12': DEBIAN_ARCHES, 'raspberry-pi-os-12': DEBIAN_ARCHES },
};

const earlier = (a: string, b: string): string => (a < b ? a : b);

/** Every supported combination, one row per OS and runtime (the table the README and docs describe). */
export const SUPPORT_TABLE: readonly SupportedCombination[] = (Object.keys(PACKAGES) as RuntimeVersion[]).flatMap((runtime) =>
  Object.entries(PACKAGES[runtime]).map(([os, platforms]) => ({
    os,
    runtime,
    platforms,
    until: earlier(RUNTIME_SUPPORT_ENDS[runtime], OS_SUPPORT_ENDS[os] ?? RUNTIME_SUPPORT_ENDS[runtime]),
  })),
);

/** The row for an OS and runtime, or undefined when IoT Edge has no packages for that OS. */
export function supportedCombination(os: string, runtime: RuntimeVersion): SupportedCombination | undefined {
  return SUPPORT_TABLE.find((row) => row.os === os && row.runtime === runtime);
}

/** The OSes a runtime line has packages for. */
export function supportedOses(runtime: RuntimeVersion): string[] {
  return SUPPORT_TABLE.filter((row) => row.runtime === runtime).map((row) => row.os);
}

/**
 * "Today" for support-date checks, as YYYY-MM-DD (UTC). SOURCE_DATE_EPOCH (the reproducible-builds convention,
 * seconds since 1970) pins it, so tests and CI give the same diagnostics on any day; otherwise the clock.
 */
export function supportCheckDate(env: Readonly<Record<string, string | undefined>>, now: () => number = Date.now): string {
  const epoch = env.SOURCE_DATE_EPOCH;
  const ms = epoch !== undefined && /^\d{1,12}$/.test(epoch.trim()) ? Number(epoch.trim()) * 1000 : now();
  return new Date(ms).toISOString().slice(0, 10);
}
