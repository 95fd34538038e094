import { describe, expect, it } from '@jest/globals';
import { remoteAddressOf } from './peer-address.js';

describe('the address a peer socket comes from', () => {
  const handshake = (forwarded?: string | string[]) => ({ address: '10.0.0.2', headers: { 'x-forwarded-for': forwarded } });

  it('is the connection’s address unless a proxy is trusted', () => {
    expect(remoteAddressOf(handshake('198.51.100.7'), false)).toBe('10.0.0.2');
  });

  it('behind a trusted proxy, is the hop the proxy appended, not one the client wrote', () => {
    expect(remoteAddressOf(handshake('198.51.100.7'), true)).toBe('198.51.100.7');
    expect(remoteAddressOf(handshake('127.0.0.1, 203.0.113.9'), true)).toBe('203.0.113.9');
    expect(remoteAddressOf(handshake(['169.254.169.254', '203.0.113.9 ']), true)).toBe('203.0.113.9');
    expect(remoteAddressOf(handshake(), true)).toBe('10.0.0.2');
    expect(remoteAddressOf(handshake(' , '), true)).toBe('10.0.0.2');
  });
});
