import { notFound } from './errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID in its text form (any case). */
export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

/** Opaque Relay global id: base64url("Type:uuid"). Clients never build or parse them. */
export function toGlobalId(type: string, id: string): string {
  return Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');
}

export function parseGlobalId(globalId: string): { type: string; id: string } | null {
  if (typeof globalId !== 'string' || globalId.length > 200) return null;
  const decoded = Buffer.from(globalId, 'base64url').toString('utf8');
  const sep = decoded.indexOf(':');
  if (sep <= 0) return null;
  const type = decoded.slice(0, sep);
  const id = decoded.slice(sep + 1);
  return isUuid(id) ? { type, id: id.toLowerCase() } : null;
}

/**
 * The uuid behind a global id of the expected type. A malformed id, or one of another type, answers exactly
 * like a missing object (NOT_FOUND) so ids cannot be used as an oracle.
 */
export function fromGlobalId(globalId: string, expectedType: string): string {
  const parsed = parseGlobalId(globalId);
  if (!parsed || parsed.type !== expectedType) throw notFound(expectedType);
  return parsed.id;
}
