// What the simulator holds of each object; tests may change any field between cycles.

export interface SimStatusMessage {
  severity: number;
  tag: string;
  message: string;
  attrs: Record<string, unknown>;
  timestamp: string;
}

/** A network service, with the lifecycle it walks. */
export interface SimNetworkService {
  id: string;
  type: string;
  state: string;
  productOffering: string;
  managingAccount: string;
  consumingAccount: string;
  billingAccount: string;
  externalRef: string | null;
  cloudKey: string | null;
  /** Mbit/s; null: the offering's maximum. */
  capacity: number | null;
  diversity: number;
  status: SimStatusMessage[];
  /** A date; "" when none is planned (as the cloud service document shows it). */
  decommissionAt: string;
  chargedUntil: string;
  providerRef: string;
  lifecycle: string[];
  step: number;
}

export interface SimNetworkServiceConfig {
  id: string;
  type: string;
  networkService: string;
  connection: string;
  handover: number | null;
  cloudVlan: number | null;
  vlanConfig: Record<string, unknown>;
  /** Set: the config's own state; unset: it follows its service. */
  state?: string;
  status: SimStatusMessage[];
  /** A date; null when none is planned. */
  decommissionAt: string | null;
}

export interface SimConnection {
  id: string;
  name: string;
  state: string;
  mode: string;
  pop: string;
  /** Mbit/s. */
  speed: number | null;
  capacityAllocated: number;
  capacityAllocationLimit: number | null;
  productOffering: string;
  status: SimStatusMessage[];
  /** A date; undefined: the field is left out of the answer. */
  decommissionAt?: string;
}
