// Every `uevrProfiler.*` setting, declared once: key, type, default, range, scope and the package.nls
// key of its description. package.json's contributes.configuration is this schema written out (a unit
// test checks they match exactly); the extension's readSettings, the language server's settings and the
// CLI's defaults validate and default through it, so each value has one range and one default.
// No vscode import: the language server and the CLI use it too.
import { DEFAULT_REFRESH_RATE, REFRESH_RATES } from './budget';

export type SettingScope = 'application' | 'machine' | 'window' | 'resource' | 'machine-overridable';

interface Common {
  scope: SettingScope;
  /** package.nls.json key of the description (shown as `%key%` in package.json). */
  description: string;
  /** The description is Markdown (`markdownDescription`), not plain text. */
  markdown?: boolean;
}
export interface NumberSetting extends Common {
  type: 'number';
  default: number;
  minimum?: number;
  maximum?: number;
  enum?: readonly number[];
  /** nls keys, one per enum value. */
  enumDescriptions?: readonly string[];
}
export interface BooleanSetting extends Common {
  type: 'boolean';
  default: boolean;
}
export interface StringSetting extends Common {
  type: 'string';
  default: string;
  enum?: readonly string[];
}
export interface ArraySetting extends Common {
  type: 'array';
  default: readonly never[];
  /** JSON schema of an item, as package.json says it. */
  items: Readonly<Record<string, unknown>>;
  /** Is an item acceptable? Others are dropped and reported. */
  item: (v: unknown) => boolean;
  /** What an item must be, for the problem message. */
  itemText: string;
}
export type SettingSpec = NumberSetting | BooleanSetting | StringSetting | ArraySetting;

export const SECTION = 'uevrProfiler';

const isGlob = (v: unknown): boolean => typeof v === 'string' && v.length > 0 && v.length < 1000;
const isMapping = (v: unknown): boolean => {
  const m = v as Record<string, unknown> | null;
  return !!m && typeof m === 'object' && typeof m.from === 'string' && typeof m.to === 'string' && m.from.length > 0 && m.to.length > 0;
};

/** The sampling rate the agent is asked for, and the range a user may ask for (the agent may clamp further). */
export const SAMPLING_RATE = { default: 1000, minimum: 100, maximum: 10_000 } as const;

