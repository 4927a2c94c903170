import 'reflect-metadata';
import { ValidationPipe, type ArgumentMetadata, type PipeTransform, type ValidationError } from '@nestjs/common';
import { badInput, normalizeText, textProblem, type FieldErrors, type TextKind } from '@ruche/kernel';

/** Adds messages under a path; paths come from clients (`constructor`, `__proto__`), so only own properties. */
function addFieldErrors(into: FieldErrors, path: string, messages: string[]): void {
  if (Object.hasOwn(into, path)) into[path].push(...messages);
  else Object.defineProperty(into, path, { value: messages, enumerable: true, writable: true, configurable: true });
}

function collect(errors: ValidationError[], prefix: string, into: FieldErrors): FieldErrors {
  for (const e of errors) {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    if (e.constraints) addFieldErrors(into, path, Object.values(e.constraints));
    if (e.children?.length) collect(e.children, path, into);
  }
  return into;
}

const TEXT_KIND = Symbol('ruche:text-kind');

/** A multi-line text field (bodies, notes, descriptions): keeps tab and line breaks. Other strings are one line. */
export const MultilineText = (): PropertyDecorator => Reflect.metadata(TEXT_KIND, 'multiline' satisfies TextKind);

/** A name people or organizations are known by: NFC, no bidi controls, no Latin/Cyrillic/Greek look-alike mix. */
export const NameText = (): PropertyDecorator => Reflect.metadata(TEXT_KIND, 'name' satisfies TextKind);

const kindOf = (owner: object, key: string): TextKind =>
  (Reflect.getMetadata(TEXT_KIND, owner, key) as TextKind | undefined) ?? 'line';

/**
 * Checks every string of a value (arguments, bodies, query strings) against its field's text rule, in place:
 * names are replaced by their NFC form. Paths are those of the validation pipe (`title`, `kpis.0.name`).
 * `lenient` checks everything as multi-line text, for values whose fields are not known yet.
 */
export function checkText(value: unknown, kind: TextKind, path: string, into: FieldErrors, lenient = false): unknown {
  if (typeof value === 'string') {
    const text = kind === 'name' && !lenient ? normalizeText(value) : value;
    const problem = textProblem(text, lenient ? 'multiline' : kind);
    if (problem) addFieldErrors(into, path || 'value', [problem]);
    return text;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      const at = typeof item === 'object' && item ? `${path}.${i}` : path;
      const checked = checkText(item, kind, at, into, lenient);
      if (checked !== item) value[i] = checked;
    });
    return value;
  }
  if (value && typeof value === 'object' && !(value instanceof Date) && !Buffer.isBuffer(value)) {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const keyProblem = textProblem(key, 'line');
      if (keyProblem) addFieldErrors(into, path || 'value', [`has an invalid key: ${keyProblem}`]);
      const item = record[key];
      const checked = checkText(item, kindOf(record, key), path ? `${path}.${key}` : key, into, lenient);
      // Only names change; `__proto__` and the like are never names, so assigning cannot reach a prototype.
      if (checked !== item) record[key] = checked;
    }
  }
  return value;
}

/** GraphQL arguments (the ARGS param type) and REST bodies, query strings and route params. */
const CHECKED_TYPES = new Set<unknown>([3, 'body', 'query', 'param']);

/**
 * The one check every client value goes through (global pipe): class-validator first (unknown properties
 * refused, failures as BAD_USER_INPUT + fieldErrors), then the text rules of `@ruche/kernel` on every string,
 * ids and cursors included, so NUL, lone surrogates and control characters never reach PostgreSQL.
 * Values declared `unknown` (socket payloads) are left to their handler, which checks them itself.
 */
class InputPipe implements PipeTransform {
  constructor(private readonly validation: ValidationPipe) {}

  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (!CHECKED_TYPES.has(metadata.type) || metadata.metatype === Object) return value;
    // Like class-validator's paths: an input object's fields by their own names, a scalar argument by its name.
    const path = value && typeof value === 'object' && !Array.isArray(value) ? '' : (metadata.data ?? '');
    // First what would break the validators themselves (validator.js throws on lone surrogates) or PostgreSQL,
    const errors: FieldErrors = {};
    checkText(value, 'line', path, errors, true);
    if (Object.keys(errors).length) throw badInput(errors);
    // then each field's own rule, once the input is its class (nested inputs included) and valid.
    const valid: unknown = await this.validation.transform(value, metadata);
    const checked = checkText(valid, 'line', path, errors);
    if (Object.keys(errors).length) throw badInput(errors);
    return checked;
  }
}

/** Global input validation: unknown properties are refused and every failure becomes BAD_USER_INPUT + fieldErrors. */
export function createValidationPipe(): PipeTransform {
  return new InputPipe(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      stopAtFirstError: false,
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => badInput(collect(errors, '', {})),
    }),
  );
}
