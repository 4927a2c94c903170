import { Injectable } from '@nestjs/common';
import { AuditTrail } from '@ruche/audit';
import { Db } from '@ruche/database';
import { type ConnectionArgs, type Connection, cursorTimestampSql, decodeCursor, toConnection } from '@ruche/graphql';
import { badInput, fromGlobalId, notFound } from '@ruche/kernel';
import { AnalyticsAccess } from '../analytics-access';
import type {
  CreateObjectiveInput,
  KpiInput,
  KpiPeriod,
  RecordKpiValueInput,
  UpdateObjectiveInput,
} from './objective.types';

export interface ObjectiveRow {
  id: string;
  organization_id: string;
  title: string;
  description: string;
  kind: string;
  starts_on: string;
  ends_on: string;
  created_at: Date;
  archived_at: Date | null;
  cursor_at: string;
}

export interface KpiRow {
  id: string;
  objective_id: string;
  organization_id: string;
  name: string;
  source: 'COMPUTED' | 'BUSINESS';
  metric: string | null;
  unit: string;
  direction: 'INCREASE' | 'DECREASE';
  baseline: string | null;
  target: string;
  period: KpiPeriod;
  unit_value: string | null;
  space_id: string | null;
  position: number;
}

export interface KpiValueRow {
  kpi_id: string;
  period_start: string;
  value: string;
  note: string;
  recorded_at: Date;
}

const OBJECTIVE_COLUMNS = `id, organization_id, title, description, kind, starts_on::text, ends_on::text, created_at, archived_at,
                           ${cursorTimestampSql('created_at')} AS cursor_at`;
const KPI_COLUMNS = `id, objective_id, organization_id, name, source, metric, unit, direction, baseline, target, period,
                     unit_value, space_id, position`;

/** The first day of the KPI period that contains `day`. */
export function periodStartOf(day: string, period: KpiPeriod): string {
  const d = new Date(`${day}T00:00:00Z`);
  if (period === 'WEEK') d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  if (period === 'MONTH') d.setUTCDate(1);
  if (period === 'QUARTER') {
    d.setUTCDate(1);
    d.setUTCMonth(Math.floor(d.getUTCMonth() / 3) * 3);
  }
  return d.toISOString().slice(0, 10);
}

export function periodEndOf(start: string, period: KpiPeriod): string {
  const d = new Date(`${start}T00:00:00Z`);
  if (period === 'WEEK') d.setUTCDate(d.getUTCDate() + 6);
  else {
    d.setUTCMonth(d.getUTCMonth() + (period === 'MONTH' ? 1 : 3));
    d.setUTCDate(d.getUTCDate() - 1);
  }
  return d.toISOString().slice(0, 10);
}

/** Objectives and their KPIs (organization managers, admins and owners), KPI values. */
@Injectable()
export class ObjectivesService {
  constructor(
    private readonly db: Db,
    private readonly access: AnalyticsAccess,
    private readonly audit: AuditTrail,
  ) {}

  async page(viewerId: string, orgGlobalId: string, args: ConnectionArgs & { includeArchived: boolean }) {
    return this.db.transaction(async () => {
      const { organizationId } = await this.access.organization(viewerId, orgGlobalId, 'analytics.objectives.read');
      const after = args.after ? decodeCursor(args.after, ['timestamp', 'uuid']) : null;
      const rows: ObjectiveRow[] = await this.db.manager.query(
        `SELECT ${OBJECTIVE_COLUMNS} FROM objectives
         WHERE organization_id = $1 AND ($2 OR archived_at IS NULL)
           AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::uuid))
         ORDER BY created_at DESC, id DESC LIMIT $5`,
        [organizationId, args.includeArchived, after?.[0] ?? null, after?.[1] ?? null, args.first + 1],
      );
      return toConnection(
        rows,
        args,
        (r) => [r.cursor_at, r.id],
        (r) => r,
      ) as Connection<ObjectiveRow>;
    });
  }

