/** `push.type: stdout`: prints the exposition (or writes it to a file). stdout carries only the exposition. */
import { writeFile } from 'node:fs/promises';
import { PushError } from '../errors.js';
import { SampleLineCounter } from './render.js';
import type { PushPayload, PushResult, PushTarget } from './types.js';

export interface StdoutOptions {
  /** Write to this file (replaced each push) instead of stdout. */
  file?: string;
  /** Where text goes when no file is set; defaults to process.stdout (tests pass their own). */
  stream?: NodeJS.WritableStream;
}

export class StdoutTarget implements PushTarget {
  readonly name = 'stdout' as const;
  constructor(private readonly options: StdoutOptions = {}) {}

  async push(payload: PushPayload): Promise<PushResult> {
    const started = performance.now();
    const lines = new SampleLineCounter();
    let bytes = 0;
    const counted = async function* (): AsyncGenerator<Uint8Array> {
      for await (const c of payload.text()) {
        lines.add(c);
        bytes += c.length;
        yield c;
      }
    };
    try {
      if (this.options.file) await writeFile(this.options.file, counted());
      else {
        const stream = this.options.stream ?? process.stdout;
        for await (const c of counted()) await writeAll(stream, c);
      }
    } catch (err) {
      throw new PushError(
        `writing the exposition to ${this.options.file ?? 'stdout'} failed: ${(err as Error).message}`,
        {
          target: 'stdout',
          code: 'PUSH_WRITE_FAILED',
          type: 'connection',
          cause: err,
        },
      );
    }
    return {
      target: 'stdout',
      series: lines.count,
      bytes,
      durationMs: performance.now() - started,
      status: 0,
      requests: 0,
    };
  }
}

export function createStdoutTarget(options: StdoutOptions = {}): StdoutTarget {
  return new StdoutTarget(options);
}

/** Resolves once the stream accepted the chunk (a piped stdout may apply backpressure). */
function writeAll(stream: NodeJS.WritableStream, body: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(body, (err) => (err ? reject(err) : resolve()));
  });
}
