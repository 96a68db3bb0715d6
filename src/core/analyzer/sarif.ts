// SARIF 2.1.0 (OASIS Static Analysis Results Interchange Format) for the analyzer's findings: the
// format CI code scanning reads (GitHub's upload-sarif, Azure DevOps, SonarQube importers). One run,
// one tool, every rule of the catalog in tool.driver.rules, results pointing at files relative to the
// folder the analysis ran in (%SRCROOT%), so the upload matches them to the repository's files.
import { isAbsolute, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Log, ReportingDescriptor, Result } from 'sarif';
import type { AnalyzeJsonRecord } from './cli';
import type { Severity } from './types';

export type SarifSeverity = Severity;

/**
 * One finding as `uevr-prof analyze --json` reports it (absolute file path, 1-based lines and UTF-16
 * columns, end exclusive): the SARIF log is made from those records, so it is their type, not a copy.
 */
export type SarifFinding = AnalyzeJsonRecord;

export interface SarifRule {
  code: string;
  title: string;
  severity: SarifSeverity;
  /** Why it costs time (becomes the rule's full description). */
  cost?: string;
}

export interface SarifOptions {
  toolName: string;
  toolVersion: string;
  /** The folder the analysis ran in: files under it are written relative to %SRCROOT%. */
  rootDir: string;
  rules: SarifRule[];
}

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/** SARIF has no 'hint' or 'information': both are notes. */
export function sarifLevel(s: SarifSeverity): 'error' | 'warning' | 'note' {
  return s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'note';
}

function artifactLocation(file: string, rootDir: string): { uri: string; uriBaseId?: string } {
  const rel = relative(rootDir, file);
  // Outside the root is '..' or '../…' exactly: a folder named '..data' is still inside it.
  if (rel && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel)) {
    // A relative URI reference: each path segment percent-encoded, '/' between them.
    return { uri: rel.split(sep).map(encodeURIComponent).join('/'), uriBaseId: 'SRCROOT' };
  }
  return { uri: pathToFileURL(file).href };
}

/** The SARIF log of one analysis. Rules the findings name but the catalog lacks (e.g. 'syntax') are added. */
export function toSarif(findings: readonly SarifFinding[], opts: SarifOptions): Log {
  const rules: ReportingDescriptor[] = [];
  const index = new Map<string, number>();
  const addRule = (r: SarifRule): void => {
    if (index.has(r.code)) return;
    index.set(r.code, rules.length);
    rules.push({
      id: r.code,
      shortDescription: { text: r.title },
      ...(r.cost ? { fullDescription: { text: `${r.title}: ${r.cost}.` } } : {}),
      defaultConfiguration: { level: sarifLevel(r.severity) },
    });
  };
  for (const r of opts.rules) addRule(r);
  for (const f of findings) {
    if (!index.has(f.code)) addRule({ code: f.code, title: f.code === 'syntax' ? 'Lua syntax error' : f.code, severity: f.severity });
  }
  const results: Result[] = findings.map((f) => ({
    ruleId: f.code,
    ruleIndex: index.get(f.code)!,
    level: sarifLevel(f.severity),
    message: { text: f.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: artifactLocation(f.file, opts.rootDir),
          region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
        },
      },
    ],
    ...(f.fixable ? { properties: { fixable: true } } : {}),
  }));
  return {
    version: '2.1.0',
    $schema: SARIF_SCHEMA,
    runs: [
      {
        tool: { driver: { name: opts.toolName, version: opts.toolVersion, semanticVersion: opts.toolVersion, rules } },
        originalUriBaseIds: { SRCROOT: { uri: pathToFileURL(opts.rootDir.endsWith(sep) ? opts.rootDir : opts.rootDir + sep).href } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}
