import { Clock } from '@ruche/kernel';

/** A clock tests move by hand (expiry, lockout backoff). Starts at real time. */
export class TestClock extends Clock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
