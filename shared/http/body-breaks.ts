import { Transform, type Readable } from 'node:stream';

/**
 * Passes a response body through, counting its bytes, so that when the
 * connection breaks mid-body the reader gets an error that says where and how
 * far it got, made by `describe`, instead of Node's bare "aborted" (or fetch's
 * "terminated"). Destroying the returned stream destroys the body, which frees
 * its connection.
 */
export function reportBreaks(body: Readable, describe: (bytes: number, error: Error) => Error): Readable {
  let bytes = 0;
  const counted = new Transform({
    // As large as the body's own buffer: the hop adds no extra turns of the event loop per byte.
    highWaterMark: body.readableHighWaterMark,
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  // `pipe` does not forward errors: the body's error is replaced here by the described one.
  body.on('error', (error) => counted.destroy(describe(bytes, error)));
  counted.on('close', () => {
    if (!body.destroyed) body.destroy();
  });
  body.pipe(counted);
  return counted;
}

/** A network error's reason in a few words, with its code. */
export function breakReason(error: Error): string {
  // fetch's "terminated" says nothing; its cause says what happened to the socket.
  const cause = error.cause instanceof Error ? (error.cause as NodeJS.ErrnoException) : undefined;
  const code = (error as NodeJS.ErrnoException).code ?? cause?.code;
  if (code === 'ECONNRESET') return 'the connection was reset, ECONNRESET';
  const message = cause?.message ?? error.message;
  return code ? `${message}, ${code}` : message;
}
