// Public surface of the analyzer for the extension, the CLI and the language server.
export { analyze, analyzeFiles, applyEdits, fixAll, fixKeepsSyntax } from './analyze';
export { runAnalyzeCommand, type AnalyzeJsonRecord } from './cli';
export { RULES, RULE_BY_CODE, API_COSTS, type RuleInfo } from './catalog';
export {
  applyMeasured, hotspotFindings, measuredHover, recordMatchesUri,
  type MeasuredRecord, type PathMapping,
} from './measured';
export type { AnalyzeOptions, Finding, Fix, Frequency, HotInfo, Range, Position, Severity, TextEdit } from './types';
