/** Time source injected everywhere time matters, so tests can move it (expiry, lockout backoff). */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}
