import { type Errno, fail, isErrno } from '../core/result.ts';
import { formatUuid, guidParse, UUID_STRING_LEN } from '../core/uuid.ts';
import { cString } from './attribute.ts';
import type { CreateParams } from './driver.ts';
import { kstrtoull } from './kstrto.ts';

export interface CreateRequest {
  readonly uuid: string;
  readonly params: CreateParams;
}

const AGGREGATE_PREFIX = 'aggregate=';

/**
 * Parses one write to `create` (kernel.md §1.3 steps 1–2; §2.4 for drivers with the aggregation
 * RFC). Plain drivers: the write must be 36 or 37 bytes and its first 36 a GUID; the 37th byte is
 * never inspected. Aggregation drivers: `<uuid>,aggregate=N` with the RFC's length and comma rules.
 */
export function parseCreate(buf: string, acceptsParams: boolean): CreateRequest | Errno {
  const count = buf.length;
  let aggregate = 1;
  if (acceptsParams) {
    if (count > 4095) return fail('E2BIG', 'create parameters longer than 4095 bytes');
    const text = cString(buf);
    const comma = text.indexOf(',');
    if (comma < 0) {
      if (count < UUID_STRING_LEN || count > UUID_STRING_LEN + 1)
        return fail('EINVAL', `write of ${count} bytes`);
    } else {
      if (comma !== UUID_STRING_LEN)
        return fail('EINVAL', `',' at offset ${comma}, expected ${UUID_STRING_LEN}`);
      const rest = text.slice(comma + 1);
      if (!rest.startsWith(AGGREGATE_PREFIX)) return fail('EINVAL', `unknown create parameter '${rest}'`);
      const n = kstrtoull(rest.slice(AGGREGATE_PREFIX.length), 0, 32);
      if (isErrno(n)) return fail('EINVAL', `aggregate value: ${n.reason ?? n.errno}`);
      aggregate = Number(n);
    }
  } else if (count < UUID_STRING_LEN || count > UUID_STRING_LEN + 1) {
    return fail('EINVAL', `write of ${count} bytes, expected 36 or 37`);
  }
  const bytes = guidParse(buf);
  if (bytes === undefined) return fail('EINVAL', 'not a UUID');
  return { uuid: formatUuid(bytes), params: { aggregate } };
}
