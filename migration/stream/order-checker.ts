import type { Frame, SectionFrame } from './frame.ts';
import { isMarkerFrame, vfioIdstr } from './frame.ts';
import { expectedIn, SECTION_ORDER, type SectionStage, STREAM_ORDER, type StreamPhase } from './order.ts';
import { StreamError } from './stream-error.ts';

interface SectionState {
  readonly stage: SectionStage;
  readonly idstr: string;
  readonly instanceId: number;
  readonly initDataSent: boolean;
}

/**
 * Walks the order tables of order.ts frame by frame, plus the few checks that need context: the
 * idstr matches host and device, a marker names the open section, DEV_INIT_DATA_SENT needs the
 * `switchover-ack` capability and comes once per section (qemu.md §2.2), every section is complete
 * at EOF. `check` either throws (leaving the state untouched) or accepts the frame.
 */
export class OrderChecker {
  #phase: StreamPhase = 'expect-header';
  #host = '';
  #switchoverAck = false;
  /** The section whose body is being read (meaningful only in a section-body phase). */
  #open = -1;
  readonly #sections = new Map<number, SectionState>();

  get phase(): StreamPhase {
    return this.#phase;
  }

  check(frame: Frame, offset: number): void {
    const phase = this.#phase;
    const next = STREAM_ORDER[phase][frame.kind];
    if (next === undefined) throw orderError(phase, frame, offset);

    if (frame.kind === 'configuration') {
      this.#host = frame.host;
      this.#switchoverAck = frame.capabilities.includes('switchover-ack');
    } else if (frame.kind === 'eof') {
      for (const [id, s] of this.#sections) {
        if (s.stage !== 'complete') {
          const missing = s.stage === 'live' ? 'its END section' : 'its config state (FULL section)';
          throw new StreamError(
            'wrong-order',
            offset,
            `EOF before ${missing} for section ${id} '${s.idstr}'`,
          );
        }
      }
    } else if (isMarkerFrame(frame)) {
      // Markers are only legal in body phases (the table), where a section is always open.
      if (frame.sectionId !== this.#open) {
        throw new StreamError(
          'bad-field',
          offset,
          `${frame.kind} names section ${frame.sectionId} inside section ${this.#open}`,
        );
      }
      if (frame.kind === 'dev-init-data-sent') this.#initDataSent(offset);
    } else if (frame.kind !== 'header') {
      this.#section(frame, offset);
      this.#open = frame.sectionId;
    }
    this.#phase = next;
  }

  #initDataSent(offset: number): void {
    if (!this.#switchoverAck) {
      throw new StreamError(
        'wrong-order',
        offset,
        'DEV_INIT_DATA_SENT without the switchover-ack capability',
      );
    }
    const s = this.#sections.get(this.#open);
    if (s === undefined) return; // unreachable: a body phase always has an open section
    if (s.initDataSent) {
      throw new StreamError('wrong-order', offset, `DEV_INIT_DATA_SENT sent twice for section ${this.#open}`);
    }
    this.#sections.set(this.#open, { ...s, initDataSent: true });
  }

  #section(frame: SectionFrame, offset: number): void {
    const id = frame.sectionId;
    const current = this.#sections.get(id);
    const stage = current?.stage ?? 'absent';
    const next = SECTION_ORDER[stage][frame.kind];
    if (next === undefined) {
      if (stage === 'absent' && frame.kind === 'section-full') {
        throw new StreamError('unknown-section', offset, unknownInstance(frame.idstr, frame.instanceId));
      }
      if (stage === 'absent')
        throw new StreamError('unknown-section', offset, `Unknown savevm section ${id}`);
      throw new StreamError('wrong-order', offset, `${frame.kind} for section ${id}, which is ${stage}`);
    }
    if (frame.kind === 'section-start') {
      const expected = vfioIdstr(this.#host, frame.device.uuid);
      if (frame.idstr !== expected) {
        throw new StreamError(
          'bad-field',
          offset,
          `section-start: idstr '${frame.idstr}' should be '${expected}'`,
        );
      }
      for (const [other, s] of this.#sections) {
        if (s.idstr === frame.idstr && s.instanceId === frame.instanceId) {
          throw new StreamError(
            'bad-field',
            offset,
            `section-start: '${frame.idstr}' instance ${frame.instanceId} is already section ${other}`,
          );
        }
      }
      this.#sections.set(id, {
        stage: next,
        idstr: frame.idstr,
        instanceId: frame.instanceId,
        initDataSent: false,
      });
      return;
    }
    if (current === undefined) return; // unreachable: only section-start leaves 'absent'
    if (
      frame.kind === 'section-full' &&
      (frame.idstr !== current.idstr || frame.instanceId !== current.instanceId)
    ) {
      throw new StreamError('unknown-section', offset, unknownInstance(frame.idstr, frame.instanceId));
    }
    this.#sections.set(id, { ...current, stage: next });
  }
}

/** qemu.md §3.3, the loader's message for a START/FULL it cannot match. */
function unknownInstance(idstr: string, instanceId: number): string {
  return (
    `Unknown savevm section or instance '${idstr}' ${instanceId}. Make sure that your current VM setup ` +
    'matches your saved VM setup, including any hotplugged devices'
  );
}

function orderError(phase: StreamPhase, frame: Frame, offset: number): StreamError {
  if (phase === 'expect-configuration') {
    return new StreamError('wrong-order', offset, `Configuration section missing (got ${frame.kind})`);
  }
  if (phase === 'done') return new StreamError('wrong-order', offset, `${frame.kind} after EOF`);
  if (frame.kind === 'header') return new StreamError('wrong-order', offset, 'a second stream header');
  return new StreamError(
    'wrong-order',
    offset,
    `${frame.kind} not allowed here (phase ${phase}, expected ${expectedIn(phase)})`,
  );
}
