import { PassThrough, type Readable } from 'node:stream';

/**
 * Splits one stream into two that each see every chunk, at the pace of the
 * slower reader (memory stays bounded). An error on either side, or in the
 * source, destroys all three, so neither reader can complete on partial data.
 */
export function tee(source: Readable): [Readable, Readable] {
  const branches = [new PassThrough(), new PassThrough()] as const;
  const fail = (error: Error) => {
    source.destroy(error);
    for (const branch of branches) branch.destroy(error);
  };
  for (const branch of branches) {
    branch.on('close', () => {
      if (!branch.writableFinished) fail(branch.errored ?? new Error('a reader of the download stopped early'));
    });
  }
  source.on('error', fail);
  source.on('data', (chunk: Buffer) => {
    let waiting = 0;
    for (const branch of branches) {
      if (!branch.write(chunk)) {
        waiting += 1;
        branch.once('drain', () => {
          waiting -= 1;
          if (waiting === 0) source.resume();
        });
      }
    }
    if (waiting > 0) source.pause();
  });
  source.on('end', () => {
    for (const branch of branches) branch.end();
  });
  return [branches[0], branches[1]];
}
