import assert from 'node:assert/strict'
import { test } from 'node:test'
import { workMemForBuild } from '../../src/vector-index/memory.js'
import { formatBuildNote, parseBuildNote } from '../../src/vector-index/note.js'
import { buildWorkers } from '../../src/vector-index/workers.js'

const MB = 1024 * 1024

test("a build's workers: the server's max_parallel_workers less the leader, within what it lets start", () => {
  // A server sized to its cores (Supabase's 2-core compute: max_parallel_workers = 2).
  assert.equal(buildWorkers(null, { parallelWorkers: 2, workerProcesses: 8 }), 1)
  // PostgreSQL's defaults: 8 and 8.
  assert.equal(buildWorkers(null, { parallelWorkers: 8, workerProcesses: 8 }), 7)
  // max_worker_processes below max_parallel_workers bounds it.
  assert.equal(buildWorkers(null, { parallelWorkers: 8, workerProcesses: 3 }), 2)
  // A server that allows no parallel work.
  assert.equal(buildWorkers(null, { parallelWorkers: 0, workerProcesses: 8 }), 0)
  assert.equal(buildWorkers(null, { parallelWorkers: 1, workerProcesses: 8 }), 0)
  // What the caller asks for, never more than the server lets start.
  assert.equal(buildWorkers(0, { parallelWorkers: 8, workerProcesses: 8 }), 0)
  assert.equal(buildWorkers(3, { parallelWorkers: 8, workerProcesses: 8 }), 3)
  assert.equal(buildWorkers(12, { parallelWorkers: 8, workerProcesses: 8 }), 8)
  assert.equal(buildWorkers(2, { parallelWorkers: 8, workerProcesses: 1 }), 1)
})

test('a parallel build asks for the 32 MB per participant PostgreSQL plans workers by', () => {
  const currentKb = 64 * 1024
  // A small build needs no more than the server's 64 MB: one worker fits (32 MB × 2).
  assert.equal(workMemForBuild(1 * MB, currentKb, 2048 * MB, 1), currentKb)
  // Three workers and the leader want 128 MB.
  assert.equal(workMemForBuild(1 * MB, currentKb, 2048 * MB, 3), 128 * 1024)
  // The estimate wins when it is larger, and the cap bounds both.
  assert.equal(workMemForBuild(500 * MB, currentKb, 2048 * MB, 3), 516 * 1024)
  assert.equal(workMemForBuild(1 * MB, currentKb, 100 * MB, 7), 100 * 1024)
  // Without workers nothing changes.
  assert.equal(workMemForBuild(1 * MB, currentKb, 2048 * MB), currentKb)
})

test("the build's note keeps the workers it ran, and older notes still read", () => {
  const note = { rows: 120_000, autoLists: true, workers: 2 }
  const text = formatBuildNote(note)
  assert.equal(text, 'vecs rows=120000 lists=auto workers=2')
  assert.deepEqual(parseBuildNote(text), note)
  assert.deepEqual(parseBuildNote(`${text} tune=advised`), { ...note, tuneAdvised: true })
  assert.deepEqual(parseBuildNote('vecs rows=5 lists=given'), { rows: 5, autoLists: false })
  // A tail vecs cannot read is no tuning and no workers.
  assert.deepEqual(parseBuildNote('vecs rows=5 lists=given workers=x'), {
    rows: 5,
    autoLists: false,
  })
})
