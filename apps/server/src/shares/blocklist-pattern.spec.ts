import { describe, expect, it } from '@jest/globals';
import { patternToIlike, patternToRegExp } from './blocklist-pattern.js';

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
  ])('%s against %s → %s', (pattern, name, expected) => {
    expect(patternToRegExp(pattern).test(name)).toBe(expected);
  });

  it('escapes LIKE wildcards that are meant literally and turns globs into LIKE wildcards', () => {
    expect(patternToIlike('100%_off')).toBe('%100\\%\\_off%');
    expect(patternToIlike('*.exe')).toBe('%.exe');
    expect(patternToIlike('setup?.msi')).toBe('setup_.msi');
  });
});
