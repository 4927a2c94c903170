import { readdirSync } from 'node:fs';
import { migrations } from './index';

describe('migrations', () => {
  it('lists every migration file, in timestamp order, named <epoch>-<VerbNoun>', () => {
    const files = readdirSync(__dirname).filter((f) => /^\d+-.+\.ts$/.test(f));
    expect(files.every((f) => /^\d{13}-[A-Z][A-Za-z]+\.ts$/.test(f))).toBe(true);
    const listed = migrations.map((m) => m.name.replace(/^([A-Za-z]+)(\d{13})$/, '$2-$1.ts'));
    expect(listed).toEqual([...files].sort());
  });
});
