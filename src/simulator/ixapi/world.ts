import { pick, rngUuid } from '../rng.js';
import { ALLOCATION_RATIOS, CONNECTION_SPEEDS, GONE, LIFECYCLE_NAMES, LIFECYCLES, OFFERINGS, POPS } from './catalogue.js';
import { cloudKey, digits } from './random.js';
import type { SimConnection, SimNetworkService, SimNetworkServiceConfig, SimStatusMessage } from './records.js';

export interface WorldOptions {
  services: number;
  connections: number;
  decommissionedAs: 'absent' | 'archived' | 'decommissioned';
  respawn: boolean;
  /** Unix time in ms of a state change: status timestamps and decommission dates follow it. */
  clock: () => number;
}

/**
 * Network services walking their lifecycles, their configs (one per handover
 * and peering) and the connections they ride on: what the API lists.
 */
export class IxapiWorld {
  readonly services = new Map<string, SimNetworkService>();
  readonly configs = new Map<string, SimNetworkServiceConfig>();
  readonly connections = new Map<string, SimConnection>();
  readonly accounts: string[];
  private serial = 0;

  constructor(
    private readonly rng: () => number,
    private readonly opts: WorldOptions,
  ) {
    this.accounts = Array.from({ length: 3 }, () => `A00${digits(rng, 5)}`);
    this.buildConnections(opts.connections);
    for (let i = 0; i < opts.services; i++) this.addService(i);
  }

  /** Moves every service one step along its lifecycle. */
  tick(): void {
    for (const s of [...this.services.values()]) this.advance(s);
  }

  /** Puts a service in a state as its lifecycle would: status messages and dates follow. */
  setState(s: SimNetworkService, state: string): void {
    s.state = state;
    this.enter(s, state);
  }

  /** Orders a connection's decommissioning at the end of a notice period, as `DELETE /connections/{id}` with a date does. */
  decommissionConnection(c: SimConnection, inDays: number): void {
    c.state = 'decommission_requested';
    c.decommissionAt = this.day(inDays);
    c.status = [this.statusMessage(5, 'decommission', `Decommissioning on ${c.decommissionAt}`)];
  }

  /** Removes a service and its configs, as a finished decommissioning does. */
  removeService(id: string): void {
    this.services.delete(id);
    for (const [cid, c] of this.configs) if (c.networkService === id) this.configs.delete(cid);
  }

  statusMessage(severity: number, tag: string, message: string): SimStatusMessage {
    return { severity, tag, message, attrs: {}, timestamp: new Date(this.opts.clock()).toISOString().replace(/\.\d+Z$/, 'Z') };
  }

  /** The date `offsetDays` after the world's clock. */
  day(offsetDays: number): string {
    return new Date(this.opts.clock() + offsetDays * 86_400_000).toISOString().slice(0, 10);
  }

  private buildConnections(count: number): void {
    for (let i = 0; i < count; i++) {
      const id = `CANL-05${digits(this.rng, 4)}`;
      const speed = CONNECTION_SPEEDS[i % CONNECTION_SPEEDS.length]!;
      const ratio = ALLOCATION_RATIOS[i % ALLOCATION_RATIOS.length] as number | null;
      const testing = i === count - 1 && count > 2;
      this.connections.set(id, {
        id,
        name: i % 2 ? `cloud-access-${i}` : id,
        state: testing ? 'testing' : 'production',
        mode: i % 3 === 2 ? 'lag_lacp' : 'standalone',
        pop: POPS[i % POPS.length]!,
        speed,
        capacityAllocated: ratio === null ? Math.round(speed * 0.4) : Math.round(speed * ratio),
        capacityAllocationLimit: ratio === null ? null : speed,
        productOffering: `503235.${POPS[i % POPS.length]!.slice(4).toUpperCase()}.E`,
        status: testing ? [this.statusMessage(5, 'cross_connect', 'The cross-connect is being tested')] : [],
      });
    }
  }

