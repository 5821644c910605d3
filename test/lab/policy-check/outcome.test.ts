import { describe, expect, it } from 'vitest';
import type { PolicyContext, VersionPolicy } from '../../../devices/policies/policy.ts';
import {
  callShow,
  callStore,
  contractBreach,
  label,
  showStringProblem,
} from '../../../lab/policy-check/outcome.ts';

const ctx: PolicyContext = {
  facts: {
    driver: 'x',
    vendorId: '0000',
    deviceId: '0000',
    typeId: 'x-1',
    typeName: '1',
    softwareVersion: '1.0.0',
    properties: {},
  },
  revision: 'v2',
  availableInstances: 1,
};

function storing(value: unknown): VersionPolicy {
  return { name: 't', description: 't', show: () => 'x', store: () => value as true };
}

describe('calling an untrusted policy', () => {
  it.each([
    [true, 'true'],
    [{ errno: 'EINVAL' }, 'EINVAL'],
    [{ errno: 'EINVAL', reason: 'why' }, 'EINVAL'],
  ])('accepts %j as %s', (value, expected) => {
    expect(label(callStore(storing(value), ctx, 'x'))).toBe(expected);
  });

  it.each([
    [false, /boolean false/],
    [1, /number 1/],
    [null, /null/],
    ['true', /the string "true"/],
    [{ errno: 'ENOTREAL' }, /an object \{errno\}/],
    [{ errno: 22 }, /an object/],
    [{ errno: 'EINVAL', reason: 5 }, /an object/],
    [Promise.resolve(true), /a Promise/],
  ])('rejects %s as garbage', (value, pattern) => {
    const outcome = callStore(storing(value), ctx, 'x');
    expect(outcome.kind).toBe('garbage');
    expect(contractBreach('store()', outcome)).toMatch(pattern);
  });

  it('rejects a value whose inspection throws (a hostile proxy) as garbage', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('trap');
        },
        ownKeys() {
          throw new Error('trap');
        },
      },
    );
    expect(contractBreach('store()', callStore(storing(hostile), ctx, 'x'))).toMatch(/throws when inspected/);
  });

  it('turns throws (of anything) into data', () => {
    const throwing = (thrown: unknown): VersionPolicy => ({
      name: 't',
      description: 't',
      show: () => {
        throw thrown;
      },
      store: () => {
        throw thrown;
      },
    });
    expect(label(callShow(throwing(new TypeError('bad')), ctx))).toBe('threw TypeError: bad');
    expect(label(callStore(throwing('str'), ctx, ''))).toBe('threw a non-Error value (the string "str")');
  });

  it('validates show() strings against R5', () => {
    expect(showStringProblem('8086-193b-i915-GVTg_V5_4')).toBeUndefined();
    expect(showStringProblem('a\nb')).toMatch(/0xa at offset 1/);
    expect(showStringProblem('é')).toMatch(/non-ASCII/);
    expect(showStringProblem('x'.repeat(4096))).toMatch(/at most 4095/);
  });
});
