import { describe, expect, it } from 'vitest';
import {
  formatMigFlags,
  isMigratable,
  MIG_FLAG,
  MIG_STATE,
  MIG_STATE_NAMES,
  migStateName,
  parseMigState,
} from '../../../devices/vfio/states.ts';

describe('vfio_device_mig_state (kernel.md §3.1)', () => {
  it('§3.1/§7.4: uAPI numbers, not FSM order', () => {
    expect(MIG_STATE).toEqual({
      ERROR: 0,
      STOP: 1,
      RUNNING: 2,
      STOP_COPY: 3,
      RESUMING: 4,
      RUNNING_P2P: 5,
      PRE_COPY: 6,
      PRE_COPY_P2P: 7,
    });
    for (const [name, n] of Object.entries(MIG_STATE)) expect(MIG_STATE_NAMES[n]).toBe(name);
    expect(migStateName(5)).toBe('RUNNING_P2P');
    expect(MIG_FLAG).toEqual({ STOP_COPY: 1, P2P: 2, PRE_COPY: 4 });
  });

  it('parses names case-insensitively, with the uAPI prefix, abbreviations and numbers', () => {
    expect(parseMigState('running')).toBe(2);
    expect(parseMigState(' Pre_Copy_P2P ')).toBe(7);
    expect(parseMigState('VFIO_DEVICE_STATE_STOP_COPY')).toBe(3);
    expect(parseMigState('rp2p')).toBe(5);
    expect(parseMigState('4')).toBe(4);
    expect(parseMigState(0)).toBe(0);
    expect(parseMigState('8')).toMatchObject({ errno: 'EINVAL' });
    expect(parseMigState(-1)).toMatchObject({ errno: 'EINVAL' });
    expect(parseMigState('PAUSED')).toMatchObject({ errno: 'EINVAL' });
  });

  it('§3.2: migratable iff STOP_COPY is advertised and no unknown bit is set', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(isMigratable)).toEqual([
      false,
      true,
      false,
      true,
      false,
      true,
      false,
      true,
      false,
      false,
    ]);
    expect(formatMigFlags(7)).toBe('STOP_COPY|P2P|PRE_COPY');
    expect(formatMigFlags(0)).toBe('0');
  });
});
