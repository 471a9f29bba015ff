import type { ModelInfo, ModelRole, WukongService } from '../../core/api.js';
import { WukongError } from '../../core/errors.js';
import { UsageError } from '../args.js';
import { jsonFlag, printJson, type Command } from '../command.js';
import type { CliIO } from '../io.js';
import { cliService } from '../open.js';
import { profile, profileFlags } from './models-profile.js';

const ACTIONS = ['list', 'install', 'download', 'verify', 'select', 'profile'] as const;

export const modelsCommand: Command = {
  name: 'models',
  summary:
    'Manage local models: list | install <folder> [--id ID] | download <id> | verify [id] | select <role> <id|none> | profile <id> [--streaming 0.5].',
  positionals: ['action', 'arg?', 'arg2?'],
  flags: { id: { type: 'string', description: 'id to install a folder under (default: the folder name)' }, ...profileFlags, ...jsonFlag },
  examples: [
    'wukong models list',
    'wukong models install ~/Downloads/all-MiniLM-L6-v2 --id all-minilm-l6-v2',
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
          const model = await service.installModel(arg, args.flags.id as string | undefined);
          if (json) printJson(io, model);
          else io.out(`installed ${model.id} (${model.role}, ${mb(model.sizeBytes)}) in ${model.path}`);
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

async function download(service: WukongService, id: string, io: CliIO, json: boolean): Promise<number> {
  const off = service.onEvent((e) => {
    if (e.type === 'job' && e.job.modelId === id) io.progress(e.job.message);
  });
  try {
    const job = await service.waitForJob((await service.downloadModel(id)).id);
    if (job.state !== 'done') throw new WukongError(job.error?.code ?? 'INTERNAL', job.error?.message);
    if (json) printJson(io, job);
    else io.out(`downloaded and verified ${id}`);
    return 0;
  } finally {
    off();
    io.progress('');
  }
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
  const rows = models.map((m) => [
    m.selected ? '*' : ' ',
    m.id,
    m.role,
    m.builtin ? 'built in' : m.installed ? 'installed' : 'not installed',
    m.sizeBytes ? mb(m.sizeBytes) : '',
    m.name,
  ]);
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => r[i].length))) ?? [];
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n') + '\n(* = selected)';
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
