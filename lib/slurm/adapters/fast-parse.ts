/**
 * A fast path in front of zod for per-element schemas (`/jobs` has 100 000+ elements; zod's parse of a loose
 * object costs ~20 µs each, more than the JSON.parse of the element).
 *
 * `fastParser(schema)` compiles the zod schema into a plain predicate once. When the predicate accepts an
 * input, zod would accept it too and return the same values (loose objects of primitives, arrays and unions
 * transform nothing), so the input itself is returned; otherwise zod parses it — which throws the precise
 * ZodError (endpoint/element/field messages stay as they were) or accepts a shape the predicate is stricter
 * about. Schemas using anything the compiler does not know (refinements, transforms, non-loose objects, checks
 * on strings/numbers) are always parsed by zod. Hand-written because zod has no compiled/JIT mode in v4's
 * public API.
 */
import type * as z from 'zod';

type Check = (v: unknown) => boolean;

interface Def {
  type: string;
  innerType?: z.ZodType;
  options?: z.ZodType[];
  element?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  checks?: unknown[];
  values?: unknown[];
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A plain object whose field `keys[i]` passes `checks[i]`. Generated once per schema as one expression with
 * one call site per field and the key as a constant: V8 then reads each field by name and inlines each check.
 * The loop it replaces (`checks[i](v[keys[i]])`) made every load megamorphic and every call polymorphic,
 * ~0.4 µs per job. Keys come from our own schemas and are quoted with JSON.stringify. Where code generation
 * is disallowed (`--disallow-code-generation-from-strings`) the loop is kept.
 */
export function fieldsCheck(keys: readonly string[], checks: readonly Check[], generate = true): Check {
  try {
    if (!generate) throw new Error('code generation not wanted');
    const fields = keys.map((k, i) => ` && c[${i}](v[${JSON.stringify(k)}])`).join('');
    const body = `return function check(v) { return typeof v === 'object' && v !== null && !Array.isArray(v)${fields}; };`;
    return new Function('c', body)(checks) as Check;
  } catch {
    return (v) => {
      if (!isPlainObject(v)) return false;
      for (let i = 0; i < keys.length; i++) if (!(checks[i] as Check)(v[keys[i] as string])) return false;
      return true;
    };
  }
}

/** The predicate for `schema`, or null when it cannot be mirrored exactly. */
export function compileCheck(schema: z.ZodType): Check | null {
  const def = defOf(schema);
  if (def.checks && def.checks.length > 0) return null;
  switch (def.type) {
    case 'number':
      // zod 4 rejects NaN and ±Infinity.
      return (v) => typeof v === 'number' && Number.isFinite(v);
    case 'string':
      return (v) => typeof v === 'string';
    case 'boolean':
      return (v) => typeof v === 'boolean';
    case 'null':
      return (v) => v === null;
    case 'unknown':
    case 'any':
      return () => true;
    case 'optional': {
      const inner = def.innerType && compileCheck(def.innerType);
      return inner ? (v) => v === undefined || inner(v) : null;
    }
    case 'nullable': {
      const inner = def.innerType && compileCheck(def.innerType);
      return inner ? (v) => v === null || inner(v) : null;
    }
    case 'union': {
      const options = (def.options ?? []).map(compileCheck);
      if (options.length === 0 || options.some((o) => o === null)) return null;
      const os = options as Check[];
      return (v) => {
        for (const o of os) if (o(v)) return true;
        return false;
      };
    }
    case 'array': {
      const element = def.element && compileCheck(def.element);
      if (!element) return null;
      return (v) => {
        if (!Array.isArray(v)) return false;
        for (const e of v) if (!element(e)) return false;
        return true;
      };
    }
    case 'object': {
      // Only loose objects: a plain z.object strips unknown keys and a strict one rejects them.
      if (!def.catchall || defOf(def.catchall).type !== 'unknown') return null;
      const keys: string[] = [];
      const checks: Check[] = [];
      for (const [key, s] of Object.entries(def.shape ?? {})) {
        const c = compileCheck(s);
        if (!c) return null;
        keys.push(key);
        checks.push(c);
      }
      return fieldsCheck(keys, checks);
    }
    default:
      return null;
  }
}

/**
 * `schema.parse` for inputs that hold only `keys` of the loose object `schema`: only those keys are checked
 * (the others are absent). Anything the predicate refuses is parsed by the whole schema, for its errors.
 */
export function fastPickParser<S extends z.ZodType>(
  schema: S,
  keys: readonly string[],
): (input: unknown) => z.output<S> {
  const shape = defOf(schema).shape ?? {};
  const picked: string[] = [];
  const checks: Check[] = [];
  for (const key of keys) {
    const field = shape[key];
    const c = field && compileCheck(field);
    if (!c) return fastParser(schema);
    picked.push(key);
    checks.push(c);
  }
  const check = fieldsCheck(picked, checks);
  return (input) => (check(input) ? (input as z.output<S>) : schema.parse(input));
}

/** `schema.parse`, skipping zod for inputs the compiled predicate accepts. */
export function fastParser<S extends z.ZodType>(schema: S): (input: unknown) => z.output<S> {
  const check = compileCheck(schema);
  if (!check) return (input) => schema.parse(input);
  return (input) => (check(input) ? (input as z.output<S>) : schema.parse(input));
}
