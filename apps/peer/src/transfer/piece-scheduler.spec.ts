import { describe, expect, it } from '@jest/globals';
import { PieceScheduler } from './piece-scheduler.js';
import { PieceSet } from './piece-set.js';

describe('PieceScheduler', () => {
  it('hands out runs lowest first without partial sources, never a piece twice', () => {
    const scheduler = new PieceScheduler(new PieceSet(10));
    expect(scheduler.claim(4)).toEqual([0, 1, 2, 3]);
    expect(scheduler.claim(4)).toEqual([4, 5, 6, 7]);
    scheduler.release([1, 2]);
    expect(scheduler.claim(4)).toEqual([1, 2]);
    expect(scheduler.claim(4)).toEqual([8, 9]);
    expect(scheduler.claim(4)).toBeUndefined();
  });

  it('asks a partial source only for pieces it has', () => {
    const scheduler = new PieceScheduler(new PieceSet(10));
    const has = (index: number) => index === 3 || index === 4 || index === 7;
    expect(scheduler.claim(4, { has })).toEqual([3, 4]);
    expect(scheduler.claim(4, { has })).toEqual([7]);
    expect(scheduler.claim(4, { has })).toBeUndefined();
    // A complete source still gets everything else.
    expect(scheduler.claim(10)).toEqual([0, 1, 2]);
  });

  it('claims the rarest pieces first: those the fewest partial sources hold', () => {
    const scheduler = new PieceScheduler(new PieceSet(8));
    const holders = [2, 2, 1, 0, 0, 1, 2, 2];
    expect(scheduler.claim(8, { holders: (index) => holders[index]! })).toEqual([3, 4]);
    expect(scheduler.claim(8, { holders: (index) => holders[index]! })).toEqual([2]);
    expect(scheduler.claim(8, { holders: (index) => holders[index]! })).toEqual([5]);
    expect(scheduler.claim(8, { holders: (index) => holders[index]! })).toEqual([0, 1]);
  });

  it('starts at a random one of the rarest pieces when asked, so downloaders that start together spread out', () => {
    const starts = new Set<number>();
    for (let attempt = 0; attempt < 50; attempt++) starts.add(new PieceScheduler(new PieceSet(100)).claim(4, { random: true })![0]!);
    expect(starts.size).toBeGreaterThan(10);
    const scheduler = new PieceScheduler(new PieceSet(100));
    const holders = (index: number) => (index === 42 ? 0 : 1);
    expect(scheduler.claim(4, { random: true, holders })).toEqual([42]);
  });

  it('keeps a complete source to pieces no partial source holds, when asked to', () => {
    const scheduler = new PieceScheduler(new PieceSet(6));
    const holders = [1, 0, 2, 0, 1, 1];
    expect(scheduler.claim(6, { holders: (index) => holders[index]!, onlyUnheld: true })).toEqual([1]);
    expect(scheduler.claim(6, { holders: (index) => holders[index]!, onlyUnheld: true })).toEqual([3]);
    expect(scheduler.claim(6, { holders: (index) => holders[index]!, onlyUnheld: true })).toBeUndefined();
    expect(scheduler.claim(6, { holders: (index) => holders[index]! })).toEqual([0]);
  });

  it('sweeps on from a given piece, wrapping around, when asked to', () => {
    const scheduler = new PieceScheduler(new PieceSet(6));
    expect(scheduler.claim(1, { from: 4 })).toEqual([4]);
    expect(scheduler.claim(1, { from: 5 })).toEqual([5]);
    expect(scheduler.claim(2, { from: 0 })).toEqual([0, 1]);
    // Piece 2 is held by someone else: the sweep moves into the longest free stretch (2..3 is left).
    const holders = [0, 0, 1, 0, 0, 0];
    expect(scheduler.claim(1, { from: 2, holders: (index) => holders[index]!, onlyUnheld: true })).toEqual([3]);
    expect(scheduler.claim(1, { from: 2 })).toEqual([2]);
  });
});

