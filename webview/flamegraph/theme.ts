// Theme colours read from VS Code's CSS variables (the standalone page defines fallbacks in the CSS).
// Canvas needs concrete colour strings, so they are resolved once per render and on theme change.

export interface Theme {
  background: string;
  foreground: string;
  focus: string;
  muted: string;
  red: string;
  blue: string;
  green: string;
  yellow: string;
  purple: string;
  orange: string;
  font: string;
}

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  const v = style.getPropertyValue(name).trim();
  return v.length > 0 ? v : fallback;
}

export function readTheme(): Theme {
  const s = getComputedStyle(document.body);
  return {
    background: cssVar(s, '--vscode-editor-background', '#1e1e1e'),
    foreground: cssVar(s, '--vscode-foreground', '#cccccc'),
    focus: cssVar(s, '--vscode-focusBorder', '#007fd4'),
    muted: cssVar(s, '--vscode-descriptionForeground', '#8b8b8b'),
    red: cssVar(s, '--vscode-charts-red', '#f14c4c'),
    blue: cssVar(s, '--vscode-charts-blue', '#3794ff'),
    green: cssVar(s, '--vscode-charts-green', '#89d185'),
    yellow: cssVar(s, '--vscode-charts-yellow', '#cca700'),
    purple: cssVar(s, '--vscode-charts-purple', '#b180d7'),
    orange: cssVar(s, '--vscode-charts-orange', '#d18616'),
    font: `11px ${cssVar(s, '--vscode-editor-font-family', 'monospace')}`,
  };
}
