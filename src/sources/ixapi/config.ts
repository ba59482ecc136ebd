import { secretField, type ConfigSchema } from '../../config/fields.js';
import type { TargetConfig } from '../../core/source.js';
import { authFlow } from './auth.js';

export type IxapiAuthConfig = {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope: string;
  clientAuth: 'body' | 'basic';
  apiKey: string;
  apiSecret: string;
};

export type IxapiTarget = TargetConfig & {
  auth: IxapiAuthConfig;
  /** Empty: every type. */
  networkServiceTypes: string[];
  /** 0: never send page_limit/page_offset. */
  pageLimit: number;
  /** Labels a user opts into: each carries what not every user may publish. */
  labels: { externalRef: boolean };
};

export const schema: ConfigSchema = {
  auth: {
    tokenUrl: {
      doc: 'OAuth2 client credentials: token endpoint (e.g. https://login.example/connect/token)',
      format: 'optional-url',
      default: '',
    },
    clientId: { doc: 'OAuth2 client credentials: client_id', format: String, default: '' },
    ...secretField('clientSecret', 'OAuth2 client credentials: client_secret'),
    scope: { doc: 'OAuth2 client credentials: scope to request; "" requests none', format: String, default: '' },
    clientAuth: {
      doc: 'OAuth2 client credentials: send the client id and secret as form fields (body) or HTTP Basic (basic)',
      format: ['body', 'basic'],
      default: 'body',
    },
    ...secretField('apiKey', 'IX-API key/secret flow (POST <baseUrl>/auth/token): api_key'),
    ...secretField('apiSecret', 'IX-API key/secret flow: api_secret'),
  },
  networkServiceTypes: {
    doc: 'Network service types to collect (cloud_vc, p2p_vc, mp2mp_vc, exchange_lan, ...); empty means all',
    format: Array,
    default: [],
  },
  pageLimit: {
    doc: 'page_limit sent with every list request (IX-API schema 2.7 pagination; a server that refuses it with 400 is then read without); 0 sends none',
    format: 'nat',
    default: 100,
  },
  labels: {
    externalRef: {
      doc: "Add each network service's external_ref as a label of ixapi_network_service_info. The IX-API schema marks it a sensitive property and it is free text: enable it only if your references are fit to show wherever the metrics go",
      format: 'bool',
      default: false,
    },
  },
};

/** Problems across keys: exactly one complete auth flow, sane type names. */
export function check(target: IxapiTarget): Array<[string, string]> {
  const problems: Array<[string, string]> = [];
  const a = target.auth;
  const oauth = Boolean(a.tokenUrl || a.clientId || a.clientSecret);
  const keySecret = Boolean(a.apiKey || a.apiSecret);
  if (oauth && keySecret) {
    problems.push(['auth', 'give either tokenUrl/clientId/clientSecret (OAuth2) or apiKey/apiSecret (IX-API key and secret), not both']);
  } else if (authFlow(a) === undefined) {
    problems.push(['auth', 'is required: tokenUrl, clientId and clientSecret (OAuth2) or apiKey and apiSecret (IX-API key and secret)']);
  } else if (oauth) {
    if (!a.tokenUrl) problems.push(['auth.tokenUrl', 'is required for OAuth2 client credentials']);
    if (!a.clientId) problems.push(['auth.clientId', 'is required for OAuth2 client credentials']);
    if (!a.clientSecret) problems.push(['auth.clientSecret', 'is required for OAuth2 client credentials (or auth.clientSecretFile)']);
  } else {
    if (!a.apiKey) problems.push(['auth.apiKey', 'is required with auth.apiSecret (or auth.apiKeyFile)']);
    if (!a.apiSecret) problems.push(['auth.apiSecret', 'is required with auth.apiKey (or auth.apiSecretFile)']);
  }
  target.networkServiceTypes.forEach((t, i) => {
    if (typeof t !== 'string' || t === '') problems.push([`networkServiceTypes[${i}]`, 'must be a non-empty string']);
  });
  return problems;
}
