import { describe, expect, it } from '@jest/globals';
import { execArgument, withoutHandler } from './desktop-handler.js';

describe('the desktop entry and mimeapps.list', () => {
  it.each([
    ['/usr/bin/node', '/usr/bin/node'],
    ['/home/al ice/Downloads', '"/home/al ice/Downloads"'],
    ['/srv/100%', '/srv/100%%'],
    ['/tmp/$HOME`x`', '"/tmp/\\\\$HOME\\\\`x\\\\`"'],
    ['C:\\dir', '"C:\\\\\\\\dir"'],
  ])('quotes the Exec argument %s as the Desktop Entry Specification says', (argument, written) => {
    expect(execArgument(argument)).toBe(written);
  });

  it('takes peerdex.desktop out of the lines of its types only, dropping a line left empty', () => {
    const before = [
      '[Default Applications]',
      'x-scheme-handler/peerdex=peerdex.desktop',
      'application/vnd.peerdex.manifest+json=other.desktop;peerdex.desktop;',
      'text/plain=peerdex.desktop;gedit.desktop;',
      '# a comment',
      '',
    ].join('\n');
    expect(withoutHandler(before)).toBe(
      ['[Default Applications]', 'application/vnd.peerdex.manifest+json=other.desktop;', 'text/plain=peerdex.desktop;gedit.desktop;', '# a comment', ''].join('\n'),
    );
  });
});
