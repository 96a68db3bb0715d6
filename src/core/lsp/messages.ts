// The language server's custom notifications (client → server), declared once for both ends: the
// extension's client (src/extension/lsp/client.ts) sends them, src/server/main.ts receives them, and
// other editors' clients can send the same JSON (docs/editors.md).
import type { MeasuredRecord } from '../report/measured';
import type { PathMapping } from '../scriptPaths';
import { isKnownRate } from '../budget';

/** Measured costs of a capture: re-ranked findings, hotspots, hover and CodeLens. */
export const LOAD_CAPTURE = 'uevr/loadCapture';
/** Removes every measured annotation. */
export const CLEAR_CAPTURE = 'uevr/clearCapture';
/**
 * The refresh rate in force changed: hovers, diagnostics and CodeLens re-word their costs. For other
 * editors' clients; the extension sends uevr/loadCapture again instead (a profile without game frames
 * has other ms per frame at another rate: report/measured.ts's recordsAtRate).
 */
export const SET_FRAME_BUDGET = 'uevr/setFrameBudget';
/** Request: analyse the workspace's UEVR scripts (src/server/workspaceAnalysis.ts) and publish the findings. */
export const ANALYZE_WORKSPACE = 'uevr/analyzeWorkspace';

export interface AnalyzeWorkspaceParams {
  /** file: URIs of the workspace's .lua files (the client applies the editor's excludes). */
  files: string[];
}

export interface AnalyzeWorkspaceResult {
  /** UEVR scripts analysed (other Lua files are not counted). */
  files: number;
  findings: number;
  byCode: Record<string, number>;
}

export interface LoadCaptureParams {
  /** ms per frame per line and function; no budget (it is applied when shown). */
  records: MeasuredRecord[];
  /** Path mappings with `${workspaceFolder}` already resolved. */
  pathMappings?: PathMapping[];
  /** The rate in force for this capture (src/core/budget.ts's precedence); 0 or absent: the default. */
  refreshRateHz?: number;
}

export interface SetFrameBudgetParams {
  refreshRateHz: number;
}

/** The rate in a received message, or undefined when absent or not a usable rate (the server keeps its own). */
export function rateIn(params: unknown): number | undefined {
  const hz = params && typeof params === 'object' ? (params as Record<string, unknown>).refreshRateHz : undefined;
  return isKnownRate(hz) ? hz : undefined;
}
