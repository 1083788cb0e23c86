// `quire models use`: switches the library's embedding model in the background, in this
// process or through the Quire that already writes the folder, and follows it to the end.
import { parseArgs } from 'node:util';
import type { ModelSwitchState } from '../../../shared/models';
import { LIBRARY_STREAM } from '../../../shared/streams';
import { createQuireCore } from '../quire-core';
import {
  coreOptionsFrom,
  createOutput,
  resolveDataDir,
  SHARED_OPTIONS,
  type CliOutput,
} from './cli-context';
import { openOrJoin } from './running-quire';

export const MODELS_USE_HELP = `quire models use <embedding model> [--data DIR] [--model-dir DIR] [--hub URL] [--json]
  Switches the library to another embedding model (downloading it first if needed). Every
  passage is embedded again in the background while search keeps using the old vectors; then
  the library switches in one step and the old vectors are removed. Ctrl-C pauses; running the
  command again resumes where it stopped, even after a crash.
quire models use --status | --pause | --cancel [--data DIR] [--json]
  Where the switch stands; pause it (it stays paused across restarts); or cancel it (the library
  keeps its model).`;

const USE_OPTIONS = {
  ...SHARED_OPTIONS,
  status: { type: 'boolean', default: false },
  pause: { type: 'boolean', default: false },
  cancel: { type: 'boolean', default: false },
} as const;

const ENDED = new Set<ModelSwitchState['state']>(['done', 'cancelled', 'error', 'paused', 'idle']);

/** What a switch's caller can do: in-process, or through the running Quire's API. */
type SwitchControl = {
  call(
    action: 'start' | 'status' | 'pause' | 'cancel',
    modelId?: string,
  ): Promise<ModelSwitchState>;
  follow(onState: (state: ModelSwitchState) => void): Promise<() => void>;
  close(): Promise<void>;
};

export async function modelsUseCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: USE_OPTIONS,
    allowPositionals: true,
    strict: true,
  });
  const out = createOutput(values.json);
  const controls = [values.status, values.pause, values.cancel].filter(Boolean).length;
  const [modelId, ...extra] = positionals;
  if (values.help || extra.length > 0 || controls > 1 || (controls === 0) === !modelId) {
    out.error(MODELS_USE_HELP);
    return 2;
  }
  const dataDir = resolveDataDir(values.data);
  const control = await openControl(dataDir, values);
  try {
    if (values.status) return report(await control.call('status'), out);
    if (values.pause) return report(await control.call('pause'), out);
    if (values.cancel) return report(await control.call('cancel'), out);
    return await runToEnd(control, modelId!, out);
  } catch (error) {
    const e = error as { code?: string; message?: string };
    out.error(`${e.message ?? String(error)}`, { error: { code: e.code, message: e.message } });
    return 1;
  } finally {
    await control.close();
  }
}

async function openControl(
  dataDir: string,
  values: Parameters<typeof coreOptionsFrom>[0],
): Promise<SwitchControl> {
  const opened = await openOrJoin(
    dataDir,
    () => createQuireCore({ ...coreOptionsFrom(values), dataDir, startIndexing: true }),
    values.library,
  );
  if (opened.core) {
    const core = opened.core;
    const actions = {
      start: (id?: string) => core.modelSwitch.start(id!),
      status: () => Promise.resolve(core.modelSwitch.status()),
      pause: () => core.modelSwitch.pause(),
      cancel: () => core.modelSwitch.cancel(),
    };
    return {
      call: (action, id) => actions[action](id),
      follow: async (onState) =>
        core.hub.onAnyEvent((event) => {
          if (event.type === 'model.switch') onState(event.data);
        }),
      close: () => core.close(),
    };
  }
  const running = opened.running;
  const methods = {
    start: 'models.switch',
    status: 'models.switchStatus',
    pause: 'models.switchPause',
    cancel: 'models.switchCancel',
  } as const;
  return {
    async call(action, id) {
      const result =
        action === 'start'
          ? await running.invoke('models.switch', { modelId: id! })
          : await running.invoke(methods[action], {});
      if (!result.ok) throw Object.assign(new Error(result.error.message), result.error);
      return result.value;
    },
    async follow(onState) {
      const following = running.follow(LIBRARY_STREAM, (event) => {
        if (event.type === 'model.switch') onState(event.data);
      });
      await following.ready;
      return following.stop;
    },
    close: async () => {},
  };
}

async function runToEnd(control: SwitchControl, modelId: string, out: CliOutput): Promise<number> {
  let lastLine = 0;
  let resolveEnd!: (state: ModelSwitchState) => void;
  const ended = new Promise<ModelSwitchState>((resolve) => (resolveEnd = resolve));
  const stop = await control.follow((state) => {
    if (out.json) out.line('', state);
    else if (state.state === 'running' && state.totalChunks > 0 && Date.now() - lastLine > 2000) {
      lastLine = Date.now();
      out.line(describe(state));
    }
    if (ENDED.has(state.state)) resolveEnd(state);
  });
  // Ctrl-C keeps the work: the switch pauses, and the next run resumes it.
  const onSigint = () => void control.call('pause').catch(() => undefined);
  process.once('SIGINT', onSigint);
  try {
    const started = await control.call('start', modelId);
    if (!out.json) out.line(`Switching the library from ${started.fromModel} to ${modelId}…`);
    if (ENDED.has(started.state) && started.state !== 'idle') resolveEnd(started);
    const end = await ended;
    return report(end, out);
  } finally {
    process.off('SIGINT', onSigint);
    stop();
  }
}

function describe(state: ModelSwitchState): string {
  const percent =
    state.totalChunks > 0 ? Math.floor((100 * state.doneChunks) / state.totalChunks) : 0;
  const left = state.secondsLeft === null ? '' : `, about ${formatSeconds(state.secondsLeft)} left`;
  return `${String(percent).padStart(3)}%  ${state.doneChunks} of ${state.totalChunks} passages${left}`;
}

function formatSeconds(seconds: number): string {
  if (seconds < 90) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** The final word on a switch; the exit code says whether it ended well. */
function report(state: ModelSwitchState, out: CliOutput): number {
  if (out.json) {
    out.line('', state);
  } else if (state.state === 'done') {
    out.line(`✓ The library now uses ${state.targetModel} (${state.totalChunks} passages).`);
  } else if (state.state === 'error') {
    out.error(`The switch to ${state.targetModel} stopped: ${state.error?.message ?? ''}`);
    out.error(`The library keeps ${state.fromModel}. Run the command again to resume.`);
  } else if (state.state === 'paused') {
    out.line(
      `Paused at ${describe(state).trim()}. Run \`quire models use ${state.targetModel}\` to resume.`,
    );
  } else if (state.state === 'cancelled') {
    out.line(`Cancelled: the library keeps ${state.fromModel}.`);
  } else if (state.state === 'idle') {
    out.line('No embedding model switch is under way.');
  } else {
    out.line(describe(state));
  }
  return state.state === 'error' ? 1 : 0;
}
