import { beforeEach, describe, expect, it } from 'vitest';
import type { Host } from '../../sysfs/host.ts';
import { catchSys, expectSys } from '../helpers/errors.ts';
import { loadMixedWorld, MIXED, typeDir, uuidN } from '../helpers/scenarios.ts';

const U = '5ac1fb20-2bbf-4842-bb7e-36c58c3be9cd';
const MTTY1 = typeDir(MIXED.mtty, 'mtty-1');
const MTTY2 = typeDir(MIXED.mtty, 'mtty-2');
const GVT8 = typeDir(MIXED.gvtg, 'i915-GVTg_V5_8');
const GVT1 = typeDir(MIXED.gvtg, 'i915-GVTg_V5_1');
const COUNTED8 = typeDir(MIXED.counted, 'i915-GVTg_V5_8');
const COUNTED1 = typeDir(MIXED.counted, 'i915-GVTg_V5_1');

describe('kernel.md §1.3 create_store + mdev_device_create', () => {
  let host: Host;
  const devices = () => host.sysfs.readdir('/sys/bus/mdev/devices');
  const avail = (dir: string) => host.sysfs.read(`${dir}/available_instances`);

  beforeEach(async () => {
    host = (await loadMixedWorld({ maxInstances: 1 })).host('h');
  });

  describe('step 1: write length must be 36 or 37 bytes', () => {
    it('36 bytes (bare UUID) → returns 36 and creates <uuid>', () => {
      expect(host.sysfs.write(`${MTTY1}/create`, U)).toBe(36);
      expect(devices()).toEqual([U]);
    });

    it('37 bytes (UUID + newline, what echo writes) → returns 37', () => {
      expect(host.sysfs.write(`${MTTY1}/create`, `${U}\n`)).toBe(37);
      expect(devices()).toEqual([U]);
    });

    it('35 bytes → EINVAL, nothing created', () => {
      expectSys(
        () => host.sysfs.write(`${MTTY1}/create`, U.slice(0, 35)),
        'EINVAL',
        'write',
        `${MTTY1}/create`,
      );
      expect(devices()).toEqual([]);
      expect(avail(MTTY1)).toBe('24\n');
    });

    it('38 bytes (UUID + two newlines) → EINVAL', () => {
      expectSys(() => host.sysfs.write(`${MTTY1}/create`, `${U}\n\n`), 'EINVAL');
      expect(devices()).toEqual([]);
    });

    it('a 36-byte prefix with 2 extra chars (38 bytes: `<uuid>ab`) → EINVAL even though the GUID is valid', () => {
      expectSys(() => host.sysfs.write(`${MTTY1}/create`, `${U}ab`), 'EINVAL');
    });

    it('the 37th byte is not validated: `<uuid>x` (37 bytes) creates <uuid>', () => {
      expect(host.sysfs.write(`${MTTY1}/create`, `${U}x`)).toBe(37);
      expect(devices()).toEqual([U]);
    });

    it('the length is counted in bytes: a 36-char string with one 2-byte UTF-8 char is 37 bytes', () => {
      // 'é' at the end replaces the last hex digit: 35 ASCII + 2 bytes = 37 bytes, guid_parse fails.
      expectSys(() => host.sysfs.write(`${MTTY1}/create`, `${U.slice(0, 35)}é`), 'EINVAL');
    });
  });

  describe('step 2: guid_parse (8-4-4-4-12 hex, either case)', () => {
    it.each([
      ['hyphens moved', '5ac1fb202-bbf-4842-bb7e-36c58c3be9cd'],
      ['non-hex', '5ac1fb20-2bbf-4842-bb7e-36c58c3be9cg'],
      ['leading space', ` ${U.slice(0, 35)}`],
      ['32 hex without hyphens + 4 spaces', `${U.replaceAll('-', '')}    `],
      ['braces', `{${U.slice(0, 34)}}`],
      ['all hyphens', '-'.repeat(36)],
      ['underscores for hyphens', U.replaceAll('-', '_')],
    ])('%s → EINVAL', (_label, text) => {
      expect(text.length).toBe(36);
      expectSys(() => host.sysfs.write(`${MTTY1}/create`, text), 'EINVAL');
      expect(devices()).toEqual([]);
    });

    it('upper case is accepted and the device is named in lower case (%pUl)', () => {
      expect(host.sysfs.write(`${MTTY1}/create`, `${U.toUpperCase()}\n`)).toBe(37);
      expect(devices()).toEqual([U]);
      expect(host.sysfs.readdir(`${MTTY1}/devices`)).toEqual([U]);
      expect(host.sysfs.exists(`/sys/bus/mdev/devices/${U.toUpperCase()}`)).toBe(false);
    });
  });

  describe('step 3: a UUID used by any mdev on the host → EEXIST', () => {
    it('same type', () => {
      host.sysfs.write(`${MTTY1}/create`, U);
      expectSys(() => host.sysfs.write(`${MTTY1}/create`, U), 'EEXIST', 'write', `${MTTY1}/create`);
      expect(avail(MTTY1)).toBe('23\n');
    });

    it('another type of the same parent', () => {
      host.sysfs.write(`${MTTY1}/create`, U);
      expectSys(() => host.sysfs.write(`${MTTY2}/create`, U), 'EEXIST');
      expect(host.sysfs.readdir(`${MTTY2}/devices`)).toEqual([]);
    });

    it('another parent (mtty → gvtg)', () => {
      host.sysfs.write(`${MTTY1}/create`, U);
      expectSys(() => host.sysfs.write(`${GVT8}/create`, `${U}\n`), 'EEXIST');
      expect(avail(GVT8)).toBe('8\n');
      expect(devices()).toEqual([U]);
    });

    it('case-insensitive: the upper-case form of an existing UUID on another parent → EEXIST', () => {
      host.sysfs.write(`${GVT8}/create`, U);
      expectSys(() => host.sysfs.write(`${MTTY2}/create`, U.toUpperCase()), 'EEXIST');
      expectSys(
        () => host.sysfs.write(`${MTTY2}/create`, `5AC1fb20-2BBF-4842-bb7e-36C58C3BE9CD\n`),
        'EEXIST',
      );
    });

    it('checked before the core counter: a used UUID on an exhausted max_instances parent → EEXIST, not EUSERS', () => {
      expect(host.sysfs.write(`${COUNTED8}/create`, U)).toBe(36);
      expect(avail(COUNTED8)).toBe('0\n');
      expectSys(() => host.sysfs.write(`${COUNTED1}/create`, U.toUpperCase()), 'EEXIST');
      expectSys(() => host.sysfs.write(`${COUNTED1}/create`, uuidN(1)), 'EUSERS');
    });

    it('checked before the driver pool: a used UUID on a full mtty → EEXIST, not ENOSPC', () => {
      for (let i = 0; i < 12; i++) host.sysfs.write(`${MTTY2}/create`, uuidN(i));
      expect(avail(MTTY1)).toBe('0\n');
      expectSys(() => host.sysfs.write(`${MTTY1}/create`, uuidN(3)), 'EEXIST');
      expectSys(() => host.sysfs.write(`${MTTY1}/create`, uuidN(99)), 'ENOSPC');
    });

    it('a removed UUID can be used again', () => {
      host.sysfs.write(`${MTTY1}/create`, U);
      host.sysfs.write(`/sys/bus/mdev/devices/${U}/remove`, '1');
      expect(host.sysfs.write(`${GVT8}/create`, U)).toBe(36);
      expect(host.sysfs.readlink(`/sys/bus/mdev/devices/${U}`)).toBe(
        `../../../devices/pci0000:00/0000:00:02.0/${U}`,
      );
    });

    it('a parse error wins over a duplicate: `<used uuid>\\n\\n` → EINVAL', () => {
      host.sysfs.write(`${MTTY1}/create`, U);
      expectSys(() => host.sysfs.write(`${MTTY1}/create`, `${U}\n\n`), 'EINVAL');
    });
  });

  describe('step 4: no get_available and the per-parent counter is 0 → EUSERS (v6.1+)', () => {
    it('maxInstances 1: the counter is per parent, shared by all types', () => {
      expect(avail(COUNTED8)).toBe('1\n');
      expect(avail(COUNTED1)).toBe('1\n');
      host.sysfs.write(`${COUNTED1}/create`, uuidN(1));
      for (const t of ['i915-GVTg_V5_1', 'i915-GVTg_V5_2', 'i915-GVTg_V5_4', 'i915-GVTg_V5_8']) {
        expect(avail(typeDir(MIXED.counted, t))).toBe('0\n');
      }
      const e = expectSys(() => host.sysfs.write(`${COUNTED8}/create`, uuidN(2)), 'EUSERS', 'write');
      expect(e.errno).toBe(87);
      expect(e.message).toBe(`EUSERS: too many users, write '${COUNTED8}/create'`);
    });

    it('the counter is returned at release', () => {
      host.sysfs.write(`${COUNTED1}/create`, uuidN(1));
      host.sysfs.write(`/sys/bus/mdev/devices/${uuidN(1)}/remove`, '1');
      expect(avail(COUNTED8)).toBe('1\n');
      expect(host.sysfs.write(`${COUNTED8}/create`, uuidN(2))).toBe(36);
    });

    it('maxInstances 0: every type shows 0 and any new UUID → EUSERS; a used one still → EEXIST', async () => {
      host = (await loadMixedWorld({ maxInstances: 0 })).host('h');
      expect(avail(COUNTED8)).toBe('0\n');
      expectSys(() => host.sysfs.write(`${COUNTED8}/create`, uuidN(5)), 'EUSERS');
      host.sysfs.write(`${MTTY1}/create`, uuidN(6));
      expectSys(() => host.sysfs.write(`${COUNTED8}/create`, uuidN(6)), 'EEXIST');
    });

    it('the counter ignores the driver units: maxInstances 2 allows V5_1 twice (each a whole GPU)', async () => {
      host = (await loadMixedWorld({ maxInstances: 2 })).host('h');
      expect(host.sysfs.write(`${COUNTED1}/create`, uuidN(1))).toBe(36);
      expect(host.sysfs.write(`${COUNTED1}/create`, uuidN(2))).toBe(36);
      expectSys(() => host.sysfs.write(`${COUNTED1}/create`, uuidN(3)), 'EUSERS');
    });
  });

  describe('step 6: parent unregistration in progress → ENODEV (via the kernel API)', () => {
    it('create answers ENODEV while the parent is unregistering, after the EEXIST and EUSERS checks', () => {
      host.sysfs.write(`${MTTY1}/create`, U);
      const mtty = host.kernel.parents.get('mtty');
      const counted = host.kernel.parents.get(MIXED.counted);
      if (mtty === undefined || counted === undefined) throw new Error('parents missing');
      mtty.unregistering = true;
      expectSys(() => host.sysfs.write(`${MTTY1}/create`, uuidN(1)), 'ENODEV', 'write');
      expectSys(() => host.sysfs.write(`${MTTY2}/create`, U), 'EEXIST');
      expect(devices()).toEqual([U]);
      host.sysfs.write(`${COUNTED8}/create`, uuidN(2));
      counted.unregistering = true;
      expectSys(() => host.sysfs.write(`${COUNTED8}/create`, uuidN(3)), 'EUSERS');
      mtty.unregistering = false;
      expect(host.sysfs.write(`${MTTY1}/create`, uuidN(1))).toBe(36);
    });
  });

  describe('step 7: the driver probe errno reaches the writer', () => {
    it('mtty out of ports → ENOSPC (28)', () => {
      for (let i = 0; i < 24; i++) host.sysfs.write(`${MTTY1}/create`, uuidN(i));
      expect(catchSys(() => host.sysfs.write(`${MTTY1}/create`, uuidN(99))).errno).toBe(28);
    });

    it('GVT-g pool: V5_1 needs all 8 units → ENOSPC after any other vGPU', () => {
      host.sysfs.write(`${GVT8}/create`, uuidN(1));
      expect(avail(GVT1)).toBe('0\n');
      expectSys(() => host.sysfs.write(`${GVT1}/create`, uuidN(2)), 'ENOSPC');
    });
  });

  it('a refused create leaves no trace: no node, no link, no capacity change, a create-failed event', () => {
    const failed: string[] = [];
    host.kernel.bus.on('mdev:create-failed', (e) => failed.push(`${e.type}:${e.errno}`));
    host.sysfs.write(`${MTTY1}/create`, U);
    const before = [avail(MTTY1), avail(MTTY2)];
    for (const bad of [U, U.slice(1), `${U}\n\n`]) catchSys(() => host.sysfs.write(`${MTTY2}/create`, bad));
    expect([avail(MTTY1), avail(MTTY2)]).toEqual(before);
    expect(devices()).toEqual([U]);
    expect(host.sysfs.readdir(`${MTTY2}/devices`)).toEqual([]);
    expect(host.sysfs.readdir('/sys/devices/virtual/mtty/mtty')).toEqual(['mdev_supported_types', U]);
    expect(failed).toEqual(['mtty-2:EEXIST', 'mtty-2:EINVAL', 'mtty-2:EINVAL']);
  });

  it('success emits mdev:created with the canonical UUID and the virtual time', () => {
    const created: unknown[] = [];
    host.kernel.bus.on('mdev:created', (e) => created.push(e));
    host.sysfs.write(`${MTTY2}/create`, U.toUpperCase());
    expect(created).toEqual([{ host: 'h', parent: 'mtty', type: 'mtty-2', uuid: U, aggregate: 1, at: 0 }]);
  });
});
