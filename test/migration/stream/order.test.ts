import { describe, expect, it } from 'vitest';
import {
  decodeStream,
  type Frame,
  type FrameKind,
  SECTION_ORDER,
  STREAM_ORDER,
  type StreamErrorReason,
  type StreamPhase,
  StreamWriter,
} from '../../../migration/stream/index.ts';
import { device, expectStreamError, FRAME_TAG, HOST, RawStream, realisticFrames } from './fixtures.ts';

const good = realisticFrames();
const idx = (pred: (f: Frame, i: number) => boolean) => good.findIndex(pred);
const firstPart = idx((f) => f.kind === 'section-part');
const firstEnd = idx((f) => f.kind === 'section-end');
const firstFull = idx((f) => f.kind === 'section-full');
const eof = good.length - 1;

/** The good frames with `edit` applied to a copy. */
function edited(edit: (frames: Frame[]) => void): Frame[] {
  const frames = [...good];
  edit(frames);
  return frames;
}

/** Encodes without checks (correct crc chain) so only the decoder's order rules can object. */
function raw(frames: readonly Frame[]): Buffer {
  return new RawStream().frames(frames).bytes();
}

const start = good[2] as Extract<Frame, { kind: 'section-start' }>;

const cases: [name: string, frames: Frame[], reason: StreamErrorReason, message: RegExp][] = [
  ['configuration missing', edited((f) => f.splice(1, 1)), 'wrong-order', /Configuration section missing/],
  ['two configurations', edited((f) => f.splice(2, 0, good[1] as Frame)), 'wrong-order', /not allowed here/],
  [
    'PART before its START',
    edited((f) => f.splice(2, 0, { kind: 'section-part', sectionId: 7 })),
    'unknown-section',
    /Unknown savevm section 7/,
  ],
  [
    'END for an unknown section id',
    edited((f) => f.splice(firstEnd, 1, { kind: 'section-end', sectionId: 99 })),
    'unknown-section',
    /Unknown savevm section 99/,
  ],
  [
    'FULL for an unknown idstr',
    edited((f) =>
      f.splice(firstFull, 1, {
        ...(good[firstFull] as Extract<Frame, { kind: 'section-full' }>),
        idstr: 'x/y/vfio',
      }),
    ),
    'unknown-section',
    /Unknown savevm section or instance 'x\/y\/vfio' 0/,
  ],
  [
    'EOF with sections still live',
    edited((f) => f.splice(firstEnd, eof - firstEnd)),
    'wrong-order',
    /EOF before its END/,
  ],
  [
    'EOF without config state',
    edited((f) => f.splice(firstFull, eof - firstFull)),
    'wrong-order',
    /config state/,
  ],
  ['a marker outside any section', edited((f) => f.splice(firstPart, 1)), 'wrong-order', /not allowed here/],
  [
    'START body without DEV_SETUP_STATE',
    edited((f) => f.splice(3, 1)),
    'wrong-order',
    /end-of-state not allowed here \(phase setup-body/,
  ],
  [
    'FULL before the section ended',
    edited((f) => f.splice(firstPart, 0, ...good.slice(firstFull, firstFull + 3))),
    'wrong-order',
    /section-full for section 7, which is live/,
  ],
  [
    'START after the first FULL',
    edited((f) => f.splice(firstFull + 3, 0, { ...start, sectionId: 50, device: device(9) })),
    'wrong-order',
    /section-start not allowed here \(phase non-iterable/,
  ],
  [
    'a second START for a started section',
    edited((f) => f.splice(5, 0, start, ...good.slice(3, 5))),
    'wrong-order',
    /section-start for section 7, which is live/,
  ],
  [
    'the same device started under two ids',
    edited((f) => f.splice(5, 0, { ...start, sectionId: 70 })),
    'bad-field',
    /already section 7/,
  ],
  [
    'an idstr that does not name the device on the source host',
    edited((f) => f.splice(2, 1, { ...start, idstr: `${HOST}/other/vfio` })),
    'bad-field',
    /should be 'src-host\/83b8f4f2/,
  ],
  [
    'a marker naming another section',
    edited((f) =>
      f.splice(firstPart + 1, 1, { kind: 'dev-data-state', sectionId: 8, data: new Uint8Array(1) }),
    ),
    'bad-field',
    /names section 8 inside section 7/,
  ],
  [
    'DEV_INIT_DATA_SENT twice for a section',
    edited((f) =>
      f.splice(
        firstEnd,
        0,
        { kind: 'section-part', sectionId: 7 },
        { kind: 'dev-init-data-sent', sectionId: 7 },
      ),
    ),
    'wrong-order',
    /sent twice/,
  ],
  [
    'DEV_INIT_DATA_SENT in a complete (END) block',
    edited((f) => f.splice(firstEnd + 3, 1, { kind: 'dev-init-data-sent', sectionId: 7 })),
    'wrong-order',
    /dev-init-data-sent not allowed here \(phase complete-body/,
  ],
];

describe('frame order', () => {
  for (const [name, frames, reason, message] of cases) {
    it(`refuses ${name} (decoder and writer)`, () => {
      const error = expectStreamError(() => decodeStream(raw(frames)), reason);
      expect(error.message).toMatch(message);
      const writer = new StreamWriter(() => {});
      expectStreamError(() => {
        for (const f of frames) writer.write(f);
      }, reason);
    });
  }

  it('refuses DEV_INIT_DATA_SENT without the switchover-ack capability', () => {
    const frames = edited((f) =>
      f.splice(1, 1, { kind: 'configuration', host: HOST, seed: 42, capabilities: [] }),
    );
    expect(decodeStream(raw(realisticFrames([]))).length).toBeGreaterThan(0);
    const error = expectStreamError(() => decodeStream(raw(frames)), 'wrong-order');
    expect(error.message).toMatch(/switchover-ack/);
  });

  it('refuses a second stream header where a frame should start', () => {
    const bytes = raw(good);
    const doubled = Buffer.concat([bytes.subarray(0, 12), bytes.subarray(0, 12), bytes.subarray(12)]);
    const error = expectStreamError(() => decodeStream(doubled), 'wrong-order');
    expect(error.message).toMatch(/second stream header/);
    expect(error.offset).toBe(12);
  });

  it('refuses bytes after EOF as trailing bytes, even a whole valid frame', () => {
    const bytes = raw(good);
    const more = new RawStream().frames(good).head(FRAME_TAG.EOF, {}).bytes();
    expectStreamError(() => decodeStream(Buffer.concat([bytes, Uint8Array.of(0)])), 'trailing-bytes');
    const error = expectStreamError(() => decodeStream(more), 'trailing-bytes');
    expect(error.offset).toBe(bytes.length);
  });

  it('keeps a writer usable after it refused a frame out of order', () => {
    const chunks: Uint8Array[] = [];
    const writer = new StreamWriter((c) => chunks.push(c));
    writer.write(good[0] as Frame);
    expectStreamError(() => writer.write({ kind: 'eof' }), 'wrong-order');
    expectStreamError(() => writer.write(good[0] as Frame), 'wrong-order');
    for (const f of good.slice(1)) writer.write(f);
    expect(writer.done).toBe(true);
    expect(decodeStream(Buffer.concat(chunks)).length).toBe(good.length);
  });

  describe('tables', () => {
    const phases = Object.keys(STREAM_ORDER) as StreamPhase[];

    it('reach every phase from expect-header, and only done has no way out', () => {
      const seen = new Set<StreamPhase>(['expect-header']);
      const todo: StreamPhase[] = ['expect-header'];
      for (let p = todo.pop(); p !== undefined; p = todo.pop()) {
        for (const next of Object.values(STREAM_ORDER[p])) {
          if (next !== undefined && !seen.has(next)) {
            seen.add(next);
            todo.push(next);
          }
        }
      }
      expect([...seen].sort()).toEqual([...phases].sort());
      expect(phases.filter((p) => Object.keys(STREAM_ORDER[p]).length === 0)).toEqual(['done']);
    });

    it('mention every frame kind', () => {
      const kinds = new Set(phases.flatMap((p) => Object.keys(STREAM_ORDER[p]) as FrameKind[]));
      expect([...kinds].sort()).toEqual(
        [
          'header',
          'configuration',
          'section-start',
          'section-part',
          'section-end',
          'section-full',
          'dev-setup-state',
          'dev-data-state',
          'dev-config-state',
          'end-of-state',
          'dev-init-data-sent',
          'eof',
        ].sort(),
      );
    });

    it('follow the good stream phase by phase', () => {
      let phase: StreamPhase = 'expect-header';
      for (const f of good) {
        const next: StreamPhase | undefined = STREAM_ORDER[phase][f.kind];
        expect(next, `${f.kind} in ${phase}`).toBeDefined();
        phase = next ?? phase;
      }
      expect(phase).toBe('done');
    });

    it('give each section one life: START, PART*, END, FULL', () => {
      expect(SECTION_ORDER).toEqual({
        absent: { 'section-start': 'live' },
        live: { 'section-part': 'live', 'section-end': 'ended' },
        ended: { 'section-full': 'complete' },
        complete: {},
      });
    });
  });
});
