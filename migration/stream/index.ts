/**
 * The migration stream: QEMU-shaped sections and VFIO markers (qemu.md §2–§3) in crc-checked,
 * bounded msgpack frames. Public API, exported by name.
 */
export {
  CAPABILITIES,
  type Capability,
  DEFAULT_MAX_FRAME_SIZE,
  FRAME_TAG,
  type FrameTag,
  MAX_FRAME_SIZE_LIMIT,
  STREAM_MAGIC,
  STREAM_MAGIC_TEXT,
  STREAM_VERSION,
  VFIO_MIG_FLAG,
  VFIO_SECTION_VERSION,
  type VfioMigFlag,
} from './constants.ts';
export { decodeStream, StreamDecoder } from './decoder.ts';
export {
  type ConfigurationFrame,
  type DevConfigStateFrame,
  type DevDataStateFrame,
  type DevInitDataSentFrame,
  type DeviceDescriptor,
  type DevSetupStateFrame,
  type EndOfStateFrame,
  type EofFrame,
  type Frame,
  type FrameKind,
  type HeaderFrame,
  isMarkerFrame,
  type MarkerFrame,
  type MarkerKind,
  type SectionEndFrame,
  type SectionFrame,
  type SectionFullFrame,
  type SectionKind,
  type SectionPartFrame,
  type SectionStartFrame,
  type StreamCreateParams,
  vfioIdstr,
} from './frame.ts';
export { createDecoderStream, createEncoderStream } from './node-streams.ts';
export { MIN_MAX_FRAME_SIZE, type StreamOptions } from './options.ts';
export { SECTION_ORDER, type SectionStage, STREAM_ORDER, type StreamPhase } from './order.ts';
export { OrderChecker } from './order-checker.ts';
export {
  type VfioSection,
  writeComplete,
  writeConfigState,
  writeIterate,
  writeSetup,
} from './save-helpers.ts';
export { isStreamError, STREAM_ERROR_REASONS, StreamError, type StreamErrorReason } from './stream-error.ts';
export { type ChunkSink, encodeStream, StreamWriter } from './writer.ts';
