import { describe, expect, it } from 'vitest';
import type { VersionFacts } from '../../../devices/policies/policy.ts';
import { rangePolicy } from '../../../devices/policies/range.ts';
import { ctxOf } from './ctx.ts';

function host(properties: Record<string, string>, softwareVersion = '550.54.14'): VersionFacts {
  return {
    driver: 'vgpu',
    vendorId: '10de',
    deviceId: '2331',
    typeId: 'nvidia-1040',
    typeName: '1040',
    softwareVersion,
    properties: { board: 'H100-80GB-PCIe', ecc: 'on', ...properties },
  };
}

function migrate(source: VersionFacts, target: VersionFacts) {
  const shown = rangePolicy.show(ctxOf(source));
  if (typeof shown !== 'string') return shown;
  return rangePolicy.store(ctxOf(target), `${shown}\n`);
}

describe('range policy (NVIDIA-like, ecosystem.md §4.3)', () => {
  it('shows type, board, ECC and branch (branch defaults to the version major)', () => {
    expect(rangePolicy.show(ctxOf(host({})))).toBe(
      'v1;vendor=10de;type=nvidia-1040;board=H100-80GB-PCIe;ecc=on;branch=550',
    );
  });

  it('accepts the same board, ECC and branch', () => {
    expect(migrate(host({}), host({}))).toBe(true);
  });

  it('refuses another board (80 GB PCIe vs 94 GB NVL), another ECC mode, another type', () => {
    expect(migrate(host({}), host({ board: 'H100-94GB-NVL' }))).toMatchObject({ errno: 'EINVAL' });
    expect(migrate(host({}), host({ ecc: 'off' }))).toMatchObject({ errno: 'EINVAL' });
    expect(migrate(host({}), { ...host({}), typeId: 'nvidia-1041' })).toMatchObject({ errno: 'EINVAL' });
  });

  it('is strict by default: a different branch is refused', () => {
    expect(migrate(host({}, '535.1.1'), host({}))).toMatchObject({ errno: 'EINVAL' });
  });

  it('accepts a source branch inside the target window, refuses outside, directionally', () => {
    const wide = host({ branch: '570', branchMin: '550', branchMax: '570' });
    expect(migrate(host({ branch: '550' }), wide)).toBe(true);
    expect(migrate(host({ branch: '560' }), wide)).toBe(true);
    expect(migrate(host({ branch: '535' }), wide)).toMatchObject({ errno: 'EINVAL' });
    expect(migrate(wide, host({ branch: '550' }))).toMatchObject({ errno: 'EINVAL' });
  });

  it("is ENODEV on show and store when migration is 'off' or facts are misconfigured", () => {
    for (const props of [
      { migration: 'off' },
      { migration: 'maybe' },
      { ecc: 'yes' },
      { board: 'two words' },
      { branch: 'x' },
    ]) {
      const ctx = ctxOf(host(props));
      expect(rangePolicy.show(ctx)).toMatchObject({ errno: 'ENODEV' });
      expect(rangePolicy.store(ctx, 'anything')).toMatchObject({ errno: 'ENODEV' });
    }
    const outside = ctxOf(host({ branch: '580', branchMin: '550', branchMax: '570' }));
    expect(rangePolicy.show(outside)).toMatchObject({ errno: 'ENODEV' });
  });

  it('refuses malformed strings with EINVAL', () => {
    const ctx = ctxOf(host({}));
    for (const written of [
      '',
      'v1',
      'v2;vendor=10de;type=nvidia-1040;board=H100-80GB-PCIe;ecc=on;branch=550',
      'v1;type=nvidia-1040',
    ]) {
      expect(rangePolicy.store(ctx, written)).toMatchObject({ errno: 'EINVAL' });
    }
  });
});
