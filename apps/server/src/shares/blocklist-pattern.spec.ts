import { describe, expect, it } from '@jest/globals';
import { foldName, matchesPattern, matchGlob, patternToIlike } from './blocklist-pattern.js';

describe('blocklist patterns', () => {
  it.each([
    ['crack', 'Photoshop CRACK keygen.zip', true],
    ['crack', 'Crackle.mp3', true],
    ['crack', 'Snap.mp3', false],
    ['*.exe', 'setup.EXE', true],
    ['*.exe', 'setup.exe.txt', false],
    ['setup?.msi', 'setup2.msi', true],
    ['setup?.msi', 'setup22.msi', false],
    ['a.b', 'axb', false],
    ['100%', 'done 100%.txt', true],
    ['*setup*crack*.exe', 'My SETUP with a Crack.exe', true],
    ['*setup*crack*.exe', 'crack then setup.exe', false],
    ['*', '', true],
    ['?', '', false],
    ['é?', 'É1', true],
    ['a*', 'a\nb', true],
  ])('%s against %s → %s', (pattern, name, expected) => {
    expect(matchesPattern(pattern, name)).toBe(expected);
  });

  it('agrees with a regular-expression glob on every short pattern and name over a small alphabet', () => {
    const alphabet = ['a', 'b', '*', '?'];
    const strings = (max: number, letters: string[]) => {
      const all = [''];
      for (let length = 1; length <= max; length += 1) {
        for (const prefix of all.filter((text) => text.length === length - 1)) all.push(...letters.map((letter) => prefix + letter));
      }
      return all;
    };
    const oracle = (pattern: string, name: string) =>
      new RegExp(`^${pattern.replaceAll('*', '.*').replaceAll('?', '.')}$`, 's').test(name);
    const names = strings(5, ['a', 'b']);
    for (const pattern of strings(4, alphabet).filter((text) => /[*?]/.test(text))) {
      for (const name of names) {
        if (matchesPattern(pattern, name) !== oracle(pattern, name)) throw new Error(`"${pattern}" against "${name}" disagrees`);
      }
    }
  });

  it.each([
    ['*a*a*a*a*b', 'a'.repeat(124)],
    ['*setup*crack*.exe', 'setup'.repeat(100) + 'crack'.repeat(100)],
    ['*a*a*a*a*a*a*a*a*a*a*a*a*b', 'a'.repeat(5000)],
  ])('matches %s in at most (name+1)·(pattern+1) steps, without backtracking blow-up', (pattern, name) => {
    const glob = foldName(pattern).chars;
    const folded = foldName(name).chars;
    const meter = { steps: 0 };
    expect(matchGlob(glob, folded, meter)).toBe(false);
    expect(meter.steps).toBeLessThanOrEqual((folded.length + 1) * (glob.length + 1));
    expect(meter.steps).toBeGreaterThan(0);
  });

  it('escapes LIKE wildcards that are meant literally and turns globs into LIKE wildcards', () => {
    expect(patternToIlike('100%_off')).toBe('%100\\%\\_off%');
    expect(patternToIlike('*.exe')).toBe('%.exe');
    expect(patternToIlike('setup?.msi')).toBe('setup_.msi');
  });
});
