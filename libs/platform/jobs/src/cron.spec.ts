import { cronEvery } from './cron';

describe('cronEvery', () => {
  it('writes even intervals as cron schedules', () => {
    expect(cronEvery(1)).toBe('* * * * *');
    expect(cronEvery(15)).toBe('*/15 * * * *');
    expect(cronEvery(60)).toBe('0 * * * *');
    expect(cronEvery(180)).toBe('0 */3 * * *');
    expect(cronEvery(1440)).toBe('0 0 * * *');
  });

  it('refuses intervals cron cannot keep even', () => {
    for (const minutes of [0, 7, 45, 90, 300, 2880]) expect(() => cronEvery(minutes)).toThrow(RangeError);
  });
});
