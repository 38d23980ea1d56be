import ipaddr from 'ipaddr.js';

/**
 * Which addresses a webhook may connect to (pure, no I/O). Only public unicast addresses by default: loopback,
 * link-local, private, unique-local, carrier-grade NAT, multicast, broadcast, unspecified and the reserved and
 * translation ranges (6to4, Teredo, NAT64, which can embed a private IPv4) are refused unless an allowed network
 * covers them. IPv4-mapped IPv6 (`::ffff:10.0.0.1`) is judged as the IPv4 address it maps.
 */
export class WebhookAddressPolicy {
  private readonly allowed: Array<[ipaddr.IPv4 | ipaddr.IPv6, number]>;

  /** @param allowedNetworks CIDRs (`127.0.0.0/8`, `::1/128`) or single addresses that are allowed anyway. */
  constructor(allowedNetworks: readonly string[] = []) {
    this.allowed = allowedNetworks.map((network) => parseNetwork(network));
  }

  /** Undefined when the address may be used, else why not (the ipaddr.js range name). */
  refusal(address: string): string | undefined {
    if (!ipaddr.isValid(address)) return 'not an IP address';
    const ip = ipaddr.process(address);
    if (this.allowed.some(([network, bits]) => network.kind() === ip.kind() && ip.match(network, bits))) {
      return undefined;
    }
    const range = ip.range();
    return range === 'unicast' ? undefined : range;
  }
}

/** A CIDR or a single address as a network; throws on anything else (the config schema reports it). */
export function parseNetwork(network: string): [ipaddr.IPv4 | ipaddr.IPv6, number] {
  if (network.includes('/')) return ipaddr.parseCIDR(network);
  const address = ipaddr.parse(network);
  return [address, address.kind() === 'ipv4' ? 32 : 128];
}