  /** Service `index` 0 is stuck in error for good; the others take the lifecycles in turn. */
  private addService(index: number, fresh = false): void {
    const stuckInError = index === 0 && !fresh;
    const lifecycle = LIFECYCLES[stuckInError ? 'fail' : LIFECYCLE_NAMES[(index - 1 + LIFECYCLE_NAMES.length) % LIFECYCLE_NAMES.length]!]!;
    const offering = stuckInError ? OFFERINGS[0]! : OFFERINGS[index % OFFERINGS.length]!;
    // A fresh service starts at the beginning; the initial world is caught at every stage (never past GONE).
    const step = stuckInError ? lifecycle.length - 1 : fresh ? 0 : Math.floor(this.rng() * (lifecycle.length - 1));
    const managing = pick(this.rng, this.accounts);
    const service: SimNetworkService = {
      id: `ns-${rngUuid(this.rng)}`,
      type: offering.type,
      state: lifecycle[step]!,
      productOffering: offering.id,
      managingAccount: managing,
      consumingAccount: this.rng() < 0.5 ? managing : pick(this.rng, this.accounts),
      billingAccount: managing,
      externalRef: this.rng() < 0.3 ? null : `IX:Service:${digits(this.rng, 5)}`,
      cloudKey: offering.cloud ? cloudKey(this.rng, offering.cloud) : null,
      capacity: offering.type === 'exchange_lan' ? null : offering.type === 'p2p_vc' ? 1000 : pick(this.rng, [50, 100, 200, 500, 1000, 2000, null]),
      diversity: offering.type === 'cloud_vc' ? (this.rng() < 0.5 ? 1 : 2) : 1,
      status: [],
      decommissionAt: '',
      chargedUntil: '',
      providerRef: rngUuid(this.rng),
      lifecycle,
      step,
    };
    this.services.set(service.id, service);
    this.addConfigs(service);
    this.enter(service, service.state);
  }

  private addConfigs(s: SimNetworkService): void {
    const conns = [...this.connections.values()];
    if (conns.length === 0) return;
    const first = Math.floor(this.rng() * conns.length);
    const peerings = s.productOffering.startsWith('ms-express-route') ? 2 : 1;
    for (let handover = 1; handover <= s.diversity; handover++) {
      // Diverse handovers go to different connections (different pops where there are several).
      const conn = conns[(first + handover - 1) % conns.length]!;
      for (let peering = 0; peering < peerings; peering++) {
        const id = `nsc-${rngUuid(this.rng)}`;
        const vlan = 100 + Math.floor(this.rng() * 3900);
        this.configs.set(id, {
          id,
          type: s.type,
          networkService: s.id,
          connection: conn.id,
          handover: s.type === 'cloud_vc' ? handover : null,
          cloudVlan: peerings > 1 ? 400 + peering : null,
          vlanConfig:
            this.rng() < 0.7
              ? { vlan_type: 'dot1q', vlan, vlan_ethertype: '0x8100' }
              : { vlan_type: 'qinq', outer_vlan: vlan, outer_vlan_ethertype: '0x8100', inner_vlan: 33 },
          status: [],
          decommissionAt: null,
        });
      }
    }
  }

  private advance(s: SimNetworkService): void {
    if (s.step >= s.lifecycle.length - 1) return;
    s.step += 1;
    const next = s.lifecycle[s.step]!;
    if (next !== GONE) {
      this.setState(s, next);
      return;
    }
    if (this.opts.decommissionedAs !== 'absent') {
      s.state = this.opts.decommissionedAs;
      s.lifecycle = [s.state];
      s.step = 0;
      return;
    }
    this.removeService(s.id);
    if (this.opts.respawn) this.addService(++this.serial, true);
  }

  /** What a state change does to the service's other fields and to its configs. */
  private enter(s: SimNetworkService, state: string): void {
    const configs = [...this.configs.values()].filter((c) => c.networkService === s.id);
    const msg = (severity: number, tag: string, message: string) => this.statusMessage(severity, tag, message);
    let configStatus: SimStatusMessage[] = [];
    switch (state) {
      case 'error':
        s.status = [
          msg(3, 'provisioning_failed', 'The cloud provider refused the connection request'),
          msg(4, 'cloud_key', 'The cloud key could not be validated'),
        ];
        configStatus = [msg(3, 'handover_failed', 'The handover could not be configured')];
        break;
      case 'testing':
        s.status = [msg(5, 'testing', 'Handover is being tested')];
        break;
      case 'operator':
        s.status = [msg(6, 'operator', 'Waiting for an operator')];
        break;
      case 'production_change_pending':
        s.status = [msg(6, 'change', 'A capacity change is pending')];
        break;
      case 'decommission_requested':
        s.decommissionAt = this.day(0);
        s.chargedUntil = this.day(30);
        s.status = [msg(5, 'decommission', 'Decommissioning in progress')];
        for (const c of configs) c.decommissionAt = s.decommissionAt;
        break;
      default:
        s.status = [];
    }
    for (const c of configs) c.status = configStatus;
  }
}
