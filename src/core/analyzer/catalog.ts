// The rule catalog (docs/rules.md) and what the analyzer knows about UEVR's API: which
// registrations make a function hot and at what frequency, and what each API call costs.
import type { Frequency, Severity } from './types';

export interface RuleInfo {
  code: string;
  /** Catalog id (R1…R15) or a short tag for the rare rules. */
  id: string;
  title: string;
  /** Default severity; some rules adjust it by context (loops, stereo, conditional). */
  severity: Severity;
  cost: string;
  fixable: boolean;
}

export const RULES: RuleInfo[] = [
  { code: 'UEVR001', id: 'R1', title: 'Config write every frame', severity: 'warning', fixable: true,
    cost: 'linear scan over every option plus string parsing per call, and side effects each frame' },
  { code: 'UEVR002', id: 'R2', title: 'Object scan every frame', severity: 'warning', fixable: true,
    cost: 'copies the whole per-class instance set under a lock (O(instances)) per call' },
  { code: 'UEVR003', id: 'R3', title: 'Object lookup by name in hot code', severity: 'warning', fixable: true,
    cost: 'a miss walks the whole global object array building every full name, on every call' },
  { code: 'UEVR004', id: 'R4', title: 'Object-name string matching in hot code', severity: 'warning', fixable: true,
    cost: 'builds a new string per call' },
  { code: 'UEVR005', id: 'R5', title: 'Repeated reflective property chain', severity: 'information', fixable: true,
    cost: 'each hop is a name lookup plus a wrapper allocation' },
  { code: 'UEVR006', id: 'R6', title: 'Pawn/controller/world fetched repeatedly', severity: 'information', fixable: true,
    cost: 'a C++ crossing plus a wrapper allocation per fetch' },
  { code: 'UEVR007', id: 'R7', title: 'Table constructor in hot code', severity: 'information', fixable: true,
    cost: 'an allocation per run, collected by the GC step at frame end' },
  { code: 'UEVR008', id: 'R8', title: 'Closure created per frame', severity: 'information', fixable: true,
    cost: 'a closure allocation per run' },
  { code: 'UEVR009', id: 'R9', title: 'Value object allocated per frame', severity: 'information', fixable: true,
    cost: 'an allocation per run plus GC' },
  { code: 'UEVR010', id: 'R10', title: 'Motion-controller state reconfigured per frame', severity: 'warning', fixable: false,
    cost: 'lookups plus state churn every frame' },
  { code: 'UEVR011', id: 'R11', title: 'print in hot code', severity: 'error', fixable: true,
    cost: 'console I/O per run' },
  { code: 'UEVR012', id: 'R12', title: 'String building in hot code', severity: 'hint', fixable: true,
    cost: 'an allocation plus hashing per concatenation' },
  { code: 'UEVR013', id: 'R13', title: 'Global lookup in a hot loop', severity: 'information', fixable: true,
    cost: 'table lookups per iteration (cheap each)' },
  { code: 'UEVR014', id: 'R14', title: 'Stereo callback ignores view_index', severity: 'warning', fixable: false,
    cost: 'runs twice per frame (once per eye) for one result' },
  { code: 'UEVR015', id: 'R15', title: 'FName built per frame', severity: 'warning', fixable: true,
    cost: 'a name-table lookup plus an allocation per call' },
  { code: 'UEVR016', id: 'register', title: 'Callback registered from hot code', severity: 'error', fixable: false,
    cost: 'a new registration every run: the callback list grows without bound' },
  { code: 'UEVR017', id: 'require', title: 'require in hot code', severity: 'warning', fixable: false,
    cost: 'a package.loaded lookup (and a load on first use) per run' },
  { code: 'UEVR018', id: 'spawn', title: 'Spawning objects per frame', severity: 'warning', fixable: false,
    cost: 'creates engine objects every run' },
  { code: 'UEVR019', id: 'io', title: 'File I/O per frame', severity: 'warning', fixable: false,
    cost: 'a file system call per run' },
  { code: 'UEVR020', id: 'cdo', title: 'get_class_default_object per frame', severity: 'information', fixable: false,
    cost: 'a lookup per run of an object that never changes' },
];

export const RULE_BY_CODE = new Map(RULES.map((r) => [r.code, r]));

