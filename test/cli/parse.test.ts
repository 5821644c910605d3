import { describe, expect, it } from 'vitest';
import { parseFlags } from '../../cli/commands/fsm.ts';
import { migrateAction } from '../../cli/commands/migrate.ts';
import { debugEnabled, formatRuntimeError, UsageError } from '../../cli/errors.ts';
import { parseBytesPerSecond, parseHostUuid, parseInteger } from '../../cli/parse.ts';
import { parseUuidArg } from '../../cli/uuid.ts';

const U = '976d8cc2-4bfc-43b9-b9f9-f4af2de91ab9';

describe('UUIDs as the Rust uuid crate reads them', () => {
  it('hyphenated, simple, braced and urn forms, any case; output lower-case hyphenated', () => {
    for (const form of [U, U.toUpperCase(), U.replaceAll('-', ''), `{${U}}`, `urn:uuid:${U}`]) {
      expect(parseUuidArg(form)).toBe(U);
    }
  });

  it('rejects anything else', () => {
    for (const bad of [
      '',
      U.slice(1),
      `${U}0`,
      `${U.slice(0, 8)}_${U.slice(9)}`,
      `URN:UUID:${U}`,
      `{${U}`,
      'g'.repeat(32),
    ]) {
      expect(parseUuidArg(bad)).toBeUndefined();
    }
  });
});

describe('option values', () => {
  it('--flags: numbers and flag names; STOP_COPY is required', () => {
    expect(parseFlags('7')).toBe(7);
    expect(parseFlags('0x5')).toBe(5);
    expect(parseFlags('0b11')).toBe(3);
    expect(parseFlags('stop_copy|p2p')).toBe(3);
    expect(parseFlags('VFIO_MIGRATION_STOP_COPY,VFIO_MIGRATION_PRE_COPY')).toBe(5);
    for (const bad of ['0', '2', '4', '6', '8', '15', '-1', 'P2P', 'STOP_COPY|BOGUS', '']) {
      expect(() => parseFlags(bad)).toThrow(UsageError);
    }
  });

  it('--bandwidth: bytes per second with binary suffixes', () => {
    expect(parseBytesPerSecond('1000', '--bw')).toBe(1000);
    expect(parseBytesPerSecond('128M', '--bw')).toBe(128 * 2 ** 20);
    expect(parseBytesPerSecond('1.5GiB/s', '--bw')).toBe(1.5 * 2 ** 30);
    expect(parseBytesPerSecond('64k', '--bw')).toBe(65536);
    for (const bad of ['0', 'fast', '-1', '1X', '1e9'])
      expect(() => parseBytesPerSecond(bad, '--bw')).toThrow(UsageError);
  });

  it('integers in a range', () => {
    expect(parseInteger('300', '--x', 0, 1000)).toBe(300);
    expect(parseInteger('1_000', '--x', 0, 1000)).toBe(1000);
    expect(parseInteger('0x10', '--x', 0, 1000)).toBe(16);
    for (const bad of ['1001', '-1', '1.5', 'ten', ''])
      expect(() => parseInteger(bad, '--x', 0, 1000)).toThrow(UsageError);
  });

  it('HOST:UUID', () => {
    expect(parseHostUuid(`gpu1:${U.toUpperCase()}`, '--from')).toEqual({ host: 'gpu1', uuid: U });
    for (const bad of [U, `:${U}`, 'gpu1:', 'gpu 1:x', `gpu1:${U}x`])
      expect(() => parseHostUuid(bad, '--from')).toThrow(UsageError);
  });

  it('migrate options become a scenario migrate action, only with what was given', () => {
    expect(migrateAction({ from: `a:${U.toUpperCase()}`, to: 'b' })).toEqual({ from: `a:${U}`, to: 'b' });
    expect(
      migrateAction({
        from: `a:${U}`,
        to: 'b',
        parent: 'mtty',
        downtimeLimit: '300',
        bandwidth: '1G',
        payload: 'modeled',
      }),
    ).toEqual({
      from: `a:${U}`,
      to: { host: 'b', parent: 'mtty' },
      // --payload is applied when the world is loaded (device state is fixed at creation).
      options: { downtimeLimitMs: 300, bandwidth: 2 ** 30 },
    });
    expect(() => migrateAction({ from: `a:${U}`, to: 'b', downtimeLimit: '0' })).toThrow(UsageError);
  });
});

describe('runtime errors', () => {
  it('Error: <message>, the stack only with DEBUG=mdevsim', () => {
    const error = new Error('boom', { cause: new Error('inner') });
    expect(formatRuntimeError(error, false)).toBe('Error: boom\n');
    expect(formatRuntimeError('plain', false)).toBe('Error: plain\n');
    const debug = formatRuntimeError(error, true);
    expect(debug).toMatch(/^Error: boom\nError: boom\n\s+at /);
    expect(debug).toContain('Caused by: Error: inner');
  });

  it('DEBUG names mdevsim the way the debug package reads it', () => {
    for (const on of ['mdevsim', 'mdevsim:*', 'x,mdevsim', '*', 'a mdevsim*'])
      expect(debugEnabled({ DEBUG: on })).toBe(true);
    for (const off of [undefined, '', 'express', 'mdevsimx'])
      expect(debugEnabled({ DEBUG: off })).toBe(false);
  });
});
