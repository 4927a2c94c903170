import { Global, Injectable, Module } from '@nestjs/common';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import { AppConfig } from '@ruche/config';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/** A message as written by the file transport (development and tests). */
export interface StoredMail extends MailMessage {
  from: string;
  sentAt: string;
}

/**
 * Sends product e-mail through nodemailer. With MAIL_TRANSPORT=file (the default outside production) each
 * message becomes one JSON file under `<DATA_DIR>/mail/`, so people and tests can open the links.
 */
@Injectable()
export class Mailer {
  private readonly smtp: Transporter | null;
  readonly mailDir: string;

  constructor(private readonly config: AppConfig) {
    this.mailDir = join(config.dataDir, 'mail');
    this.smtp = config.mail.transport === 'smtp' ? nodemailer.createTransport(config.mail.smtpUrl) : null;
  }

  async send(message: MailMessage): Promise<void> {
    if (this.smtp) {
      await this.smtp.sendMail({ from: this.config.mail.from, ...message });
      return;
    }
    const stored: StoredMail = { from: this.config.mail.from, sentAt: new Date().toISOString(), ...message };
    await mkdir(this.mailDir, { recursive: true });
    const safeTo = message.to.replace(/[^a-zA-Z0-9@._-]/g, '_');
    const name = `${stored.sentAt.replace(/[:.]/g, '-')}-${randomBytes(3).toString('hex')}-${safeTo}.json`;
    await writeFile(join(this.mailDir, name), JSON.stringify(stored, null, 2));
  }
}

@Global()
@Module({ providers: [Mailer], exports: [Mailer] })
export class MailModule {}
