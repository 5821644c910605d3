import { strerror } from '../core/strerror.ts';
import type { Verdict } from '../migration/handshake/verdict.ts';

/**
 * A handshake verdict as the shell session a person would type to do the same check by hand
 * (`cat` the source attribute, `echo` it into the target's), with bash's and cat's own error
 * lines. Only reads and writes of attributes are shown; link and existence probes are not.
 */
export function verdictTranscript(v: Verdict, hosts: { source: string; target: string }): string[] {
  const lines: string[] = [];
  const oneLine = (text: string) => (text.endsWith('\n') ? text.slice(0, -1) : text);
  for (const t of v.touched) {
    const host = t.side === 'source' ? hosts.source : hosts.target;
    if (t.op === 'read') {
      lines.push(`[${host}]# cat ${t.path}`);
      if (t.result !== 'ok') lines.push(`cat: ${t.path}: ${strerror(t.result)}`);
      else lines.push(oneLine(t.text ?? ''));
    } else if (
      t.op === 'exists' &&
      t.result === 'absent' &&
      t.side === 'source' &&
      v.verdict === 'not-migratable'
    ) {
      lines.push(`[${host}]# cat ${t.path}`, `cat: ${t.path}: ${strerror('ENOENT')}`);
    } else if (t.op === 'write') {
      lines.push(`[${host}]# echo ${oneLine(v.token ?? '')} > ${t.path}`);
      if (t.result === 'EACCES' || t.result === 'ENOENT')
        lines.push(`-bash: ${t.path}: ${strerror(t.result)}`);
      else if (t.result !== 'ok') lines.push(`-bash: echo: write error: ${strerror(t.result)}`);
    }
  }
  return lines;
}
