/** Thrown where the next measurement would end past a build's deadline. */
export class OverBudget extends Error {}

/** A sparser share's queries cost about this many times the last share's at the same setting. */
const SPARSER_COST = 2

/**
 * Keeps a build's filtered tuning to its deadline: predicts each measurement from the last one
 * (its time per query, in proportion to the setting; twice that for a sparser share) and refuses,
 * by throwing `OverBudget`, one that would end past the deadline. No deadline refuses nothing.
 */
export class Clock {
  private lastShare = 1

  constructor(
    private readonly deadline: number | null,
    /** Time of one query per unit of the setting, until a measurement says otherwise. */
    private msPerSetting: number,
  ) {}

  /** Before work predicted to take `predictedMs`. */
  before(predictedMs: number): void {
    if (this.deadline !== null && performance.now() + predictedMs > this.deadline)
      throw new OverBudget()
  }

  /** Before measuring `queries` at `setting` on a filter matching `share` of the rows. */
  beforeSetting(setting: number, share: number, queries: number): void {
    const sparser = share < this.lastShare ? SPARSER_COST : 1
    this.before(queries * setting * this.msPerSetting * sparser)
  }

  /** After a measurement took `msPerQuery` a query. */
  measured(setting: number, share: number, msPerQuery: number): void {
    this.msPerSetting = msPerQuery / Math.max(1, setting)
    this.lastShare = share
  }
}
