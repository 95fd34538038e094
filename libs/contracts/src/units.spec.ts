import { describe, expect, it } from '@jest/globals';
import { countOf, formatBytes, parseByteSize } from './units.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

describe('sizes in binary units with IEC names, one system for the CLI and both web apps', () => {
  it.each([
    [0, '0 B'],
    [1, '1 B'],
    [1023, '1023 B'],
    [1024, '1 KiB'],
    [1536, '1.5 KiB'],
    [10 * KiB, '10 KiB'],
    [1023.9 * KiB, '1 MiB'],
    [99 * MiB, '99 MiB'],
    [314572800, '300 MiB'],
    [1.25 * GiB, '1.3 GiB'],
    [2 * 1024 * GiB, '2 TiB'],
  ])('formats %d bytes as %s', (size, text) => {
    expect(formatBytes(size)).toBe(text);
  });

  it.each([
    ['12345', 12345],
    ['700KB', 700 * KiB],
    ['700 KiB', 700 * KiB],
    ['700kb', 700 * KiB],
    ['10MB', 10 * MiB],
    ['10MiB', 10 * MiB],
    ['10M', 10 * MiB],
    ['1.5GB', 1.5 * GiB],
    ['1.5 gib', 1.5 * GiB],
    ['2TiB', 2 * 1024 * GiB],
    ['3 B', 3],
  ])('reads %s as %d bytes: KB and KiB both mean 1024', (text, size) => {
    expect(parseByteSize(text)).toBe(size);
  });

  it.each(['', 'lots', '-5MB', '10 XB', '1e9', '10 MBs', '.5MB'])('refuses %j', (text) => {
    expect(parseByteSize(text)).toBeUndefined();
  });

  it('counts with the right plural', () => {
    expect(countOf(1, 'file')).toBe('1 file');
    expect(countOf(0, 'file')).toBe('0 files');
    expect(countOf(2, 'download')).toBe('2 downloads');
    expect(countOf(1, 'search result')).toBe('1 search result');
    expect(countOf(3, 'match', 'matches')).toBe('3 matches');
  });
});