export const SETTINGS = {
  refreshRate: {
    type: 'number', scope: 'window', enum: REFRESH_RATES, default: DEFAULT_REFRESH_RATE, markdown: true,
    enumDescriptions: REFRESH_RATES.map((_, i) => `config.refreshRate.enumDescriptions.${i}`),
    description: 'config.refreshRate.markdownDescription',
  },
  'sampling.rateHz': { type: 'number', scope: 'window', ...SAMPLING_RATE, markdown: true, description: 'config.sampling.rateHz.markdownDescription' },
  pathMappings: {
    type: 'array', scope: 'resource', default: [], markdown: true, description: 'config.pathMappings.markdownDescription',
    items: {
      type: 'object',
      required: ['from', 'to'],
      properties: {
        from: { type: 'string', description: '%config.pathMappings.from.description%' },
        to: { type: 'string', description: '%config.pathMappings.to.description%' },
      },
    },
    item: isMapping, itemText: 'a {"from", "to"} pair of non-empty paths',
  },
  sessionsDirectory: { type: 'string', scope: 'machine', default: '', markdown: true, description: 'config.sessionsDirectory.markdownDescription' },
  'alerts.enabled': { type: 'boolean', scope: 'window', default: true, description: 'config.alerts.enabled.description' },
  'alerts.scriptsBudgetPercent': { type: 'number', scope: 'window', default: 20, minimum: 1, maximum: 100, description: 'config.alerts.scriptsBudgetPercent.description' },
  'alerts.sustainedFrames': { type: 'number', scope: 'window', default: 90, minimum: 1, maximum: 1_000_000, description: 'config.alerts.sustainedFrames.description' },
  'simulator.engine': { type: 'string', scope: 'window', enum: ['ue4', 'ue5'], default: 'ue5', description: 'config.simulator.engine.description' },
  'simulator.gcHandler': { type: 'string', scope: 'window', enum: ['uevr', 'lua'], default: 'uevr', description: 'config.simulator.gcHandler.description' },
  'simulator.gcType': { type: 'string', scope: 'window', enum: ['step', 'full'], default: 'step', description: 'config.simulator.gcType.description' },
  'simulator.gcMode': { type: 'string', scope: 'window', enum: ['generational', 'incremental'], default: 'generational', description: 'config.simulator.gcMode.description' },
  'simulator.gcBudgetUs': { type: 'number', scope: 'window', minimum: 0, maximum: 2000, default: 1000, description: 'config.simulator.gcBudgetUs.description' },
  'simulator.gcMinorMultiplier': { type: 'number', scope: 'window', minimum: 1, maximum: 200, default: 1, description: 'config.simulator.gcMinorMultiplier.description' },
  'simulator.gcMajorMultiplier': { type: 'number', scope: 'window', minimum: 1, maximum: 1000, default: 100, description: 'config.simulator.gcMajorMultiplier.description' },
  'capture.defaultSeconds': { type: 'number', scope: 'window', default: 5, minimum: 1, maximum: 600, description: 'config.capture.defaultSeconds.description' },
  'analyzer.disabledRules': {
    type: 'array', scope: 'resource', default: [], markdown: true, description: 'config.analyzer.disabledRules.markdownDescription',
    items: { type: 'string', pattern: '^UEVR\\d{3}$' },
    item: (v: unknown) => typeof v === 'string' && /^UEVR\d{3}$/.test(v), itemText: 'a rule code like "UEVR013"',
  },
  'analyzer.include': {
    type: 'array', scope: 'resource', default: [], markdown: true, description: 'config.analyzer.include.markdownDescription',
    items: { type: 'string' }, item: isGlob, itemText: 'a glob string',
  },
  'analyzer.exclude': {
    type: 'array', scope: 'resource', default: [], markdown: true, description: 'config.analyzer.exclude.markdownDescription',
    items: { type: 'string' }, item: isGlob, itemText: 'a glob string',
  },
  'trace.server': { type: 'string', scope: 'window', enum: ['off', 'messages', 'verbose'], default: 'off', description: 'config.trace.server.description' },
} as const satisfies Record<string, SettingSpec>;

export type SettingKey = keyof typeof SETTINGS;

type ValueOf<S> = S extends { type: 'number' } ? number
  : S extends { type: 'boolean' } ? boolean
  : S extends { type: 'string'; enum: readonly (infer E)[] } ? E
  : S extends { type: 'string' } ? string
  : S extends { type: 'array' } ? unknown[]
  : never;
export type SettingValue<K extends SettingKey> = ValueOf<(typeof SETTINGS)[K]>;
export type SettingValues = { [K in SettingKey]: SettingValue<K> };

/**
 * What to tell the user when the agent samples at another rate than asked (it clamps to its own range,
 * src/core/session/server.ts): "sampling at 4,000 Hz: the agent's maximum". Undefined when it did not clamp.
 */
export function describeSamplingClamp(requestedHz: number | undefined, actualHz: number): string | undefined {
  const asked = requestedHz ?? SAMPLING_RATE.default;
  if (actualHz === asked) return undefined;
  if (!(actualHz > 0)) return `the agent does not sample Lua stacks (asked for ${asked.toLocaleString('en-US')} Hz): the capture has frame timings only`;
  const hz = `${actualHz.toLocaleString('en-US')} Hz`;
  return actualHz < asked ? `sampling at ${hz}: the agent's maximum (asked for ${asked.toLocaleString('en-US')} Hz)` : `sampling at ${hz}: the agent's minimum (asked for ${asked.toLocaleString('en-US')} Hz)`;
}

