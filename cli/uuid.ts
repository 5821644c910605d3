/**
 * UUIDs as mdevctl reads them from the command line and from /sys/bus/mdev/devices: the Rust
 * `uuid` crate's `Uuid::parse_str` (ecosystem.md §5 "UUID input"). Accepted forms, any case:
 * simple (32 hex digits), hyphenated (8-4-4-4-12), braced (`{...}` around hyphenated) and URN
 * (`urn:uuid:` + hyphenated; the prefix is lower-case only, as in the crate). Output is always
 * lower-case hyphenated, as mdevctl prints it.
 */

const HEX = /^[0-9a-fA-F]{32}$/;
const HYPHENATED = /^([0-9a-fA-F]{8})-([0-9a-fA-F]{4})-([0-9a-fA-F]{4})-([0-9a-fA-F]{4})-([0-9a-fA-F]{12})$/;

/** The lower-case hyphenated form of `text`, or undefined when it is not a UUID in any accepted form. */
export function parseUuidArg(text: string): string | undefined {
  let body = text;
  if (body.length === 45 && body.startsWith('urn:uuid:')) body = body.slice(9);
  else if (body.length === 38 && body.startsWith('{') && body.endsWith('}')) body = body.slice(1, -1);
  if (body.length === 32) {
    if (!HEX.test(body)) return undefined;
    const h = body.toLowerCase();
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  if (body.length === 36 && HYPHENATED.test(body)) return body.toLowerCase();
  return undefined;
}
