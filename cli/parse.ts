import { UsageError } from './errors.ts';
import { parseUuidArg } from './uuid.ts';

/**
 * Parsers for option values commander cannot check itself. Each throws a UsageError (exit 2)
 * whose message names the option and says what was expected.
 */

const HOST_NAME = /^[A-Za-z0-9_.-]+$/;

/** A host name as scenarios allow them (letters, digits, `.`, `_`, `-`). */
export function parseHostName(value: string, option: string): string {
  if (!HOST_NAME.test(value)) {
    throw new UsageError(`invalid value '${value}' for '${option}': host names are letters, digits, . _ -`);
  }
  return value;
}

/** `HOST:UUID` (the device to migrate): the host name and the lower-case hyphenated UUID. */
export function parseHostUuid(
  value: string,
  option: string,
): { readonly host: string; readonly uuid: string } {
  const colon = value.indexOf(':');
  if (colon <= 0) throw new UsageError(`invalid value '${value}' for '${option}': expected HOST:UUID`);
  const host = value.slice(0, colon);
  if (!HOST_NAME.test(host)) {
    throw new UsageError(`invalid value '${value}' for '${option}': '${host}' is not a host name`);
  }
  const uuid = parseUuidArg(value.slice(colon + 1));
  if (uuid === undefined) {
    throw new UsageError(
      `invalid value '${value}' for '${option}': '${value.slice(colon + 1)}' is not a UUID`,
    );
  }
  return { host, uuid };
}

/** A UUID option (`-u/--uuid`), in any form mdevctl accepts. */
export function parseUuidOption(value: string, option: string): string {
  const uuid = parseUuidArg(value);
  if (uuid === undefined) throw new UsageError(`invalid value '${value}' for '${option}': not a UUID`);
  return uuid;
}

/** A whole number in [min, max], decimal (underscores allowed as separators) or 0x hex. */
export function parseInteger(value: string, option: string, min: number, max: number): number {
  const text = value.trim().replace(/_/g, '');
  const n = /^\d+$/.test(text)
    ? Number(text)
    : /^0x[0-9a-f]+$/i.test(text)
      ? Number.parseInt(text, 16)
      : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(
      `invalid value '${value}' for '${option}': expected a whole number from ${min} to ${max}`,
    );
  }
  return n;
}

const SIZE_UNITS: Readonly<Record<string, number>> = {
  '': 1,
  k: 2 ** 10,
  m: 2 ** 20,
  g: 2 ** 30,
  t: 2 ** 40,
};

/**
 * A rate in bytes per second, as QEMU's `max-bandwidth` takes it: a number, optionally with a
 * binary suffix K, M, G, T (QEMU's qemu_strtosz: powers of 1024; `KiB`, `MB` and a trailing
 * `/s` are accepted too). Must be positive.
 */
export function parseBytesPerSecond(value: string, option: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?(?:\/s)?$/i.exec(value.trim());
  const unit = SIZE_UNITS[(match?.[2] ?? '').toLowerCase()];
  const n = match === null || unit === undefined ? Number.NaN : Math.floor(Number(match[1]) * unit);
  if (!Number.isSafeInteger(n) || n <= 0) {
    throw new UsageError(
      `invalid value '${value}' for '${option}': expected bytes per second, like 134217728, 128M or 1G`,
    );
  }
  return n;
}
