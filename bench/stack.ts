// startStack for benchmarks: a stack that fails to come up prints its processes' output and stops them,
// instead of leaving an API or worker running behind a thrown error.
import { startedApps } from '../test/support/processes.js';
import { startStack, type Stack, type StackOptions } from '../test/support/stack.js';

export async function startBenchStack(label: string, options: StackOptions): Promise<Stack> {
  try {
    return await startStack(label, options);
  } catch (error) {
    const apps = [...startedApps];
    console.error(apps.map((a) => `--- ${a.name}\n${a.output().slice(-4000)}`).join('\n'));
    await Promise.all(apps.map((a) => a.stop()));
    throw error;
  }
}