  async kpisOf(objectiveIds: string[]): Promise<KpiRow[]> {
    return this.db.transaction(() =>
      this.db.manager.query(`SELECT ${KPI_COLUMNS} FROM kpis WHERE objective_id = ANY ($1) ORDER BY position`, [
        objectiveIds,
      ]),
    );
  }

  async valuesOf(kpiIds: string[]): Promise<KpiValueRow[]> {
    return this.db.transaction(() =>
      this.db.manager.query(
        `SELECT kpi_id, period_start::text, value, note, recorded_at FROM kpi_values WHERE kpi_id = ANY ($1)
         ORDER BY period_start DESC`,
        [kpiIds],
      ),
    );
  }

  async create(viewerId: string, input: CreateObjectiveInput): Promise<ObjectiveRow> {
    if (input.endsOn < input.startsOn) throw badInput({ endsOn: ['must be on or after startsOn'] });
    return this.db.transaction(async () => {
      const { organizationId } = await this.access.organization(
        viewerId,
        input.organizationId,
        'analytics.objectives.write',
      );
      const kpis = await this.checkKpis(organizationId, input.kpis);
      const [row]: ObjectiveRow[] = await this.db.manager.query(
        `INSERT INTO objectives (organization_id, title, description, kind, starts_on, ends_on, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${OBJECTIVE_COLUMNS}`,
        [
          organizationId,
          input.title.trim(),
          input.description ?? '',
          input.kind,
          input.startsOn,
          input.endsOn,
          viewerId,
        ],
      );
      await this.writeKpis(row, kpis, []);
      await this.audit.record({
        action: 'objective.created',
        organizationId,
        targetType: 'Objective',
        targetId: row.id,
        details: { title: row.title, kpis: kpis.length },
      });
      return row;
    });
  }

  async update(viewerId: string, input: UpdateObjectiveInput): Promise<ObjectiveRow> {
    const id = fromGlobalId(input.id, 'Objective');
    return this.db.transaction(async () => {
      const current = await this.find(id);
      const { organizationId } = await this.access.authorize(
        viewerId,
        current.organization_id,
        null,
        'analytics.objectives.write',
      );
      const startsOn = input.startsOn ?? current.starts_on;
      const endsOn = input.endsOn ?? current.ends_on;
      if (endsOn < startsOn) throw badInput({ endsOn: ['must be on or after startsOn'] });
      const [row]: ObjectiveRow[] = await this.db.manager.query(
        `UPDATE objectives SET title = $2, description = $3, kind = $4, starts_on = $5, ends_on = $6,
           archived_at = CASE WHEN $7::boolean IS NULL THEN archived_at WHEN $7 THEN coalesce(archived_at, now()) END,
           updated_at = now()
         WHERE id = $1 RETURNING ${OBJECTIVE_COLUMNS}`,
        [
          id,
          input.title?.trim() ?? current.title,
          input.description ?? current.description,
          input.kind ?? current.kind,
          startsOn,
          endsOn,
          input.archived ?? null,
        ],
      );
      if (input.kpis) {
        const existing = await this.kpisOf([id]);
        await this.writeKpis(row, await this.checkKpis(organizationId, input.kpis, existing), existing);
      }
      await this.audit.record({ action: 'objective.updated', organizationId, targetType: 'Objective', targetId: id });
      return row;
    });
  }

  async recordValue(viewerId: string, input: RecordKpiValueInput): Promise<KpiRow> {
    const kpiId = fromGlobalId(input.kpiId, 'Kpi');
    return this.db.transaction(async () => {
      const [kpi]: KpiRow[] = await this.db.manager.query(`SELECT ${KPI_COLUMNS} FROM kpis WHERE id = $1`, [kpiId]);
      if (!kpi) {
        // A KPI of an organization the viewer does not analyse is invisible (RLS): tell them apart by role.
        throw notFound('KPI');
      }
      await this.access.authorize(viewerId, kpi.organization_id, null, 'analytics.kpi.record');
      if (kpi.source !== 'BUSINESS') throw badInput({ kpiId: ['computed KPIs take their values from engagement'] });
      const periodStart = periodStartOf(input.periodStart, kpi.period);
      await this.db.manager.query(
        `INSERT INTO kpi_values (kpi_id, organization_id, period_start, value, note, recorded_by)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (kpi_id, period_start) DO UPDATE
           SET value = excluded.value, note = excluded.note, recorded_by = excluded.recorded_by, recorded_at = now()`,
        [kpi.id, kpi.organization_id, periodStart, input.value, input.note ?? '', viewerId],
      );
      await this.audit.record({
        action: 'kpi.value_recorded',
        organizationId: kpi.organization_id,
        targetType: 'Kpi',
        targetId: kpi.id,
        details: { periodStart, value: input.value },
      });
      return kpi;
    });
  }

