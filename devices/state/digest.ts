import { createHash } from 'node:crypto';

/**
 * sha256 (hex) over a label and byte parts, each part length-prefixed so that moving bytes
 * between parts changes the digest. Used by every device-state model's stateDigest().
 */
export function stateDigestOf(label: string, parts: readonly Uint8Array[]): string {
  const hash = createHash('sha256');
  hash.update(label);
  const length = Buffer.alloc(8);
  for (const part of parts) {
    length.writeBigUInt64LE(BigInt(part.length));
    hash.update(length);
    hash.update(part);
  }
  return hash.digest('hex');
}
