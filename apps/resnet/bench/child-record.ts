/**
 * Reading what a benchmark child prints: its record is the JSON value on the last line of its
 * stdout, checked field by field so that a changed or broken child names itself and the field
 * instead of producing a table of NaN.
 */

export class MeasurementFormatError extends Error {
  constructor(source: string, detail: string) {
    super(`${source}: ${detail}`);
    this.name = 'MeasurementFormatError';
  }
}

/**
 * The JSON value on the last non-empty line of a child's stdout (anything a library prints
 * before it, such as a warning, is ignored); `source` names the child in errors.
 */
export function lastJsonLine(stdout: string, source: string): unknown {
  const lines = stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  const last = lines[lines.length - 1];
  if (last === undefined) throw new MeasurementFormatError(source, 'printed nothing on stdout');
  try {
    return JSON.parse(last);
  } catch (err) {
    throw new MeasurementFormatError(
      source,
      `last line of stdout is not JSON (${(err as Error).message}): ${last.slice(0, 120)}`,
    );
  }
}

/** Checks of one record's fields; each throws a MeasurementFormatError naming the child and the field. */
export class RecordCheck {
  readonly fields: Record<string, unknown>;

  constructor(
    value: unknown,
    private readonly source: string,
  ) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new MeasurementFormatError(source, `expected a JSON object, got ${JSON.stringify(value)?.slice(0, 80)}`);
    }
    this.fields = value as Record<string, unknown>;
  }

  fail(field: string, expected: string): never {
    throw new MeasurementFormatError(
      this.source,
      `field '${field}' must be ${expected}, got ${JSON.stringify(this.fields[field]) ?? 'nothing'}`,
    );
  }

  oneOf(field: string, allowed: readonly unknown[]): this {
    if (!allowed.includes(this.fields[field])) {
      const quoted = allowed.map((a) => `'${String(a)}'`);
      this.fail(field, `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`);
    }
    return this;
  }

  strings(...fields: string[]): this {
    for (const f of fields) if (typeof this.fields[f] !== 'string') this.fail(f, 'a string');
    return this;
  }

  positives(...fields: string[]): this {
    for (const f of fields) {
      const x = this.fields[f];
      if (typeof x !== 'number' || !Number.isFinite(x) || !(x > 0)) this.fail(f, 'a positive number');
    }
    return this;
  }

  /** A list of numbers, each > 0 (or ≥ 0 with `nonNegative`), non-empty or of exactly `length`. */
  numberList(field: string, o: { length?: number; nonNegative?: boolean; what?: string } = {}): this {
    const a = this.fields[field];
    const ok = (x: unknown) => typeof x === 'number' && (o.nonNegative ? x >= 0 : x > 0);
    const sized = Array.isArray(a) && (o.length === undefined ? a.length > 0 : a.length === o.length);
    if (!sized || !a.every(ok)) {
      const kind = o.nonNegative ? 'non-negative' : 'positive';
      this.fail(
        field,
        `a ${o.length === undefined ? 'non-empty list' : `list of ${o.length}`} ${kind} numbers${o.what ?? ''}`,
      );
    }
    return this;
  }
}
