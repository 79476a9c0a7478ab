// Helper thread of src/results/parallel.ts. Plain JavaScript so that it starts without a loader:
// it registers tsx only when the main thread runs the TypeScript sources (not the dist/ build),
// then loads the task functions (parallel-tasks). For each batch it claims jobs from the shared
// counter until none is left, posting { batch, index, ok, value } for each on its port, then
// counting it done (Atomics) and waking the main thread. While a job runs, maps inside it count
// their jobs in the map's heartbeat word, so that the main thread sees the helper working.
import { workerData, parentPort } from 'node:worker_threads';

const { tasks: tasksUrl, typescript, port } = workerData;
if (typescript) {
  const { register } = await import('tsx/esm/api');
  register();
}
const { TASKS, setHeartbeat } = await import(tasksUrl);

parentPort.on('message', ({ batch, task, shared, inputs, control }) => {
  const run = TASKS[task];
  for (;;) {
    const index = Atomics.add(control, 0, 1);
    if (index >= inputs.length) break;
    let message;
    // maps inside the job beat on this map's control words (src/results/parallel.ts)
    setHeartbeat(control);
    try {
      message = { batch, index, ok: true, value: run(inputs[index], shared) };
    } catch {
      message = { batch, index, ok: false };
    } finally {
      setHeartbeat(undefined);
    }
    try {
      port.postMessage(message);
    } catch {
      // an answer that cannot be sent (not cloneable): the main thread runs the job itself
      port.postMessage({ batch, index, ok: false });
    }
    Atomics.add(control, 1, 1);
    Atomics.notify(control, 1);
  }
});
