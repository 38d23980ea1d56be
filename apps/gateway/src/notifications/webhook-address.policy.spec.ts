import { WebhookAddressPolicy } from './webhook-address.policy';

describe('WebhookAddressPolicy', () => {
  const policy = new WebhookAddressPolicy();

  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['169.254.169.254', 'linkLocal'],
    ['fe80::1', 'linkLocal'],
    ['fc00::1', 'uniqueLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['2002:a00:1::', '6to4'],
    ['240.0.0.1', 'reserved'],
  ])('refuses %s (%s)', (address, range) => {
    expect(policy.refusal(address)).toBe(range);
  });

  it.each(['8.8.8.8', '1.1.1.1', '93.184.216.34', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    'allows the public address %s',
    (address) => {
      expect(policy.refusal(address)).toBeUndefined();
    },
  );

  it('refuses what is not an address', () => {
    expect(policy.refusal('localhost')).toBe('not an IP address');
    expect(policy.refusal('')).toBe('not an IP address');
  });

  it('allows configured networks and nothing next to them', () => {
    const allowed = new WebhookAddressPolicy(['127.0.0.0/8', '::1/128', '10.0.0.5']);
    expect(allowed.refusal('127.0.0.1')).toBeUndefined();
    expect(allowed.refusal('127.9.9.9')).toBeUndefined();
    expect(allowed.refusal('::1')).toBeUndefined();
    expect(allowed.refusal('::ffff:127.0.0.1')).toBeUndefined();
    expect(allowed.refusal('10.0.0.5')).toBeUndefined();
    expect(allowed.refusal('10.0.0.6')).toBe('private');
    expect(allowed.refusal('169.254.169.254')).toBe('linkLocal');
  });
});
