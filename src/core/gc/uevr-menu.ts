// UEVR's Lua garbage-collection options as a user meets them: the bounded set of combinations that
// `gc-advice` compares, and where each one is set in UEVR's menu and config file. The labels, ranges
// and visibility rules are UEVR's (src/mods/LuaLoader.hpp declares the options, LuaLoader.cpp
// on_draw_sidebar_entry("Main") draws them; src/Framework.cpp lists advanced mods such as LuaLoader in
// the sidebar only with "Show Advanced Options" ticked). Pure: no simulator, no vscode.
import type { GcOptions } from '../sim/host-prelude';

/** UEVR's defaults (LuaLoader.hpp): Managed by UEVR, Step, Generational, 1000 µs, minor 1, major 100. */
export const UEVR_DEFAULT_GC: GcOptions = { handler: 'uevr', type: 'step', mode: 'generational', budgetUs: 1000, minorMultiplier: 1, majorMultiplier: 100 };

/**
 * The combinations compared (bounded: the menu has 2 × 2 × 2 choices and three sliders). Each differs
 * from UEVR's default in one respect a user would try: the minor multiplier (1, 20 = Lua's own default,
 * 100), the major multiplier (300), the incremental mode at three budgets (250, 1000, 2000 µs), a full
 * collection every frame, and handing the collector back to Lua in either mode.
 */
export const GC_CANDIDATES: readonly GcOptions[] = [
  UEVR_DEFAULT_GC,
  { ...UEVR_DEFAULT_GC, minorMultiplier: 20 },
  { ...UEVR_DEFAULT_GC, minorMultiplier: 100 },
  { ...UEVR_DEFAULT_GC, majorMultiplier: 300 },
  { ...UEVR_DEFAULT_GC, mode: 'incremental', budgetUs: 250 },
  { ...UEVR_DEFAULT_GC, mode: 'incremental', budgetUs: 1000 },
  { ...UEVR_DEFAULT_GC, mode: 'incremental', budgetUs: 2000 },
  { ...UEVR_DEFAULT_GC, type: 'full' },
  { ...UEVR_DEFAULT_GC, handler: 'lua' },
  { ...UEVR_DEFAULT_GC, handler: 'lua', mode: 'incremental' },
];

export function sameGc(a: GcOptions, b: GcOptions): boolean {
  return a.handler === b.handler && a.type === b.type && a.mode === b.mode && a.budgetUs === b.budgetUs && a.minorMultiplier === b.minorMultiplier && a.majorMultiplier === b.majorMultiplier;
}

/**
 * The settings that take effect for this option, as UEVR's menu shows them: the multipliers only in
 * generational mode, Type only with Managed by UEVR, the budget only with Managed by UEVR, type Step
 * (it is only read there) and a mode other than generational (LuaLoader.cpp's draw conditions).
 */
export function menuSettings(o: GcOptions): Array<[label: string, value: string]> {
  const s: Array<[string, string]> = [['Garbage Collection Handler', o.handler === 'uevr' ? 'Managed by UEVR' : 'Managed by Lua']];
  s.push(['Garbage Collection Mode', o.mode === 'generational' ? 'Generational' : 'Incremental (Mark & Sweep)']);
  if (o.mode === 'generational') {
    s.push(['Minor GC Multiplier', String(o.minorMultiplier)]);
    s.push(['Major GC Multiplier', String(o.majorMultiplier)]);
  }
  if (o.handler === 'uevr') {
    s.push(['Garbage Collection Type', o.type === 'step' ? 'Step' : 'Full']);
    if (o.mode !== 'generational' && o.type === 'step') s.push(['Garbage Collection Budget', String(o.budgetUs)]);
  }
  return s;
}

/** A short label for tables: "UEVR/Step/Gen minor 1 major 100". */
export function gcLabel(o: GcOptions): string {
  const h = o.handler === 'uevr' ? 'UEVR' : 'Lua';
  const mode = o.mode === 'generational' ? `Gen minor ${o.minorMultiplier} major ${o.majorMultiplier}` : 'Incremental';
  if (o.handler === 'lua') return `${h}/${mode}`;
  if (o.type === 'full') return `${h}/Full/${o.mode === 'generational' ? 'Gen' : 'Incremental'}`;
  return `${h}/Step/${mode}${o.mode === 'incremental' ? ` ${o.budgetUs} µs` : ''}`;
}

/** Where the settings are: the menu path UEVR draws them under. */
export const UEVR_MENU_PATH = 'UEVR menu > tick "Show Advanced Options" > sidebar "LuaLoader" > "Main"';

/**
 * The same settings as keys of the game's UEVR profile config.txt (Mod::generate_name prefixes the mod
 * name; combos are saved as the index of the chosen entry, sliders as numbers).
 */
export function configKeys(o: GcOptions): Array<[key: string, value: string]> {
  return [
    ['LuaLoader_GarbageCollectionHandler', o.handler === 'uevr' ? '0' : '1'],
    ['LuaLoader_GarbageCollectionType', o.type === 'step' ? '0' : '1'],
    ['LuaLoader_GarbageCollectionMode', o.mode === 'generational' ? '0' : '1'],
    ['LuaLoader_GarbageCollectionBudget', String(o.budgetUs)],
    ['LuaLoader_GarbageCollectionMinorMultiplier', String(o.minorMultiplier)],
    ['LuaLoader_GarbageCollectionMajorMultiplier', String(o.majorMultiplier)],
  ];
}