/** The default of every setting. */
export function defaultValues(): SettingValues {
  const out: Record<string, unknown> = {};
  for (const [k, s] of Object.entries(SETTINGS) as Array<[SettingKey, SettingSpec]>) out[k] = Array.isArray(s.default) ? [] : s.default;
  return out as SettingValues;
}

export interface Checked<T> {
  value: T;
  /** Set when the raw value was not acceptable: what was wrong and what is used instead. */
  problem?: string;
}

/** The one validation of a setting's value: a bad value falls back to the default (or drops bad items), with a problem. */
export function checkSetting<K extends SettingKey>(key: K, raw: unknown): Checked<SettingValue<K>> {
  const s = SETTINGS[key] as SettingSpec;
  const name = `${SECTION}.${key}`;
  const got = JSON.stringify(raw);
  const fallback = (what: string): Checked<SettingValue<K>> => ({
    value: (Array.isArray(s.default) ? [] : s.default) as SettingValue<K>,
    problem: `${name} must be ${what} (got ${got}); using ${JSON.stringify(s.default)}.`,
  });
  if (raw === undefined || raw === null) return { value: (Array.isArray(s.default) ? [] : s.default) as SettingValue<K> };
  switch (s.type) {
    case 'number': {
      if (s.enum) return typeof raw === 'number' && s.enum.includes(raw) ? { value: raw as SettingValue<K> } : fallback(`one of ${s.enum.join(', ')}`);
      const min = s.minimum ?? Number.NEGATIVE_INFINITY;
      const max = s.maximum ?? Number.POSITIVE_INFINITY;
      return typeof raw === 'number' && Number.isFinite(raw) && raw >= min && raw <= max ? { value: raw as SettingValue<K> } : fallback(`a number from ${s.minimum} to ${s.maximum}`);
    }
    case 'boolean':
      return typeof raw === 'boolean' ? { value: raw as SettingValue<K> } : fallback('true or false');
    case 'string':
      if (typeof raw !== 'string') return fallback(s.enum ? `one of ${s.enum.join(', ')}` : 'a string');
      return !s.enum || s.enum.includes(raw) ? { value: raw as SettingValue<K> } : fallback(`one of ${s.enum.join(', ')}`);
    case 'array': {
      if (!Array.isArray(raw)) return fallback(`a list, each entry ${s.itemText}`);
      const ok = raw.filter((v) => s.item(v));
      return ok.length === raw.length
        ? { value: ok as SettingValue<K> }
        : { value: ok as SettingValue<K>, problem: `${name}: every entry must be ${s.itemText}; ${raw.length - ok.length} other ${raw.length - ok.length === 1 ? 'entry is' : 'entries are'} ignored.` };
    }
  }
}

/** Reads every setting through `get` (the raw value of a key, undefined when unset) and validates it. */
export function readSettingValues(get: (key: SettingKey) => unknown): { values: SettingValues; problems: string[] } {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const key of Object.keys(SETTINGS) as SettingKey[]) {
    const r = checkSetting(key, get(key));
    values[key] = r.value;
    if (r.problem) problems.push(r.problem);
  }
  return { values: values as SettingValues, problems };
}

/** The schema as package.json's contributes.configuration.properties writes it. */
export function packageJsonProperties(): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [key, s] of Object.entries(SETTINGS) as Array<[SettingKey, SettingSpec]>) {
    const p: Record<string, unknown> = { type: s.type, scope: s.scope, default: Array.isArray(s.default) ? [] : s.default };
    if (s.type === 'number') {
      if (s.enum) p.enum = [...s.enum];
      if (s.enumDescriptions) p.enumDescriptions = s.enumDescriptions.map((d) => `%${d}%`);
      if (s.minimum !== undefined) p.minimum = s.minimum;
      if (s.maximum !== undefined) p.maximum = s.maximum;
    }
    if (s.type === 'string' && s.enum) p.enum = [...s.enum];
    if (s.type === 'array') p.items = s.items;
    p[s.markdown ? 'markdownDescription' : 'description'] = `%${s.description}%`;
    out[`${SECTION}.${key}`] = p;
  }
  return out;
}
