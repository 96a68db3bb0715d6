// Public types of the analyzer (shared by the language server, the CLI and the tests).
import type { Range } from '../lua/positions';

export type { Position, Range } from '../lua/positions';

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** How often hot code runs. stereo = twice per frame (once per eye); hook = per call of an engine function. */
export type Frequency = 'tick' | 'stereo' | 'input' | 'draw' | 'hook';

export interface HotInfo {
  /** The UEVR callback (or registrar) the code runs under, e.g. 'on_pre_engine_tick', 'hook_ptr'. */
  callback: string;
  frequency: Frequency;
  /** Function names from the callback root down to the function holding the finding. */
  via?: string[];
}

export interface TextEdit {
  range: Range;
  newText: string;
}

export interface Fix {
  title: string;
  /** 'safe' fixes keep behaviour and go into fix-all; 'suggestion' ones need a human (see reason). */
  kind: 'safe' | 'suggestion';
  reason?: string;
  edits: TextEdit[];
}

export interface Finding {
  /** 'UEVR001'…: rule code; 'syntax' for parse errors; 'UEVR100' for measured hotspots. */
  code: string;
  severity: Severity;
  message: string;
  range: Range;
  /** Where the code runs; null for findings that are not about hot code (syntax errors). */
  hot: HotInfo | null;
  fixes: Fix[];
  /** Measured cost attached when a capture is loaded (ms per frame of the flagged line). */
  measuredMsPerFrame?: number;
}

export interface RequireResolution {
  uri: string;
  text: string;
}

export interface AnalyzeOptions {
  /** Rule codes not to report (e.g. the uevrProfiler.analyzer.disabledRules setting). */
  disabledRules?: string[];
  /** Maps a `require("name")` to a workspace file, for hot-path inference across files. */
  resolveRequire?(name: string, fromUri: string): RequireResolution | undefined;
  /**
   * Reuse the previous parse of the same uri and re-parse only the edited top-level statement when
   * possible (the language server sets this; one-shot callers should not, to keep no state).
   */
  incremental?: boolean;
}
