import { describe, expect, test } from 'vitest';
import { decodeStream } from '../../../migration/stream/decoder.ts';
import { baseline, expectRolledBack, gpuPair, mttyPair, record, run } from './helpers.ts';

/** The configuration frame's capabilities of a recorded stream (qemu.md §3.4). */
function capabilitiesOf(stream: Uint8Array): readonly string[] {
  const config = decodeStream(stream).find((f) => f.kind === 'configuration');
  if (config?.kind !== 'configuration') throw new Error('no configuration frame');
  return config.capabilities;
}

describe('payloadCrc: the frame crc covers device bytes only where they can be damaged (qemu.md §3.4 capabilities, performance.md §B.3)', () => {
  test('with a wire tap the payload is covered by default; switchover-ack for a PRE_COPY device (qemu.md §2.2)', async () => {
    const { stream } = await record(await mttyPair('mtty-2'));
    expect(capabilitiesOf(stream)).toEqual(['switchover-ack']);
  });

  test('payloadCrc: false announces unchecked-payload; the migration is otherwise the same', async () => {
    const checked = await record(await gpuPair('gvtg'));
    const unchecked = await record(await gpuPair('gvtg'), { payloadCrc: false });
    expect(capabilitiesOf(unchecked.stream)).toEqual(['switchover-ack', 'unchecked-payload']);
    expect(unchecked.result.outcome).toBe('completed');
    expect(unchecked.result.targetDigest).toBe(checked.result.targetDigest);
    expect(unchecked.stream.length).toBe(checked.stream.length + 'unchecked-payload'.length + 1);
  });

  test('no tap (the default in-process link) and payloadCrc: true move the same state, 18 bytes apart', async () => {
    const plain = await run(await gpuPair('vgpu', { framebufferMiB: 2 }));
    const covered = await run(await gpuPair('vgpu', { framebufferMiB: 2 }), { payloadCrc: true });
    expect(plain.result.outcome).toBe('completed');
    for (const key of ['outcome', 'sourceDigest', 'targetDigest', 'iterations', 'converged'] as const)
      expect(plain.result[key]).toEqual(covered.result[key]);
    expect(plain.result.bytesTotal - covered.result.bytesTotal).toBe('unchecked-payload'.length + 1);
  });

  test('unchecked payload, one port byte flipped on the wire: the crc lets it through, the state check still aborts', async () => {
    const p = await mttyPair('mtty-2');
    const b = baseline(p);
    let flipped = -1;
    const { result } = await run(p, {
      payloadCrc: false,
      wire: (chunk, offset) => {
        // The stop-copy chunk of port bytes: 72 bytes, the only chunk that long.
        if (chunk.length !== 72) return chunk;
        flipped = offset;
        const copy = Uint8Array.from(chunk);
        copy[40] = (copy[40] ?? 0) ^ 0x01;
        return copy;
      },
    });
    expect(flipped).toBeGreaterThan(0);
    expect(result.reason).toMatch(
      /^target state digest [0-9a-f]{64} differs from the source's [0-9a-f]{64}$/,
    );
    expectRolledBack(p, b, result);
  });
});
