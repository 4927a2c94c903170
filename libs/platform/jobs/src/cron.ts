/**
 * The cron expression (UTC) for "every `minutes` minutes". Cron counts minutes within the hour and hours within
 * the day, so only intervals that divide an hour (1 to 60) or a day in whole hours (120 to 1440) tick evenly;
 * anything else would give one short interval each hour or day, and is refused.
 */
export function cronEvery(minutes: number): string {
  if (minutes >= 1 && minutes <= 60 && 60 % minutes === 0) {
    if (minutes === 1) return '* * * * *';
    return minutes === 60 ? '0 * * * *' : `*/${minutes} * * * *`;
  }
  const hours = minutes / 60;
  if (Number.isInteger(hours) && hours >= 2 && hours <= 24 && 24 % hours === 0) {
    return hours === 24 ? '0 0 * * *' : `0 */${hours} * * *`;
  }
  throw new RangeError(
    `every ${minutes} minutes is not a cron schedule: use a divisor of 60 or a multiple of 60 that divides 1440`,
  );
}
