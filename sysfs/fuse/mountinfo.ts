/**
 * /proc/self/mountinfo, parsed (Documentation/filesystems/proc.rst, "3.5 /proc/<pid>/mountinfo"):
 *
 *   36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
 *   (1)(2)(3)   (4)   (5)      (6)      (7)   (8) (9)   (10)         (11)
 *
 * Paths are escaped by the kernel's seq_path: space, tab, newline and backslash appear as
 * `\040`, `\011`, `\012`, `\134`.
 */
import { readFileSync } from 'node:fs';

export interface MountEntry {
  readonly mountId: number;
  readonly parentId: number;
  /** major:minor of the filesystem. */
  readonly device: string;
  /** Root of the mount inside its filesystem (`/sys` for `mount --bind <fuse>/sys ...`). */
  readonly root: string;
  readonly mountPoint: string;
  readonly mountOptions: string;
  /** e.g. `fuse.mdevsim`, `sysfs`, `ext4`. */
  readonly fsType: string;
  /** e.g. `mdevsim` (FUSE fsname). */
  readonly source: string;
  readonly superOptions: string;
}

function unescapeField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(Number.parseInt(oct, 8)));
}

export function parseMountinfo(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const fields = line.split(' ');
    const sep = fields.indexOf('-', 6);
    if (sep < 0 || fields.length < sep + 4) continue;
    entries.push({
      mountId: Number(fields[0]),
      parentId: Number(fields[1]),
      device: fields[2] ?? '',
      root: unescapeField(fields[3] ?? ''),
      mountPoint: unescapeField(fields[4] ?? ''),
      mountOptions: fields[5] ?? '',
      fsType: fields[sep + 1] ?? '',
      source: unescapeField(fields[sep + 2] ?? ''),
      superOptions: fields[sep + 3] ?? '',
    });
  }
  return entries;
}

/** The mount table of this process's mount namespace. procfs, never a FUSE path: safe to read synchronously. */
export function readMountinfo(): MountEntry[] {
  return parseMountinfo(readFileSync('/proc/self/mountinfo', 'utf8'));
}

/** Every mount whose mount point is exactly `path` (an absolute, normalized path), innermost last. */
export function mountsAt(path: string): MountEntry[] {
  return readMountinfo().filter((m) => m.mountPoint === path);
}

export function isMountPoint(path: string): boolean {
  return mountsAt(path).length > 0;
}
