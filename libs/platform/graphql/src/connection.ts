import { Type } from '@nestjs/common';
import { ArgsType, Field, Int, ObjectType } from '@nestjs/graphql';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { badInput, isUuid, textProblem } from '@ruche/kernel';

/** `first` (1–100, required) and `after`: the arguments of every list (Relay, GitHub rule). */
@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, { description: 'Page size, 1 to 100.' })
  @IsInt()
  @Min(1)
  @Max(100)
  first!: number;

  @Field({ nullable: true, description: 'Cursor of the last edge of the previous page.' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  after?: string;
}

@ObjectType()
export class PageInfo {
  @Field() hasNextPage!: boolean;
  @Field() hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true }) startCursor!: string | null;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}
export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
}

/** Builds `XConnection` / `XEdge` object types for a node type (code-first generics). */
export function ConnectionType<T>(node: Type<T>, name = node.name): Type<Connection<T>> {
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field() cursor!: string;
    @Field(() => node) node!: T;
  }
  @ObjectType(`${name}Connection`)
  class ConnectionClass {
    @Field(() => [EdgeType]) edges!: EdgeType[];
    @Field(() => PageInfo) pageInfo!: PageInfo;
  }
  return ConnectionClass as Type<Connection<T>>;
}

/** A keyset position: the sort key values of the last row seen, oldest-first or newest-first. */
export type CursorKey = (string | number)[];

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** What each position of a cursor must hold, checked before it reaches SQL. */
export type CursorPart = 'timestamp' | 'uuid' | 'number' | 'string';

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
// A well-formed timestamp PostgreSQL also accepts: month 13 or 30 February would fail in SQL, not here.
function isTimestamp(v: string): boolean {
  const at = new Date(v);
  return TIMESTAMP.test(v) && !Number.isNaN(at.getTime()) && at.toISOString().slice(0, 19) === v.slice(0, 19);
}
const partIsValid: Record<CursorPart, (v: unknown) => boolean> = {
  timestamp: (v) => typeof v === 'string' && isTimestamp(v),
  uuid: isUuid,
  number: (v) => typeof v === 'number' && Number.isFinite(v),
  // The decoded text reaches SQL too: the same rule as any other single-line string.
  string: (v) => typeof v === 'string' && v.length <= 256 && textProblem(v, 'line') === null,
};

export function decodeCursor(cursor: string, parts: CursorPart[]): CursorKey {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === parts.length && parts.every((p, i) => partIsValid[p](key[i]))) {
      return key as CursorKey;
    }
  } catch {
    // fall through
  }
  throw badInput({ after: ['is not a valid cursor'] });
}

/**
 * Turns rows fetched with `LIMIT first + 1` into a connection. Rows must already be ordered by the keyset
 * whose values `keyOf` returns; the extra row only tells that a next page exists.
 */
export function toConnection<Row, Node>(
  rows: Row[],
  args: ConnectionArgs,
  keyOf: (row: Row) => CursorKey,
  toNode: (row: Row) => Node,
): Connection<Node> {
  const hasNextPage = rows.length > args.first;
  const page = hasNextPage ? rows.slice(0, args.first) : rows;
  const edges = page.map((row) => ({ cursor: encodeCursor(keyOf(row)), node: toNode(row) }));
  return {
    edges,
    pageInfo: {
      hasNextPage,
      hasPreviousPage: args.after !== undefined,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

@ObjectType({ description: 'Acknowledges a mutation that has nothing else to return.' })
export class OkPayload {
  @Field() ok!: boolean;
}

/**
 * SQL for a timestamp as an exact cursor value. JavaScript dates stop at milliseconds while PostgreSQL keeps
 * microseconds: a cursor built from a Date would repeat or skip rows that share a millisecond.
 */
export function cursorTimestampSql(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}
