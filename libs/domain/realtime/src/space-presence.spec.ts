import { PRESENCE_BATCH, SpacePresence, type PresenceChanges } from './space-presence';

describe('SpacePresence', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const record = () => {
    const sent: [string, PresenceChanges][] = [];
    const presence = new SpacePresence((room, changes) => sent.push([room, changes]), 1000);
    return { presence, sent };
  };

  it('sends one event per room per interval, with each person’s latest state', () => {
    const { presence, sent } = record();
    presence.change('space:a', 'u1', 'online');
    presence.change('space:a', 'u2', 'online');
    presence.change('space:a', 'u1', 'offline');
    presence.change('space:b', 'u3', 'online');
    expect(sent).toEqual([]);
    jest.advanceTimersByTime(1000);
    expect(sent).toEqual([
      ['space:a', { online: ['u2'], offline: ['u1'] }],
      ['space:b', { online: ['u3'], offline: [] }],
    ]);
    jest.advanceTimersByTime(5000);
    expect(sent).toHaveLength(2); // nothing pending, nothing sent
  });

  it('announces a crowd in batches, one per interval, dropping nobody', () => {
    const { presence, sent } = record();
    const crowd = Array.from({ length: PRESENCE_BATCH * 2 + 5 }, (_, i) => `u${i}`);
    for (const id of crowd) presence.change('space:a', id, 'online');
    jest.advanceTimersByTime(1000);
    expect(sent).toHaveLength(1);
    jest.advanceTimersByTime(2000);
    expect(sent.map(([, c]) => c.online.length)).toEqual([PRESENCE_BATCH, PRESENCE_BATCH, 5]);
    expect(sent.flatMap(([, c]) => c.online)).toEqual(crowd);
  });

  it('sends nothing after stop', () => {
    const { presence, sent } = record();
    presence.change('space:a', 'u1', 'online');
    presence.stop();
    jest.advanceTimersByTime(5000);
    expect(sent).toEqual([]);
  });
});
