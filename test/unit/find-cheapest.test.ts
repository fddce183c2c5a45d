import assert from 'node:assert/strict'
import { test } from 'node:test'
import { performance } from 'node:perf_hooks'
import { Clock, OverBudget } from '../../src/tuning/clock.js'
import { findCheapest, type Measured } from '../../src/tuning/search.js'

/** A made-up index: recall climbs with the setting, time grows in proportion to it. */
function curve(recallAt: (setting: number) => number, msPerSetting = 0.01) {
  const tried: number[] = []
  const measure = async (setting: number): Promise<Measured> => {
    tried.push(setting)
    const recall = recallAt(setting)
    return {
      setting,
      forceIndex: false,
      recall,
      lowerBound: recall,
      usedIndex: true,
      ms: setting * msPerSetting,
    }
  }
  return { tried, measure }
}

test('doubles until the target is met, then halves the gap to within a tenth', async () => {
  const { tried, measure } = curve((s) => (s >= 300 ? 0.96 : 0.9))
  const found = await findCheapest({ from: 40, to: 1000 }, 0.95, measure)
  assert.equal(found.reached, true)
  assert.deepEqual(tried.slice(0, 5), [40, 80, 160, 320, 240])
  assert.ok(found.best.setting >= 300 && found.best.setting <= 330, String(found.best.setting))
})

test('a setting that misses and is hopeless ends the search unreached, measuring nothing larger', async () => {
  const { tried, measure } = curve((s) => (s >= 800 ? 0.96 : 0.9))
  const found = await findCheapest(
    { from: 40, to: 1000 },
    0.95,
    measure,
    (m) => m.recall,
    (m) => m.ms > 1.5,
  )
  assert.equal(found.reached, false)
  assert.deepEqual(tried, [40, 80, 160])
  // Without the limit, the same index reaches the target.
  const again = curve((s) => (s >= 800 ? 0.96 : 0.9))
  assert.equal((await findCheapest({ from: 40, to: 1000 }, 0.95, again.measure)).reached, true)
})

test('a build’s clock refuses a measurement predicted to end past its deadline, from the last one’s pace', () => {
  const soon = new Clock(performance.now() + 1000, 0.01)
  // 50 queries at setting 100, 0.01 ms per unit: 50 ms, twice that for a sparser share: fits.
  soon.beforeSetting(100, 0.1, 50)
  soon.measured(100, 0.1, 5) // slower than predicted: 0.05 ms per unit from now on
  soon.beforeSetting(200, 0.1, 50) // 500 ms: fits
  assert.throws(() => soon.beforeSetting(200, 0.01, 50), OverBudget, '1,000 ms for a sparser share')
  assert.throws(() => soon.before(2000), OverBudget)
  // tune() has no deadline.
  new Clock(null, 1).before(1e9)
})

test('past a build’s deadline the halving stops at the cheapest setting that passed', async () => {
  const { tried, measure } = curve((s) => (s >= 300 ? 0.96 : 0.9))
  const found = await findCheapest(
    { from: 40, to: 1000 },
    0.95,
    measure,
    undefined,
    undefined,
    () => true,
  )
  assert.equal(found.reached, true)
  assert.equal(found.best.setting, 320)
  assert.deepEqual(tried, [40, 80, 160, 320])
})
