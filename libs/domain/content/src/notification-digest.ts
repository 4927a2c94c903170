import { Injectable, OnModuleInit } from '@nestjs/common';
import { ClsService } from 'nestjs-cls';
import { AppConfig } from '@ruche/config';
import { Db } from '@ruche/database';
import { cronEvery, Jobs } from '@ruche/jobs';
import { Clock } from '@ruche/kernel';
import { Mailer } from '@ruche/mail';

interface DigestLine {
  id: string;
  kind: string;
  data: { to?: string; note?: string };
  title: string;
  space_name: string;
}

/** The job's queue; its ticks come every DIGEST_INTERVAL_MINUTES. */
export const NOTIFICATION_DIGEST_JOB = 'notification-digest';

/**
 * The daily digest: one e-mail per person with what they have not read yet (including the kinds they chose
 * to get in the digest only), then those notifications count as mailed. Each person's notifications are
 * read acting as that person, so a space they can no longer read never appears.
 *
 * A scheduled job: every DIGEST_INTERVAL_MINUTES it looks for who is due (0: never scheduled). A failed run is
 * retried; the people already mailed are stamped, so a retry goes on with the others.
 */
@Injectable()
export class NotificationDigest implements OnModuleInit {
  constructor(
    private readonly db: Db,
    private readonly cls: ClsService,
    private readonly clock: Clock,
    private readonly mailer: Mailer,
    private readonly config: AppConfig,
    private readonly jobs: Jobs,
  ) {}

  onModuleInit(): void {
    const minutes = this.config.digestIntervalMinutes;
    this.jobs.define(NOTIFICATION_DIGEST_JOB, async () => ({ sent: await this.run() }), {
      schedule: minutes > 0 ? cronEvery(minutes) : undefined,
      retryLimit: 2,
      retryDelay: 60,
      // A run mails one person after the other; an hour leaves room for a slow SMTP server.
      expireInSeconds: 3600,
    });
  }

  /** Sends the digests that are due; returns how many were sent. */
  async run(): Promise<number> {
    const now = this.clock.now();
    const [{ recipients }]: { recipients: string[] }[] = await this.db.transaction(() =>
      this.db.manager.query('SELECT ruche_digest_recipients($1) AS recipients', [now]),
    );
    let sent = 0;
    for (const recipient of recipients) {
      if (await this.cls.run(() => this.sendTo(recipient, now))) sent++;
    }
    return sent;
  }

  private async sendTo(recipientId: string, now: Date): Promise<boolean> {
    await this.db.actAs(recipientId);
    return this.db.transaction(async () => {
      // SKIP LOCKED: another digest run at the same moment (one that outlived its expiry, or run by hand) keeps
      // these rows.
      const lines: DigestLine[] = await this.db.manager.query(
        `SELECT n.id, n.kind, n.data, s.name AS space_name,
                CASE WHEN p.deleted_at IS NULL AND p.hidden_at IS NULL THEN p.title ELSE '[removed]' END AS title
         FROM notifications n JOIN posts p ON p.id = n.post_id JOIN spaces s ON s.id = n.space_id
         WHERE n.recipient_id = $1 AND n.emailed_at IS NULL AND n.read_at IS NULL
         ORDER BY n.created_at
         FOR UPDATE OF n SKIP LOCKED`,
        [recipientId],
      );
      if (lines.length === 0) return false;
      const [user]: { email: string; display_name: string }[] = await this.db.manager.query(
        'SELECT email, display_name FROM users WHERE id = $1',
        [recipientId],
      );
      await this.mailer.send({
        to: user!.email,
        subject: `Ruche: ${lines.length} update${lines.length > 1 ? 's' : ''} for you`,
        text: [
          `Hello ${user!.display_name},`,
          '',
          ...summarize(lines),
          '',
          `Open Ruche: ${this.config.http.publicUrl}`,
        ].join('\n'),
      });
      await this.db.manager.query('UPDATE notifications SET emailed_at = $2 WHERE id = ANY ($1::uuid[])', [
        lines.map((l) => l.id),
        now,
      ]);
      return true;
    });
  }
}

/** One line per thread: "[Space] Title — 3 new comments; now PLANNED (note)". */
function summarize(lines: DigestLine[]): string[] {
  const threads = new Map<string, { comments: number; mentions: number; statuses: string[] }>();
  for (const line of lines) {
    const key = `[${line.space_name}] ${line.title}`;
    const thread = threads.get(key) ?? { comments: 0, mentions: 0, statuses: [] };
    if (line.kind === 'COMMENT') thread.comments++;
    if (line.kind === 'MENTION') thread.mentions++;
    if (line.kind === 'IDEA_STATUS' && line.data.to)
      thread.statuses.push(`now ${line.data.to}${line.data.note ? ` (${line.data.note})` : ''}`);
    threads.set(key, thread);
  }
  return [...threads].map(([key, t]) => {
    const parts = [
      ...(t.comments ? [`${t.comments} new comment${t.comments > 1 ? 's' : ''}`] : []),
      ...(t.mentions ? [`mentioned you`] : []),
      ...t.statuses,
    ];
    return `- ${key} — ${parts.join('; ')}`;
  });
}
