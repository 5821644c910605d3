import { parseDocument } from 'yaml';
import { ScenarioError } from './scenario-error.ts';

/** Largest scenario text accepted: a world description, not a data dump. */
const MAX_SOURCE_BYTES = 4 * 1024 * 1024;

/**
 * YAML or JSON text (JSON is YAML 1.2) → plain data. Alias expansion is capped by the yaml
 * library (billion-laughs documents fail), duplicate keys are errors, and syntax errors carry
 * their line and column.
 */
export function parseScenarioText(text: string): unknown {
  if (text.length > MAX_SOURCE_BYTES) {
    throw new ScenarioError([
      { path: '', message: `scenario is ${text.length} bytes; the limit is ${MAX_SOURCE_BYTES}` },
    ]);
  }
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ScenarioError(
      doc.errors.map((e) => ({
        path: '',
        message: `${e.linePos?.[0] ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}: ` : ''}${(e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}`,
      })),
    );
  }
  try {
    return doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new ScenarioError([{ path: '', message: error instanceof Error ? error.message : String(error) }]);
  }
}
