import { spawn } from 'node:child_process';
import { once } from 'node:events';

/** The pid of a process that has exited: what a killed run leaves in its temporary names and leases. */
export async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await once(child, 'exit');
  return child.pid!;
}
