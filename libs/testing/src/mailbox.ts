import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ReadMail {
  to: string;
  subject: string;
  text: string;
}

/** Reads what the file mail transport wrote, as a person would open it. */
export class Mailbox {
  constructor(private readonly dir: string) {}

  async all(): Promise<ReadMail[]> {
    let files: string[];
    try {
      files = (await readdir(this.dir)).filter((f) => f.endsWith('.json')).sort();
    } catch {
      return [];
    }
    return Promise.all(files.map(async (f) => JSON.parse(await readFile(join(this.dir, f), 'utf8')) as ReadMail));
  }

  async latestTo(email: string): Promise<ReadMail> {
    const mails = (await this.all()).filter((m) => m.to === email.toLowerCase() || m.to === email);
    const last = mails.at(-1);
    if (!last) throw new Error(`no mail to ${email}`);
    return last;
  }

  /** The first link in the latest mail to `email` whose URL contains `pathPart`. */
  async linkTo(email: string, pathPart: string): Promise<URL> {
    const mail = await this.latestTo(email);
    const link = mail.text.match(/https?:\/\/\S+/g)?.find((l) => l.includes(pathPart));
    if (!link) throw new Error(`no ${pathPart} link in mail to ${email}`);
    return new URL(link);
  }
}
