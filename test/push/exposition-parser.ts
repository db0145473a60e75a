/**
 * A strict, independent parser of the Prometheus text format 0.0.4 (test oracle): every line must be a
 * comment, HELP/TYPE or a sample `name{l="v",...} value`; label values accept only the escapes `\\`, `\"`, `\n`.
 * Anything else throws, so a broken escape or an injected line shows up as an error or an extra sample.
 */
export interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface ParsedExposition {
  help: Map<string, string>;
  types: Map<string, string>;
  samples: ParsedSample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*/;

export function parseExposition(text: string): ParsedExposition {
  if (text !== '' && !text.endsWith('\n')) throw new Error('exposition does not end with a newline');
  const out: ParsedExposition = { help: new Map(), types: new Map(), samples: [] };
  const lines = text.split('\n');
  lines.pop();
  lines.forEach((line, i) => {
    const where = `line ${i + 1}`;
    if (line.endsWith('\r')) throw new Error(`${where}: CRLF line ending`);
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
      if (!m) return; // plain comment
      const [, kind, name, rest] = m as unknown as [string, string, string, string];
      if (kind === 'HELP') out.help.set(name, unescapeHelp(rest, where));
      else {
        if (out.types.has(name)) throw new Error(`${where}: second TYPE for ${name}`);
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest)) {
          throw new Error(`${where}: bad TYPE ${rest}`);
        }
        out.types.set(name, rest);
      }
      return;
    }
    const nm = NAME.exec(line);
    if (!nm) throw new Error(`${where}: no metric name`);
    const name = nm[0];
    let pos = name.length;
    const labels: Record<string, string> = {};
    if (line[pos] === '{') {
      pos++;
      while (line[pos] !== '}') {
        const lm = LABEL.exec(line.slice(pos));
        if (!lm) throw new Error(`${where}: bad label name at ${pos}`);
        const lname = lm[0];
        pos += lname.length;
        if (line.slice(pos, pos + 2) !== '="') throw new Error(`${where}: expected =" after ${lname}`);
        pos += 2;
        let value = '';
        for (;;) {
          const c = line[pos];
          if (c === undefined) throw new Error(`${where}: unterminated label value`);
          if (c === '"') break;
          if (c === '\\') {
            const n = line[pos + 1];
            if (n === '\\') value += '\\';
            else if (n === '"') value += '"';
            else if (n === 'n') value += '\n';
            else throw new Error(`${where}: bad escape \\${n}`);
            pos += 2;
            continue;
          }
          value += c;
          pos++;
        }
        pos++;
        if (lname in labels) throw new Error(`${where}: duplicate label ${lname}`);
        labels[lname] = value;
        if (line[pos] === ',') pos++;
        else if (line[pos] !== '}') throw new Error(`${where}: expected , or } at ${pos}`);
      }
      pos++;
    }
    const rest = line.slice(pos);
    const vm = /^ (\S+)( -?\d+)?$/.exec(rest);
    if (!vm) throw new Error(`${where}: bad value part ${JSON.stringify(rest)}`);
    out.samples.push({ name, labels, value: parseValue(vm[1] as string, where) });
  });
  return out;
}

function parseValue(s: string, where: string): number {
  if (s === 'NaN') return Number.NaN;
  if (s === '+Inf') return Number.POSITIVE_INFINITY;
  if (s === '-Inf') return Number.NEGATIVE_INFINITY;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) throw new Error(`${where}: bad value ${s}`);
  return Number(s);
}

function unescapeHelp(s: string, where: string): string {
  return s.replace(/\\(.)/g, (_, c: string) => {
    if (c === '\\') return '\\';
    if (c === 'n') return '\n';
    throw new Error(`${where}: bad HELP escape \\${c}`);
  });
}

/** Sample value of `name{labels...}` in exposition text (labels matched as a subset). */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}=${JSON.stringify(v)}`))) {
      return Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return undefined;
}
