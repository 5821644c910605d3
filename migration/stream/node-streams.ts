import { Transform, type TransformCallback } from 'node:stream';
import { StreamDecoder } from './decoder.ts';
import type { Frame } from './frame.ts';
import type { StreamOptions } from './options.ts';
import { StreamError } from './stream-error.ts';
import { StreamWriter } from './writer.ts';

/**
 * Node stream adapters, so a file or a TCP socket is just a pipe:
 *   pipeline(Readable.from(frames), createEncoderStream(), fs.createWriteStream(path))
 *   pipeline(socket, createDecoderStream(), consumer)
 * Errors reach the pipeline as StreamError through the callback, never as throws.
 */

/** Object-mode frames in, stream bytes out. Ending without an EOF frame is an error (`wrong-order`). */
export function createEncoderStream(options?: StreamOptions): Transform {
  let writer: StreamWriter | undefined;
  const transform = new Transform({
    writableObjectMode: true,
    readableObjectMode: false,
    transform(frame: Frame, _encoding: BufferEncoding, callback: TransformCallback): void {
      try {
        writer ??= new StreamWriter((chunk) => transform.push(chunk), options);
        writer.write(frame);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback: TransformCallback): void {
      if (writer?.done === true) callback();
      else
        callback(new StreamError('wrong-order', writer?.bytesWritten ?? 0, 'frame input ended before EOF'));
    },
  });
  return transform;
}

/** Stream bytes in, object-mode frames out. Input ending before EOF is an error (`truncated`). */
export function createDecoderStream(options?: StreamOptions): Transform {
  const decoder = new StreamDecoder(options);
  return new Transform({
    writableObjectMode: false,
    readableObjectMode: true,
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
      try {
        for (const frame of decoder.push(chunk)) this.push(frame);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback: TransformCallback): void {
      try {
        decoder.finish();
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
}