  private async find(id: string): Promise<ObjectiveRow> {
    const [row]: ObjectiveRow[] = await this.db.manager.query(
      `SELECT ${OBJECTIVE_COLUMNS} FROM objectives WHERE id = $1`,
      [id],
    );
    if (!row) throw notFound('Objective');
    return row;
  }

  /** Field errors for the KPI list; resolves ids (existing KPIs and spaces of this organization). */
  private async checkKpis(organizationId: string, kpis: KpiInput[], existing: KpiRow[] = []) {
    const errors: Record<string, string[]> = {};
    const resolved: (KpiInput & { rowId: string | null; spaceRowId: string | null })[] = [];
    for (const [i, k] of kpis.entries()) {
      const at = `kpis.${i}`;
      if (k.source === 'COMPUTED' && !k.metric) errors[`${at}.metric`] = ['a computed KPI follows a metric'];
      if (k.source === 'BUSINESS' && k.metric) errors[`${at}.metric`] = ['business KPIs are entered, not computed'];
      if (k.source === 'COMPUTED' && k.unitValue !== undefined) {
        errors[`${at}.unitValue`] = ['only business KPIs have a unit value'];
      }
      let rowId: string | null = null;
      if (k.id) {
        rowId = fromGlobalId(k.id, 'Kpi');
        if (!existing.some((e) => e.id === rowId)) errors[`${at}.id`] = ['not a KPI of this objective'];
      }
      let spaceRowId: string | null = null;
      if (k.spaceId) {
        spaceRowId = fromGlobalId(k.spaceId, 'Space');
        const found = await this.db.manager.query('SELECT 1 FROM spaces WHERE id = $1 AND organization_id = $2', [
          spaceRowId,
          organizationId,
        ]);
        if (found.length === 0) errors[`${at}.spaceId`] = ['no such space in this organization'];
      }
      resolved.push({ ...k, rowId, spaceRowId });
    }
    if (Object.keys(errors).length) throw badInput(errors);
    return resolved;
  }

  private async writeKpis(
    objective: ObjectiveRow,
    kpis: (KpiInput & { rowId: string | null; spaceRowId: string | null })[],
    existing: KpiRow[],
  ): Promise<void> {
    const kept = new Set(kpis.map((k) => k.rowId).filter(Boolean));
    const removed = existing.filter((e) => !kept.has(e.id)).map((e) => e.id);
    if (removed.length) await this.db.manager.query('DELETE FROM kpis WHERE id = ANY ($1)', [removed]);
    for (const [position, k] of kpis.entries()) {
      const values = [
        k.name.trim(),
        k.source,
        k.metric ?? null,
        k.unit ?? '',
        k.direction,
        k.baseline ?? null,
        k.target,
        k.period,
        k.unitValue ?? null,
        k.spaceRowId,
        position,
      ];
      if (k.rowId) {
        await this.db.manager.query(
          `UPDATE kpis SET name = $2, source = $3, metric = $4, unit = $5, direction = $6, baseline = $7, target = $8,
             period = $9, unit_value = $10, space_id = $11, position = $12 WHERE id = $1`,
          [k.rowId, ...values],
        );
      } else {
        await this.db.manager.query(
          `INSERT INTO kpis (objective_id, organization_id, name, source, metric, unit, direction, baseline, target,
             period, unit_value, space_id, position)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
          [objective.id, objective.organization_id, ...values],
        );
      }
    }
  }
}