/** uevr.sdk.callbacks.* registrations that make their argument hot, with the frequency class. */
export const HOT_CALLBACKS: Record<string, Frequency> = {
  on_pre_engine_tick: 'tick',
  on_post_engine_tick: 'tick',
  on_early_calculate_stereo_view_offset: 'stereo',
  on_pre_calculate_stereo_view_offset: 'stereo',
  on_post_calculate_stereo_view_offset: 'stereo',
  on_xinput_get_state: 'input',
  on_xinput_set_state: 'input',
  on_frame: 'tick',
  on_draw_ui: 'draw',
  on_pre_viewport_client_draw: 'draw',
  on_post_viewport_client_draw: 'draw',
  on_pre_slate_draw_window_render_thread: 'draw',
  on_post_slate_draw_window_render_thread: 'draw',
};

/** Callback registrations that are not hot (still "registration" for UEVR016). */
export const COLD_CALLBACKS = new Set(['on_script_reset', 'on_lua_event', 'on_config_load', 'on_config_save']);

/** Global functions that library conventions call every frame when defined by name. */
export const GLOBAL_CONVENTION: Record<string, Frequency> = {
  on_pre_engine_tick: 'tick',
  on_post_engine_tick: 'tick',
  on_xinput_get_state: 'input',
  on_xinput_set_state: 'input',
  on_pre_calculate_stereo_view_offset: 'stereo',
  on_post_calculate_stereo_view_offset: 'stereo',
  on_early_calculate_stereo_view_offset: 'stereo',
};

export function frequencyPhrase(f: Frequency): string {
  switch (f) {
    case 'tick': return 'every frame';
    case 'stereo': return 'twice per frame (once per eye)';
    case 'input': return 'on every input poll';
    case 'draw': return 'every drawn frame';
    case 'hook': return 'on every call of the hooked engine function';
  }
}

/**
 * Frequency of a registrar by name or event string: `registerPreEngineTickCallback`,
 * `registerUEVRCallback("on_post_calculate_stereo_view_offset", fn)`. Unknown events are not hot
 * (precision over recall: a key-press callback runs rarely).
 */
export function registrarFrequency(text: string): Frequency | null {
  const t = text.toLowerCase();
  if (/stereo|view_?offset/.test(t)) return 'stereo';
  if (/xinput|input_?state|getstate|get_state|setstate/.test(t)) return 'input';
  if (/tick|on_?frame|every_?frame|per_?frame|update/.test(t)) return 'tick';
  if (/draw|render|slate/.test(t)) return 'draw';
  return null;
}

/** Costs of UEVR API calls, for hover and messages. Keyed by the called name. */
export const API_COSTS: Record<string, string> = {
  find_uobject: 'hits are cached by name; a miss walks the whole global object array building every full name (ms on big games)',
  find_required_object: 'a find_uobject by name: a miss walks the whole object array',
  get_first_object_by_class: 'copies the per-class instance set under a lock: O(instances)',
  get_first_object_matching: 'copies the per-class instance set under a lock: O(instances)',
  get_objects_matching: 'copies the per-class instance set under a lock: O(instances), plus a Lua table',
  find_first_of: 'scans the instances of a class: O(instances)',
  FindAllOf: 'scans the instances of a class: O(instances), plus a Lua table',
  set_mod_value: 'linear scan over every option plus string parsing (UEVR marks it TODO: optimise)',
  get_mod_value: 'linear scan over every option plus string parsing',
  execute_command: 'parses and runs a console command',
  get_local_pawn: 'C++ crossing plus a new wrapper',
  get_player_controller: 'C++ crossing plus a new wrapper',
  get_engine: 'C++ crossing plus a new wrapper',
  get_full_name: 'builds the object\'s full path string (allocation)',
  to_string: 'builds a Lua string from an FName (allocation)',
  Conv_StringToName: 'name-table lookup plus an allocation',
  fname_from_string: 'name-table lookup plus an allocation',
  get_or_add_motion_controller_state: 'hash lookup (and creation) of the motion-controller state',
  spawn_object: 'creates an engine object',
  add_component_by_class: 'creates and registers a component',
  get_class_default_object: 'looks up the class default object',
  get_class: 'cheap without an argument (reads the object\'s class)',
  is_a: 'walks the class chain',
  hook_ptr: 'installs a hook: the callbacks then run on every call of the engine function',
  dispatch_custom_event: 'synchronous call into native plugins',
};
