import type { InstallOptions, JobInfo, ModelInfo, ModelRole, Precision, WukongService } from '../../core/api.js';
import { WukongError } from '../../core/errors.js';
import { UsageError } from '../args.js';
import { jsonFlag, printJson, type Command } from '../command.js';
import type { CliIO } from '../io.js';
import { cliService } from '../open.js';
import { profile, profileFlags } from './models-profile.js';
import { formatBytes } from '../../core/util/format.js';
import { downloadReporter } from '../progress-bar.js';

const ACTIONS = ['list', 'install', 'download', 'verify', 'select', 'profile'] as const;
const PRECISIONS: readonly Precision[] = ['fp32', 'fp16', 'int8', 'int4'];

export const modelsCommand: Command = {
  name: 'models',
  summary:
    'Manage local models: list | install <folder> [--id ID] [--precision P] | download <id> | verify [id] | select <role> <id|none> | profile <id> [--streaming 0.5].',
  positionals: ['action', 'arg?', 'arg2?'],
  flags: {
    id: { type: 'string', description: 'id to install a folder under (default: the folder name)' },
    precision: { type: 'string', value: 'fp32|fp16|int8|int4', description: 'for a generator: the precision its graph is built at (default int4)' },
    ...profileFlags,
    ...jsonFlag,
  },
  examples: [
    'wukong models list',
    'wukong models download qwen2.5-0.5b-instruct',
    'wukong models install ~/Downloads/all-MiniLM-L6-v2 --id all-minilm-l6-v2',
    'wukong models install ~/Downloads/Qwen2.5-0.5B-Instruct --precision int4',
    'wukong models select embedder all-minilm-l6-v2',
    'wukong models verify --json',
  ],
  async run({ args, io, env }) {
    const [action, arg, arg2] = args.positionals;
    if (!ACTIONS.includes(action as (typeof ACTIONS)[number])) {
      throw new UsageError(`unknown action "${action}" (expected ${ACTIONS.join(', ')})`);
    }
    const json = Boolean(args.flags.json);
    const service = await cliService(env);
    try {
      switch (action) {
        case 'list': {
          const models = await service.listModels();
          if (json) printJson(io, models);
          else io.out(formatModels(models));
          return 0;
        }
        case 'install': {
          if (!arg) throw new UsageError('models install needs a <folder>');
          const model = await install(service, arg, args.flags.id as string | undefined, installOptions(args.flags.precision), io, json);
          if (json) printJson(io, model);
          else io.out(`installed ${model.id} (${model.role}, ${formatBytes(model.sizeBytes)}) in ${model.path}`);
          return 0;
        }
        case 'download':
          if (!arg) throw new UsageError('models download needs an <id>');
          return await download(service, arg, io, json);
        case 'verify':
          return await verify(service, arg, io, json);
        case 'profile':
          if (!arg) throw new UsageError('models profile needs an <id>');
          return await profile(service, arg, args.flags, io, json);
        case 'select': {
          if (!arg || !arg2) throw new UsageError('models select needs <role> and <id> (or "none")');
          if (!['embedder', 'generator', 'vision'].includes(arg)) throw new UsageError(`role must be embedder, generator or vision`);
          await service.selectModel(arg as ModelRole, arg2 === 'none' ? null : arg2);
          if (json) printJson(io, { role: arg, selected: arg2 === 'none' ? null : arg2 });
          else io.out(`${arg}: ${arg2}`);
          return 0;
        }
      }
      return 2;
    } finally {
      await service.close();
    }
  },
};

function installOptions(precision: unknown): InstallOptions {
  if (precision === undefined) return {};
  if (!PRECISIONS.includes(precision as Precision)) throw new UsageError(`--precision must be one of ${PRECISIONS.join(', ')}`);
  return { precision: precision as Precision };
}

/** Shows a job's progress while `work` runs: a bar on a terminal, plain lines otherwise, nothing with --json. */
async function withProgress<T>(service: WukongService, io: CliIO, json: boolean, matches: (job: JobInfo) => boolean, work: () => Promise<T>): Promise<T> {
  const interactive = Boolean(io.interactive);
  const report = downloadReporter(interactive, (line) => (interactive ? io.progress(line) : io.err(line)));
  const off = service.onEvent((e) => {
    if (!json && e.type === 'job' && matches(e.job)) report(e.job);
  });
  try {
    return await work();
  } finally {
    off();
    io.progress('');
  }
}

function install(service: WukongService, folder: string, id: string | undefined, options: InstallOptions, io: CliIO, json: boolean): Promise<ModelInfo> {
  return withProgress(service, io, json, (job) => job.kind === 'install', () => service.installModel(folder, id, options));
}

async function download(service: WukongService, id: string, io: CliIO, json: boolean): Promise<number> {
  return withProgress(service, io, json, (job) => job.kind === 'download' && job.modelId === id, async () => {
    const job = await service.waitForJob((await service.downloadModel(id)).id);
    if (job.state !== 'done') throw new WukongError(job.error?.code ?? 'INTERNAL', job.error?.message);
    if (json) printJson(io, job);
    else io.out(`downloaded and verified ${id}`);
    return 0;
  });
}

async function verify(service: WukongService, id: string | undefined, io: CliIO, json: boolean): Promise<number> {
  const ids = id ? [id] : (await service.listModels()).filter((m) => m.installed).map((m) => m.id);
  const reports = [];
  for (const m of ids) reports.push(await service.verifyModel(m));
  if (json) printJson(io, reports);
  else {
    for (const r of reports) {
      io.out(`${r.ok ? 'ok  ' : 'BAD '} ${r.modelId}${r.files.length ? ` (${r.files.length} files)` : ' (built in)'}`);
      for (const f of r.files.filter((x) => !x.ok)) io.out(`       ${f.path}: ${f.problem}`);
    }
  }
  return reports.every((r) => r.ok) ? 0 : 1;
}

function formatModels(models: ModelInfo[]): string {
  const approx = (m: ModelInfo): string => (m.approx ? '~' : '');
  const header = [' ', 'id', 'role', 'status', 'size', 'RAM', 'licence', 'name'];
  const rows = models.map((m) => [
    m.selected ? '*' : ' ',
    m.id,
    m.role,
    m.builtin ? 'built in' : m.installed ? 'installed' : m.recommended ? 'recommended' : 'not installed',
    m.sizeBytes ? approx(m) + formatBytes(m.sizeBytes) : '',
    m.ramBytes ? approx(m) + formatBytes(m.ramBytes) : '',
    m.licence ?? '',
    m.name,
  ]);
  const table = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...table.map((r) => r[i].length)));
  const lines = table.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd());
  return `${lines.join('\n')}\n(* = selected, ~ = approximate; RAM = memory needed to answer with it)`;
}
