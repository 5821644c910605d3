import { type JsonValue, prettyJson } from './json.ts';

/**
 * What `types`/`list` write to stdout, for one simulated host or several.
 *
 * mdevctl builds its output as a string (the formatters in ./mdevctl.ts: text lines each ending
 * in `\n`, JSON with no trailing newline, as in its testdata) and then prints it with
 * `println!("{}", output)` (src/main.rs `types_command`, `list_command`), so stdout carries one
 * more `\n`: a blank line after text, a newline after JSON, and a lone `\n` when there is nothing
 * to list. Observed with the real mdevctl 1.2.0 over a FUSE mount of a simulated host
 * (test/cli/mdevctl-golden.test.ts). `println` reproduces that last step.
 *
 * With one host (a one-host scenario, or `--host`) the output is exactly mdevctl's. With several,
 * text output gives each host's mdevctl output under a `# host <name>` line, and JSON output is
 * one object keyed by host name (scenario order) whose values are each host's mdevctl document.
 */

/** mdevctl's final `println!("{}", output)`. */
export function println(output: string): string {
  return `${output}\n`;
}

export function joinHostsText(parts: readonly { readonly host: string; readonly text: string }[]): string {
  if (parts.length === 1) return println(parts[0]?.text ?? '');
  return parts.map((p) => `# host ${p.host}\n${println(p.text)}`).join('');
}

export function joinHostsJson(parts: readonly { readonly host: string; readonly json: JsonValue }[]): string {
  if (parts.length === 1) return println(prettyJson(parts[0]?.json ?? []));
  return println(prettyJson(new Map(parts.map((p) => [p.host, p.json]))));
}
