import type { SimConnection, SimNetworkService, SimNetworkServiceConfig } from './records.js';
import type { IxapiWorld } from './world.js';

/**
 * Each object as the API answers it, with the fields the cloud service
 * document and the v2 schema show, secrets and request-only fields included:
 * what the exporter must leave out is really there to leave out. "Not set"
 * takes the three forms servers use: "" (services, as the document shows),
 * null (configs) and a missing key (connections).
 */
export function serviceJson(s: SimNetworkService): Record<string, unknown> {
  return {
    id: s.id,
    type: s.type,
    state: s.state,
    status: s.status,
    nsc_required_contact_roles: s.type === 'cloud_vc' ? ['implementation'] : [],
    product_offering: s.productOffering,
    decommission_at: s.decommissionAt,
    charged_until: s.chargedUntil,
    current_billing_start_date: '2024-03-01',
    managing_account: s.managingAccount,
    consuming_account: s.consumingAccount,
    external_ref: s.externalRef,
    purchase_order: `PO-${s.id.slice(0, 6)}`,
    contract_ref: null,
    billing_account: s.billingAccount,
    ...(s.type === 'cloud_vc' ? { cloud_key: s.cloudKey, provider_ref: s.providerRef } : {}),
    capacity: s.capacity,
    diversity: s.diversity,
  };
}

export function configJson(world: IxapiWorld, c: SimNetworkServiceConfig): Record<string, unknown> {
  const service = world.services.get(c.networkService);
  const account = world.accounts[0];
  return {
    id: c.id,
    type: c.type,
    state: c.state ?? service?.state ?? 'decommissioned',
    status: c.status,
    decommission_at: c.decommissionAt,
    managing_account: service?.managingAccount ?? account,
    consuming_account: service?.consumingAccount ?? account,
    billing_account: service?.billingAccount ?? account,
    external_ref: null,
    role_assignments: [],
    network_service: c.networkService,
    connection: c.connection,
    vlan_config: c.vlanConfig,
    ...(c.type === 'cloud_vc' ? { handover: c.handover, cloud_vlan: c.cloudVlan } : {}),
  };
}

export function connectionJson(world: IxapiWorld, c: SimConnection): Record<string, unknown> {
  const account = world.accounts[0];
  return {
    id: c.id,
    name: c.name,
    state: c.state,
    mode: c.mode,
    pop: c.pop,
    speed: c.speed,
    capacity_allocated: c.capacityAllocated,
    capacity_allocation_limit: c.capacityAllocationLimit,
    outer_vlan_ethertypes: ['0x8100'],
    vlan_types: ['dot1q', 'qinq'],
    billing_account: account,
    consuming_account: account,
    managing_account: account,
    contract_ref: null,
    external_ref: null,
    port_quantity: 1,
    port_reservations: [c.id],
    ports: [c.id],
    product_offering: c.productOffering,
    role_assignments: [],
    status: c.status,
    ...(c.decommissionAt === undefined ? {} : { decommission_at: c.decommissionAt }),
    subscriber_side_demarcs: [],
  };
}
